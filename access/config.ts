/**
 * The access project's configuration: which stages exist, which principals (by tier) may
 * deploy each, and which GitHub repository's workflows may. Validated, all problems at once,
 * before any resource is registered.
 */
import { z } from "zod";
import { ConfigError, ConfigProblem, describeValue, zodIssueProblems } from "../lib/config-errors";
import { ACCESS_STAGE, stagePrefix } from "../lib/aws/naming";
import { PROJECT } from "../stage/keys";
import { LONG_LIVED_KINDS } from "../stage/profile";

/** The access project's config is invalid (or would break an IAM quota): before any resource exists. */
export class AccessConfigError extends ConfigError {
  constructor(problems: readonly ConfigProblem[]) {
    super(`the access project (access/)`, problems);
    this.name = "AccessConfigError";
  }
}

/** The access project's name, and its config namespace: the access stage's prefix, outside every stage's. */
export const ACCESS_PROJECT = stagePrefix(PROJECT, ACCESS_STAGE);
export const FEATURE = "feature";

/**
 * IAM principals a trust policy may name: a user or a role, never a wildcard and never an
 * account root (`:root` trusts every identity in that account that has sts:AssumeRole).
 */
const PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(user\/[\w+=,.@/-]+|role\/[\w+=,.@/-]+)$/;
const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const DNS_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/;

export const accessSchema = z
  .object({
    // Config hands a bare number to the program; an account id is text with leading zeros kept.
    accountId: z
      .union([z.string(), z.number()])
      .transform((v) => (typeof v === "number" ? String(v).padStart(12, "0") : v))
      .pipe(z.string().regex(/^\d{12}$/, "a 12-digit AWS account id")),
    stages: z
      .array(z.enum(LONG_LIVED_KINDS))
      .min(1)
      .default(["development", "staging", "production"]),
    tiers: z.record(
      z.string().regex(/^[a-z][a-z0-9-]*$/, "a tier name like developers"),
      z
        .object({
          stages: z.array(z.string()).min(1, "at least one stage"),
          principals: z.array(z.string()).min(1, "at least one principal ARN"),
        })
        .strict(),
    ),
    github: z
      .object({
        repository: z
          .string()
          .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "owner/name of the GitHub repository"),
        /** An existing GitHub OIDC provider; when absent one is created. */
        oidcProviderArn: z
          .string()
          .regex(
            /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/,
            "the ARN of the account's GitHub OIDC provider",
          )
          .optional(),
        /** The repository's default branch, where scheduled workflows (the reaper) run. */
        defaultBranch: z
          .string()
          .regex(/^[\w./-]+$/)
          .default("main"),
        /** The workflow that promotes between stages; only its jobs reach testing, staging (by promotion) and production. */
        promoteWorkflow: z
          .string()
          .regex(
            /^\.github\/workflows\/[\w.-]+\.ya?ml$/,
            "a path like .github/workflows/promote.yml",
          )
          .default(".github/workflows/promote.yml"),
        /** The workflow whose scheduled run reaps feature stacks. */
        featureWorkflow: z
          .string()
          .regex(
            /^\.github\/workflows\/[\w.-]+\.ya?ml$/,
            "a path like .github/workflows/feature-stack.yml",
          )
          .default(".github/workflows/feature-stack.yml"),
      })
      .strict()
      .optional(),
    secretsKeys: z.boolean().default(false),
    /** The S3 bucket of a DIY Pulumi backend (s3://<name>), and its KMS key if the bucket uses one. */
    stateBucket: z
      .object({
        name: z.string().regex(S3_BUCKET, "an S3 bucket name"),
        kmsKeyArn: z
          .string()
          .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[\w-]+$/, "a KMS key ARN")
          .optional(),
      })
      .strict()
      .optional(),
    /** The Route 53 zone the stages' domains live in, and the record names each stage may write. */
    dns: z
      .object({
        hostedZoneId: z
          .string()
          .regex(/^Z[A-Z0-9]{1,31}$/, "a Route 53 hosted zone id like Z123ABC"),
        names: z.record(
          z.string(),
          z
            .array(
              z
                .string()
                .regex(
                  DNS_NAME,
                  "a lowercase DNS name like app.example.com or *.preview.example.com",
                ),
            )
            .min(1),
        ),
      })
      .strict()
      .optional(),
    /** Staging may be a read replica of production's database (unsanitized data, on purpose). */
    stagingReplica: z.boolean().default(false),
  })
  .strict();

