import { CommandContext } from "../commands/context";
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

/** Which feature stacks are due: expired, or older than the cut-off. Never a non-feature stack. */
export function selectForReaping(rows: FeatureStackRow[], nowMs: number, olderThanMs?: number): { due: string[]; skipped: ReapResult["skipped"] } {
  const due: string[] = [];
  const skipped: ReapResult["skipped"] = [];
  for (const row of rows) {
    if (row.notFeature) {
      skipped.push({ stack: row.stack, reason: row.notFeature });
      continue;
    }
    if (!row.createdAt || !row.expiresAt) {
      skipped.push({ stack: row.stack, reason: "no feature settings (branch, createdAt, expiresAt) in its config" });
      continue;
    }
    const tooOld = olderThanMs !== undefined && nowMs - Date.parse(row.createdAt) > olderThanMs;
    if (row.expired || tooOld) due.push(row.stack);
  }
  return { due, skipped };
}

/** Destroys every due feature stack, going on past failures; the caller exits non-zero if any failed. */
export async function featureReap(context: CommandContext, options: ReapOptions): Promise<ReapResult> {
  const workspace = await context.openWorkspace();
  const rows = await listFeatureStacks(context, workspace);
  const { due, skipped } = selectForReaping(rows, context.now().getTime(), options.olderThanMs);
  const result: ReapResult = { dryRun: options.dryRun, selected: due, reaped: [], failed: [], skipped };
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
      const message = error instanceof Error ? error.message : String(error);
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
