import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { deployerRoleName, reviewerRoleName, stagePrefix } from "../lib/aws/naming";
import type { Stage } from "./resolve";

/**
 * The stage's AWS provider: its region, its deployer role, and the tags every resource
 * carries. Created before anything else, because even the lookups a stage makes before it
 * registers resources (the newest snapshot) must run as the stage's deployer.
 *
 * It assumes the deployer role unless the caller already is that role, or the stage's
 * read-only reviewer (a promotion review previews as the reviewer; the apply job and CI run as
 * the deployer through GitHub's OIDC trust): assuming a role from its own session is refused
 * unless its trust policy names itself, and the reviewer is not trusted to assume the deployer.
 */
export interface StageProvider {
  provider: aws.Provider;
  /**
   * The role the provider assumes, when it assumes one: code that calls AWS outside the
   * provider (a dynamic provider's task run) assumes the same, so it acts as the same deployer.
   */
  assumedRoleArn?: string;
}

export async function stageProvider(name: string, stage: Stage): Promise<StageProvider> {
  const roleArn = stage.access.deployerRoleArn;
  if (!roleArn) {
    // Staging and production refuse this in validation; lower stages may deploy with the caller's own rights.
    pulumi.log.warn(
      `${stage.name} has no multistage:access.deployerRoleArn; deploying with the caller's own credentials instead of the ${stage.kind} deployer role`,
    );
  }
  const caller = roleArn ? await callerRoleName(name, stage) : undefined;
  const alreadyAllowed =
    caller !== undefined &&
    [
      deployerRoleName(stage.project, stage.kind),
      reviewerRoleName(stage.project, stage.kind),
    ].includes(caller);
  const assumedRoleArn = roleArn && !alreadyAllowed ? roleArn : undefined;
  const provider = new aws.Provider(`${name}-aws`, {
    region: stage.region as aws.Region,
    // Who may deploy this stage is decided by who may assume this role (access/).
    assumeRoles: assumedRoleArn
      ? [
          {
            roleArn: assumedRoleArn,
            sessionName: stagePrefix(stage.project, stage.name).slice(0, 64),
          },
        ]
      : undefined,
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
  return { provider, ...(assumedRoleArn ? { assumedRoleArn } : {}) };
}

/** The role the caller's credentials are a session of (`assumed-role/<role>/<session>`), if any. */
async function callerRoleName(name: string, stage: Stage): Promise<string | undefined> {
  // The caller's own credentials, in the stage's region, assuming nothing.
  const caller = new aws.Provider(`${name}-caller`, { region: stage.region as aws.Region });
  const identity = await aws.getCallerIdentity({}, { provider: caller });
  return /:assumed-role\/([^/]+)\//.exec(identity.arn)?.[1];
}
