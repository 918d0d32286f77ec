/**
 * `stagectl data resync <stack>`: re-create a lower stage's database from the newest snapshot,
 * on purpose. It only bumps the stage's data generation, so the new database shows in
 * `pulumi preview` before `pulumi up` creates it. A long-lived stage keeps the generation in its
 * committed stack file (commit the change); a feature stack, which has no file, in its
 * `multistage:data-generation` tag, which the next `feature up` reads. Refuses production, a
 * staging replica, and any stage whose data does not come from production's snapshots.
 */
import { StageConfigError } from "../../stage/errors";
import { CONFIG_KEYS } from "../../stage/keys";
import { Stage } from "../../stage/resolve";
import { restoresFromProduction, stageOfConfig, withDataGeneration } from "../../stage/stack-facts";
import { CommandContext } from "../commands/context";
import { RefusalError, UsageError } from "../commands/run-command";
import { ConfigEntry, StageWorkspace } from "../engine/workspace";
import { FEATURE_STACK_PREFIX } from "../feature/branches";
import {
  FEATURE_TAGS,
  readFeatureIdentity,
  requireFeatureStack,
} from "../feature/feature-identity";

export interface ResyncResult {
  stack: string;
  generation: { from: number; to: number };
  next: string[];
}

export async function resync(
  context: CommandContext,
  options: { stack: string; yes: boolean },
): Promise<ResyncResult> {
  const { stack } = options;
  if (stack === "production")
    throw new RefusalError(
      "Refusing to resync production: production is the source of all data, never a target",
    );
  const workspace = await context.openWorkspace();
  if (!(await workspace.stackExists(stack))) throw new UsageError(`Stack ${stack} does not exist`);
  return stack.startsWith(FEATURE_STACK_PREFIX)
    ? resyncFeature(context, workspace, options)
    : resyncLongLived(context, workspace, options);
}

async function resyncLongLived(
  context: CommandContext,
  workspace: StageWorkspace,
  options: { stack: string; yes: boolean },
): Promise<ResyncResult> {
  const { stack } = options;
  const config = await workspace.getAllConfig(stack);
  const stage = stageOf(stack, config);
  refuseUnlessRestoredFromProduction(stack, stage);
  const from = stage.data.generation;
  const to = from + 1;
  await confirm(context, stack, options.yes);
  await workspace.setAllConfig(stack, {
    [CONFIG_KEYS.data]: { value: withDataGeneration(config[CONFIG_KEYS.data]?.value, to) },
  });
  return {
    stack,
    generation: { from, to },
    // The stack file is the only place the generation lives: without a commit, the next
    // checkout deploys the old generation again.
    next: [
      `git commit Pulumi.${stack}.yaml`,
      `pulumi preview -s ${stack} --diff`,
      `pulumi up -s ${stack}`,
    ],
  };
}

async function resyncFeature(
  context: CommandContext,
  workspace: StageWorkspace,
  options: { stack: string; yes: boolean },
): Promise<ResyncResult> {
  const { stack } = options;
  const tags = await requireFeatureStack(workspace, stack, "resync");
  const { identity } = readFeatureIdentity(tags, context.now().getTime());
  const from = identity?.dataGeneration ?? 0;
  const to = from + 1;
  await confirm(context, stack, options.yes);
  await workspace.setTags(stack, { [FEATURE_TAGS.dataGeneration]: String(to) });
  const branch = tags[FEATURE_TAGS.branch] ?? "<branch>";
  return {
    stack,
    generation: { from, to },
    next: [`npm run -s stagectl -- feature up --branch ${JSON.stringify(branch)}`],
  };
}

/** The stage as the program would see it: Pulumi.yaml's defaults under the stack file. */
function stageOf(stack: string, config: Record<string, ConfigEntry>): Stage {
  try {
    return stageOfConfig(
      stack,
      Object.fromEntries(Object.entries(config).map(([key, entry]) => [key, entry.value])),
    );
  } catch (error) {
    if (error instanceof StageConfigError)
      throw new RefusalError(
        `Refusing to resync ${stack}: its config is invalid.\n${error.message}`,
      );
    throw error;
  }
}

function refuseUnlessRestoredFromProduction(stack: string, stage: Stage): void {
  if (stage.kind === "production")
    throw new RefusalError(`Refusing to resync ${stack}: its config says it is production`);
  if (stage.data.source === "production-replica") {
    throw new RefusalError(
      `Refusing to resync ${stack}: it is a read replica of production and always has production's current data`,
    );
  }
  if (!restoresFromProduction(stage)) {
    throw new RefusalError(
      `Refusing to resync ${stack}: its data source is ${stage.data.source}, not sanitized-snapshot; there is no snapshot to restore`,
    );
  }
}

async function confirm(context: CommandContext, stack: string, yes: boolean): Promise<void> {
  if (yes) return;
  const answer = await context.ask(
    `This replaces ${stack}'s database with a new one restored from the newest snapshot; everything written in ${stack} since is lost.\nType the stack name to continue: `,
  );
  if (answer === undefined)
    throw new UsageError("No terminal to confirm on; pass --yes to resync without asking");
  if (answer.trim() !== stack)
    throw new RefusalError(
      `Not confirmed (typed ${JSON.stringify(answer.trim())}, expected ${JSON.stringify(stack)}); nothing changed`,
    );
}
