/**
 * Small readers over a stack's resources as policies see them (`PolicyResource`). Props hold
 * outputs during a real preview and inputs in the offline render; JSON policy documents may be
 * strings or already parsed; both are handled.
 */
import type { PolicyResource } from "@pulumi/policy";
import { STAGE_KINDS, StageKind } from "../stage/profile";

export function ofType(resources: readonly PolicyResource[], type: string): PolicyResource[] {
  return resources.filter((r) => r.type === type);
}

/** Resources of any of several types (a type and its aliases, e.g. `aws:lb` and `aws:alb`). */
export function ofTypes(
  resources: readonly PolicyResource[],
  types: readonly string[],
): PolicyResource[] {
  return types.flatMap((type) => ofType(resources, type));
}

/** The stage kind of a stack, from the aws provider's default tags (every stack sets them). */
export function stageKindOf(resources: readonly PolicyResource[]): StageKind | undefined {
  for (const provider of ofType(resources, "pulumi:providers:aws")) {
    const tags = parseJson(provider.props.defaultTags) as
      { tags?: Record<string, string> } | undefined;
    const kind = tags?.tags?.["stage-kind"];
    if ((STAGE_KINDS as readonly string[]).includes(kind ?? "")) return kind as StageKind;
  }
  return undefined;
}

export function defaultTagsOf(resources: readonly PolicyResource[]): Record<string, string> {
  for (const provider of ofType(resources, "pulumi:providers:aws")) {
    const tags = parseJson(provider.props.defaultTags) as
      { tags?: Record<string, string> } | undefined;
    if (tags?.tags) return tags.tags;
  }
  return {};
}

export function parseJson(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

export interface Statement {
  Effect?: string;
  Principal?: unknown;
  Action?: string | string[];
  Resource?: string | string[];
}

export function statementsOf(policy: unknown): Statement[] {
  const document = parseJson(policy) as { Statement?: Statement | Statement[] } | undefined;
  if (!document?.Statement) return [];
  return Array.isArray(document.Statement) ? document.Statement : [document.Statement];
}

export const asList = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Types that hold a stage's data. */
export const STATEFUL_TYPES = [
  "aws:rds/instance:Instance",
  "aws:elasticache/replicationGroup:ReplicationGroup",
  "aws:s3/bucket:Bucket",
] as const;
