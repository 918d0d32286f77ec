/**
 * The refinery's AWS steps, played locally on real PostgreSQL: an RDS snapshot and a restore
 * from it are block copies of a volume, so here they are copies of a cluster's files; the
 * sanitize task in between is the real one (app/src/sanitize.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import pino from "pino";
import type { SanitizeConfig } from "../../app/src/sanitizer/config";
import { PgCluster, type ClusterOptions } from "./pg-cluster";
import { APP_DATABASE, LOCAL_HMAC_KEY, MASTER_PASSWORD, MASTER_USER } from "./refinery-seed";

/** The sanitize task's environment for a local sanitizer cluster. */
export function sanitizerConfig(
  cluster: PgCluster,
  overrides: Partial<SanitizeConfig> = {},
): SanitizeConfig {
  return {
    APP_STAGE: "production",
    DB_HOST: "127.0.0.1",
    DB_PORT: cluster.port,
    DB_NAME: APP_DATABASE,
    DB_USER: MASTER_USER,
    DB_PASSWORD: MASTER_PASSWORD,
    SANITIZE_HMAC_KEY: LOCAL_HMAC_KEY,
    APP_DISABLE_TLS: true,
    LOG_LEVEL: "info",
    ...overrides,
  };
}

/** "Restore production's newest snapshot into the sanitizer": production's files as they are on disk. */
export async function restoreSanitizer(
  production: PgCluster,
  name = "sanitizer",
  options?: ClusterOptions,
): Promise<PgCluster> {
  // Stopped for the copy, so the copy is one consistent image (RDS snapshots are, by the storage layer).
  await production.stop();
  const sanitizer = await production.copyTo(name, options);
  await production.start();
  await sanitizer.start();
  return sanitizer;
}

/** "Snapshot the sanitizer": its files, copied into a directory of their own. */
export async function snapshotSanitizer(sanitizer: PgCluster, directory: string): Promise<void> {
  await sanitizer.stop();
  sanitizer.snapshotTo(directory);
}

export function snapshotDirectory(name: string): string {
  return path.join("/tmp", `multistage-${name}-${process.pid}`);
}

export function removeDirectory(directory: string): void {
  fs.rmSync(directory, { recursive: true, force: true });
}

/** A pino logger that keeps its JSON lines in memory, for tests to read. */
export function memoryLogger(): {
  logger: pino.Logger;
  lines: () => Array<Record<string, unknown>>;
  text: () => string;
} {
  const chunks: string[] = [];
  const logger = pino(
    { level: "info", base: { stage: "production" } },
    { write: (chunk: string) => void chunks.push(chunk) },
  );
  const text = () => chunks.join("");
  return {
    logger,
    text,
    lines: () =>
      text()
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