export type AccessConfig = z.infer<typeof accessSchema>;

/** Validates raw config (keys without the project prefix); throws listing every problem. */
export function resolveAccessConfig(raw: Record<string, unknown>): AccessConfig {
  const problems: ConfigProblem[] = [];
  const parsed = accessSchema.safeParse(raw);
  if (!parsed.success) problems.push(...zodIssueProblems(parsed.error, raw, ACCESS_PROJECT));
  const stages = parsed.success ? parsed.data.stages : LONG_LIVED_KINDS;
  const deployable = [...stages, FEATURE];
  const tiers = (raw.tiers && typeof raw.tiers === "object" ? raw.tiers : {}) as Record<
    string,
    { stages?: unknown; principals?: unknown }
  >;
  for (const [tier, settings] of Object.entries(tiers)) {
    (Array.isArray(settings?.stages) ? settings.stages : []).forEach(
      (stage: unknown, i: number) => {
        if (!deployable.includes(stage as string)) {
          problems.push({
            key: `${ACCESS_PROJECT}:tiers.${tier}.stages[${i}]`,
            value: describeValue(stage),
            expected: `one of ${deployable.join(", ")} (the stages in ${ACCESS_PROJECT}:stages, and feature)`,
          });
        }
      },
    );
    (Array.isArray(settings?.principals) ? settings.principals : []).forEach(
      (principal: unknown, i: number) => {
        const key = `${ACCESS_PROJECT}:tiers.${tier}.principals[${i}]`;
        if (typeof principal === "string" && principal.includes("*")) {
          problems.push({
            key,
            value: describeValue(principal),
            expected: "a single IAM user or role ARN: wildcards would let anyone deploy",
          });
        } else if (typeof principal === "string" && /:root$/.test(principal)) {
          problems.push({
            key,
            value: describeValue(principal),
            expected:
              "a single IAM user or role ARN: an account root trusts every identity in that account",
          });
        } else if (typeof principal !== "string" || !PRINCIPAL_ARN.test(principal)) {
          problems.push({
            key,
            value: describeValue(principal),
            expected: "an IAM principal ARN like arn:aws:iam::123456789012:role/developers",
          });
        }
      },
    );
  }
  for (const stage of Object.keys((raw.dns as { names?: object } | undefined)?.names ?? {})) {
    if (!deployable.includes(stage))
      problems.push({
        key: `${ACCESS_PROJECT}:dns.names.${stage}`,
        value: describeValue(stage),
        expected: `a stage: one of ${deployable.join(", ")}`,
      });
    // Feature stacks answer at <slug>.<previewDomain> through development's wildcard alias, or
    // at their own load balancer's name: they write no record (their boundary has no room).
    else if (stage === FEATURE)
      problems.push({
        key: `${ACCESS_PROJECT}:dns.names.${stage}`,
        value: describeValue(stage),
        expected: `no names for feature stacks: they answer through development's preview domain (give development its wildcard, e.g. *.preview.example.com)`,
      });
  }
  if (parsed.success && parsed.data.stagingReplica && !parsed.data.stages.includes("staging")) {
    problems.push({
      key: `${ACCESS_PROJECT}:stagingReplica`,
      value: "true",
      expected: "false: there is no staging stage to replicate into",
    });
  }
  if (parsed.success && !parsed.data.github) {
    for (const stage of deployable) {
      if (!Object.values(parsed.data.tiers).some((t) => t.stages.includes(stage))) {
        problems.push({
          key: `${ACCESS_PROJECT}:tiers`,
          value: describeValue(Object.keys(parsed.data.tiers)),
          expected: `a tier that may deploy ${stage} (or ${ACCESS_PROJECT}:github), so someone can`,
        });
      }
    }
  }
  if (problems.length > 0 || !parsed.success) throw new AccessConfigError(problems);
  return parsed.data;
}

/** The stages that get a deployer role: the long-lived ones configured, plus feature. */
export function deployableStages(config: AccessConfig): string[] {
  return [...config.stages, FEATURE];
}

/** Principals allowed to deploy a stage: everyone in a tier that lists it. */
export function principalsFor(config: AccessConfig, stage: string): string[] {
  return [
    ...new Set(
      Object.values(config.tiers)
        .filter((t) => t.stages.includes(stage))
        .flatMap((t) => t.principals),
    ),
  ].sort();
}
