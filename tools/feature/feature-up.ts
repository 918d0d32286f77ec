import { StageConfigError } from "../../stage/errors";
import { resolveStageFromConfig } from "../../stage/resolve";
import { CONFIG_KEYS, DEFAULT_NETWORK_STACK } from "../../stage/keys";
import {
  featureAccessOf,
  FeatureMode,
  featureModeOf,
  featureStackConfig,
} from "../../stage/stack-facts";
import { CommandContext, elapsedWriter, lockWait } from "../commands/context";
import { RefusalError, UsageError } from "../commands/run-command";
import { withBusyRetry } from "../engine/retry";
import { ConfigEntry, StackInfo, StackOutput, StageWorkspace } from "../engine/workspace";
import { listFeatureStacks } from "./feature-list";
import { featureCostPerDay } from "../cost/feature-cost";
import { loadStackConfig } from "../../stage/stack-files";
import { featureTargetForBranch, loadBranchRules } from "./branches";
import { ReadyWait, waitUntilReady } from "./ready-wait";
import {
  FEATURE_TAG_NAMESPACE,
  FeatureIdentity,
  featureTags,
  isoSeconds,
  notAFeatureStackReason,
  ownerMismatch,
  readFeatureIdentity,
} from "./feature-identity";

/** Feature stacks `feature up` makes borrow the default network stack's network. */
export const NETWORK_STACK = DEFAULT_NETWORK_STACK;
const NETWORK_OUTPUTS = ["vpcId", "publicSubnetIds", "privateSubnetIds"];

export interface FeatureUpOptions {
  branch: string;
  image?: string;
  ttlMs: number;
  pr?: number;
  waitMs: number;
  /** How long to wait for the URL's readiness path after the update; 0: do not wait. */
  readyTimeoutMs: number;
}

export interface FeatureUpResult {
  stack: string;
  url: unknown;
  expiresAt: string;
  outputs: Record<string, StackOutput>;
  /** What the update did, e.g. `{ create: 40 }`, for the pull request comment. */
  changes: Record<string, number>;
  /**
   * What the stack costs a day at on-demand list prices, from the offline render of the config
   * just deployed (`stagectl cost feature` shows every line); null when it could not be estimated.
   */
  costPerDayUsd: number | null;
  /** Whether and when the URL's readiness path answered 200; null when not waited for. */
  ready: ReadyWait | null;
}

/**
 * Creates or updates the feature stack of a branch. A fresh CI checkout has no config file for
 * it, so the config is rebuilt on every run from the arguments, the committed development
 * stack file and the stack's tags in the backend (created-at, data generation). Everything is
 * checked first (branch, owner, the development network, the config); then the tags are
 * written, the config file set and `up` run.
 */
