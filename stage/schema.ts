/**
 * The zod schema of a stack's project configuration (keys in the `multistage:` namespace),
 * and the checks that need more than one key at once. Pure: no Pulumi imports, so tools and
 * docs can use it too.
 */
import { z } from "zod";
import { DEFAULT_NETWORK_STACK } from "./keys";
import { scheduleExpressionProblem } from "../lib/aws/schedule-expression";
import {
  FARGATE_MEMORY_BY_CPU,
  LOG_RETENTION_DAYS,
  DATA_SOURCES,
  FEATURE_CACHE_MODES,
  FEATURE_ISOLATION_MODES,
  LONG_LIVED_KINDS,
  NAT_MODES,
  STAGE_KINDS,
  TEARDOWN_MODES,
} from "./profile";

/** Image references staging and production accept: pinned by content digest, never a tag. */
export const DIGEST_PINNED_IMAGE = /^[a-z0-9][a-z0-9._\-/:]*@sha256:[a-f0-9]{64}$/;
const IMAGE_REFERENCE = /^[a-z0-9][a-z0-9._\-/:]*(@sha256:[a-f0-9]{64})?$/;
/** A git commit id as `git rev-parse` prints it: SHA-1 (40 hex) or SHA-256 (64 hex) object names. */
export const GIT_COMMIT_ID = /^([a-f0-9]{40}|[a-f0-9]{64})$/;
const DNS_NAME = /^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/;
const ACM_CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/.+$/;
const CIDR_16 = /^10\.(25[0-5]|2[0-4]\d|1?\d?\d)\.0\.0\/16$/;
/** An ISO-8601 UTC time to the second, as `feature up` writes expiry times. */
export const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Config values arrive as strings or numbers depending on who set them; versions are text. */
const versionText = z
  .union([z.string(), z.number()])
  .transform(String)
  .pipe(z.string().regex(/^\d+(\.\d+)?$/, "a version like 16 or 16.4"));

const positiveInt = (min: number, max: number) =>
  z
    .number({ invalid_type_error: `a whole number from ${min} to ${max}` })
    .int()
    .min(min)
    .max(max);

const networkOverride = z
  .object({
    cidr: z.string().regex(CIDR_16, "a private /16 block like 10.30.0.0/16"),
    nat: z.enum(NAT_MODES),
  })
  .strict()
  .partial();

const databaseOverride = z
  .object({
    instanceClass: z
      .string()
      .regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, "an RDS instance class like db.t4g.small"),
    multiAz: z.boolean(),
    backupRetentionDays: positiveInt(0, 35),
    allocatedStorageGb: positiveInt(20, 65536),
    // RDS PreferredBackupWindow: hh24:mi-hh24:mi in UTC, at least 30 minutes.
    backupWindow: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, "a UTC window like 01:00-01:30"),
  })
  .strict()
  .partial();

const refineryOverride = z
  .object({
    schedule: z.string().superRefine((expression, context) => {
      const problem = scheduleExpressionProblem(expression);
      if (problem)
        context.addIssue({
          code: z.ZodIssueCode.custom,
          message: `a recurring EventBridge Scheduler expression like cron(30 2 * * ? *): ${problem}`,
        });
    }),
    keepSnapshots: positiveInt(1, 35),
    bucketPrefixes: z
      .array(
        z
          .string()
          .regex(
            /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*\/$/,
            "an object prefix ending in /, like public/",
          ),
      )
      .max(20),
    instanceClass: z
      .string()
      .regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, "an RDS instance class like db.t4g.medium"),
    // PutMetricAlarm takes at most 5 actions per alarm state (CloudWatch API reference).
    alarmTopicArns: z
      .array(
        z
          .string()
          .regex(
            /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/,
            "an SNS topic ARN like arn:aws:sns:eu-west-1:123456789012:on-call",
          ),
      )
      .max(5),
  })
  .strict()
  .partial();

