/**
 * A stack's config under another kind's profile: what `stagectl diff A B` renders to tell the
 * differences the profile explains from those a stack file or the code declares. Here, beside
 * the profile, because which rows a stack may take from another kind is the stage model's rule.
 */
import { CONFIG_KEYS, PROJECT } from "./keys";
import { STAGE_PROFILES, StageKind, StageProfile } from "./profile";

const PROFILE_ROWS: ReadonlyArray<keyof StageProfile> = [
  "network",
  "database",
  "cache",
  "app",
  "bucket",
  "logs",
  "teardown",
];

/**
 * Config overrides that give a stack of kind `ownKind`, whose stack file sets `fileConfig`
 * (keys without the namespace), every profile row it leaves to its defaults from `otherKind`.
 */
export function configUnderProfileOf(
  fileConfig: Record<string, unknown>,
  ownKind: StageKind,
  otherKind: StageKind,
): Record<string, unknown> {
  const profile = STAGE_PROFILES[otherKind];
  const overrides: Record<string, unknown> = {};
  for (const row of PROFILE_ROWS) {
    const own = fileConfig[row];
    const key = `${PROJECT}:${row}`;
    if (row === "teardown") overrides[key] = own ?? profile.teardown;
    else if (row === "network" && ownKind === "feature")
      continue; // feature stacks have no network settings
    else if (row === "network") {
      // The address range is the stage's own (no two stages may share one) and is normalised
      // away like its name; only the NAT layout comes from the other kind's profile.
      overrides[key] = { nat: profile.network.nat, ...((own as object | undefined) ?? {}) };
    } else overrides[key] = { ...(profile[row] as object), ...((own as object | undefined) ?? {}) };
  }
  // Data settings are part of the profile too; production's "none" reads as "empty" elsewhere.
  const ownData = (fileConfig.data as object | undefined) ?? {};
  if (ownKind !== "production") {
    overrides[CONFIG_KEYS.data] = {
      source: profile.data.source === "none" ? "empty" : profile.data.source,
      syncSchedule: profile.data.syncSchedule,
      ...ownData,
    };
  }
  return overrides;
}
