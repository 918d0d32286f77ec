/**
 * Turns a stack's raw project config into one validated, frozen Stage. Pure, so tests and
 * tools call it directly; `stage.ts` feeds it from Pulumi config.
 */
import { z } from "zod";
import { LOCAL_STAGE_KIND, STAGE_KINDS, STAGE_PROFILES, StageKind, StageProfile } from "./stage-profile";
import { DIGEST_PINNED_IMAGE, fargatePairProblem, stageConfigSchema, StageConfig } from "./stage-schema";
import { ConfigProblem, describeValue, StageConfigError, zodIssueProblems } from "./stage-errors";

export const PROJECT = "multistage";

/** Kinds whose image must be a digest a lower stage already ran. */
const DIGEST_ONLY_KINDS: readonly StageKind[] = ["staging", "production"];

export interface FeatureInfo {
  branch: string;
  createdAt: string;
  expiresAt: string;
  pr?: number;
  /** Stack whose network outputs the feature stack borrows. */
  networkStack: string;
}

export interface AccessSettings {
  deployerRoleArn?: string;
  permissionsBoundaryArn?: string;
}

export interface DomainSettings {
  name?: string;
  hostedZoneId?: string;
  certificateArn?: string;
}

/** Everything the program needs to know about the stage it deploys. */
export interface Stage extends StageProfile {
  project: typeof PROJECT;
  kind: StageKind;
  /** The stack name; also the stage part of every physical name. */
  name: string;
  region: string;
  dbEngineVersion: string;
  cacheEngineVersion: string;
  appPort: number;
  /** Image to run; undefined means "build app/ into this stage's own repository". */
  image?: string;
  domain: DomainSettings;
  access: AccessSettings;
  feature?: FeatureInfo;
}

/** Stack names: what `pulumi stack init` accepts and what physical names can carry. */
const STACK_NAME = /^[a-z][a-z0-9-]{0,40}$/;
/** Whether a stack name can be a stage name inside physical names. */
export function isValidStackName(stack: string): boolean {
  return STACK_NAME.test(stack) && !stack.endsWith("-") && !stack.includes("--");
}

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

/**
 * Validates raw config (keys without the `multistage:` prefix) for a stack and fills in the
 * profile. Throws StageConfigError listing every problem at once.
 */
export function resolveStage(stack: string, raw: Record<string, unknown>, region: string | undefined): Stage {
  const problems: ConfigProblem[] = [];
  if (!isValidStackName(stack)) {
    problems.push({
      key: "stack name",
      value: describeValue(stack),
      expected: "lowercase letters, digits and single hyphens, starting with a letter, at most 41 characters",
    });
  }
  if (region === undefined || !REGION.test(region)) {
    problems.push({ key: "aws:region", value: describeValue(region), expected: "an AWS region like eu-west-1" });
  }
  const parsed = stageConfigSchema.safeParse(raw);
  const local = raw.stage === LOCAL_STAGE_KIND;
  if (!parsed.success) {
    // `stage: local` gets its own message below instead of the bare enum one.
    problems.push(...zodIssueProblems(parsed.error, raw, PROJECT, validKeysAt).filter((p) => !(local && p.key === `${PROJECT}:stage`)));
  }
  if (local) {
    problems.push({
      key: `${PROJECT}:stage`,
      value: describeValue(raw.stage),
      expected: `one of ${STAGE_KINDS.join(", ")}; "${LOCAL_STAGE_KIND}" is the stage \`npm run dev\` runs on your own machine, never a stack to deploy`,
    });
  }
  problems.push(...stackKindProblems(stack, raw.stage));
  // Cross-key rules run on every value that is valid on its own, so one run reports all.
  problems.push(...crossKeyProblems(parsed.success ? parsed.data : lenientConfig(raw)));
  if (problems.length > 0 || !parsed.success) throw new StageConfigError(stack, problems);
  return deepFreeze(buildStage(stack, parsed.data, region as string));
}

/** The keys the schema accepts at a path, to suggest what a typo meant. */
function validKeysAt(path: readonly (string | number)[]): string[] {
  let schema: z.ZodTypeAny = stageConfigSchema;
  for (const segment of path) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodObject) schema = schema.shape[segment as string] ?? schema;
  }
  schema = unwrap(schema);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function unwrap(schema: z.ZodTypeAny): z.ZodTypeAny {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodDefault) current = current._def.innerType;
    else if (current instanceof z.ZodOptional) current = current._def.innerType;
    else return current;
  }
}

/** A stack named after a kind is that kind, so `staging` can never deploy production settings. */
function stackKindProblems(stack: string, kind: unknown): ConfigProblem[] {
  if (typeof kind !== "string" || !(STAGE_KINDS as readonly string[]).includes(kind)) return [];
  const named = STAGE_KINDS.find((k) => stack === k || stack.startsWith(`${k}-`));
  if (named === kind) return [];
  const expected =
    named === undefined
      ? `a stack named "${kind}" or "${kind}-<suffix>" for stage ${kind}`
      : `stage ${named}, because the stack is named "${stack}"`;
  return [{ key: "multistage:stage", value: describeValue(kind), expected }];
}

/** The config as far as each key is valid on its own; invalid keys are left out. */
type LenientConfig = Partial<StageConfig> & Pick<StageConfig, "network" | "app">;

