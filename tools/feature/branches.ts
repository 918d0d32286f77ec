/**
 * Git branches and stages: which long-lived stage a branch deploys to (the mapping in
 * Pulumi.yaml), and the feature stack name of every other branch.
 */
import { createHash } from "node:crypto";
import { maxStageNameLength, stagePrefix } from "../../lib/aws/naming";
import { LongLivedKind } from "../../stage/profile";
import { PROJECT } from "../../stage/resolve";
import { stageConfigSchema } from "../../stage/schema";
import { UsageError } from "../commands/run-command";
import { projectDefaults, readProjectFile } from "../../stage/stack-files";

export const FEATURE_STACK_PREFIX = "feature-";
/** Feature branches written `feature/<slug>` keep their slug as it is when it is clean. */
const FEATURE_BRANCH_PREFIX = "feature/";
const SLUG_HASH_LENGTH = 8;
/**
 * Longest slug: the load balancer and target group are named `multistage-feature-<slug>`,
 * and the naming module's rule for them stops at AWS's 32 characters.
 */
export const MAX_SLUG_LENGTH = maxStageNameLength(PROJECT, "alb") - FEATURE_STACK_PREFIX.length;

export interface BranchRule {
  pattern: string;
  stage: LongLivedKind;
}

export type BranchTarget =
  | { kind: "long-lived"; stage: LongLivedKind; stack: string }
  | { kind: "feature"; stack: string; slug: string; namePrefix: string };

/** The branch mapping from Pulumi.yaml, validated by the same schema as stack config. */
export function loadBranchRules(root?: string): BranchRule[] {
  const project = readProjectFile(root);
  const declared = projectDefaults(project)[`${project.name}:branchStages`];
  const parsed = stageConfigSchema.shape.branchStages.safeParse(declared);
  if (!parsed.success) {
    throw new UsageError(
      `Pulumi.yaml multistage:branchStages: got ${JSON.stringify(declared)}; expected a list of "<glob>=<stage>" entries`,
    );
  }
  return parsed.data.map((entry) => {
    const [pattern, stage] = entry.split("=") as [string, LongLivedKind];
    return { pattern, stage };
  });
}

function globMatches(pattern: string, branch: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );
  return regex.test(branch);
}

/** Where a branch deploys. Throws UsageError for a branch that cannot name any stack. */
export function targetForBranch(branch: string, rules: readonly BranchRule[]): BranchTarget {
  const rule = rules.find((r) => globMatches(r.pattern, branch));
  if (rule) return { kind: "long-lived", stage: rule.stage, stack: rule.stage };
  const slug = featureSlug(branch);
  const stack = `${FEATURE_STACK_PREFIX}${slug}`;
  return { kind: "feature", stack, slug, namePrefix: stagePrefix(PROJECT, stack) };
}

/** The feature stack of a branch, refusing branches that deploy to a long-lived stage. */
export function featureTargetForBranch(
  branch: string,
  rules: readonly BranchRule[],
): Extract<BranchTarget, { kind: "feature" }> {
  const target = targetForBranch(branch, rules);
  if (target.kind === "long-lived") {
    throw new UsageError(
      `Branch ${JSON.stringify(branch)} deploys to the long-lived stage ${target.stage} (multistage:branchStages in Pulumi.yaml), not to a feature stack`,
    );
  }
  return target;
}

/**
 * What a data resync appends to a feature stack's database name (`_g<n>`, featureDatabaseNames
 * in components/feature-database.ts): a clean slug ending so would name another stack's
 * database (`feature/x-g2` and `feature-x` after two resyncs), so it is hashed instead.
 */
const DATA_GENERATION_LIKE = /-g\d+$/;

/**
 * A short, lowercase slug for a branch. `feature/<clean name>` keeps its name; any branch
 * whose slug loses information (case, characters, length, the feature/ prefix) gets a hash
 * of the full branch name, so two branches never share a stack. Clean slugs never end in
 * what looks like such a hash, so the two kinds cannot collide either, nor in what looks like a
 * data generation, so no stack's database is named like another's after a resync.
 */
export function featureSlug(branch: string): string {
  // The prefix says nothing about the branch; drop it (any case) so the slug keeps real words.
  const withoutPrefix = branch.toLowerCase().startsWith(FEATURE_BRANCH_PREFIX)
    ? branch.slice(FEATURE_BRANCH_PREFIX.length)
    : branch;
  if (!/[\p{L}\p{N}]/u.test(withoutPrefix)) {
    throw new UsageError(
      `Branch ${JSON.stringify(branch)} has no letters or digits in its name; it cannot name a feature stack`,
    );
  }
  const cleaned = withoutPrefix
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  const hashLike = new RegExp(`-[0-9][0-9a-z]{${SLUG_HASH_LENGTH - 1}}$`);
  const lossless =
    branch.startsWith(FEATURE_BRANCH_PREFIX) &&
    cleaned === withoutPrefix &&
    cleaned.length > 0 &&
    cleaned.length <= MAX_SLUG_LENGTH &&
    !hashLike.test(cleaned) &&
    !DATA_GENERATION_LIKE.test(cleaned);
  if (lossless) return cleaned;
  const head = cleaned.slice(0, MAX_SLUG_LENGTH - SLUG_HASH_LENGTH - 1).replace(/-+$/, "") || "b";
  return `${head}-${branchHash(branch)}`;
}

/**
 * A hash of the full branch name that fits the slug: a digit, then base-36 characters (about
 * 39.5 bits in 8 characters, where 7 hex characters held 28). The leading digit is what tells a
 * hashed slug from a clean one. Collisions are not what keeps a stack safe (feature up refuses
 * a stack whose tags name another branch or pull request); this makes finding one take years
 * of CPU instead of minutes.
 */
export function branchHash(branch: string): string {
  let value = BigInt(`0x${createHash("sha256").update(branch).digest("hex")}`);
  const digit = (value % 10n).toString();
  value /= 10n;
  return `${digit}${value
    .toString(36)
    .slice(-(SLUG_HASH_LENGTH - 1))
    .padStart(SLUG_HASH_LENGTH - 1, "0")}`;
}
