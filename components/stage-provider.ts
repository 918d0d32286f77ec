import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Stage } from "./stage-resolve";

/**
 * The stage's AWS provider: its region, its deployer role, and the tags every resource
 * carries. Created before anything else, because even the lookups a stage makes before it
 * registers resources (production's newest snapshot) must run as the stage's deployer.
 */
export function stageProvider(name: string, stage: Stage): aws.Provider {
  if (!stage.access.deployerRoleArn) {
    // Staging and production refuse this in validation; lower stages may deploy with the caller's own rights.
    pulumi.log.warn(`${stage.name} has no multistage:access.deployerRoleArn; deploying with the caller's own credentials instead of the ${stage.kind} deployer role`);
  }
  return new aws.Provider(`${name}-aws`, {
    region: stage.region as aws.Region,
    // Who may deploy this stage is decided by who may assume this role (access/).
    assumeRoles: stage.access.deployerRoleArn ? [{ roleArn: stage.access.deployerRoleArn, sessionName: `multistage-${stage.name}`.slice(0, 64) }] : undefined,
    // Every resource says which stage it belongs to, in the console and in cost reports.
    defaultTags: {
      tags: {
        project: stage.project,
        stage: stage.name,
        "stage-kind": stage.kind,
        "managed-by": "pulumi",
        // Lets anyone (and the reaper) see in the console when a feature stack is due to go.
        ...(stage.feature ? { "expires-at": stage.feature.expiresAt } : {}),
      },
    },
  });
}
