/**
 * What the tools need to know about a stack's stage, answered by the stage model instead of by
 * each tool reading config keys: a stack file's kind, a stack's resolved stage from config the
 * backend or a stack file holds, whether its data comes from production's snapshots, and the
 * config a feature stack is deployed with.
 */
import { decodeConfigValue } from "./config-values";
import { CONFIG_KEYS, PROJECT } from "./keys";
import { FeatureCacheMode, FeatureIsolation, STAGE_KINDS, StageKind } from "./profile";
import { MAX_PREVIEW_RULES } from "./schema";
import { resolveStageFromConfig, Stage } from "./resolve";
import { loadStackConfig, projectDefaults, readProjectFile } from "./stack-files";
import { boundaryPolicyName, deployerRoleName } from "../lib/aws/naming";

/** The kind a committed stack file declares, or undefined when it declares none the model knows. */
export function stageKindOfStackFile(stack: string, root?: string): StageKind | undefined {
  const kind = decodeConfigValue(loadStackConfig(stack, {}, root).values[CONFIG_KEYS.stage] ?? "");
  return (STAGE_KINDS as readonly unknown[]).includes(kind) ? (kind as StageKind) : undefined;
}

/**
 * The stage as the program would see it from config a backend or workspace hands over (values
 * as Pulumi stores them): Pulumi.yaml's defaults under it. Throws StageConfigError when invalid.
 */
export function stageOfConfig(stack: string, values: Record<string, string>, root?: string): Stage {
  const defaults = Object.entries(projectDefaults(readProjectFile(root))).map(([key, value]) => [
    key,
    typeof value === "string" ? value : JSON.stringify(value),
  ]);
  return resolveStageFromConfig(stack, { ...Object.fromEntries(defaults), ...values });
}

/** Whether a stage's database is restored from production's sanitized snapshots (so a resync means something). */
export function restoresFromProduction(stage: Stage): boolean {
  return stage.kind !== "production" && stage.data.source === "sanitized-snapshot";
}

/** A stage's data generation with `generation` set, as the value of CONFIG_KEYS.data. */
export function withDataGeneration(currentData: string | undefined, generation: number): string {
  const data = currentData ? (decodeConfigValue(currentData) as Record<string, unknown>) : {};
  return JSON.stringify({ ...data, generation });
}

export interface FeatureAccess {
  deployerRoleArn: string;
  permissionsBoundaryArn: string;
}

/**
 * The feature deployer and boundary of the account the network stack deploys through (access/
 * names them after the stage kind), or none when that stack has no access settings.
 */
export function featureAccessOf(
  networkStackValues: Record<string, string>,
): FeatureAccess | undefined {
  const raw = networkStackValues[CONFIG_KEYS.access];
  const settings = raw
    ? (decodeConfigValue(raw) as { deployerRoleArn?: unknown } | string)
    : undefined;
  const deployer =
    typeof settings === "object" &&
    settings !== null &&
    typeof settings.deployerRoleArn === "string"
      ? settings.deployerRoleArn
      : "";
  const role = /^arn:([^:]+):iam::(\d{12}):role\//.exec(deployer);
  if (!role) return undefined;
  const [, partition, account] = role;
  return {
    deployerRoleArn: `arn:${partition}:iam::${account}:role/${deployerRoleName(PROJECT, "feature")}`,
    permissionsBoundaryArn: `arn:${partition}:iam::${account}:policy/${boundaryPolicyName(PROJECT, "feature")}`,
  };
}

/** How the network stack hosts feature stacks: what `feature up` copies into each one's config. */
export interface FeatureMode {
  isolation: FeatureIsolation;
  cache: FeatureCacheMode;
  /** Feature stacks the network stack takes at most (its host's databases, its listener's rules). */
  maxStacks: number;
}

/**
 * The feature stacks' mode as the network stack's committed file resolves it (its
 * `featureStacks`, else the development profile's). Throws StageConfigError when that file is
 * invalid: a feature stack is never deployed against a network stack that would not deploy.
 */
export function featureModeOf(
  networkStack: string,
  networkStackValues: Record<string, string>,
  root?: string,
): FeatureMode {
  const settings = stageOfConfig(networkStack, networkStackValues, root).featureStacks;
  if (!settings) return { isolation: "dedicated", cache: "sidecar", maxStacks: Infinity };
  return {
    isolation: settings.isolation,
    cache: settings.cache,
    maxStacks:
      settings.isolation === "shared"
        ? Math.min(
            settings.host.maxDatabases,
            settings.previewDomain ? MAX_PREVIEW_RULES : Infinity,
          )
        : Infinity,
  };
}

/** What a feature stack is, as `feature up` knows it from the branch and the backend's tags. */
export interface FeatureStackFacts {
  branch: string;
  pr?: number;
  createdAt: string;
  expiresAt: string;
  dataGeneration: number;
}

/**
 * The whole config of a feature stack, derived from what every CI job knows (a fresh checkout
 * has no feature stack file): values as Pulumi stores them.
 */
export function featureStackConfig(
  facts: FeatureStackFacts,
  region: string | undefined,
  image: string | undefined,
  access?: FeatureAccess,
  mode?: FeatureMode,
): Record<string, string> {
  const feature = {
    branch: facts.branch,
    createdAt: facts.createdAt,
    expiresAt: facts.expiresAt,
    ...(facts.pr !== undefined ? { pr: facts.pr } : {}),
    ...(mode ? { isolation: mode.isolation, cache: mode.cache } : {}),
  };
  return {
    [CONFIG_KEYS.stage]: "feature",
    [CONFIG_KEYS.feature]: JSON.stringify(feature),
    ...(region ? { [CONFIG_KEYS.region]: region } : {}),
    ...(image ? { [CONFIG_KEYS.image]: image } : {}),
    ...(access ? { [CONFIG_KEYS.access]: JSON.stringify(access) } : {}),
    ...(facts.dataGeneration > 0
      ? { [CONFIG_KEYS.data]: JSON.stringify({ generation: facts.dataGeneration }) }
      : {}),
  };
}
