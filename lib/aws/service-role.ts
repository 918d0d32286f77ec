/**
 * A role an AWS service assumes for one of the stage's jobs (an ECS task, its execution, the
 * scheduler, Step Functions) with its one inline policy: the same trust, boundary and naming
 * for every such role, as awsx's `defaultRoleWithPolicies` (awsx/ecs) does for task roles.
 * Logical names stay `<base>-role` and `<base>-policy`, the names these resources always had.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument, PolicyStatement, serviceTrustPolicy } from "./iam-documents";
import { Namer, projectRepositoriesPattern } from "./naming";

export interface ServiceRoleArgs {
  /** Names the role and its policy: `<prefix>-<purpose>`. */
  namer: Namer;
  /** What the role is for; the physical names of the role and its inline policy. */
  purpose: string;
  /** Shown in IAM: what the role may do, for whom. */
  description: pulumi.Input<string>;
  /** The service principal that assumes it, e.g. `ecs-tasks.amazonaws.com`. */
  service: string;
  /** The stage's permissions boundary; every role a stage creates carries it. */
  permissionsBoundaryArn?: pulumi.Input<string>;
  /** The inline policy: its statements, or a whole document when it is built from resolved values. */
  policy: PolicyStatement[] | pulumi.Input<string>;
}

/** Creates the role and its inline policy under `opts`' parent; returns the role. */
export function serviceRole(
  base: string,
  args: ServiceRoleArgs,
  opts: pulumi.CustomResourceOptions,
): aws.iam.Role {
  const role = new aws.iam.Role(
    `${base}-role`,
    {
      name: args.namer.name("iam-role", args.purpose),
      description: args.description,
      assumeRolePolicy: serviceTrustPolicy(args.service),
      permissionsBoundary: args.permissionsBoundaryArn,
    },
    opts,
  );
  new aws.iam.RolePolicy(
    `${base}-policy`,
    {
      role: role.id,
      name: args.namer.name("iam-policy", args.purpose),
      policy: Array.isArray(args.policy) ? policyDocument(args.policy) : args.policy,
    },
    opts,
  );
  return role;
}

/**
 * What ECS needs to start one of the project's tasks, for its execution role: log in to ECR
 * (GetAuthorizationToken has no resource-level permissions), pull the project's images (the
 * shared repository and each lower stage's own), write the task's log group, and read the
 * secrets it injects.
 */
export function taskExecutionStatements(args: {
  region: string;
  project: string;
  logGroupArn: pulumi.Input<string>;
  secretArns: pulumi.Input<string>[];
}): PolicyStatement[] {
  return [
    { Sid: "RegistryLogin", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" },
    {
      Sid: "PullImages",
      Effect: "Allow",
      Action: [
        "ecr:BatchCheckLayerAvailability",
        "ecr:BatchGetImage",
        "ecr:GetDownloadUrlForLayer",
      ],
      Resource: [
        `arn:aws:ecr:${args.region}:*:repository/${projectRepositoriesPattern(args.project)}`,
      ],
    },
    {
      Sid: "WriteOwnLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: [pulumi.interpolate`${args.logGroupArn}:*`],
    },
    {
      Sid: "ReadOwnStageSecrets",
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue"],
      Resource: args.secretArns,
    },
  ];
}