const cacheOverride = z
  .object({
    nodeType: z
      .string()
      .regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, "an ElastiCache node type like cache.t4g.small"),
    nodes: positiveInt(1, 6),
  })
  .strict()
  .partial();

const fargateCpu = Object.keys(FARGATE_MEMORY_BY_CPU).map(Number);
const appOverride = z
  .object({
    cpu: z
      .number()
      .refine(
        (cpu) => fargateCpu.includes(cpu),
        `one of the Fargate cpu sizes ${fargateCpu.join(", ")}`,
      ),
    memory: positiveInt(512, 122880),
    desiredCount: positiveInt(0, 100),
  })
  .strict()
  .partial();

const bucketOverride = z
  .object({
    versioning: z.boolean(),
    noncurrentVersionExpirationDays: positiveInt(1, 3650),
  })
  .strict()
  .partial();

const logsOverride = z
  .object({
    retentionDays: z
      .number()
      .refine(
        (d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d),
        `one of ${LOG_RETENTION_DAYS.join(", ")}`,
      ),
    accessLogs: z.boolean(),
  })
  .strict()
  .partial();

const dataOverride = z
  .object({
    source: z.enum(DATA_SOURCES),
    /** Required, and true, for staging to read production's database as a replica. */
    acknowledgeProductionData: z.boolean(),
    generation: positiveInt(0, 1_000_000),
    syncSchedule: z.string().superRefine((expression, context) => {
      const problem = scheduleExpressionProblem(expression);
      if (problem)
        context.addIssue({
          code: z.ZodIssueCode.custom,
          message: `a recurring EventBridge Scheduler expression like cron(30 4 * * ? *): ${problem}`,
        });
    }),
  })
  .strict()
  .partial();

const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const IAM_POLICY_ARN = /^arn:aws[a-z-]*:iam::\d{12}:policy\/[\w+=,.@/-]+$/;

const accessConfig = z
  .object({
    /** The stage's deployer role (exported by access/); the stack's AWS provider assumes it. */
    deployerRoleArn: z
      .string()
      .regex(
        IAM_ROLE_ARN,
        "an IAM role ARN like arn:aws:iam::123456789012:role/multistage-access-staging-deployer",
      ),
    /** The stage's permissions boundary (exported by access/); every role the stack creates carries it. */
    permissionsBoundaryArn: z
      .string()
      .regex(
        IAM_POLICY_ARN,
        "an IAM policy ARN like arn:aws:iam::123456789012:policy/multistage-access-staging-boundary",
      ),
  })
  .strict()
  .partial();

const domainConfig = z
  .object({
    name: z.string().regex(DNS_NAME, "a lowercase DNS name like app.example.com"),
    hostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,31}$/, "a Route 53 hosted zone id like Z123ABC"),
    certificateArn: z.string().regex(ACM_CERTIFICATE_ARN, "an ACM certificate ARN"),
  })
  .strict()
  .partial();

/**
 * Application Load Balancer quotas (Elastic Load Balancing User Guide, "Quotas for your
 * Application Load Balancers"): 100 target groups per load balancer and 100 rules per load
 * balancer, default rules not counted. Development's own service takes one target group.
 */
export const MAX_PREVIEW_RULES = 99;

const featureStacksOverride = z
  .object({
    isolation: z.enum(FEATURE_ISOLATION_MODES),
    cache: z.enum(FEATURE_CACHE_MODES),
    host: z
      .object({
        instanceClass: z
          .string()
          .regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, "an RDS instance class like db.t4g.small"),
        allocatedStorageGb: positiveInt(20, 65536),
        maxDatabases: positiveInt(1, MAX_PREVIEW_RULES),
        refreshSchedule: z.string().superRefine((expression, context) => {
          const problem = scheduleExpressionProblem(expression);
          if (problem)
            context.addIssue({
              code: z.ZodIssueCode.custom,
              message: `a recurring EventBridge Scheduler expression like cron(0 5 * * ? *): ${problem}`,
            });
        }),
      })
      .strict()
      .partial(),
    previewDomain: z.string().regex(DNS_NAME, "a lowercase DNS name like preview.example.com"),
    previewCertificateArn: z
      .string()
      .regex(ACM_CERTIFICATE_ARN, "an ACM certificate ARN (a wildcard certificate for the domain)"),
  })
  .strict()
  .partial();

