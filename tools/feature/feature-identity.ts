/**
 * What makes a stack a feature stack, kept where every CI job can read it: the backend's stack
 * tags (a fresh checkout has no config file for a feature stack; see tools/engine/workspace.ts).
 * `feature up` writes the tags before the first update; down, reap, list and resync read them.
 */
import { FEATURE_STACK_TAGS, STACK_TAG_NAMESPACE } from "../../stage/keys";
import { RefusalError } from "../commands/run-command";
import { StageWorkspace, StackOutput } from "../engine/workspace";
import { FEATURE_STACK_PREFIX } from "./branches";

/** Every tag stagectl writes starts with this. */
export const FEATURE_TAG_NAMESPACE = STACK_TAG_NAMESPACE;

export const FEATURE_TAGS = FEATURE_STACK_TAGS;

/** Pulumi Cloud caps tag values at 256 characters; a branch name is cut to fit, the same way everywhere. */
const MAX_TAG_VALUE = 256;

/** Longest time to live `feature up` accepts; nothing may expire later than this from now. */
export const MAX_TTL_MS = 30 * 24 * 3_600_000;
/** Clocks of CI runners disagree a little; a created-at this far ahead is still "now". */
const CLOCK_SKEW_MS = 5 * 60_000;

export interface FeatureIdentity {
  branch: string;
  pr?: number;
  createdAt: string;
  expiresAt: string;
  dataGeneration: number;
}

export function branchTagValue(branch: string): string {
  return branch.slice(0, MAX_TAG_VALUE);
}

export function featureTags(identity: FeatureIdentity): Record<string, string> {
  return {
    [FEATURE_TAGS.stage]: "feature",
    [FEATURE_TAGS.branch]: branchTagValue(identity.branch),
    [FEATURE_TAGS.createdAt]: identity.createdAt,
    [FEATURE_TAGS.expiresAt]: identity.expiresAt,
    ...(identity.pr !== undefined ? { [FEATURE_TAGS.pr]: String(identity.pr) } : {}),
    ...(identity.dataGeneration > 0
      ? { [FEATURE_TAGS.dataGeneration]: String(identity.dataGeneration) }
      : {}),
  };
}

/** An ISO-8601 UTC time to the second, as stagectl writes them. */
const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

export function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** The time a stamp names, or undefined for an impossible one (`2026-02-31T25:61:61Z`). */
export function parseIsoSeconds(text: string | undefined): number | undefined {
  if (text === undefined || !ISO_SECONDS.test(text)) return undefined;
  const ms = Date.parse(text);
  // Date.parse rolls impossible dates over (Feb 31 -> Mar 3); a round trip catches that.
  return Number.isNaN(ms) || isoSeconds(new Date(ms)) !== text ? undefined : ms;
}

/** What the tags say, with every reason they cannot be trusted. */
export interface IdentityReading {
  identity?: FeatureIdentity;
  /** Milliseconds since epoch, when the tag is a usable time. */
  createdAtMs?: number;
  expiresAtMs?: number;
  problems: string[];
}

