import { StageConfigError } from "../../components/stage-errors";
import { PROJECT, resolveStage } from "../../components/stage-resolve";
import { namespaceConfig } from "../../components/config-values";
import { CommandContext, elapsedWriter, lockWait } from "../commands/context";
import { UsageError } from "../commands/run-command";
import { withBusyRetry } from "../engine/retry";
import { ConfigEntry, StackOutput } from "../engine/workspace";
import { featureTargetForBranch, loadBranchRules } from "./branches";
import { FEATURE_KEY, featureInfoOf, FeatureInfo, notAFeatureStackReason, STAGE_KEY } from "./feature-stacks";

export const NETWORK_STACK = "development";
const NETWORK_OUTPUTS = ["vpcId", "publicSubnetIds", "privateSubnetIds"];

export interface FeatureUpOptions {
  branch: string;
  image?: string;
  ttlMs: number;
  pr?: number;
  waitMs: number;
}

export interface FeatureUpResult {
  stack: string;
  url: unknown;
  expiresAt: string;
  outputs: Record<string, StackOutput>;
  /** What the update did, e.g. `{ create: 40 }`, for the pull request comment. */
  changes: Record<string, number>;
}

/**
 * Creates or updates the feature stack of a branch: checks everything first (branch, the
 * development network, the config it will set), then sets config and tags and runs `up`.
 */
export async function featureUp(context: CommandContext, options: FeatureUpOptions): Promise<FeatureUpResult> {
  const target = featureTargetForBranch(options.branch, loadBranchRules());
  const workspace = await context.openWorkspace();

  if (!(await workspace.stackExists(NETWORK_STACK))) {
    throw new UsageError(`The ${NETWORK_STACK} stack does not exist; feature stacks use its network. Deploy it first: pulumi up -s ${NETWORK_STACK}`);
  }
  const networkOutputs = await workspace.outputs(NETWORK_STACK);
  const missing = NETWORK_OUTPUTS.filter((key) => networkOutputs[key] === undefined);
  if (missing.length > 0) {
    throw new UsageError(`The ${NETWORK_STACK} stack has no ${missing.join(", ")} output yet; run pulumi up -s ${NETWORK_STACK} first`);
  }
  const region = (await workspace.getAllConfig(NETWORK_STACK))["aws:region"]?.value;

  const exists = await workspace.stackExists(target.stack);
  let previous: FeatureInfo | undefined;
  if (exists) {
    const existingConfig = await workspace.getAllConfig(target.stack);
    const problem = notAFeatureStackReason(target.stack, existingConfig);
    if (problem) throw new UsageError(`Refusing to update ${target.stack}: ${problem}`);
    previous = featureInfoOf(existingConfig);
  }

  const now = context.now();
  const info: FeatureInfo = {
    branch: options.branch,
    // Re-running for the same branch keeps the stack's birth date; the expiry slides forward.
    createdAt: previous?.createdAt ?? isoSeconds(now),
    expiresAt: isoSeconds(new Date(now.getTime() + options.ttlMs)),
    ...(options.pr !== undefined ? { pr: options.pr } : {}),
  };
  const config: Record<string, ConfigEntry> = {
    [STAGE_KEY]: { value: "feature" },
    [FEATURE_KEY]: { value: JSON.stringify(info) },
    ...(region ? { "aws:region": { value: region } } : {}),
    ...(options.image ? { "multistage:image": { value: options.image } } : {}),
  };
  validateBeforeWriting(target.stack, config, region);

  await workspace.createOrSelectStack(target.stack);
  await workspace.setAllConfig(target.stack, config);
  await workspace.setTags(target.stack, {
    "multistage:branch": options.branch.slice(0, 256),
    "multistage:expires-at": info.expiresAt,
    ...(options.pr !== undefined ? { "multistage:pr": String(options.pr) } : {}),
  });

  const onOutput = elapsedWriter(context);
  const result = await withBusyRetry(() => workspace.up(target.stack, { onOutput }), lockWait(context, target.stack, options.waitMs));
  return { stack: target.stack, url: result.outputs.url?.value, expiresAt: info.expiresAt, outputs: result.outputs, changes: result.resourceChanges };
}

/** The program validates again at `up`; doing it here means a bad value never reaches the backend. */
function validateBeforeWriting(stack: string, config: Record<string, ConfigEntry>, region: string | undefined): void {
  const values = Object.fromEntries(Object.entries(config).map(([key, entry]) => [key, entry.value]));
  try {
    resolveStage(stack, namespaceConfig(values, PROJECT), region);
  } catch (error) {
    if (error instanceof StageConfigError) throw new UsageError(error.message);
    throw error;
  }
}

export function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