/** A feature stack's own settings, as `stagectl feature up` writes them. */
export const featureConfigSchema = z
  .object({
    branch: z.string().min(1),
    createdAt: z.string().regex(ISO_TIME, "an ISO-8601 UTC time like 2026-01-31T12:00:00Z"),
    expiresAt: z.string().regex(ISO_TIME, "an ISO-8601 UTC time like 2026-01-31T12:00:00Z"),
    pr: positiveInt(1, 10_000_000).optional(),
    // Only development's network (or a suffixed development's): a feature stack must never sit in
    // a higher stage's VPC, next to its database and cache.
    networkStack: z
      .string()
      .regex(
        new RegExp(`^${DEFAULT_NETWORK_STACK}(-[a-z0-9]+)*$`),
        `${DEFAULT_NETWORK_STACK}, or a suffixed ${DEFAULT_NETWORK_STACK} stack like ${DEFAULT_NETWORK_STACK}-eu`,
      )
      .default(DEFAULT_NETWORK_STACK),
    /** Copied by `feature up` from the network stack's `featureStacks`. */
    isolation: z.enum(FEATURE_ISOLATION_MODES).default("shared"),
    cache: z.enum(FEATURE_CACHE_MODES).default("sidecar"),
  })
  .strict();

/** A branch-to-stage rule: a glob (`*` matches anything) and the long-lived stage it deploys to. */
export const BRANCH_RULE = new RegExp(`^[^=\\s]+=(${LONG_LIVED_KINDS.join("|")})$`);
export const DEFAULT_BRANCH_STAGES = [
  "develop=development",
  "release/*=staging",
  "hotfix/*=staging",
  "main=production",
  "master=production",
] as const;

/** Every key a stack may set in the `multistage:` namespace. Anything else is a typo. */
export const stageConfigSchema = z
  .object({
    stage: z.enum(STAGE_KINDS),
    dbEngineVersion: versionText.default("16"),
    cacheEngineVersion: versionText.default("7.1"),
    appPort: positiveInt(1024, 65535).default(8080),
    image: z
      .string()
      .regex(IMAGE_REFERENCE, "a lowercase image reference, e.g. repo/app@sha256:<64 hex>")
      .optional(),
    imageCommit: z
      .string()
      .regex(
        GIT_COMMIT_ID,
        "the full git commit id the image was built from (40 or 64 lowercase hex)",
      )
      .optional(),
    network: networkOverride.default({}),
    database: databaseOverride.default({}),
    cache: cacheOverride.default({}),
    app: appOverride.default({}),
    bucket: bucketOverride.default({}),
    logs: logsOverride.default({}),
    teardown: z.enum(TEARDOWN_MODES).optional(),
    domain: domainConfig.optional(),
    data: dataOverride.optional(),
    refinery: refineryOverride.optional(),
    access: accessConfig.optional(),
    feature: featureConfigSchema.optional(),
    featureStacks: featureStacksOverride.optional(),
    branchStages: z
      .array(
        z.string().regex(BRANCH_RULE, "<branch glob>=<long-lived stage>, e.g. release/*=staging"),
      )
      .default([...DEFAULT_BRANCH_STAGES]),
  })
  .strict();

export type StageConfigInput = z.input<typeof stageConfigSchema>;
export type StageConfig = z.output<typeof stageConfigSchema>;