export async function featureUp(
  context: CommandContext,
  options: FeatureUpOptions,
): Promise<FeatureUpResult> {
  const target = featureTargetForBranch(options.branch, loadBranchRules());
  const workspace = await context.openWorkspace();

  if (!(await workspace.stackExists(NETWORK_STACK))) {
    throw new UsageError(
      `The ${NETWORK_STACK} stack does not exist; feature stacks use its network. Deploy it first: pulumi up -s ${NETWORK_STACK}`,
    );
  }
  const networkOutputs = await workspace.outputs(NETWORK_STACK);
  const missing = NETWORK_OUTPUTS.filter((key) => networkOutputs[key] === undefined);
  if (missing.length > 0) {
    throw new UsageError(
      `The ${NETWORK_STACK} stack has no ${missing.join(", ")} output yet; run pulumi up -s ${NETWORK_STACK} first`,
    );
  }
  // The committed stack file is in every checkout; the feature stack deploys to its region and
  // through the feature deployer of the account it names.
  const network = loadStackConfig(NETWORK_STACK).values;
  const region = network[CONFIG_KEYS.region];
  const access = featureAccessOf(network);
  const mode = featureModeOf(NETWORK_STACK, network);

  const now = context.now();
  let previous: FeatureIdentity | undefined;
  const existing = (await workspace.listStacks()).find(
    (s) => s.name === target.stack && s.foreignName === undefined,
  );
  if (existing) {
    const tags = await workspace.getTags(target.stack);
    if (isUnclaimed(existing, tags)) {
      // Another job of this branch ran `stack init` a moment ago and has not tagged it yet (two
      // pushes at once), or a job stopped between the two: an empty stack is nobody's yet.
      context.stderr(
        `${target.stack} exists, empty and untagged (another job is creating it, or one stopped before tagging it); taking it\n`,
      );
    } else {
      const problem =
        notAFeatureStackReason(target.stack, tags, await workspace.outputs(target.stack)) ??
        ownerMismatch(tags, options.branch, options.pr);
      if (problem) throw new RefusalError(`Refusing to update ${target.stack}: ${problem}`);
      const reading = readFeatureIdentity(tags, now.getTime());
      previous = reading.identity;
      if (!previous)
        context.stderr(
          `${target.stack}: its tags are unusable (${reading.problems.join("; ")}); starting its clock again\n`,
        );
    }
  }

  const identity: FeatureIdentity = {
    branch: options.branch,
    // Re-running for the same branch keeps the stack's birth date; the expiry slides forward.
    createdAt: previous?.createdAt ?? isoSeconds(now),
    expiresAt: isoSeconds(new Date(now.getTime() + options.ttlMs)),
    dataGeneration: previous?.dataGeneration ?? 0,
    ...(options.pr !== undefined
      ? { pr: options.pr }
      : previous?.pr !== undefined
        ? { pr: previous.pr }
        : {}),
  };
  const config = configEntries(featureStackConfig(identity, region, options.image, access, mode));
  validateBeforeWriting(target.stack, config);
  if (!existing) await refuseBeyondCapacity(context, workspace, target.stack, mode);

  await workspace.createOrSelectStack(target.stack);
  // Tags first: a stack whose first update fails is still known, and reaped, as a feature stack.
  await workspace.setTags(target.stack, featureTags(identity));
  await workspace.setAllConfig(target.stack, config);

  const onOutput = elapsedWriter(context);
  const result = await withBusyRetry(
    () => workspace.up(target.stack, { onOutput }),
    lockWait(context, target.stack, options.waitMs),
  );
  const url = result.outputs.url?.value;
  const ready =
    options.readyTimeoutMs > 0 && typeof url === "string"
      ? await waitUntilReady(context, url, options.readyTimeoutMs)
      : null;
  // After the update, so the estimate never delays or fails a deployment.
  const costPerDayUsd = await featureCostPerDay(target.stack, config).then(
    (usd) => Math.round(usd * 100) / 100,
    (error: unknown) => {
      context.stderr(
        `${target.stack}: cost per day not estimated (${error instanceof Error ? error.message : String(error)})\n`,
      );
      return null;
    },
  );
  return {
    stack: target.stack,
    url,
    expiresAt: identity.expiresAt,
    outputs: result.outputs,
    changes: result.resourceChanges,
    costPerDayUsd,
    ready,
  };
}

/**
 * The feature host holds `maxDatabases` databases and development's load balancer 100 rules:
 * a new shared feature stack beyond either is refused before anything is created, naming the
 * oldest stacks a team could take down (the provisioner refuses too, later and less kindly).
 */
async function refuseBeyondCapacity(
  context: CommandContext,
  workspace: StageWorkspace,
  stack: string,
  mode: FeatureMode,
): Promise<void> {
  if (!Number.isFinite(mode.maxStacks)) return;
  const others = (await listFeatureStacks(context, workspace)).filter(
    (row) => row.stack !== stack && row.notFeature === undefined,
  );
  if (others.length < mode.maxStacks) return;
  const oldest = others
    .filter((row) => row.createdAt !== undefined)
    .sort((a, b) => String(a.createdAt).localeCompare(String(b.createdAt)))
    .slice(0, 5)
    .map(
      (row) => `${row.stack} (${row.branch ?? "unknown branch"}, since ${String(row.createdAt)})`,
    );
  throw new RefusalError(
    `Refusing to create ${stack}: ${NETWORK_STACK} already hosts ${others.length} feature stacks, its limit is ${mode.maxStacks} (multistage:featureStacks.host.maxDatabases, and at most 99 rules on its load balancer). Oldest: ${oldest.join(", ")}. Take one down with stagectl feature down --branch <branch>, or reap expired ones with stagectl feature reap`,
  );
}

/**
 * A stack that holds no resources and none of stagectl's tags: what `feature up` leaves
 * between creating a stack and tagging it. A backend that does not say how many resources a
 * stack holds gets no benefit of the doubt.
 */
function isUnclaimed(stack: StackInfo, tags: Record<string, string>): boolean {
  return (
    stack.resourceCount === 0 &&
    !Object.keys(tags).some((key) => key.startsWith(FEATURE_TAG_NAMESPACE))
  );
}

/** Config values as a workspace sets them (none of a feature stack's are secret). */
export function configEntries(values: Record<string, string>): Record<string, ConfigEntry> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, { value }]));
}

/** The program validates again at `up`; doing it here means a bad value never reaches the backend. */
function validateBeforeWriting(stack: string, config: Record<string, ConfigEntry>): void {
  try {
    resolveStageFromConfig(
      stack,
      Object.fromEntries(Object.entries(config).map(([key, entry]) => [key, entry.value])),
    );
  } catch (error) {
    if (error instanceof StageConfigError) throw new UsageError(error.message);
    throw error;
  }
}
