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
] as const;

/** Variables injected from Secrets Manager by ECS, never as plain values. */
export const APP_SECRETS = ["DB_PASSWORD", "REDIS_TOKEN"] as const;

export type AppEnvironmentName = (typeof APP_ENVIRONMENT)[number];
export type AppSecretName = (typeof APP_SECRETS)[number];

/**
 * The refinery's sanitize task (`node app/dist/sanitize.js` in the app image), run by
 * production's Step Functions state machine against the freshly restored sanitizer instance:
 * where that instance is, and the stage whose stack runs it (for the log). No lower stage runs
 * it any more.
 */
export const SANITIZE_ENVIRONMENT = [
  "APP_STAGE",
  "DB_HOST",
  "DB_PORT",
  "DB_NAME",
  "DB_USER",
] as const;
/** The sanitizer's master password (reset by the refinery after each restore) and the `hash` rule's HMAC key, which never leaves production. */
export const SANITIZE_SECRETS = ["DB_PASSWORD", "SANITIZE_HMAC_KEY"] as const;
export type SanitizeEnvironmentName = (typeof SANITIZE_ENVIRONMENT)[number];
export type SanitizeSecretName = (typeof SANITIZE_SECRETS)[number];

/**
 * The feature database provisioner (`node app/dist/feature-db.js`), development's task beside
 * its feature host: the host's admin login, the most feature databases it may hold and the
 * template they are copied from.
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
/** The host's admin password, injected by ECS. */
export const FEATURE_DB_SECRETS = ["DB_PASSWORD"] as const;

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
