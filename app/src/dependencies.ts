/**
 * The app's real clients: PostgreSQL (pg), Redis (ioredis) and S3, with TLS as the stack
 * configures it, and one readiness check each.
 */
import { HeadBucketCommand, S3Client } from "@aws-sdk/client-s3";
import * as fs from "node:fs";
import Redis, { RedisOptions } from "ioredis";
import { Pool, PoolConfig } from "pg";
import type { AppConfig } from "./config";
import { UnexpectedAnswerError } from "./failure-reason";

export interface DependencyCheck {
  name: "postgres" | "redis" | "bucket";
  /** Where the dependency is looked for, for the log only (it names internal hosts). */
  target: string;
  check(signal: AbortSignal): Promise<void>;
}

export interface Dependencies {
  checks: DependencyCheck[];
  /** Closes every client; called once during shutdown. */
  close(): Promise<void>;
}

export type DatabaseSettings = Pick<
  AppConfig,
  "DB_HOST" | "DB_PORT" | "DB_NAME" | "DB_USER" | "DB_PASSWORD" | "APP_DISABLE_TLS" | "DB_CA_FILE"
>;

/** Connection settings for PostgreSQL, shared by the app and the sanitize step. */
export function postgresSettings(config: DatabaseSettings): PoolConfig {
  return {
    host: config.DB_HOST,
    port: config.DB_PORT,
    database: config.DB_NAME,
    user: config.DB_USER,
    password: config.DB_PASSWORD,
    // RDS enforces TLS (rds.force_ssl=1); verify its certificate against Amazon's bundle.
    ssl: config.APP_DISABLE_TLS
      ? false
      : {
          rejectUnauthorized: true,
          ...(config.DB_CA_FILE ? { ca: fs.readFileSync(config.DB_CA_FILE, "utf8") } : {}),
        },
  };
}

export type CacheSettings = Pick<
  AppConfig,
  | "REDIS_HOST"
  | "REDIS_PORT"
  | "REDIS_USERNAME"
  | "REDIS_KEY_PREFIX"
  | "REDIS_TOKEN"
  | "REDIS_TLS"
  | "APP_DISABLE_TLS"
  | "READY_TIMEOUT_MS"
>;

/**
 * Connection settings for Redis: who the app is and the prefix ioredis puts before every key it
 * sends (a feature stack on development's cache may touch only `<stack>:*`).
 */
export function redisSettings(config: CacheSettings): RedisOptions {
  return {
    host: config.REDIS_HOST,
    port: config.REDIS_PORT,
    // `AUTH <password>` authenticates as the implicit user `default` (Redis's AUTH command), so
    // a cache of the stage's own gets exactly the one-argument AUTH its token was made for; any
    // other user sends `AUTH <user> <password>`.
    ...(config.REDIS_USERNAME === "default" ? {} : { username: config.REDIS_USERNAME }),
    password: config.REDIS_TOKEN,
    keyPrefix: config.REDIS_KEY_PREFIX,
    // ioredis's ready check sends INFO, which is @dangerous: a user limited to its own prefix
    // may not run it, and ioredis would warn on every connect.
    enableReadyCheck: config.REDIS_USERNAME === "default",
    tls: config.APP_DISABLE_TLS || !config.REDIS_TLS ? undefined : {},
    // Fail fast while Redis is away instead of queueing; reconnect in the background.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: config.READY_TIMEOUT_MS,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    lazyConnect: false,
  };
}

export function createDependencies(config: AppConfig): Dependencies {
  const pool = new Pool({
    ...postgresSettings(config),
    max: 10,
    connectionTimeoutMillis: config.READY_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
  });
  // A dropped idle connection must not crash the process; the next query reconnects.
  pool.on("error", () => undefined);

  const redis = new Redis(redisSettings(config));
  redis.on("error", () => undefined);

  const s3 = new S3Client({
    region: config.AWS_REGION,
    ...(config.S3_ENDPOINT ? { endpoint: config.S3_ENDPOINT, forcePathStyle: true } : {}),
    maxAttempts: 1,
  });

  const checks: DependencyCheck[] = [
    {
      name: "postgres",
      target: `${config.DB_HOST}:${config.DB_PORT}/${config.DB_NAME}`,
      check: async () => {
        await pool.query("select 1");
      },
    },
    {
      name: "redis",
      target: `${config.REDIS_HOST}:${config.REDIS_PORT}`,
      check: async () => {
        const answer = await redis.ping();
        if (answer !== "PONG") throw new UnexpectedAnswerError(`unexpected PING answer ${answer}`);
      },
    },
    {
      name: "bucket",
      target: `s3://${config.BUCKET_NAME}${config.S3_ENDPOINT ? ` at ${config.S3_ENDPOINT}` : ""}`,
      check: async (signal) => {
        await s3.send(new HeadBucketCommand({ Bucket: config.BUCKET_NAME }), {
          abortSignal: signal,
        });
      },
    },
  ];

  return {
    checks,
    close: async () => {
      await Promise.allSettled([
        pool.end(),
        redis.quit().catch(() => redis.disconnect()),
        Promise.resolve(s3.destroy()),
      ]);
    },
  };
}
