/**
 * The only place that reads Pulumi config: collects the `multistage:` keys and `aws:region`
 * and hands them to the pure resolver, which validates them before any resource exists.
 */
import * as pulumi from "@pulumi/pulumi";
import { PROJECT, resolveStage, Stage } from "./stage-resolve";

export type { Stage } from "./stage-resolve";

/** Loads and validates the current stack's stage. Throws StageConfigError on bad config. */
export function loadStage(): Stage {
  const all = pulumi.runtime.allConfig();
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(all)) {
    if (key.startsWith(`${PROJECT}:`)) raw[key.slice(PROJECT.length + 1)] = decodeConfigValue(value);
  }
  return resolveStage(pulumi.getStack(), raw, all["aws:region"]);
}

/**
 * Pulumi hands every config value to the program as a string: objects and lists as JSON,
 * numbers and booleans as their text. Decode those; leave every other string alone.
 */
export function decodeConfigValue(value: string): unknown {
  const looksStructured = /^[[{]/.test(value) || value === "true" || value === "false" || /^-?\d+(\.\d+)?$/.test(value);
  if (!looksStructured) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