/** Descriptions of each top-level key, for the README's config reference. */
export const CONFIG_KEY_DOCS: Readonly<Record<keyof StageConfig, string>> = {
  stage: `Kind of stage: ${STAGE_KINDS.join(" | ")}. Required.`,
  dbEngineVersion: "PostgreSQL version of the RDS instance (default 16).",
  cacheEngineVersion: "Redis version of the ElastiCache replication group (default 7.1).",
  appPort: "Port the app container listens on (default 8080).",
  image:
    "Container image. Required and digest-pinned (`@sha256:`) in staging and production; when absent, `app/` is built into the stack's own ECR repository.",
  imageCommit:
    "The full git commit `multistage:image` was built from; only with `multistage:image`. Exported as the `commit` output (`stagectl status` reads it); whoever sets the image sets it: CI with the commit it built, `stagectl promote` with the source's.",
  network:
    "`{ cidr, nat: single | per-az }`. VPC /16 and NAT layout. Feature stacks use development's network instead.",
  database: "`{ instanceClass, multiAz, backupRetentionDays, allocatedStorageGb }`.",
  cache: "`{ nodeType, nodes }`. Two or more nodes turn on automatic failover.",
  app: "`{ cpu, memory, desiredCount }`. cpu/memory must be a valid Fargate pair.",
  bucket: "`{ versioning, noncurrentVersionExpirationDays }`.",
  logs: "`{ retentionDays, accessLogs }`. `retentionDays` is one of the CloudWatch Logs retention periods. `accessLogs` writes load balancer and bucket access logs into the stage's own log bucket, expired after `retentionDays`; always on in production.",
  teardown: `${TEARDOWN_MODES.join(" | ")}: how the stage's stateful resources may be destroyed.`,
  domain:
    "`{ name, hostedZoneId, certificateArn }`. A certificate turns on HTTPS (HTTP redirects); a zone and name add a Route 53 alias.",
  feature:
    "`{ branch, createdAt, expiresAt, pr, networkStack, isolation, cache }`. Feature stacks only; set by `stagectl feature up` (isolation and cache from the network stack's `featureStacks`).",
  featureStacks:
    "`{ isolation: shared | dedicated, cache: sidecar | serverless | shared, host: { instanceClass, allocatedStorageGb, maxDatabases, refreshSchedule }, previewDomain, previewCertificateArn }`. Development only: how the feature stacks that borrow its network are isolated. `shared` (default) gives each a database on development's feature host, created from a nightly-refreshed template, and a Valkey cache in its own app task (`cache: sidecar`, the default; `serverless` gives it an ElastiCache Serverless cache, `shared` a user with its own key prefix on development's cache); with `previewDomain` and a wildcard `previewCertificateArn` they answer at `<slug>.<previewDomain>` through a rule on development's load balancer. `dedicated` gives each its own RDS instance, replication group and load balancer.",
  refinery:
    "`{ schedule, keepSnapshots, bucketPrefixes, instanceClass, alarmTopicArns }`. Production only: the nightly refinery that restores its newest backup into a sanitizer, sanitizes it and snapshots it for the lower stages, and copies the allowed prefixes of its bucket; its alarm notifies the SNS topics in `alarmTopicArns` when a run fails.",
  data: "`{ source: empty | sanitized-snapshot | production-replica, acknowledgeProductionData, generation, syncSchedule }`. Where the stage's data comes from; never set in production. `production-replica` is staging-only and needs `acknowledgeProductionData: true`. `generation` is bumped by `stagectl data resync`.",
  access:
    "`{ deployerRoleArn, permissionsBoundaryArn }` from the access/ project. The AWS provider assumes the deployer role; every role the stack creates carries the boundary. Required in staging and production; development, testing and feature stacks warn without them.",
  branchStages:
    "Git branch globs and the long-lived stage each deploys to (`release/*=staging`), first match wins; every other branch gets a feature stack. Set in Pulumi.yaml.",
};

/** Fargate only runs certain cpu/memory pairs; anything else fails at deploy time. */
export function fargatePairProblem(cpu: number, memory: number): string | undefined {
  const allowed = FARGATE_MEMORY_BY_CPU[cpu];
  if (!allowed) return undefined; // the cpu itself is reported by the schema
  if (allowed.includes(memory)) return undefined;
  return `memory ${memory} is not valid with cpu ${cpu}; Fargate allows ${allowed.join(", ")} MiB`;
}