export function readFeatureIdentity(tags: Record<string, string>, nowMs: number): IdentityReading {
  const problems: string[] = [];
  const branch = tags[FEATURE_TAGS.branch];
  if (!branch) problems.push(`no ${FEATURE_TAGS.branch} tag`);
  const createdAt = tags[FEATURE_TAGS.createdAt];
  const expiresAt = tags[FEATURE_TAGS.expiresAt];
  let createdAtMs = parseIsoSeconds(createdAt);
  let expiresAtMs = parseIsoSeconds(expiresAt);
  if (createdAtMs === undefined)
    problems.push(
      `${FEATURE_TAGS.createdAt} ${JSON.stringify(createdAt ?? null)} is not a real UTC time like 2026-03-01T12:00:00Z`,
    );
  else if (createdAtMs > nowMs + CLOCK_SKEW_MS) {
    problems.push(`${FEATURE_TAGS.createdAt} ${createdAt} is in the future`);
    createdAtMs = undefined;
  }
  if (expiresAtMs === undefined)
    problems.push(
      `${FEATURE_TAGS.expiresAt} ${JSON.stringify(expiresAt ?? null)} is not a real UTC time like 2026-03-04T12:00:00Z`,
    );
  else if (expiresAtMs > nowMs + MAX_TTL_MS + CLOCK_SKEW_MS) {
    problems.push(
      `${FEATURE_TAGS.expiresAt} ${expiresAt} is more than 30 days away, beyond the longest --ttl`,
    );
    expiresAtMs = undefined;
  }
  const prText = tags[FEATURE_TAGS.pr];
  const pr = prText !== undefined && /^[1-9]\d{0,8}$/.test(prText) ? Number(prText) : undefined;
  if (prText !== undefined && pr === undefined)
    problems.push(`${FEATURE_TAGS.pr} ${JSON.stringify(prText)} is not a pull request number`);
  const generationText = tags[FEATURE_TAGS.dataGeneration] ?? "0";
  const dataGeneration = /^\d{1,7}$/.test(generationText) ? Number(generationText) : 0;
  const identity =
    branch &&
    createdAt !== undefined &&
    expiresAt !== undefined &&
    createdAtMs !== undefined &&
    expiresAtMs !== undefined
      ? { branch, createdAt, expiresAt, dataGeneration, ...(pr !== undefined ? { pr } : {}) }
      : undefined;
  return { identity, createdAtMs, expiresAtMs, problems };
}

/**
 * Why a stack must not be treated as a feature stack, or undefined when it is one: its name
 * says `feature-`, its tags say stage feature, and its last update (if any) says so too.
 */
export function notAFeatureStackReason(
  stack: string,
  tags: Record<string, string> | undefined,
  outputs?: Record<string, StackOutput>,
): string | undefined {
  if (!stack.startsWith(FEATURE_STACK_PREFIX))
    return `its name does not start with "${FEATURE_STACK_PREFIX}"`;
  if (tags === undefined) return undefined;
  const stage = tags[FEATURE_TAGS.stage];
  if (stage !== "feature")
    return `its ${FEATURE_TAGS.stage} tag is ${JSON.stringify(stage ?? null)}, not "feature" (only stagectl feature up creates feature stacks)`;
  const deployedKind = outputs?.stageKind?.value;
  if (deployedKind !== undefined && deployedKind !== "feature")
    return `its last update deployed a ${String(deployedKind)} stage`;
  return undefined;
}

/** A stack whose tags say it belongs to another branch or pull request. */
export function ownerMismatch(
  tags: Record<string, string>,
  branch: string,
  pr: number | undefined,
): string | undefined {
  const ownBranch = tags[FEATURE_TAGS.branch];
  if (ownBranch !== undefined && ownBranch !== branchTagValue(branch))
    return `it belongs to branch ${JSON.stringify(ownBranch)}, not ${JSON.stringify(branch)}`;
  const ownPr = tags[FEATURE_TAGS.pr];
  if (pr !== undefined && ownPr !== undefined && ownPr !== String(pr))
    return `it belongs to pull request #${ownPr}, not #${pr}`;
  return undefined;
}

/**
 * Reads the stack's tags and outputs from the backend and refuses unless it is a feature stack
 * by name, by tag and by its last deployment (and, given a branch, that branch's). Call before
 * any destroy; it changes nothing.
 */
export async function requireFeatureStack(
  workspace: StageWorkspace,
  stack: string,
  action: string,
  owner?: { branch: string; pr?: number },
): Promise<Record<string, string>> {
  const nameProblem = notAFeatureStackReason(stack, undefined);
  if (nameProblem) throw new RefusalError(`Refusing to ${action} ${stack}: ${nameProblem}`);
  const tags = await workspace.getTags(stack);
  const problem = notAFeatureStackReason(stack, tags, await workspace.outputs(stack));
  if (problem) throw new RefusalError(`Refusing to ${action} ${stack}: ${problem}`);
  const mismatch = owner ? ownerMismatch(tags, owner.branch, owner.pr) : undefined;
  if (mismatch) throw new RefusalError(`Refusing to ${action} ${stack}: ${mismatch}`);
  return tags;
}
