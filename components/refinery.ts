import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
  SANITIZE_ENVIRONMENT,
  SANITIZE_SECRETS,
  SanitizeEnvironmentName,
  SanitizeSecretName,
} from "../app/src/contract";
import { stripUndefined } from "../lib/args";
import { AWS_CLI_IMAGE } from "../lib/aws/images";
import { serviceRole, taskExecutionStatements } from "../lib/aws/service-role";
import { Namer, sanitizedSnapshotPrefix, SHARED_PURPOSES } from "../lib/aws/naming";
import { FEATURE_TEMPLATE_EXPORT_PREFIX } from "./feature-host";
import type { NetworkRef } from "../lib/aws/network-ref";
import { refineryDefinition } from "../lib/aws/refinery-definition";
import { RETAIN_TASK_REVISIONS } from "../lib/aws/task-revisions";
import { SCRATCH_VOLUME } from "../lib/aws/scratch-volume";

export interface RefineryArgs {
  /** Names production's resources. */
  namer: Namer;
  /** AWS region, for ARNs and the log driver. */
  region: string;
  /** Production's network: the sanitizer instance and the tasks run in its private subnets. */
  network: NetworkRef;
  /** Production's ECS cluster, which runs the refinery's tasks. */
  clusterArn: pulumi.Input<string>;
  /** The image production runs; its sanitize entry point does the work. */
  image: pulumi.Input<string>;
  /** Production's database, whose backups are restored, and what the sanitize task connects with. */
  database: {
    identifier: string;
    subnetGroupName: pulumi.Input<string>;
    parameterGroupName: pulumi.Input<string>;
    /** The credentials secret (JSON with `password`): a restore keeps production's master user and password. */
    secretArn: pulumi.Input<string>;
    databaseName: string;
    username: string;
    port: number;
  };
  /** Production's bucket, of which only `bucketPrefixes` are copied. */
  sourceBucket: { name: pulumi.Input<string>; arn: pulumi.Input<string> };
  /** The bucket the allowed prefixes are mirrored into, which lower stages copy (the stage owns it, so it is logged with the others). */
  sanitizedBucket: { name: pulumi.Input<string>; arn: pulumi.Input<string> };
  /**
   * Instance class of the short-lived sanitizer.
   * @default "db.t4g.medium"
   */
  instanceClass?: string;
  /**
   * When the refinery runs (EventBridge Scheduler expression), after production's backup window.
   * @default "cron(30 2 * * ? *)"
   */
  schedule?: string;
  /**
   * Sanitized snapshots kept, newest first.
   * @default 7
   */
  keepSnapshots?: number;
  /**
   * Object prefixes of production's bucket that may flow down (public assets, not uploads).
   * @default ["public/"]
   */
  bucketPrefixes?: string[];
  /**
   * SNS topics the alarm notifies when a run fails (the topics' policies must let CloudWatch publish).
   * @default [] (the alarm's state only, in the console and `stagectl data status`)
   */
  alarmTopicArns?: string[];
  /**
   * Days CloudWatch keeps the refinery's task logs.
   * @default 90
   */
  logRetentionDays?: number;
  /**
   * Permissions boundary every role here carries (production's, from access/).
   * @default undefined (no boundary)
   */
  permissionsBoundaryArn?: pulumi.Input<string>;
}

type NormalizedRefineryArgs = RefineryArgs &
  Required<
    Pick<
      RefineryArgs,
      | "instanceClass"
      | "schedule"
      | "keepSnapshots"
      | "bucketPrefixes"
      | "logRetentionDays"
      | "alarmTopicArns"
    >
  >;

/** Every documented `@default` of RefineryArgs, in one place: normalize() applies them, a test checks the TSDoc against them. */
export const REFINERY_DEFAULTS = {
  instanceClass: "db.t4g.medium",
  alarmTopicArns: [],
  schedule: "cron(30 2 * * ? *)",
  keepSnapshots: 7,
  bucketPrefixes: ["public/"],
  logRetentionDays: 90,
} as const satisfies Partial<RefineryArgs>;

