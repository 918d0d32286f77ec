import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { boundaryPolicyName, deployerBoundary, deployerPermissions, deployerRoleName, deployerTrust } from "../deployer-policies";

export interface DeployerRoleArgs {
  /** Stage this role deploys (a long-lived stage, or feature for every feature stack). */
  stage: string;
  /** Every stage with a deployer role; the others are denied to this one. */
  allStages: string[];
  /** Account the stages live in. */
  accountId: string;
  /** Principals (users, roles) that may assume the role. */
  principals: string[];
  /** The shared image repository's ARN (pull for all, push for development and feature). */
  sharedRepositoryArn: pulumi.Input<string>;
  /**
   * GitHub Actions trust: the OIDC provider and repository.
   * @default undefined (people only)
   */
  github?: { providerArn: pulumi.Input<string>; repository: string; defaultBranch: string };
  /**
   * Longest session, in seconds.
   * @default 3600
   */
  maxSessionSeconds?: number;
}

/** One stage's deployer: its permissions boundary, the role, and the role's permissions. */
export class DeployerRole extends pulumi.ComponentResource {
  readonly roleArn: pulumi.Output<string>;
  readonly boundaryArn: pulumi.Output<string>;

  constructor(name: string, args: DeployerRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("multistage:access:DeployerRole", name, {}, opts);
    const child = { parent: this };
    const boundary = new aws.iam.Policy(`${name}-boundary`, {
      name: boundaryPolicyName(args.stage),
      description: `Ceiling of every role the ${args.stage} deployer creates, and of the deployer itself`,
      policy: pulumi.output(args.sharedRepositoryArn).apply((repo) => JSON.stringify(deployerBoundary(args.accountId, args.stage, args.allStages, repo))),
    }, child);
    const role = new aws.iam.Role(`${name}-role`, {
      name: deployerRoleName(args.stage),
      description: `Deploys the ${args.stage} stage of multistage, and nothing else`,
      maxSessionDuration: args.maxSessionSeconds ?? 3600,
      permissionsBoundary: boundary.arn,
      assumeRolePolicy: args.github
        ? pulumi.output(args.github.providerArn).apply((providerArn) =>
            JSON.stringify(deployerTrust(args.stage, args.principals, { providerArn, repository: args.github!.repository, defaultBranch: args.github!.defaultBranch })),
          )
        : JSON.stringify(deployerTrust(args.stage, args.principals)),
    }, child);
    new aws.iam.RolePolicy(`${name}-permissions`, {
      role: role.id,
      name: `${deployerRoleName(args.stage)}-permissions`,
      policy: pulumi.output(args.sharedRepositoryArn).apply((repo) => JSON.stringify(deployerPermissions(args.accountId, args.stage, args.allStages, repo))),
    }, child);
    this.roleArn = role.arn;
    this.boundaryArn = boundary.arn;
    this.registerOutputs({ roleArn: this.roleArn, boundaryArn: this.boundaryArn });
  }
}
