/**
 * Turns a stack's raw project config into one validated, frozen Stage. Pure, so tests and
 * tools call it directly; `pulumi-config.ts` feeds it from Pulumi config.
 */
import { z } from "zod";
import {
  FeatureCacheMode,
  FeatureIsolation,
  LOCAL_STAGE_KIND,
  LONG_LIVED_KINDS,
  STAGE_KINDS,
  STAGE_PROFILES,
  StageKind,
  StageProfile,
} from "./profile";
import { DIGEST_PINNED_IMAGE, fargatePairProblem, stageConfigSchema, StageConfig } from "./schema";
import { ConfigProblem, describeValue, StageConfigError, zodIssueProblems } from "./errors";
import { namespaceConfig } from "./config-values";
import {
  boundaryPolicyName,
  deployerRoleName,
  maxHashedStageNameLength,
  maxStageNameLength,
  sharedRepositoryName,
} from "../lib/aws/naming";
import { teardownPolicy } from "./teardown";
import { PROJECT } from "./keys";

export { PROJECT } from "./keys";

/** The image repository access/ creates: one image per commit, promoted by digest. */
export const SHARED_REPOSITORY = sharedRepositoryName(PROJECT);

/**
 * Config namespaces a stack of this program may set: its own, and those of the providers and
 * engine it uses. Anything else (`multistag:teardown`) is a typo that would be silently ignored.
 */
export const KNOWN_NAMESPACES = [PROJECT, "aws", "pulumi", "random", "docker"] as const;

/** Where a stack's config came from, for the checks that need more than the merged values. */
export interface ConfigOrigin {
  /** Defaults declared in Pulumi.yaml (full keys), to tell project settings from stack-file ones. */
  projectDefaults?: Record<string, unknown>;
}

/**
 * Validates a stack's whole config as Pulumi hands it to a program (every key namespaced,
 * every value a string) and fills in the profile. Throws StageConfigError listing every
 * problem at once.
 */
export function resolveStageFromConfig(
  stack: string,
  values: Record<string, string>,
  origin: ConfigOrigin = {},
): Stage {
  const raw = namespaceConfig(values, PROJECT);
  return resolveStage(stack, raw, values["aws:region"], [
    ...namespaceProblems(values),
    ...projectOnlyProblems(raw, origin),
  ]);
}

function namespaceProblems(values: Record<string, string>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const key of Object.keys(values).sort()) {
    const namespace = key.includes(":") ? key.slice(0, key.indexOf(":")) : "";
    if ((KNOWN_NAMESPACES as readonly string[]).includes(namespace)) continue;
    const typo =
      namespace !== "" && editDistance(namespace, PROJECT) <= 3
        ? `; did you mean ${PROJECT}:${key.slice(namespace.length + 1)}?`
        : "";
    problems.push({
      key,
      value: describeValue(values[key]),
      expected: `a key in one of the namespaces this program reads (${KNOWN_NAMESPACES.join(", ")})${typo}`,
    });
  }
  return problems;
}

