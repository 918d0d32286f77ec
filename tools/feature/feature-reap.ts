import { CommandContext } from "../commands/context";
import { errorSummary } from "../engine/error-summary";
import { destroyFeatureStack } from "./feature-down";
import { FeatureStackRow, listFeatureStacks } from "./feature-list";
import { pruneOrphanDatabases, type PruneResult } from "./feature-prune";
import type { StageWorkspace } from "../engine/workspace";

export interface ReapOptions {
  /** Reap stacks created longer ago than this, expired or not. */
  olderThanMs?: number;
  dryRun: boolean;
  waitMs: number;
}

export interface ReapResult {
  dryRun: boolean;
  selected: string[];
  reaped: string[];
  failed: Array<{ stack: string; error: string }>;
  skipped: Array<{ stack: string; reason: string }>;
  /** The feature host's prune after reaping: databases of no listed stack dropped. */
  prune?: PruneResult | { ran: false; error: string };
}

/**
 * Which feature stacks are due: expired, or (with a cut-off) older than it. A stack whose
 * created-at cannot be trusted is aged by its last update instead, so a stack with bogus dates
 * cannot dodge the nightly `--older-than` run. Every stack left alone is reported with why.
 */
export function selectForReaping(
  rows: FeatureStackRow[],
  nowMs: number,
  olderThanMs?: number,
): { due: string[]; skipped: ReapResult["skipped"] } {
  const due: string[] = [];
  const skipped: ReapResult["skipped"] = [];
  for (const row of rows) {
    if (row.notFeature) {
      skipped.push({ stack: row.stack, reason: row.notFeature });
      continue;
    }
    const unreadable = row.problems.find((p) => p.startsWith("cannot be read"));
    if (unreadable) {
      skipped.push({ stack: row.stack, reason: unreadable });
      continue;
    }
    if (row.expired) {
      due.push(row.stack);
      continue;
    }
    const bornMs = row.createdAt !== undefined ? Date.parse(row.createdAt) : lastUpdateMs(row);
    if (olderThanMs !== undefined && bornMs !== undefined && nowMs - bornMs > olderThanMs) {
      due.push(row.stack);
      continue;
    }
    if (row.problems.length > 0) {
      const hint = olderThanMs === undefined ? "; --older-than reaps it by age" : "";
      skipped.push({
        stack: row.stack,
        reason: `its tags cannot be trusted (${row.problems.join("; ")})${hint}`,
      });
    }
  }
  return { due, skipped };
}

function lastUpdateMs(row: FeatureStackRow): number | undefined {
  const ms = row.lastUpdate === undefined ? NaN : Date.parse(row.lastUpdate);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Destroys every due feature stack, each on its own: a failure (or a stack removed by someone
 * else meanwhile) is recorded and the run goes on; the caller exits non-zero if any failed.
 */
export async function featureReap(
  context: CommandContext,
  options: ReapOptions,
): Promise<ReapResult> {
  const workspace = await context.openWorkspace();
  const rows = await listFeatureStacks(context, workspace);
  const { due, skipped } = selectForReaping(rows, context.now().getTime(), options.olderThanMs);
  const result: ReapResult = {
    dryRun: options.dryRun,
    selected: due,
    reaped: [],
    failed: [],
    skipped,
  };
  for (const row of skipped) context.stderr(`skipping ${row.stack}: ${row.reason}\n`);
  for (const stack of due) {
    if (options.dryRun) {
      context.stderr(`would destroy ${stack}\n`);
      continue;
    }
    context.stderr(`destroying ${stack}\n`);
    try {
      await destroyFeatureStack(context, workspace, stack, options.waitMs);
      result.reaped.push(stack);
    } catch (error) {
      const message = errorSummary(error);
      context.stderr(`failed to destroy ${stack}: ${message}\n`);
      result.failed.push({ stack, error: message });
    }
  }
  if (!options.dryRun) result.prune = await prune(context, workspace);
  return result;
}

/**
 * Drops the feature databases no stack owns any more. The stacks are listed again now, not at
 * the start of the run (destroys take minutes each): every one listed keeps its databases,
 * whatever its state (unreadable, skipped, failed to destroy), and one created since is younger
 * than the prune's hour anyway.
 */
async function prune(
  context: CommandContext,
  workspace: StageWorkspace,
): Promise<ReapResult["prune"]> {
  try {
    const live = (await workspace.listStacks()).map((stack) => stack.name);
    const pruned = await pruneOrphanDatabases(context, workspace, live);
    context.stderr(
      pruned.ran
        ? `pruned the feature host's databases that no listed stack owns (task ${pruned.taskArn})\n`
        : `no prune: ${pruned.reason}\n`,
    );
    return pruned;
  } catch (error) {
    const message = errorSummary(error);
    context.stderr(`failed to prune the feature host: ${message}\n`);
    return { ran: false, error: message };
  }
}

export function reapSummary(result: ReapResult): string {
  const verb = result.dryRun ? "would reap" : "reaped";
  const lines = [
    `${verb} ${result.dryRun ? result.selected.length : result.reaped.length} of ${result.selected.length} due feature stack(s); ${result.failed.length} failed; ${result.skipped.length} skipped`,
    ...result.failed.map((f) => `  failed  ${f.stack}: ${f.error}`),
    ...result.skipped.map((s) => `  skipped ${s.stack}: ${s.reason}`),
    ...(result.prune && "error" in result.prune
      ? [`  failed  prune of the feature host: ${result.prune.error}`]
      : []),
  ];
  return `${lines.join("\n")}\n`;
}
