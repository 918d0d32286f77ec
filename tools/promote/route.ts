/**
 * Checks that `--from A --to B` is a promotion at all, before anything is read from the backend:
 * B is a long-lived stack, A is below it on B's path (promotion-path.ts), and any level in
 * between is skipped only on purpose, with a reason.
 */
import { UsageError } from "../commands/run-command";
import { FEATURE_STACK_PREFIX } from "../feature/branches";
import { levelOf, longLivedStacks, PathStage, pathTo, sameLevel } from "./promotion-path";

export interface RouteOptions {
  from: string;
  to: string;
  skipLevel: boolean;
  reason?: string;
  /** Directory holding the stack files (tests point it elsewhere). */
  configDir?: string;
}

const show = (path: readonly PathStage[]) => path.map((p) => p.stack).join(" -> ");

/** Returns the levels skipped. Touches nothing; every problem is a UsageError (exit 2). */
export function checkPromotionRoute(options: RouteOptions): string[] {
  const { from, to } = options;
  if (from === to)
    throw new UsageError(
      `--from and --to are both ${from}; promotion moves an image from one stage to another`,
    );
  if (to.startsWith(FEATURE_STACK_PREFIX))
    throw new UsageError(
      `--to ${to} is a feature stack; feature stacks build their own image and are never promotion targets`,
    );
  const stacks = longLivedStacks(options.configDir);
  const path = pathTo(to, options.configDir);
  if (!path)
    throw new UsageError(
      `--to ${to} is not on the promotion path (long-lived stacks: ${show(stacks)})`,
    );
  const source = stacks.find((s) => s.stack === from);
  if (!source) throw new UsageError(`--from ${from} is not on the promotion path (${show(path)})`);
  // pathTo returns the target's own path, so the target is on it.
  const target = path.find((s) => s.stack === to) as PathStage;
  if (sameLevel(source, target)) {
    throw new UsageError(
      `--from ${from} and --to ${to} are both ${target.kind} stages; an image moves up a level, never sideways (${to}'s path: ${show(path)})`,
    );
  }
  const fromIndex = path.findIndex((s) => s.stack === from);
  const toIndex = path.findIndex((s) => s.stack === to);
  if (levelOf(source.kind) > levelOf(target.kind)) {
    throw new UsageError(
      `--to ${to} is not above ${from} on the promotion path (${show(path)}); images only move up`,
    );
  }
  if (fromIndex < 0) {
    throw new UsageError(
      `--from ${from} is not on ${to}'s promotion path (${show(path)}); an image reaches ${to} only through the stages of its own lane`,
    );
  }
  const skipped = path.slice(fromIndex + 1, toIndex).map((s) => s.stack);
  if (skipped.length > 0) {
    if (!options.skipLevel) {
      throw new UsageError(
        `${from} -> ${to} skips ${skipped.join(", ")}; promote one level at a time, or pass --skip-level --reason "..."`,
      );
    }
    if (!options.reason?.trim())
      throw new UsageError(
        `--skip-level needs --reason "<why>"; the reason goes into the review report`,
      );
  }
  return skipped;
}
