/**
 * Where an image may be promoted from and to, derived from the committed stack files.
 *
 * A stack is named after its kind, or `<kind>-<suffix>` (stage/resolve.ts), so a team
 * with two regions may run `development`, `staging`, `staging-us`, `production`, `production-us`.
 * The stacks sharing a suffix form a lane; the unsuffixed stacks are the main lane. A lane's
 * path is its own stacks in level order, preceded by the main lane's stacks below its lowest
 * level (a lane branches off the main lane where it starts):
 *
 *   main lane:  development -> staging    -> production
 *   lane "us":  development -> staging-us -> production-us
 *
 * A promotion A -> B is allowed only along B's path, upwards. So `staging -> staging-us` is
 * refused (same level: that copies an image sideways, it does not promote it), and so are
 * `staging -> production-us` and `staging-us -> production` (another lane's stage vouched for
 * the image, not the target's own). There is no setting to cross lanes yet.
 */
import { LONG_LIVED_KINDS, LongLivedKind } from "../../stage/profile";
import { listStackFiles } from "../../stage/stack-files";
import { stageKindOfStackFile } from "../../stage/stack-facts";

export interface PathStage {
  stack: string;
  kind: LongLivedKind;
  /** `us` for `staging-us`; empty for the main lane. */
  suffix: string;
}

/** 0 for development, up to 3 for production. */
export const levelOf = (kind: LongLivedKind): number => LONG_LIVED_KINDS.indexOf(kind);

/**
 * The long-lived stacks that have a stack file, lowest level first, each with its lane. A
 * stack whose name does not match its kind is left out: the stage model refuses to deploy it.
 */
export function longLivedStacks(configDir?: string): PathStage[] {
  const stages: PathStage[] = [];
  for (const stack of listStackFiles(configDir)) {
    const kind = stageKindOfStackFile(stack, configDir);
    if (!kind || !(LONG_LIVED_KINDS as readonly string[]).includes(kind)) continue;
    const longLived = kind as LongLivedKind;
    if (stack === longLived) stages.push({ stack, kind: longLived, suffix: "" });
    else if (stack.startsWith(`${longLived}-`))
      stages.push({ stack, kind: longLived, suffix: stack.slice(longLived.length + 1) });
  }
  return stages.sort((a, b) => levelOf(a.kind) - levelOf(b.kind) || a.stack.localeCompare(b.stack));
}

/**
 * The path that leads to `target`: its lane's stacks, after the main lane's stacks below the
 * lane's lowest level. Undefined when `target` is not a long-lived stack with a stack file.
 */
export function pathTo(target: string, configDir?: string): PathStage[] | undefined {
  const stacks = longLivedStacks(configDir);
  const found = stacks.find((s) => s.stack === target);
  if (!found) return undefined;
  const lane = stacks.filter((s) => s.suffix === found.suffix);
  if (found.suffix === "") return lane;
  const start = levelOf(lane[0].kind);
  return [...stacks.filter((s) => s.suffix === "" && levelOf(s.kind) < start), ...lane];
}

/** The same level twice means a sideways copy, never a promotion. */
export function sameLevel(a: PathStage, b: PathStage): boolean {
  return a.kind === b.kind;
}
