/**
 * The feature-database provisioner's public surface: the command runner the entry point and
 * the fake ECS endpoint call, its exit codes, and the export the sanitize task runs.
 */
export { runFeatureDbCommand, type FeatureDbDeps } from "./run";
export { FEATURE_DB_EXIT } from "./failure";
export { checkExportTarget, exportAfterSanitize } from "./after-sanitize";
