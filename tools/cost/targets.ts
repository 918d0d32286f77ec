/**
 * What `stagectl cost` can price and how each is rendered: every stack with a stack file, the
 * testing level from its profile when a team has no Pulumi.testing.yaml yet (what a fourth
 * level would cost), and a feature stack as `feature up` makes it.
 */
import { CONFIG_KEYS } from "../../stage/keys";
import { type FeatureIsolation, LONG_LIVED_KINDS, type StageKind } from "../../stage/profile";
import {
  featureAccessOf,
  featureModeOf,
  featureStackConfig,
  stageKindOfStackFile,
} from "../../stage/stack-facts";
import { featureTargetForBranch, loadBranchRules } from "../feature/branches";
import { isoSeconds } from "../feature/feature-identity";
import { configEntries, NETWORK_STACK } from "../feature/feature-up";
import { listStackFiles, loadStackConfig, PROJECT_ROOT } from "../../stage/stack-files";
import { renderStack } from "../render/harness";
import { priceFeatureStack } from "./feature-cost";
import type { StackCost } from "./model";
import { priceRender } from "./price-render";

/** The name that prices a feature stack, and the branch it is shown for. */
export const FEATURE_TARGET = "feature";
export const EXAMPLE_BRANCH = "feature/example";
/** `feature up`'s default time to live, for the example's expiry. */
const EXAMPLE_TTL_MS = 72 * 3_600_000;
/** The level a team adds as its fourth. */
export const FOURTH_LEVEL: StageKind = "testing";

export interface CostTarget {
  /** What the user names it by: a stack, `testing`, or `feature`. */
  name: string;
  /** The stack that is rendered. */
  stack: string;
  kind: StageKind;
  /** Where its config comes from. */
  from: "stack file" | "profile" | "feature up";
}

/** A target, priced. */
export interface TargetCost extends StackCost {
  name: string;
  kind: StageKind;
  from: CostTarget["from"];
  /** A feature stack's isolation, as priced. */
  isolation?: FeatureIsolation;
}

export interface TargetOptions {
  /** Directory holding Pulumi.yaml and the stack files. @default the project root */
  configDir?: string;
  /** When the example feature stack is created. @default now */
  now?: Date;
  /** A feature stack's isolation. @default what development's stack file says (shared) */
  isolation?: FeatureIsolation;
}

/** Every target, lowest level first: stack files, testing from its profile if none, a feature stack. */
export function allTargets(options: TargetOptions = {}): CostTarget[] {
  const root = options.configDir ?? PROJECT_ROOT;
  // A stack file naming no valid kind sorts first; its render then fails with the stage model's message.
  const files = listStackFiles(root).map((stack): CostTarget => ({
    name: stack,
    stack,
    kind: stageKindOfStackFile(stack, root) ?? "development",
    from: "stack file",
  }));
  const targets = files.filter((t) => t.kind !== "feature");
  if (!targets.some((t) => t.kind === FOURTH_LEVEL))
    targets.push({ name: FOURTH_LEVEL, stack: FOURTH_LEVEL, kind: FOURTH_LEVEL, from: "profile" });
  const level = (t: CostTarget) => (LONG_LIVED_KINDS as readonly string[]).indexOf(t.kind);
  targets.sort((a, b) => level(a) - level(b) || a.name.localeCompare(b.name));
  return [
    ...targets,
    { name: FEATURE_TARGET, stack: featureStackName(root), kind: "feature", from: "feature up" },
  ];
}

/** The target a name means, or undefined. */
export function findTarget(name: string, options: TargetOptions = {}): CostTarget | undefined {
  return allTargets(options).find((t) => t.name === name);
}

/** The names `stagectl cost <stack>` accepts, each with where it comes from. */
export function validTargetNames(options: TargetOptions = {}): string[] {
  return allTargets(options).map((t) =>
    t.from === "stack file"
      ? t.name
      : t.from === "profile"
        ? `${t.name} (its profile)`
        : `${t.name} (a feature stack as feature up makes it)`,
  );
}

function featureStackName(root: string): string {
  return featureTargetForBranch(EXAMPLE_BRANCH, loadBranchRules(root)).stack;
}

/** Renders a target offline and prices it. */
export async function priceTarget(
  target: CostTarget,
  options: TargetOptions = {},
): Promise<TargetCost> {
  const root = options.configDir ?? PROJECT_ROOT;
  const label = { name: target.name, kind: target.kind, from: target.from };
  // Lower stages without a file and feature stacks deploy where development does (as feature up does).
  const network = loadStackConfig(NETWORK_STACK, {}, root).values;
  const networkRegion = network[CONFIG_KEYS.region];
  if (target.from === "feature up") {
    const now = options.now ?? new Date();
    const identity = {
      branch: EXAMPLE_BRANCH,
      createdAt: isoSeconds(now),
      expiresAt: isoSeconds(new Date(now.getTime() + EXAMPLE_TTL_MS)),
      dataGeneration: 0,
    };
    const committed = featureModeOf(NETWORK_STACK, network, root);
    const mode = options.isolation ? { ...committed, isolation: options.isolation } : committed;
    const config = configEntries(
      featureStackConfig(identity, networkRegion, undefined, featureAccessOf(network), mode),
    );
    return {
      ...(await priceFeatureStack(target.stack, config, root)),
      ...label,
      isolation: mode.isolation,
    };
  }
  // A level from its profile is exactly what the README's "Add a stage" file holds.
  const overrides =
    target.from === "profile"
      ? {
          ...(networkRegion ? { [CONFIG_KEYS.region]: networkRegion } : {}),
          [CONFIG_KEYS.stage]: target.kind,
        }
      : {};
  const region = loadStackConfig(target.stack, overrides, root).values[CONFIG_KEYS.region];
  const render = await renderStack(target.stack, { configDir: root, configOverrides: overrides });
  // Without a region the render has already failed (the stage model requires one).
  const priced = priceRender(render, { region: region ?? "us-east-1" });
  if (priced.featureHost && priced.featureHost.maxDatabases === undefined) {
    // The render's output may not hold the limit; the stage model does.
    const { maxStacks } = featureModeOf(
      target.stack,
      loadStackConfig(target.stack, overrides, root).values,
      root,
    );
    if (Number.isFinite(maxStacks)) priced.featureHost.maxDatabases = maxStacks;
  }
  return { ...priced, ...label };
}
