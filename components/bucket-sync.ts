import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AWS_CLI_IMAGE } from "../lib/aws/images";
import { serviceRole } from "../lib/aws/service-role";
import { taskSchedule } from "../lib/aws/task-schedule";
import { FEATURE_TEMPLATE_EXPORT_PREFIX } from "./feature-host";
import { Namer } from "../lib/aws/naming";
import { RETAIN_TASK_REVISIONS } from "../lib/aws/task-revisions";

export interface BucketSyncArgs {
  /** Names this stage's resources. */
  namer: Namer;
  /** Name of production's sanitized bucket, which is only ever read. */
  sourceBucketName: pulumi.Input<string>;
  /** ARN of production's sanitized bucket, which is only ever read. */
  sourceBucketArn: pulumi.Input<string>;
  /** Name of this stage's own bucket, the only one written. */
  targetBucketName: pulumi.Input<string>;
  /** ARN of this stage's own bucket, the only one written. */
  targetBucketArn: pulumi.Input<string>;
  /** Cluster the copy task runs in. */
  clusterArn: pulumi.Input<string>;
  /** Private subnets for the task. */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Security group for the task (outbound only). */
  securityGroupId: pulumi.Input<string>;
  /**
   * EventBridge Scheduler expression.
   * @default "cron(30 4 * * ? *)" (after production's nightly backup)
   */
  schedule?: string;
  /**
   * AWS region, for the log driver.
   * @default "us-east-1"
   */
  region?: string;
  /**
   * Permissions boundary every role here carries (the stage's, from access/).
   * @default undefined (no boundary)
   */
  permissionsBoundaryArn?: pulumi.Input<string>;
  /**
   * Days CloudWatch keeps the copy's logs.
   * @default 7
   */
  logRetentionDays?: number;
}

/** Every documented `@default` of BucketSyncArgs, in one place; a test checks the TSDoc against them. */
export const BUCKET_SYNC_DEFAULTS = {
  schedule: "cron(30 4 * * ? *)",
  region: "us-east-1",
  logRetentionDays: 7,
} as const satisfies Partial<BucketSyncArgs>;

/**
 * Copies production's sanitized bucket (the prefixes the refinery lets through) into this
 * stage's bucket on a schedule: EventBridge Scheduler starts an ECS task running `aws s3 sync`,
 * under a role that can list and read that bucket and write only its own. Nothing flows back,
 * and production's own bucket is never read.
 */
export class BucketSync extends pulumi.ComponentResource {
  readonly taskRoleArn: pulumi.Output<string>;

  constructor(name: string, args: BucketSyncArgs, opts?: pulumi.ComponentResourceOptions) {
    super("multistage:data:BucketSync", name, {}, opts);
    const child = { parent: this };
    const namer = args.namer;

    const logs = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      {
        name: namer.logGroup("bucket-sync"),
        retentionInDays: args.logRetentionDays ?? BUCKET_SYNC_DEFAULTS.logRetentionDays,
      },
      child,
    );

    const executionRole = serviceRole(
      `${name}-execution`,
      {
        namer,
        purpose: "bucket-sync-execution",
        description: `Starts ${namer.prefix}'s bucket copy task: writes its logs`,
        service: "ecs-tasks.amazonaws.com",
        permissionsBoundaryArn: args.permissionsBoundaryArn,
        policy: [
          {
            Sid: "WriteOwnLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: [pulumi.interpolate`${logs.arn}:*`],
          },
        ],
      },
      child,
    );

    const taskRole = serviceRole(
      `${name}-task`,
      {
        namer,
        purpose: "bucket-sync-task",
        description: `Copies production's sanitized bucket into ${namer.prefix}'s: reads it, writes only its own`,
        service: "ecs-tasks.amazonaws.com",
        permissionsBoundaryArn: args.permissionsBoundaryArn,
        policy: [
          {
            Sid: "ListBothBuckets",
            Effect: "Allow",
            Action: ["s3:ListBucket"],
            Resource: [args.sourceBucketArn, args.targetBucketArn],
          },
          {
            Sid: "ReadSanitizedObjects",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:GetObjectTagging"],
            Resource: [pulumi.interpolate`${args.sourceBucketArn}/*`],
          },
          {
            Sid: "WriteOwnObjects",
            Effect: "Allow",
            Action: ["s3:PutObject", "s3:PutObjectTagging", "s3:DeleteObject"],
            Resource: [pulumi.interpolate`${args.targetBucketArn}/*`],
          },
        ],
      },
      child,
    );

    const taskDefinition = new aws.ecs.TaskDefinition(
      `${name}-task`,
      {
        skipDestroy: RETAIN_TASK_REVISIONS,
        family: namer.name("ecs-task-family", "bucket-sync"),
        cpu: "256",
        memory: "512",
        networkMode: "awsvpc",
        requiresCompatibilities: ["FARGATE"],
        executionRoleArn: executionRole.arn,
        taskRoleArn: taskRole.arn,
        containerDefinitions: pulumi
          .all([args.sourceBucketName, args.targetBucketName, logs.name])
          .apply(([source, target, logGroup]) =>
            JSON.stringify([
              {
                name: "bucket-sync",
                image: AWS_CLI_IMAGE,
                essential: true,
                // --delete keeps the copy a mirror of production; it only ever deletes in this stage's bucket.
                // The database export for development's feature template is no object the app uses.
                command: [
                  "s3",
                  "sync",
                  `s3://${source}`,
                  `s3://${target}`,
                  "--delete",
                  "--exclude",
                  `${FEATURE_TEMPLATE_EXPORT_PREFIX}*`,
                  "--only-show-errors",
                ],
                logConfiguration: {
                  logDriver: "awslogs",
                  options: {
                    "awslogs-group": logGroup,
                    "awslogs-region": args.region ?? BUCKET_SYNC_DEFAULTS.region,
                    "awslogs-stream-prefix": "sync",
                  },
                },
              },
            ]),
          ),
      },
      child,
    );

    taskSchedule(
      name,
      {
        namer,
        purpose: "bucket-sync",
        description: `Copy production's sanitized bucket into ${namer.prefix}'s`,
        scheduleExpression: args.schedule ?? BUCKET_SYNC_DEFAULTS.schedule,
        clusterArn: args.clusterArn,
        taskDefinition,
        passRoleArns: [executionRole.arn, taskRole.arn],
        subnetIds: args.subnetIds,
        securityGroupId: args.securityGroupId,
        permissionsBoundaryArn: args.permissionsBoundaryArn,
      },
      child,
    );

    this.taskRoleArn = taskRole.arn;
    this.registerOutputs({ taskRoleArn: this.taskRoleArn });
  }
}
