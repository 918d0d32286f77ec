/**
 * The access project's configuration: which stages exist, which principals (by tier) may
 * deploy each, and which GitHub repository's workflows may. Validated, all problems at once,
 * before any resource is registered.
 */
import { z } from "zod";
import { ConfigProblem, describeValue, StageConfigError, zodIssueProblems } from "../components/stage-errors";
import { LONG_LIVED_KINDS } from "../components/stage-profile";

export const ACCESS_PROJECT = "multistage-access";
export const FEATURE = "feature";

/** IAM principals a trust policy may name: a user, a role or an account root, never a wildcard. */
const PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(root|user\/[\w+=,.@/-]+|role\/[\w+=,.@/-]+)$/;

export const accessSchema = z
  .object({
    // Config hands a bare number to the program; an account id is text with leading zeros kept.
    accountId: z.union([z.string(), z.number()]).transform((v) => (typeof v === "number" ? String(v).padStart(12, "0") : v)).pipe(z.string().regex(/^\d{12}$/, "a 12-digit AWS account id")),
    stages: z.array(z.enum(LONG_LIVED_KINDS)).min(1).default(["development", "staging", "production"]),
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
        repository: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "owner/name of the GitHub repository"),
        /** An existing GitHub OIDC provider; when absent one is created. */
        oidcProviderArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/, "the ARN of the account's GitHub OIDC provider").optional(),
        /** The repository's default branch, where scheduled workflows (the reaper) run. */
        defaultBranch: z.string().regex(/^[\w./-]+$/).default("main"),
      })
      .strict()
      .optional(),
    secretsKeys: z.boolean().default(false),
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
  const tiers = (raw.tiers && typeof raw.tiers === "object" ? raw.tiers : {}) as Record<string, { stages?: unknown; principals?: unknown }>;
  for (const [tier, settings] of Object.entries(tiers)) {
    (Array.isArray(settings?.stages) ? settings.stages : []).forEach((stage: unknown, i: number) => {
      if (!deployable.includes(stage as string)) {
        problems.push({ key: `${ACCESS_PROJECT}:tiers.${tier}.stages[${i}]`, value: describeValue(stage), expected: `one of ${deployable.join(", ")} (the stages in ${ACCESS_PROJECT}:stages, and feature)` });
      }
    });
    (Array.isArray(settings?.principals) ? settings.principals : []).forEach((principal: unknown, i: number) => {
      const key = `${ACCESS_PROJECT}:tiers.${tier}.principals[${i}]`;
      if (typeof principal === "string" && principal.includes("*")) {
        problems.push({ key, value: describeValue(principal), expected: "a single IAM user, role or account ARN: wildcards would let anyone deploy" });
      } else if (typeof principal !== "string" || !PRINCIPAL_ARN.test(principal)) {
        problems.push({ key, value: describeValue(principal), expected: "an IAM principal ARN like arn:aws:iam::123456789012:role/developers" });
      }
    });
  }
  if (parsed.success && !parsed.data.github) {
    for (const stage of deployable) {
      if (!Object.values(parsed.data.tiers).some((t) => t.stages.includes(stage))) {
        problems.push({ key: `${ACCESS_PROJECT}:tiers`, value: describeValue(Object.keys(parsed.data.tiers)), expected: `a tier that may deploy ${stage} (or ${ACCESS_PROJECT}:github), so someone can` });
      }
    }
  }
  if (problems.length > 0 || !parsed.success) throw new StageConfigError("access", problems);
  return parsed.data;
}

/** The stages that get a deployer role: the long-lived ones configured, plus feature. */
export function deployableStages(config: AccessConfig): string[] {
  return [...config.stages, FEATURE];
}

/** Principals allowed to deploy a stage: everyone in a tier that lists it. */
export function principalsFor(config: AccessConfig, stage: string): string[] {
  return [...new Set(Object.values(config.tiers).filter((t) => t.stages.includes(stage)).flatMap((t) => t.principals))].sort();
}