function lenientConfig(raw: Record<string, unknown>): LenientConfig {
  const lenient: Record<string, unknown> = {};
  for (const [key, fieldSchema] of Object.entries(stageConfigSchema.shape) as [string, z.ZodTypeAny][]) {
    const inner = unwrap(fieldSchema);
    const value = raw[key];
    if (inner instanceof z.ZodObject && value !== null && typeof value === "object") {
      const fields: Record<string, unknown> = {};
      for (const [field, schema] of Object.entries(inner.shape) as [string, z.ZodTypeAny][]) {
        const result = schema.safeParse((value as Record<string, unknown>)[field]);
        if (result.success && result.data !== undefined) fields[field] = result.data;
      }
      lenient[key] = fields;
    } else {
      const result = fieldSchema.safeParse(value);
      if (result.success) lenient[key] = result.data;
    }
  }
  return { network: {}, app: {}, ...lenient } as LenientConfig;
}

function crossKeyProblems(config: LenientConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const profile = config.stage ? STAGE_PROFILES[config.stage] : undefined;
  const cpu = config.app.cpu ?? profile?.app.cpu;
  const memory = config.app.memory ?? profile?.app.memory;
  const pair = cpu !== undefined && memory !== undefined ? fargatePairProblem(cpu, memory) : undefined;
  if (pair) problems.push({ key: "multistage:app.memory", value: describeValue(memory), expected: pair });
  if (config.stage === undefined) return problems;

  if (DIGEST_ONLY_KINDS.includes(config.stage) && !(config.image && DIGEST_PINNED_IMAGE.test(config.image))) {
    if (problems.some((p) => p.key === "multistage:image")) return problems;
    problems.push({
      key: "multistage:image",
      value: describeValue(config.image),
      expected: `an image pinned by digest (<repository>@sha256:<64 hex>) in ${config.stage}; tags can change after review`,
    });
  }
  if (config.stage === "feature" && !config.feature) {
    problems.push({
      key: "multistage:feature",
      value: "(not set)",
      expected: "{ branch, createdAt, expiresAt } (set by `stagectl feature up`)",
    });
  }
  if (config.stage !== "feature" && config.feature) {
    problems.push({
      key: "multistage:feature",
      value: describeValue(config.feature),
      expected: "nothing: only feature stacks carry feature settings",
    });
  }
  if (config.stage === "feature" && (config.network.cidr || config.network.nat)) {
    problems.push({
      key: "multistage:network",
      value: describeValue(config.network),
      expected: "nothing: feature stacks use development's network",
    });
  }
  if (config.domain && (config.domain.name === undefined) !== (config.domain.hostedZoneId === undefined)) {
    problems.push({
      key: "multistage:domain",
      value: describeValue(config.domain),
      expected: "name and hostedZoneId together (a Route 53 alias needs both), or neither",
    });
  }
  problems.push(...dataProblems(config));
  if (config.stage === "staging" || config.stage === "production") {
    for (const key of ["deployerRoleArn", "permissionsBoundaryArn"] as const) {
      if (config.access?.[key] === undefined && !problems.some((p) => p.key === `multistage:access.${key}`)) {
        problems.push({
          key: `multistage:access.${key}`,
          value: "(not set)",
          expected: `the ${config.stage} ${key === "deployerRoleArn" ? "deployer role" : "permissions boundary"} ARN exported by the access/ project; ${config.stage} is only ever deployed through its own role`,
        });
      }
    }
  }
  if (config.stage === "production" && config.teardown && config.teardown !== "retain") {
    problems.push({
      key: "multistage:teardown",
      value: describeValue(config.teardown),
      expected: "retain: production's data is never destroyable",
    });
  }
  return problems;
}

/** Data flows one way: production takes none; a replica of production is staging's, knowingly. */
function dataProblems(config: LenientConfig): ConfigProblem[] {
  const data = config.data;
  if (!data || config.stage === undefined) return [];
  if (config.stage === "production") {
    return [{ key: "multistage:data", value: describeValue(data), expected: "nothing: production never takes a data source; data only flows from production down" }];
  }
  const problems: ConfigProblem[] = [];
  if (data.source === "production-replica") {
    if (config.stage !== "staging") {
      problems.push({ key: "multistage:data.source", value: describeValue(data.source), expected: `empty or production-snapshot: only staging may replicate production, and ${config.stage} is not staging` });
    } else if (data.acknowledgeProductionData !== true) {
      problems.push({
        key: "multistage:data.acknowledgeProductionData",
        value: describeValue(data.acknowledgeProductionData),
        expected: "true: a replica serves unsanitized production data to staging; say so explicitly in the stack file",
      });
    }
  }
  return problems;
}

function buildStage(stack: string, config: StageConfig, region: string): Stage {
  const profile = STAGE_PROFILES[config.stage];
  const stage: Stage = {
    project: PROJECT,
    kind: config.stage,
    name: stack,
    region,
    dbEngineVersion: config.dbEngineVersion,
    cacheEngineVersion: config.cacheEngineVersion,
    appPort: config.appPort,
    image: config.image,
    network: { ...profile.network, ...config.network },
    database: { ...profile.database, ...config.database },
    cache: { ...profile.cache, ...config.cache },
    app: { ...profile.app, ...config.app },
    bucket: { ...profile.bucket, ...config.bucket },
    logs: { ...profile.logs, ...config.logs },
    teardown: config.teardown ?? profile.teardown,
    data: {
      source: config.data?.source ?? profile.data.source,
      generation: config.data?.generation ?? profile.data.generation,
      syncSchedule: config.data?.syncSchedule ?? profile.data.syncSchedule,
    },
    domain: { ...config.domain },
    access: { ...config.access },
    feature: config.feature,
  };
  if (stage.feature === undefined) delete stage.feature;
  if (stage.image === undefined) delete stage.image;
  return stage;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
