/**
 * What the stack and the app agree on: the environment variables the task definition
 * passes, which of them come from Secrets Manager, and the health-check path. The stack
 * (components/app-service.ts) and the app's config schema (config.ts) both read this one
 * list, so they cannot drift apart.
 */

/** Plain environment variables: values the stack knows and that are not secret. */
export const APP_ENVIRONMENT = [
  "APP_STAGE",
  "APP_STAGE_KIND",
  "APP_IMAGE",
  "PORT",
  "AWS_REGION",
  "BUCKET_NAME",
  "DB_HOST",
  "DB_PORT",
  "DB_NAME",
  "DB_USER",
  "REDIS_HOST",
  "REDIS_PORT",
  "REDIS_USERNAME",
  "REDIS_KEY_PREFIX",
  "REDIS_TLS",
] as const;

/** Variables injected from Secrets Manager by ECS, never as plain values. */
export const APP_SECRETS = ["DB_PASSWORD", "REDIS_TOKEN"] as const;

export type AppEnvironmentName = (typeof APP_ENVIRONMENT)[number];
export type AppSecretName = (typeof APP_SECRETS)[number];

/**
 * The refinery's sanitize task (`node app/dist/sanitize.js` in the app image), run by
 * production's Step Functions state machine against the freshly restored sanitizer instance:
 * where that instance is, the stage whose stack runs it (for the log), and where it writes the
 * scrubbed tables for development's feature template (`s3://<sanitized bucket>/feature-template/`;
 * optional to the program, always set by the refinery). No lower stage runs it any more.
 */
export const SANITIZE_ENVIRONMENT = [
  "APP_STAGE",
  "DB_HOST",
  "DB_PORT",
  "DB_NAME",
  "DB_USER",
  "FEATURE_TEMPLATE_EXPORT_URI",
] as const;
/** The sanitizer's master password (reset by the refinery after each restore) and the `hash` rule's HMAC key, which never leaves production. */
export const SANITIZE_SECRETS = ["DB_PASSWORD", "SANITIZE_HMAC_KEY"] as const;
export type SanitizeEnvironmentName = (typeof SANITIZE_ENVIRONMENT)[number];
export type SanitizeSecretName = (typeof SANITIZE_SECRETS)[number];

/**
 * The feature-database provisioner (`node app/dist/feature-db.js <command> ...` in the app
 * image), run as an ECS task inside development's VPC against the shared PostgreSQL "feature
 * host" that development's stack owns: where the host is, the admin login's user and database,
 * how many feature databases the host may hold, and the template they are created from.
 */
export const FEATURE_DB_ENVIRONMENT = [
  "APP_STAGE",
  "DB_HOST",
  "DB_PORT",
  "DB_NAME",
  "DB_USER",
  "FEATURE_DB_MAX",
  "FEATURE_DB_TEMPLATE",
] as const;
/** The feature host's admin password (its master login), injected by ECS from Secrets Manager. */
export const FEATURE_DB_SECRETS = ["DB_PASSWORD"] as const;
export type FeatureDbEnvironmentName = (typeof FEATURE_DB_ENVIRONMENT)[number];
export type FeatureDbSecretName = (typeof FEATURE_DB_SECRETS)[number];

/**
 * The provisioner's commands, as the first argument:
 * - `create --database <db> --role <role> --password-secret-arn <arn>`: a feature's database
 *   (a copy of the template) and its login role, idempotently;
 * - `drop --database <db> --role <role>`: both gone, idempotently, sessions terminated;
 * - `refresh-template --from <uri>`: a new template from an export, swapped in atomically;
 * - `export --to <uri>`: writes that export from DB_NAME (the sanitize task runs it too);
 * - `prune --keep <base,...|none>`: drops feature databases no live stack owns (reap runs it).
 * `<uri>` is `s3://bucket/prefix/` or `file:///directory/`.
 */
export const FEATURE_DB_COMMANDS = [
  "create",
  "drop",
  "refresh-template",
  "export",
  "prune",
] as const;
export type FeatureDbCommand = (typeof FEATURE_DB_COMMANDS)[number];

/**
 * What a feature database's and a feature role's name must match; the template's too. The
 * prefix keeps the provisioner away from every other database on the host, and 40 characters
 * leave room under PostgreSQL's 63 for the template's `_next` and `_old` while it is refreshed.
 */
export const FEATURE_DB_NAME_PATTERN = /^feature_[a-z0-9_]{1,40}$/;

/** Liveness path used by the container health check, the Dockerfile and the target group. */
export const HEALTH_PATH = "/healthz";
/** Readiness path: the app's dependencies answer. */
export const READY_PATH = "/readyz";

/** Kinds of stage a stack deploys the app to (the stack's stage model, seen from the app). */
export const DEPLOYED_STAGE_KINDS = [
  "development",
  "testing",
  "staging",
  "production",
  "feature",
] as const;
/** The stage `npm run dev` runs the app as, on one machine; no stack ever deploys it. */
export const LOCAL_STAGE_KIND = "local";
/** Kinds of stage the app can run in. */
export const STAGE_KINDS = [...DEPLOYED_STAGE_KINDS, LOCAL_STAGE_KIND] as const;
export type AppStageKind = (typeof STAGE_KINDS)[number];
