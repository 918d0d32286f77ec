import { CommandContext } from "../commands/context";
import { errorSummary } from "../engine/error-summary";
import { StackInfo, StageWorkspace } from "../engine/workspace";
import { FEATURE_STACK_PREFIX } from "./branches";
import {
  FEATURE_TAGS,
  isoSeconds,
  notAFeatureStackReason,
  readFeatureIdentity,
} from "./feature-identity";

export interface FeatureStackRow {
  stack: string;
  branch?: string;
  pr?: number;
  createdAt?: string;
  /** Hours since created-at; absent when created-at is missing, impossible or in the future. */
  ageHours?: number;
  expiresAt?: string;
  expired: boolean;
  lastUpdate?: string;
  url?: unknown;
  /** Set when the stack is named like a feature stack but is not one by its tags or deployment. */
  notFeature?: string;
  /** Why the stack's dates or tags cannot be trusted, or why it could not be read at all. */
  problems: string[];
}

/**
 * Every stack whose name starts with `feature-`, described from what the backend keeps (tags,
 * outputs). A stack that cannot be read becomes a row with its problem, never an exception: one
 * broken stack must not hide the others.
 */
export async function listFeatureStacks(
  context: CommandContext,
  workspace: StageWorkspace,
): Promise<FeatureStackRow[]> {
  const now = context.now().getTime();
  const stacks = (await workspace.listStacks()).filter((s) =>
    s.name.startsWith(FEATURE_STACK_PREFIX),
  );
  const rows: FeatureStackRow[] = [];
  for (const summary of stacks.sort((a, b) =>
    (a.foreignName ?? a.name).localeCompare(b.foreignName ?? b.name),
  )) {
    rows.push(await describe(summary, workspace, now));
  }
  return rows;
}

async function describe(
  summary: StackInfo,
  workspace: StageWorkspace,
  now: number,
): Promise<FeatureStackRow> {
  const row: FeatureStackRow = {
    stack: summary.foreignName ?? summary.name,
    expired: false,
    lastUpdate: summary.lastUpdate,
    problems: [],
  };
  if (summary.foreignName) {
    row.notFeature = `listed as ${summary.foreignName}: a stack of another organization or project that shares the name ${summary.name}`;
    return row;
  }
  let tags: Record<string, string>;
  let outputs: Awaited<ReturnType<StageWorkspace["outputs"]>>;
  try {
    tags = await workspace.getTags(summary.name);
    outputs = await workspace.outputs(summary.name);
  } catch (error) {
    row.problems.push(`cannot be read: ${errorSummary(error)}`);
    return row;
  }
  const notFeature = notAFeatureStackReason(summary.name, tags, outputs);
  if (notFeature) row.notFeature = notFeature;
  const reading = readFeatureIdentity(tags, now);
  row.problems.push(...reading.problems);
  row.branch = reading.identity?.branch ?? tags[FEATURE_TAGS.branch];
  row.pr = reading.identity?.pr;
  if (reading.createdAtMs !== undefined) {
    row.createdAt = isoSeconds(new Date(reading.createdAtMs));
    row.ageHours = Math.round(((now - reading.createdAtMs) / 3_600_000) * 10) / 10;
  }
  if (reading.expiresAtMs !== undefined) {
    row.expiresAt = isoSeconds(new Date(reading.expiresAtMs));
    row.expired = reading.expiresAtMs <= now;
  }
  row.url = outputs.url?.value;
  return row;
}

export async function featureList(context: CommandContext): Promise<FeatureStackRow[]> {
  return listFeatureStacks(context, await context.openWorkspace());
}

export function featureRowsToText(rows: FeatureStackRow[]): string {
  if (rows.length === 0) return "No feature stacks.\n";
  const lines = rows.map((r) =>
    [
      r.stack,
      r.branch ?? "?",
      r.ageHours !== undefined ? `${r.ageHours}h` : "?",
      `${r.expiresAt ?? "?"}${r.expired ? " (expired)" : ""}`,
      r.lastUpdate ?? "never",
      r.url ?? "-",
      r.notFeature ? `NOT A FEATURE STACK: ${r.notFeature}` : "",
      r.problems.length ? `PROBLEMS: ${r.problems.join("; ")}` : "",
    ]
      .join("  ")
      .trimEnd(),
  );
  return `${["stack  branch  age  expires  last update  url", ...lines].join("\n")}\n`;
}
