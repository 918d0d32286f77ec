/**
 * The sanitize task's last step: when FEATURE_TEMPLATE_EXPORT_URI is set (development's
 * feature host is fed from it), the freshly scrubbed database is exported there, the source
 * refresh-template builds feature templates from. Only sanitized data ever reaches the export,
 * because the sanitize task calls this after the scrub has succeeded, never before.
 */
import type { DatabaseSettings } from "../dependencies";
import { exportDatabase, type ExportOutcome } from "./export";
import { openStore } from "./store";

export const EXPORT_URI_VARIABLE = "FEATURE_TEMPLATE_EXPORT_URI";

/** Checks the variable before the sanitize task changes anything; throws a failure naming it. */
export function checkExportTarget(env: Record<string, string | undefined>): void {
  const uri = env[EXPORT_URI_VARIABLE];
  if (uri !== undefined && uri !== "") openStore(EXPORT_URI_VARIABLE, uri);
}

/** Resolves to undefined when the variable is not set (no feature host takes this export). */
export async function exportAfterSanitize(
  settings: DatabaseSettings,
  env: Record<string, string | undefined>,
): Promise<(ExportOutcome & { uri: string }) | undefined> {
  const uri = env[EXPORT_URI_VARIABLE];
  if (uri === undefined || uri === "") return undefined;
  const outcome = await exportDatabase(settings, openStore(EXPORT_URI_VARIABLE, uri));
  return { ...outcome, uri };
}
