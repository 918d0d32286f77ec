import { CommandContext } from "../commands/context";
import { errorSummary } from "../engine/error-summary";
import { destroyFeatureStack } from "./feature-down";
import { FeatureStackRow, listFeatureStacks } from "./feature-list";

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
  return result;
}

export function reapSummary(result: ReapResult): string {
  const verb = result.dryRun ? "would reap" : "reaped";
  const lines = [
    `${verb} ${result.dryRun ? result.selected.length : result.reaped.length} of ${result.selected.length} due feature stack(s); ${result.failed.length} failed; ${result.skipped.length} skipped`,
    ...result.failed.map((f) => `  failed  ${f.stack}: ${f.error}`),
    ...result.skipped.map((s) => `  skipped ${s.stack}: ${s.reason}`),
  ];
  return `${lines.join("\n")}\n`;
}
