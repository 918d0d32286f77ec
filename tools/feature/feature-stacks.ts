/**
 * Reading a feature stack's own config, and the guard every destructive path goes through:
 * a stack is destroyed only if its name starts with `feature-` AND its config says stage
 * `feature`. A typo, a renamed stack or a misconfigured one never reaches destroy.
 */
import { z } from "zod";
import { featureConfigSchema } from "../../components/stage-schema";
import { UsageError } from "../commands/run-command";
import { ConfigEntry, StageWorkspace } from "../engine/workspace";
import { FEATURE_STACK_PREFIX } from "./branches";

export const STAGE_KEY = "multistage:stage";
export const FEATURE_KEY = "multistage:feature";

/** What `feature up` writes into `multistage:feature` (the stage model's own schema). */
export type FeatureInfo = z.input<typeof featureConfigSchema>;

/** The feature settings in a stack's config, or undefined when it has none or they are invalid. */
export function featureInfoOf(config: Record<string, ConfigEntry>): z.output<typeof featureConfigSchema> | undefined {
  const raw = config[FEATURE_KEY]?.value;
  if (!raw) return undefined;
  try {
    const parsed = featureConfigSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Why a stack must not be treated as a feature stack, or undefined when it is one. */
export function notAFeatureStackReason(stack: string, config: Record<string, ConfigEntry>): string | undefined {
  if (!stack.startsWith(FEATURE_STACK_PREFIX)) return `its name does not start with "${FEATURE_STACK_PREFIX}"`;
  const stage = config[STAGE_KEY]?.value;
  if (stage !== "feature") return `its own config says ${STAGE_KEY}=${JSON.stringify(stage ?? null)}, not "feature"`;
  return undefined;
}

/**
 * Reads the stack's config from the backend and refuses unless it is a feature stack by name
 * and by config. Call before any destroy; it changes nothing.
 */
export async function requireFeatureStack(workspace: StageWorkspace, stack: string, action: string): Promise<Record<string, ConfigEntry>> {
  const nameProblem = notAFeatureStackReason(stack, { [STAGE_KEY]: { value: "feature" } });
  if (nameProblem) throw new UsageError(`Refusing to ${action} ${stack}: ${nameProblem}`);
  const config = await workspace.getAllConfig(stack);
  const problem = notAFeatureStackReason(stack, config);
  if (problem) throw new UsageError(`Refusing to ${action} ${stack}: ${problem}`);
  return config;
}
