import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StageDocuments } from "../documents";

export interface DeployerRoleArgs {
  /** The stage's documents, already checked against IAM's quotas (documents.ts). */
  documents: StageDocuments;
  /**
   * Longest session, in seconds.
   * @default 3600
   */
  maxSessionSeconds?: number;
}

/**
 * One stage's roles: its permissions boundary, the deployer (which carries the boundary, and
 * the boundary's allows plus explicit denies as its permissions) and the read-only reviewer.
 */
export class DeployerRole extends pulumi.ComponentResource {
  readonly roleArn: pulumi.Output<string>;
  readonly boundaryArn: pulumi.Output<string>;
  readonly reviewerArn: pulumi.Output<string>;

  constructor(name: string, args: DeployerRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("multistage:access:DeployerRole", name, {}, opts);
    const child = { parent: this };
    const { documents } = args;
    const boundary = new aws.iam.Policy(
      `${name}-boundary`,
      {
        name: documents.boundaryPolicy,
        description: `Ceiling of every role the ${documents.stage} deployer creates, and of the deployer itself`,
        policy: JSON.stringify(documents.boundary),
      },
      child,
    );
    const role = new aws.iam.Role(
      `${name}-role`,
      {
        name: documents.deployerRole,
        description: `Deploys the ${documents.stage} stage of multistage, and nothing else`,
        maxSessionDuration: args.maxSessionSeconds ?? 3600,
        permissionsBoundary: boundary.arn,
        assumeRolePolicy: JSON.stringify(documents.deployerTrust),
      },
      child,
    );
    new aws.iam.RolePolicy(
      `${name}-permissions`,
      {
        role: role.id,
        name: `${documents.deployerRole}-permissions`,
        policy: JSON.stringify(documents.permissions),
      },
      child,
    );
    const reviewer = new aws.iam.Role(
      `${name}-reviewer`,
      {
        name: documents.reviewerRole,
        description: `Previews the ${documents.stage} stage of multistage (promotion reviews); reads only`,
        maxSessionDuration: args.maxSessionSeconds ?? 3600,
        assumeRolePolicy: JSON.stringify(documents.reviewerTrust),
      },
      child,
    );
    new aws.iam.RolePolicy(
      `${name}-reviewer-permissions`,
      {
        role: reviewer.id,
        name: `${documents.reviewerRole}-permissions`,
        policy: JSON.stringify(documents.reviewerPolicy),
      },
      child,
    );
    this.roleArn = role.arn;
    this.boundaryArn = boundary.arn;
    this.reviewerArn = reviewer.arn;
    this.registerOutputs({
      roleArn: this.roleArn,
      boundaryArn: this.boundaryArn,
      reviewerArn: this.reviewerArn,
    });
  }
}
