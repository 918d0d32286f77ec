/**
 * The app's configuration, read only from the environment the stack injects. The schema's
 * keys are the contract's list, so a variable the stack passes and the app ignores (or the
 * reverse) is a type error, not a surprise in production.
 */
import { z } from "zod";
import { AppEnvironmentName, AppSecretName, STAGE_KINDS } from "./contract";

const port = z.coerce.number({ invalid_type_error: "a port number" }).int().min(1).max(65535);
/** 0 asks the OS for any free port, which local runs and tests use. */
const listenPort = z.coerce.number({ invalid_type_error: "a port number" }).int().min(0).max(65535);
const hostname = z
  .string()
  .min(1, "a host name")
  .regex(/^[A-Za-z0-9.-]+$/, "a host name");

/** Exactly the contract: every variable the task definition passes, nothing else. */
export const contractSchema = z.object({
  APP_STAGE: z.string().regex(/^[a-z][a-z0-9-]*$/, "a stage name like staging or feature-login"),
  APP_STAGE_KIND: z.enum(STAGE_KINDS),
  APP_IMAGE: z.string().min(1, "the image reference the stage runs"),
  PORT: listenPort,
  AWS_REGION: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "an AWS region like eu-west-1"),
  BUCKET_NAME: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "an S3 bucket name"),
  DB_HOST: hostname,
  DB_PORT: port,
  DB_NAME: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, "a database name"),
  DB_USER: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, "a database user name"),
  DB_PASSWORD: z.string().min(8, "the database password (at least 8 characters)"),
  REDIS_HOST: hostname,
  REDIS_PORT: port,
  /**
   * The cache user the app authenticates as: `default` on a cache of the stage's own, the stack's
   * name for a feature stack with a user on development's cache (ElastiCache user names).
   */
  REDIS_USERNAME: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,39}$/, "a cache user name like default or feature-login"),
  /**
   * What every key the app writes starts with: `<stage>:`. On development's shared cache it is
   * the only key pattern the feature stack's user may touch; never empty, because ECS drops an
   * environment variable whose value is empty.
   */
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[a-z][a-z0-9-]*:$/, "a key prefix like feature-login: (the stage and a colon)"),
  REDIS_TOKEN: z.string().min(16, "the Redis auth token (at least 16 characters)"),
  /**
   * TLS to the cache: `true` for ElastiCache (in-transit encryption is on everywhere); `false`
   * only for a cache in the app's own task, reached on the loopback address (a feature stack's
   * sidecar), which no packet leaves the task for.
   */
  REDIS_TLS: z.enum(["true", "false"], { message: "true or false" }).transform((v) => v === "true"),
} satisfies Record<AppEnvironmentName | AppSecretName, z.ZodTypeAny>);

const flag = z.enum(["true", "false"]).transform((v) => v === "true");

/** Where a cache in the app's own task answers: nothing outside the task reaches these. */
export const LOOPBACK_HOSTS: readonly string[] = ["127.0.0.1", "localhost"];

/** Local-only settings the stack never sets: test endpoints and the TLS switch for local services. */
export const localSchema = z.object({
  /** Talk to PostgreSQL and Redis without TLS. Only for local services; refused in production. */
  APP_DISABLE_TLS: flag.default("false"),
  /** An S3-compatible endpoint (e.g. a local S3 server) instead of AWS. */
  S3_ENDPOINT: z.string().url("a URL like http://127.0.0.1:4569").optional(),
  /** PEM bundle to verify RDS certificates with (the image ships Amazon's RDS bundle). */
  DB_CA_FILE: z.string().optional(),
  /** Git commit the image was built from (a Docker build argument). */
  GIT_COMMIT: z.string().default("unknown"),
  /** Time each readiness check may take, in ms. */
  READY_TIMEOUT_MS: z.coerce.number().int().min(50).max(10_000).default(1000),
  /** Enables GET /drill/sleep/:ms, used to rehearse graceful shutdown. Refused in production. */
  APP_ENABLE_DRILL_ROUTES: flag.default("false"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace"]).default("info"),
});

export type AppConfig = z.infer<typeof contractSchema> & z.infer<typeof localSchema>;

export type ConfigResult = { ok: true; config: AppConfig } | { ok: false; problems: string[] };

/** Names the secrets so logs can leave them out. */
export const SECRET_KEYS: readonly AppSecretName[] = ["DB_PASSWORD", "REDIS_TOKEN"];

/** Validates the environment; every problem is named, none is fatal alone. */
export function loadConfig(env: NodeJS.ProcessEnv): ConfigResult {
  const problems: string[] = [];
  const contract = contractSchema.safeParse(env);
  const local = localSchema.safeParse(env);
  for (const result of [contract, local]) {
    if (result.success) continue;
    for (const issue of result.error.issues) {
      const key = String(issue.path[0]);
      const raw = env[key];
      // Never echo a secret's value, even a malformed one.
      if (raw === undefined) {
        problems.push(`${key}: missing; the stack's task definition sets it`);
        continue;
      }
      const shown = (SECRET_KEYS as readonly string[]).includes(key)
        ? "malformed (value hidden)"
        : `got ${JSON.stringify(raw)}`;
      problems.push(`${key}: ${shown}; expected ${issue.message}`);
    }
  }
  if (contract.success && local.success) {
    const config = { ...contract.data, ...local.data };
    if (config.APP_STAGE_KIND === "production" && config.APP_DISABLE_TLS) {
      problems.push(
        'APP_DISABLE_TLS: got "true"; expected false in production (TLS to the database and cache is mandatory there)',
      );
    }
    if (!config.REDIS_TLS && !LOOPBACK_HOSTS.includes(config.REDIS_HOST)) {
      problems.push(
        `REDIS_TLS: got "false" with REDIS_HOST ${JSON.stringify(config.REDIS_HOST)}; expected true, or a cache on the loopback address (${LOOPBACK_HOSTS.join(" or ")}) inside the app's own task`,
      );
    }
    if (config.APP_STAGE_KIND === "production" && config.APP_ENABLE_DRILL_ROUTES) {
      problems.push('APP_ENABLE_DRILL_ROUTES: got "true"; expected false in production');
    }
    if (problems.length === 0) return { ok: true, config };
  }
  return { ok: false, problems };
}

/** The config with secrets removed, safe to log. */
export function publicConfig(config: AppConfig): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).filter(([key]) => !(SECRET_KEYS as readonly string[]).includes(key)),
  );
}