function normalize(args: RefineryArgs): NormalizedRefineryArgs {
  return { ...REFINERY_DEFAULTS, ...stripUndefined(args) } as NormalizedRefineryArgs;
}

const SANITIZE_CONTAINER = "sanitize";
const COPY_CONTAINER = "sanitized-copy";
const POSTGRES_PORT = 5432;

/**
 * Production's nightly refinery: the one place raw production data is turned into what lower
 * stages may have. EventBridge Scheduler starts the state machine (refinery-definition.ts); an
 * isolated sanitizer instance (reachable only from the refinery's tasks), the sanitize task
 * (the app image's sanitize entry point), the bucket copy task (allowed prefixes only), and an
 * alarm on every failed, timed-out or aborted run. Production's deployer owns all of it;
 * nothing below production can touch it.
 */
export class Refinery extends pulumi.ComponentResource {
  readonly stateMachineArn: pulumi.Output<string>;
  readonly sanitizer: string;
  /** The bucket lower stages copy from: the allowed prefixes of production's, nothing else. */
  readonly sanitizedBucketName: pulumi.Output<string>;

  constructor(name: string, rawArgs: RefineryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("multistage:data:Refinery", name, {}, opts);
    const args = normalize(rawArgs);
    const child = { parent: this };
    const namer = args.namer;
    this.sanitizer = namer.name("rds-instance", SHARED_PURPOSES.sanitizer);
    const sanitizedBucket = args.sanitizedBucket;

    // The sanitize task reaches out (image, logs, secrets, the sanitizer); the sanitizer admits
    // only it. The bucket copy has a group of its own, which the sanitizer does not admit.
    const taskGroup = new aws.ec2.SecurityGroup(
      `${name}-task-sg`,
      {
        name: namer.name("security-group", "refinery-task"),
        description: `Sanitize task of ${namer.prefix}: outbound only`,
        vpcId: args.network.vpcId,
        egress: [
          {
            description: "Outbound from the sanitize task",
            protocol: "-1",
            fromPort: 0,
            toPort: 0,
            cidrBlocks: ["0.0.0.0/0"],
          },
        ],
      },
      child,
    );
    const copyGroup = new aws.ec2.SecurityGroup(
      `${name}-copy-sg`,
      {
        name: namer.name("security-group", "refinery-copy"),
        description: `Bucket copy task of ${namer.prefix}: outbound only`,
        vpcId: args.network.vpcId,
        egress: [
          {
            description: "Outbound from the bucket copy",
            protocol: "-1",
            fromPort: 0,
            toPort: 0,
            cidrBlocks: ["0.0.0.0/0"],
          },
        ],
      },
      child,
    );
    const sanitizerGroup = new aws.ec2.SecurityGroup(
      `${name}-sanitizer-sg`,
      {
        name: namer.name("security-group", "sanitizer"),
        description: `Sanitizer of ${namer.prefix}: PostgreSQL from the sanitize task only`,
        vpcId: args.network.vpcId,
        ingress: [
          {
            description: "From the sanitize task only",
            protocol: "tcp",
            fromPort: POSTGRES_PORT,
            toPort: POSTGRES_PORT,
            securityGroups: [taskGroup.id],
          },
        ],
        egress: [],
      },
      child,
    );

    // A key only production holds: hashed columns cannot be reversed by guessing inputs elsewhere.
    const hashKey = new random.RandomPassword(
      `${name}-hash-key`,
      { length: 48, special: false },
      child,
    );
    const hashKeySecret = new aws.secretsmanager.Secret(
      `${name}-hash-key-secret`,
      {
        name: namer.name("secret", "sanitize-hash-key"),
        description: `Key of the keyed hashes the refinery of ${namer.prefix} writes`,
        recoveryWindowInDays: 30,
      },
      child,
    );
    new aws.secretsmanager.SecretVersion(
      `${name}-hash-key-value`,
      { secretId: hashKeySecret.id, secretString: pulumi.secret(hashKey.result) },
      child,
    );

    const logs = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: namer.logGroup("refinery"), retentionInDays: args.logRetentionDays },
      child,
    );
    const logConfiguration = (logGroup: string, prefix: string) => ({
      logDriver: "awslogs",
      options: {
        "awslogs-group": logGroup,
        "awslogs-region": args.region,
        "awslogs-stream-prefix": prefix,
      },
    });

    const executionRole = serviceRole(
      `${name}-execution`,
      {
        namer,
        purpose: "refinery-execution",
        description: `Starts ${namer.prefix}'s refinery tasks: pulls the image, writes logs, reads the database and hash-key secrets`,
        service: "ecs-tasks.amazonaws.com",
        permissionsBoundaryArn: args.permissionsBoundaryArn,
        policy: taskExecutionStatements({
          region: args.region,
          project: namer.project,
          logGroupArn: logs.arn,
          secretArns: [args.database.secretArn, hashKeySecret.arn],
        }),
      },
      child,
    );

    const exportRole = serviceRole(
      `${name}-export`,
      {
        namer,
        purpose: "refinery-export",
        description: `Writes ${namer.prefix}'s sanitized export for development's feature template`,
        service: "ecs-tasks.amazonaws.com",
        permissionsBoundaryArn: args.permissionsBoundaryArn,
        policy: [
          {
            Sid: "WriteSanitizedExport",
            Effect: "Allow",
            Action: ["s3:PutObject"],
            Resource: [
              pulumi.interpolate`${sanitizedBucket.arn}/${FEATURE_TEMPLATE_EXPORT_PREFIX}*`,
            ],
          },
        ],
      },
      child,
    );

    const sanitizeTask = new aws.ecs.TaskDefinition(
      `${name}-sanitize-task`,
      {
        skipDestroy: RETAIN_TASK_REVISIONS,
        family: namer.name("ecs-task-family", "sanitize"),
        cpu: "1024",
        memory: "2048",
        networkMode: "awsvpc",
        requiresCompatibilities: ["FARGATE"],
        volumes: [{ name: SCRATCH_VOLUME }],
        runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
        executionRoleArn: executionRole.arn,
        // Its only AWS call: writing the sanitized export development's feature template is built from.
        taskRoleArn: exportRole.arn,
        containerDefinitions: pulumi
          .all([
            args.image,
            logs.name,
            args.database.secretArn,
            hashKeySecret.arn,
            sanitizedBucket.name,
          ])
          .apply(([image, logGroup, dbSecret, keySecret, sanitizedName]) =>
            JSON.stringify([
              {
                name: SANITIZE_CONTAINER,
                image,
                essential: true,
                command: ["node", "app/dist/sanitize.js"],
                // Exactly the sanitize program's contract (app/src/contract.ts); the program's guard
                // refuses any DB_HOST that is not the sanitizer instance.
                environment: contractEntries<SanitizeEnvironmentName, string>(
                  SANITIZE_ENVIRONMENT,
                  {
                    APP_STAGE: namer.stage,
                    // The state machine overrides DB_HOST: the sanitizer's address exists only once it does.
                    DB_HOST: "set-by-the-refinery",
                    DB_PORT: String(args.database.port),
                    DB_NAME: args.database.databaseName,
                    DB_USER: args.database.username,
                    // After the scrub: the sanitized tables, for development's feature template
                    // (app/src/feature-db/after-sanitize.ts). Nothing unsanitized is exported.
                    FEATURE_TEMPLATE_EXPORT_URI: `s3://${sanitizedName}/${FEATURE_TEMPLATE_EXPORT_PREFIX}`,
                  },
                ).map(([name, value]) => ({ name, value })),
                // The sanitizer is restored from production's backup, so production's master password opens it.
                secrets: contractEntries<SanitizeSecretName, string>(SANITIZE_SECRETS, {
                  DB_PASSWORD: `${dbSecret}:password::`,
                  SANITIZE_HMAC_KEY: keySecret,
                }).map(([name, valueFrom]) => ({ name, valueFrom })),
                readonlyRootFilesystem: true,
                // The export and the template refresh stage table files in /tmp: the task's
                // ephemeral storage, bind-mounted (Amazon ECS Developer Guide, "Fargate task
                // storage"), the only writable path on a read-only root filesystem.
                mountPoints: [{ sourceVolume: SCRATCH_VOLUME, containerPath: "/tmp" }],
                logConfiguration: logConfiguration(logGroup, "sanitize"),
              },
            ]),
          ),
      },
      child,
    );

    const copyRole = serviceRole(
      `${name}-copy`,
      {
        namer,
        purpose: "refinery-copy",
        description: `Copies the allowed prefixes of ${namer.prefix}'s bucket into its sanitized bucket`,
        service: "ecs-tasks.amazonaws.com",
        permissionsBoundaryArn: args.permissionsBoundaryArn,
        policy: pulumi
          .all([args.sourceBucket.arn, sanitizedBucket.arn])
          .apply(([source, sanitized]) =>
            JSON.stringify({
              Version: "2012-10-17",
              Statement: [
                {
                  Sid: "ListAllowedPrefixes",
                  Effect: "Allow",
                  Action: "s3:ListBucket",
                  Resource: source,
                  Condition: {
                    StringLike: { "s3:prefix": args.bucketPrefixes.map((p) => `${p}*`) },
                  },
                },
                {
                  Sid: "ReadAllowedPrefixes",
                  Effect: "Allow",
                  Action: ["s3:GetObject", "s3:GetObjectTagging"],
                  Resource: args.bucketPrefixes.map((p) => `${source}/${p}*`),
                },
                {
                  Sid: "MirrorIntoSanitized",
                  Effect: "Allow",
                  Action: [
                    "s3:ListBucket",
                    "s3:PutObject",
                    "s3:PutObjectTagging",
                    "s3:DeleteObject",
                  ],
                  Resource: [sanitized, `${sanitized}/*`],
                },
              ],
            }),
          ),
      },
      child,
    );
    const copyTask = new aws.ecs.TaskDefinition(
      `${name}-copy-task`,
      {
        skipDestroy: RETAIN_TASK_REVISIONS,
        family: namer.name("ecs-task-family", "sanitized-copy"),
        cpu: "256",
        memory: "512",
        networkMode: "awsvpc",
        requiresCompatibilities: ["FARGATE"],
        executionRoleArn: executionRole.arn,
        taskRoleArn: copyRole.arn,
        containerDefinitions: pulumi
          .all([args.sourceBucket.name, sanitizedBucket.name, logs.name])
          .apply(([source, sanitized, logGroup]) =>
            JSON.stringify([
              {
                name: COPY_CONTAINER,
                image: AWS_CLI_IMAGE,
                essential: true,
                // One sync per allowed prefix, each listing only under its prefix: `aws s3 sync` of the
                // whole bucket with --exclude/--include lists every key (the filters run in the CLI),
                // which the policy's s3:prefix condition refuses. --delete mirrors removals.
                entryPoint: ["/bin/sh", "-c"],
                command: [copyScript(source, sanitized, args.bucketPrefixes)],
                logConfiguration: logConfiguration(logGroup, "copy"),
              },
            ]),
          ),
      },
      child,
    );

    const account = aws.getCallerIdentityOutput({}, child).accountId;
    const rdsArn = (resource: string) =>
      pulumi.interpolate`arn:aws:rds:${args.region}:${account}:${resource}`;
    const prefix = sanitizedSnapshotPrefix(namer.project);
    const stateMachineRole = serviceRole(
      `${name}-machine`,
      {
        namer,
        purpose: "refinery",
        description: `Runs ${namer.prefix}'s refinery: restores into, snapshots and deletes the sanitizer, runs its tasks`,
        service: "states.amazonaws.com",
        permissionsBoundaryArn: args.permissionsBoundaryArn,
        policy: [
          // Describe calls have no resource-level scoping worth the name.
          {
            Sid: "Look",
            Effect: "Allow",
            Action: ["rds:DescribeDBSnapshots", "rds:DescribeDBInstances", "ecs:DescribeTasks"],
            Resource: "*",
          },
          {
            Sid: "RestoreProductionBackupIntoSanitizer",
            Effect: "Allow",
            Action: ["rds:RestoreDBInstanceFromDBSnapshot"],
            Resource: [
              rdsArn(`snapshot:rds:${args.database.identifier}-*`),
              rdsArn(`db:${this.sanitizer}`),
              rdsArn("og:default:*"),
              pulumi.interpolate`arn:aws:rds:${args.region}:${account}:subgrp:${args.database.subnetGroupName}`,
              pulumi.interpolate`arn:aws:rds:${args.region}:${account}:pg:${args.database.parameterGroupName}`,
            ],
          },
          {
            Sid: "RunTheSanitizer",
            Effect: "Allow",
            Action: [
              "rds:ModifyDBInstance",
              "rds:DeleteDBInstance",
              "rds:CreateDBSnapshot",
              "rds:AddTagsToResource",
            ],
            Resource: [rdsArn(`db:${this.sanitizer}`)],
          },
          {
            Sid: "OwnSanitizedSnapshots",
            Effect: "Allow",
            Action: ["rds:CreateDBSnapshot", "rds:DeleteDBSnapshot", "rds:AddTagsToResource"],
            Resource: [rdsArn(`snapshot:${prefix}*`)],
          },
          {
            Sid: "RunTasks",
            Effect: "Allow",
            Action: ["ecs:RunTask"],
            Resource: [
              sanitizeTask.arn.apply((a) => a.replace(/:\d+$/, ":*")),
              copyTask.arn.apply((a) => a.replace(/:\d+$/, ":*")),
            ],
          },
          {
            Sid: "StopTasks",
            Effect: "Allow",
            Action: ["ecs:StopTask"],
            Resource: [pulumi.interpolate`arn:aws:ecs:${args.region}:${account}:task/*`],
          },
          {
            Sid: "PassTaskRoles",
            Effect: "Allow",
            Action: ["iam:PassRole"],
            Resource: [executionRole.arn, exportRole.arn, copyRole.arn],
          },
          // The .sync integration waits for the task through a rule Step Functions manages.
          {
            Sid: "SyncTaskEvents",
            Effect: "Allow",
            Action: ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
            Resource: [
              pulumi.interpolate`arn:aws:events:${args.region}:${account}:rule/StepFunctionsGetEventsForECSTaskRule`,
            ],
          },
        ],
      },
      child,
    );

    const stateMachine = new aws.sfn.StateMachine(
      `${name}-machine`,
      {
        name: namer.name("state-machine", "refinery"),
        roleArn: stateMachineRole.arn,
        definition: pulumi
          .all([
            args.network.privateSubnetIds,
            args.clusterArn,
            sanitizeTask.arn,
            copyTask.arn,
            pulumi.all([taskGroup.id, copyGroup.id, sanitizerGroup.id]),
            args.database.subnetGroupName,
            args.database.parameterGroupName,
          ])
          .apply(
            ([
              subnetIds,
              clusterArn,
              sanitizeArn,
              copyArn,
              [taskSg, copySg, sanitizerSg],
              subnetGroup,
              parameterGroup,
            ]) =>
              JSON.stringify(
                refineryDefinition({
                  productionDb: args.database.identifier,
                  sanitizer: this.sanitizer,
                  snapshotPrefix: prefix,
                  instanceClass: args.instanceClass,
                  subnetGroup,
                  parameterGroup,
                  sanitizerSecurityGroupId: sanitizerSg,
                  taskSecurityGroupId: taskSg,
                  copySecurityGroupId: copySg,
                  subnetIds,
                  clusterArn,
                  sanitizeTaskDefinitionArn: sanitizeArn,
                  sanitizeContainer: SANITIZE_CONTAINER,
                  copyContainer: COPY_CONTAINER,
                  copyTaskDefinitionArn: copyArn,
                  keepSnapshots: args.keepSnapshots,
                  tags: {
                    project: namer.project,
                    stage: namer.stage,
                    "stage-kind": namer.stage,
                    purpose: "sanitized-data",
                  },
                }),
              ),
          ),
      },
      child,
    );

    const schedulerRole = serviceRole(
      `${name}-scheduler`,
      {
        namer,
        purpose: "refinery-scheduler",
        description: `Lets EventBridge Scheduler start ${namer.prefix}'s refinery`,
        service: "scheduler.amazonaws.com",
        permissionsBoundaryArn: args.permissionsBoundaryArn,
        policy: [
          {
            Sid: "StartTheRefinery",
            Effect: "Allow",
            Action: ["states:StartExecution"],
            Resource: [stateMachine.arn],
          },
        ],
      },
      child,
    );
    new aws.scheduler.Schedule(
      `${name}-schedule`,
      {
        name: namer.name("schedule", "refinery"),
        description: `Refine ${namer.prefix}'s newest backup into the sanitized snapshot lower stages restore`,
        scheduleExpression: args.schedule,
        flexibleTimeWindow: { mode: "OFF" },
        target: { arn: stateMachine.arn, roleArn: schedulerRole.arn, input: "{}" },
      },
      child,
    );

    // Visible failure: any failed, timed-out or aborted run puts the alarm in ALARM.
    new aws.cloudwatch.MetricAlarm(
      `${name}-alarm`,
      {
        name: namer.name("alarm", "refinery-failed"),
        alarmDescription: `The refinery of ${namer.prefix} did not finish; lower stages keep restoring the previous sanitized snapshot`,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        evaluationPeriods: 1,
        treatMissingData: "notBreaching",
        alarmActions: args.alarmTopicArns,
        metricQueries: [
          {
            id: "unfinished",
            expression: "failed + timedout + aborted",
            label: "Refinery runs that did not finish",
            returnData: true,
          },
          ...(["ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted"] as const).map(
            (metricName) => ({
              id: metricName.replace("Executions", "").toLowerCase(),
              metric: {
                namespace: "AWS/States",
                metricName,
                period: 3600,
                stat: "Sum",
                dimensions: { StateMachineArn: stateMachine.arn },
              },
            }),
          ),
        ],
      },
      child,
    );

    this.stateMachineArn = stateMachine.arn;
    this.sanitizedBucketName = pulumi.output(sanitizedBucket.name);
    this.registerOutputs({
      stateMachineArn: this.stateMachineArn,
      sanitizedBucketName: this.sanitizedBucketName,
    });
  }
}

/** A value for every name of a contract, in the contract's order: a missing name fails to compile. */
function contractEntries<Name extends string, Value>(
  names: readonly Name[],
  values: Record<Name, Value>,
): Array<[Name, Value]> {
  return names.map((name) => [name, values[name]]);
}

/**
 * The copy task's shell script. Prefixes are validated by the stage schema (letters, digits and
 * ! _ . * ' ( ) - only), none of which is special inside double quotes.
 */
export function copyScript(source: string, target: string, prefixes: readonly string[]): string {
  return [
    "set -e",
    ...prefixes.map(
      (p) => `aws s3 sync "s3://${source}/${p}" "s3://${target}/${p}" --delete --only-show-errors`,
    ),
  ].join("; ");
}
