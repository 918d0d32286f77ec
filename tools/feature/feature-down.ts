import { CONFIG_KEYS } from "../../stage/keys";
import { CommandContext, elapsedWriter, lockWait } from "../commands/context";
import { withBusyRetry } from "../engine/retry";
import { StageWorkspace } from "../engine/workspace";
import { featureTargetForBranch, loadBranchRules } from "./branches";
import { requireFeatureStack } from "./feature-identity";

export interface FeatureDownResult {
  stack: string;
  destroyed: boolean;
  /** Why nothing was destroyed, when nothing was. */
  note?: string;
}

/** Destroys and removes the feature stack of a branch, after the feature-stack guard. */
export async function featureDown(
  context: CommandContext,
  options: { branch: string; pr?: number; waitMs: number },
): Promise<FeatureDownResult> {
  const target = featureTargetForBranch(options.branch, loadBranchRules());
  const workspace = await context.openWorkspace();
  if (!(await workspace.stackExists(target.stack))) {
    return { stack: target.stack, destroyed: false, note: "no such stack; nothing to do" };
  }
  await destroyFeatureStack(context, workspace, target.stack, options.waitMs, {
    branch: options.branch,
    pr: options.pr,
  });
  return { stack: target.stack, destroyed: true };
}

/**
 * The one way stagectl destroys a stack: the guard first (name, tags, last deployment and,
 * when given, the owning branch and pull request), then destroy and remove.
 */
export async function destroyFeatureStack(
  context: CommandContext,
  workspace: StageWorkspace,
  stack: string,
  waitMs: number,
  owner?: { branch: string; pr?: number },
): Promise<void> {
  await requireFeatureStack(workspace, stack, "destroy", owner);
  // `pulumi destroy` does not run the program, but it checks the stack's config against
  // Pulumi.yaml's declarations first, and `stage` has no default: in a fresh checkout, which
  // has no config for a feature stack, it stops with "missing configuration value 'stage'".
  // The guard has just established what the value is.
  await workspace.setAllConfig(stack, { [CONFIG_KEYS.stage]: { value: "feature" } });
  const onOutput = elapsedWriter(context);
  await withBusyRetry(
    () => workspace.destroy(stack, { onOutput }),
    lockWait(context, stack, waitMs),
  );
  await workspace.removeStack(stack);
}
