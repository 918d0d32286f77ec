/**
 * What `stagectl eta` can time: the targets `stagectl cost` knows (every stack with a stack
 * file, testing from its profile when it has none, and a feature stack), a feature stack for
 * any branch.
 */
import type { StageKind } from "../../stage/profile";
import {
  allTargets,
  EXAMPLE_BRANCH,
  FEATURE_TARGET,
  validTargetNames,
  type CostTarget,
} from "../cost/targets";
import { featureTargetForBranch, loadBranchRules } from "../feature/branches";

export interface EtaTarget {
  name: string;
  stack: string;
  kind: StageKind;
  from: CostTarget["from"];
  /** A feature stack's branch. */
  branch?: string;
}

export { EXAMPLE_BRANCH, FEATURE_TARGET };

/** Every target, lowest level first, the feature stack for the example branch last. */
export function etaTargets(root?: string): EtaTarget[] {
  return allTargets({ configDir: root }).map((t) =>
    t.kind === "feature" ? { ...t, branch: EXAMPLE_BRANCH } : t,
  );
}

/** The target a name means (a feature stack: for `branch`), or undefined. */
export function findEtaTarget(
  name: string,
  branch: string | undefined,
  root?: string,
): EtaTarget | undefined {
  const target = etaTargets(root).find((t) => t.name === name);
  if (!target || target.kind !== "feature" || branch === undefined) return target;
  return { ...target, stack: featureTargetForBranch(branch, loadBranchRules(root)).stack, branch };
}

/** What `stagectl eta` accepts, for error messages. */
export function validEtaNames(root?: string): string[] {
  return validTargetNames({ configDir: root });
}