/** Settings of the whole project are read from Pulumi.yaml only; a stack file cannot change them. */
function projectOnlyProblems(raw: Record<string, unknown>, origin: ConfigOrigin): ConfigProblem[] {
  if (origin.projectDefaults === undefined || raw.branchStages === undefined) return [];
  const declared = origin.projectDefaults[`${PROJECT}:branchStages`];
  if (JSON.stringify(raw.branchStages) === JSON.stringify(declared)) return [];
  return [
    {
      key: `${PROJECT}:branchStages`,
      value: describeValue(raw.branchStages),
      expected:
        "nothing in a stack file: the branch mapping belongs to the whole project and stagectl reads it from Pulumi.yaml (config.branchStages.default)",
    },
  ];
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** Kinds whose image must be a digest a lower stage already ran. */
const DIGEST_ONLY_KINDS: readonly StageKind[] = ["staging", "production"];

export interface FeatureInfo {
  branch: string;
  createdAt: string;
  expiresAt: string;
  pr?: number;
  /** Stack whose network outputs the feature stack borrows. */
  networkStack: string;
  /** Shared data stores on the network stack's feature host, or dedicated ones. */
  isolation: FeatureIsolation;
  /** A shared feature stack's cache. */
  cache: FeatureCacheMode;
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
  /** The git commit `image` was built from, when whoever set the image said so. */
  imageCommit?: string;
  domain: DomainSettings;
  access: AccessSettings;
  feature?: FeatureInfo;
}

/**
 * The longest stack name: the load balancer and its target group are named by the stage's
 * prefix alone (`multistage-<stack>`), and ELB allows 32 characters.
 */
export const MAX_STACK_NAME_LENGTH = maxStageNameLength(PROJECT, "alb");
/**
 * The longest stack name for a stage that keeps final snapshots: the cache's final snapshot
 * (`multistage-<stack>-cache-final`, ElastiCache's 40 characters) is then shortened with a hash,
 * which must leave the whole prefix (lib/aws/naming.ts).
 */
export const MAX_SNAPSHOTTING_STACK_NAME_LENGTH = maxHashedStageNameLength(
  PROJECT,
  "elasticache-replication-group",
);

/** Stack names: what `pulumi stack init` accepts and what physical names can carry. */
const STACK_NAME = new RegExp(`^[a-z][a-z0-9-]{0,${MAX_STACK_NAME_LENGTH - 1}}$`);
/** Whether a stack name can be a stage name inside physical names. */
export function isValidStackName(stack: string): boolean {
  return STACK_NAME.test(stack) && !stack.endsWith("-") && !stack.includes("--");
}

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

/**
 * Validates raw config (keys without the `multistage:` prefix) for a stack and fills in the
 * profile. Throws StageConfigError listing every problem at once.
 */
export function resolveStage(
  stack: string,
  raw: Record<string, unknown>,
  region: string | undefined,
  earlierProblems: readonly ConfigProblem[] = [],
): Stage {
  const problems: ConfigProblem[] = [...earlierProblems];
  if (!isValidStackName(stack)) {
    problems.push({
      key: "stack name",
      value: describeValue(stack),
      expected: `lowercase letters, digits and single hyphens, starting with a letter, at most ${MAX_STACK_NAME_LENGTH} characters (the load balancer is named ${PROJECT}-<stack>, 32 characters at most)`,
    });
  }
  if (region === undefined || !REGION.test(region)) {
    problems.push({
      key: "aws:region",
      value: describeValue(region),
      expected: "an AWS region like eu-west-1",
    });
  }
  const parsed = stageConfigSchema.safeParse(raw);
  const local = raw.stage === LOCAL_STAGE_KIND;
  if (!parsed.success) {
    // `stage: local` gets its own message below instead of the bare enum one.
    problems.push(
      ...zodIssueProblems(parsed.error, raw, PROJECT, validKeysAt).filter(
        (p) => !(local && p.key === `${PROJECT}:stage`),
      ),
    );
  }
  if (local) {
    problems.push({
      key: `${PROJECT}:stage`,
      value: describeValue(raw.stage),
      expected: `one of ${STAGE_KINDS.join(", ")}; "${LOCAL_STAGE_KIND}" is the stage \`npm run dev\` runs on your own machine, never a stack to deploy`,
    });
  }
  problems.push(...stackKindProblems(stack, raw.stage));
  if (parsed.success && isValidStackName(stack))
    problems.push(...snapshotNameProblems(stack, parsed.data));
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

/** A stage that keeps final snapshots needs room in its names for a hash after its prefix. */
function snapshotNameProblems(stack: string, config: StageConfig): ConfigProblem[] {
  const teardown = config.teardown ?? STAGE_PROFILES[config.stage].teardown;
  if (!teardownPolicy(teardown).finalSnapshot || stack.length <= MAX_SNAPSHOTTING_STACK_NAME_LENGTH)
    return [];
  return [
    {
      key: "stack name",
      value: describeValue(stack),
      expected: `at most ${MAX_SNAPSHOTTING_STACK_NAME_LENGTH} characters for a stage whose teardown (${teardown}) keeps final snapshots: the cache's is named ${PROJECT}-<stack>-<hash>, 40 characters at most`,
    },
  ];
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
  for (const [key, fieldSchema] of Object.entries(stageConfigSchema.shape) as [
    string,
    z.ZodTypeAny,
  ][]) {
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
  const pair =
    cpu !== undefined && memory !== undefined ? fargatePairProblem(cpu, memory) : undefined;
  if (pair)
    problems.push({ key: "multistage:app.memory", value: describeValue(memory), expected: pair });
  if (config.stage === undefined) return problems;

  if (
    DIGEST_ONLY_KINDS.includes(config.stage) &&
    !(config.image && DIGEST_PINNED_IMAGE.test(config.image))
  ) {
    if (problems.some((p) => p.key === "multistage:image")) return problems;
    problems.push({
      key: "multistage:image",
      value: describeValue(config.image),
      expected: `an image pinned by digest (<repository>@sha256:<64 hex>) in ${config.stage}; tags can change after review`,
    });
  }
  if (config.imageCommit !== undefined && config.image === undefined) {
    problems.push({
      key: "multistage:imageCommit",
      value: describeValue(config.imageCommit),
      expected:
        "nothing without multistage:image: it names the commit of that image (a stage that builds app/ itself builds the checkout it deploys from)",
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
  if (
    config.domain &&
    (config.domain.name === undefined) !== (config.domain.hostedZoneId === undefined)
  ) {
    problems.push({
      key: "multistage:domain",
      value: describeValue(config.domain),
      expected: "name and hostedZoneId together (a Route 53 alias needs both), or neither",
    });
  }
  problems.push(...dataProblems(config));
  problems.push(...featureStacksProblems(config));
  problems.push(...accessProblems(config.stage, config.access));
  problems.push(...productionFloorProblems(config));
  problems.push(...networkProblems(config));
  problems.push(...imageOriginProblems(config));
  if (config.stage === "staging" || config.stage === "production") {
    for (const key of ["deployerRoleArn", "permissionsBoundaryArn"] as const) {
      if (
        config.access?.[key] === undefined &&
        !problems.some((p) => p.key === `multistage:access.${key}`)
      ) {
        problems.push({
          key: `multistage:access.${key}`,
          value: "(not set)",
          expected: `the ${config.stage} ${key === "deployerRoleArn" ? "deployer role" : "permissions boundary"} ARN exported by the access/ project; ${config.stage} is only ever deployed through its own role`,
        });
      }
    }
  }
  if (config.refinery && config.stage !== "production") {
    problems.push({
      key: "multistage:refinery",
      value: describeValue(config.refinery),
      expected:
        "nothing: only production runs the refinery that sanitizes its backups for the lower stages",
    });
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

/**
 * A stage deploys only through its own deployer and boundary (access/ names them after the stage
 * kind), both in one account: another stage's role, a boundary that is not the stage's, or a
 * deployer in another account would let the stack run with rights it was never meant to have.
 */
function accessProblems(kind: StageKind, access: LenientConfig["access"]): ConfigProblem[] {
  if (!access) return [];
  const problems: ConfigProblem[] = [];
  const role = access.deployerRoleArn
    ? /^arn:[^:]+:iam::(\d{12}):role\/(.+)$/.exec(access.deployerRoleArn)
    : null;
  const boundary = access.permissionsBoundaryArn
    ? /^arn:[^:]+:iam::(\d{12}):policy\/(.+)$/.exec(access.permissionsBoundaryArn)
    : null;
  if (role && role[2] !== deployerRoleName(PROJECT, kind)) {
    problems.push({
      key: "multistage:access.deployerRoleArn",
      value: describeValue(access.deployerRoleArn),
      expected: `the ${kind} deployer, role/${deployerRoleName(PROJECT, kind)}`,
    });
  }
  if (boundary && boundary[2] !== boundaryPolicyName(PROJECT, kind)) {
    problems.push({
      key: "multistage:access.permissionsBoundaryArn",
      value: describeValue(access.permissionsBoundaryArn),
      expected: `the ${kind} boundary, policy/${boundaryPolicyName(PROJECT, kind)}`,
    });
  }
  if (role && boundary && role[1] !== boundary[1]) {
    problems.push({
      key: "multistage:access",
      value: describeValue(access),
      expected: "a deployer role and boundary in the same account, the one access/ was deployed to",
    });
  }
  return problems;
}

/**
 * What production may never be set below, whatever its stack file says: backups the lower
 * stages and recovery depend on, a service that runs, versioned objects, logs kept long enough
 * to investigate an incident, and an audit trail of who reached it.
 */
const PRODUCTION_FLOORS = {
  backupRetentionDays: 7,
  desiredCount: 2,
  logRetentionDays: 30,
} as const;

function productionFloorProblems(config: LenientConfig): ConfigProblem[] {
  if (config.stage !== "production") return [];
  const problems: ConfigProblem[] = [];
  const below = (key: string, value: number | undefined, floor: number, why: string) => {
    if (value !== undefined && value < floor)
      problems.push({
        key,
        value: describeValue(value),
        expected: `at least ${floor} in production: ${why}`,
      });
  };
  below(
    "multistage:database.backupRetentionDays",
    config.database?.backupRetentionDays,
    PRODUCTION_FLOORS.backupRetentionDays,
    "the nightly backups are the recovery point and the lower stages' data",
  );
  below(
    "multistage:app.desiredCount",
    config.app.desiredCount,
    PRODUCTION_FLOORS.desiredCount,
    "one task per zone keeps the service up through a task or zone failure",
  );
  below(
    "multistage:logs.retentionDays",
    config.logs?.retentionDays,
    PRODUCTION_FLOORS.logRetentionDays,
    "logs are how an incident is investigated",
  );
  if (config.bucket?.versioning === false) {
    problems.push({
      key: "multistage:bucket.versioning",
      value: "false",
      expected: "true in production: an overwritten or deleted object must be recoverable",
    });
  }
  if (config.logs?.accessLogs === false) {
    problems.push({
      key: "multistage:logs.accessLogs",
      value: "false",
      expected:
        "true in production (or leave it out): load balancer and bucket access logs are the audit trail of who reached production and its data",
    });
  }
  return problems;
}

/** Stages never share an address range: one range per kind, so stages can be peered or reached over one VPN. */
function networkProblems(config: LenientConfig): ConfigProblem[] {
  const cidr = config.network.cidr;
  if (cidr === undefined || config.stage === undefined) return [];
  const owner = LONG_LIVED_KINDS.find(
    (kind) => kind !== config.stage && STAGE_PROFILES[kind].network.cidr === cidr,
  );
  if (!owner) return [];
  return [
    {
      key: "multistage:network.cidr",
      value: describeValue(cidr),
      expected: `a /16 no other stage uses; ${cidr} is ${owner}'s`,
    },
  ];
}

/**
 * Staging and production run only images from the project's shared repository in their own
 * account and region (access/ creates it): an image from any other registry was never built
 * and scanned by this project's CI.
 */
function imageOriginProblems(config: LenientConfig): ConfigProblem[] {
  // An image that is not pinned by digest is reported by the digest rule already.
  if (
    !config.image ||
    !DIGEST_PINNED_IMAGE.test(config.image) ||
    (config.stage !== "staging" && config.stage !== "production")
  )
    return [];
  const origin = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/([^@]+)@/.exec(config.image);
  const account = config.access?.deployerRoleArn
    ? /::(\d{12}):/.exec(config.access.deployerRoleArn)?.[1]
    : undefined;
  const expected = `an image of the shared repository, <account>.dkr.ecr.<region>.amazonaws.com/${SHARED_REPOSITORY}@sha256:<64 hex>${account ? `, in account ${account}` : ""}`;
  if (
    !origin ||
    origin[3] !== SHARED_REPOSITORY ||
    (account !== undefined && origin[1] !== account)
  ) {
    return [{ key: "multistage:image", value: describeValue(config.image), expected }];
  }
  return [];
}

/**
 * Only development hosts feature stacks (they borrow its network); a preview domain needs
 * development's HTTPS listener and hosted zone; a cache on development's replication group only
 * makes sense for stacks that share development's data stores.
 */
function featureStacksProblems(config: LenientConfig): ConfigProblem[] {
  const settings = config.featureStacks;
  const problems: ConfigProblem[] = [];
  if (config.stage === "feature" && config.feature) {
    const { isolation, cache } = config.feature;
    if (isolation === "dedicated" && cache === "shared")
      problems.push({
        key: "multistage:feature.cache",
        value: describeValue(cache),
        expected:
          "sidecar or serverless (or leave it out): a dedicated feature stack has its own replication group",
      });
  }
  if (!settings) return problems;
  if (config.stage !== "development") {
    problems.push({
      key: "multistage:featureStacks",
      value: describeValue(settings),
      expected: `nothing in a ${String(config.stage)} stack: feature stacks borrow development's network, and development's stack hosts them`,
    });
    return problems;
  }
  if (settings.isolation === "dedicated" && settings.cache === "shared")
    problems.push({
      key: "multistage:featureStacks.cache",
      value: describeValue(settings.cache),
      expected:
        "sidecar or serverless (or leave it out): dedicated feature stacks have their own replication group",
    });
  if ((settings.previewDomain === undefined) !== (settings.previewCertificateArn === undefined))
    problems.push({
      key: "multistage:featureStacks",
      value: describeValue(settings),
      expected:
        "previewDomain and previewCertificateArn together (a wildcard certificate for *.<previewDomain>), or neither",
    });
  if (
    settings.previewDomain !== undefined &&
    (config.domain?.certificateArn === undefined || config.domain?.hostedZoneId === undefined)
  )
    problems.push({
      key: "multistage:featureStacks.previewDomain",
      value: describeValue(settings.previewDomain),
      expected:
        "a preview domain only with multistage:domain.certificateArn and domain.hostedZoneId: the rules sit on development's HTTPS listener and *.<previewDomain> is an alias in its zone",
    });
  return problems;
}

/** Data flows one way: production takes none; a replica of production is staging's, knowingly. */
function dataProblems(config: LenientConfig): ConfigProblem[] {
  const data = config.data;
  if (!data || config.stage === undefined) return [];
  if (config.stage === "production") {
    return [
      {
        key: "multistage:data",
        value: describeValue(data),
        expected:
          "nothing: production never takes a data source; data only flows from production down",
      },
    ];
  }
  const problems: ConfigProblem[] = [];
  if (data.source === "production-replica") {
    if (config.stage !== "staging") {
      problems.push({
        key: "multistage:data.source",
        value: describeValue(data.source),
        expected: `empty or sanitized-snapshot: only staging may replicate production, and ${config.stage} is not staging`,
      });
    } else if (data.acknowledgeProductionData !== true) {
      problems.push({
        key: "multistage:data.acknowledgeProductionData",
        value: describeValue(data.acknowledgeProductionData),
        expected:
          "true: a replica serves unsanitized production data to staging; say so explicitly in the stack file",
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
    imageCommit: config.imageCommit,
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
    refinery: profile.refinery ? { ...profile.refinery, ...config.refinery } : undefined,
    featureStacks: profile.featureStacks
      ? {
          ...profile.featureStacks,
          ...config.featureStacks,
          host: { ...profile.featureStacks.host, ...config.featureStacks?.host },
        }
      : undefined,
  };
  if (stage.feature === undefined) delete stage.feature;
  if (stage.refinery === undefined) delete stage.refinery;
  if (stage.featureStacks === undefined) delete stage.featureStacks;
  if (stage.database.backupWindow === undefined) delete stage.database.backupWindow;
  if (stage.image === undefined) delete stage.image;
  if (stage.imageCommit === undefined) delete stage.imageCommit;
  return stage;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
