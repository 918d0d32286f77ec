/**
 * The backstop for feature databases whose drop never ran. `feature down` only starts the drop
 * task (components/feature-database.ts); if that task failed to start or to finish, the
 * database would keep a place on development's feature host. After reaping, `feature reap`
 * runs the provisioner's `prune` (app/src/feature-db/prune.ts) in development's cluster, as
 * the FeatureDatabase's own tasks run, keeping every database of a stack the backend still
 * lists, whatever its state.
 */
import {
  FEATURE_DATABASE_NAME,
  FEATURE_DB_SCRIPT,
  featureDatabaseNames,
  taskFamily,
} from "../../components/feature-database";
import type { EcsTaskOutcome } from "../../lib/aws/ecs-task-run";
import { CONFIG_KEYS } from "../../stage/keys";
import type { FeatureHostRef } from "../../stage/references";
import { featureAccessOf } from "../../stage/stack-facts";
import { loadStackConfig } from "../../stage/stack-files";
import type { CommandContext } from "../commands/context";
import type { StageWorkspace } from "../engine/workspace";
import { NETWORK_STACK } from "./feature-up";

/** What the prune ran, or why it did not. */
export type PruneResult =
  { ran: true; keep: string[]; taskArn: string; log?: string } | { ran: false; reason: string };

export async function pruneOrphanDatabases(
  context: CommandContext,
  workspace: StageWorkspace,
  liveStacks: readonly string[],
): Promise<PruneResult> {
  const outputs = await workspace.outputs(NETWORK_STACK);
  const host = outputs.featureHost?.value as FeatureHostRef | undefined;
  const subnets = outputs.privateSubnetIds?.value as string[] | undefined;
  // Dedicated feature stacks (no host), or a backend without development: nothing to prune,
  // and never a guess at which databases are live.
  if (!host || !subnets)
    return { ran: false, reason: `${NETWORK_STACK} has no feature host (featureHost output)` };
  // A listing without development is not this project's whole backend: keep everything.
  if (!liveStacks.includes(NETWORK_STACK))
    return {
      ran: false,
      reason: `the stack list does not include ${NETWORK_STACK}; refusing to prune from an incomplete list`,
    };
  const network = loadStackConfig(NETWORK_STACK).values;
  const access = featureAccessOf(network);
  // A stack whose name makes no valid database name (Pulumi allows more) owns none.
  const keep = [...new Set(liveStacks)]
    .filter((stack) => stack.startsWith("feature-"))
    .map((stack) => featureDatabaseNames(stack, 0).database)
    .filter((database) => FEATURE_DATABASE_NAME.test(database))
    .sort();
  const outcome: EcsTaskOutcome = await context.runTask({
    region: network[CONFIG_KEYS.region],
    clusterArn: host.clusterArn,
    taskDefinitionArn: taskFamily(host.taskDefinitionArn),
    containerName: host.containerName,
    subnetIds: subnets,
    securityGroupIds: [host.clientSecurityGroupId],
    command: [...FEATURE_DB_SCRIPT, "prune", "--keep", keep.length > 0 ? keep.join(",") : "none"],
    startedBy: "feature-reap",
    ...(access ? { assumeRoleArn: access.deployerRoleArn } : {}),
    logGroup: host.logGroupName,
    logStreamPrefix: host.containerName,
  });
  return {
    ran: true,
    keep,
    taskArn: outcome.taskArn,
    ...(outcome.log ? { log: outcome.log } : {}),
  };
}
