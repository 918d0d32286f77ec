import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { FEATURE_DB_ENVIRONMENT, FEATURE_DB_SECRETS } from "../app/src/contract";
import { stripUndefined } from "../lib/args";
import { FEATURE_HOST_PURPOSES, Namer, stagePrefix } from "../lib/aws/naming";
import type { NetworkRef } from "../lib/aws/network-ref";
import { serviceRole, taskExecutionStatements } from "../lib/aws/service-role";
import { RETAIN_TASK_REVISIONS } from "../lib/aws/task-revisions";
import { SCRATCH_VOLUME } from "../lib/aws/scratch-volume";
import { taskSchedule } from "../lib/aws/task-schedule";
import { TeardownMode } from "../stage/profile";
import type { FeatureHostRef } from "../stage/references";
import { Database, POSTGRES_PORT } from "./database";

/** The provisioner's container in the feature host's task definition; the provider overrides its command. */
export const FEATURE_DB_CONTAINER = "feature-db";
/** The template every feature database is created from; the nightly refresh swaps a new one in. */
export const FEATURE_TEMPLATE_DATABASE = "feature_template";
/** Where production's refinery writes the sanitized export the template is refreshed from. */
export const FEATURE_TEMPLATE_EXPORT_PREFIX = "feature-template/";

export interface FeatureHostArgs {
  /** Names development's resources. */
  namer: Namer;
  /** Development's network: the host and the provisioner's tasks live in its private subnets. */
  network: NetworkRef;
  /** Development's cluster, where the provisioner's tasks run. */
  clusterArn: pulumi.Input<string>;
  /** The image development runs: its `feature-db` entry point provisions and refreshes. */
  image: pulumi.Input<string>;
  /** Production's sanitized bucket (by name: production may not exist yet), whose `feature-template/` export the template is rebuilt from. */
  sanitizedBucketName: string;
  /** The group the feature stacks' tasks and the provisioner carry: the only clients of the host. */
  clientSecurityGroupId: pulumi.Input<string>;
  /** AWS region (the log driver's, and the feature secrets' ARN pattern). */
  region: string;
  /** PostgreSQL version of the host. */
  engineVersion: string;
  /**
   * RDS instance class of the host.
   * @default "db.t4g.small"
   */
  instanceClass?: string;
  /**
   * Storage of the host in GiB: the template and every feature database's copy of it.
   * @default 50
   */
  allocatedStorageGb?: number;
  /**
   * Feature databases the host holds at most.
   * @default 40
   */
  maxDatabases?: number;
  /**
   * When the template is rebuilt from the newest export (EventBridge Scheduler expression).
   * @default "cron(0 5 * * ? *)"
   */
  refreshSchedule?: string;
  /**
   * How the host may be destroyed: development's teardown.
   * @default "destroyable"
   */
  teardown?: TeardownMode;
  /**
   * Permissions boundary every role here carries (development's, from access/).
   * @default undefined (no boundary)
   */
  permissionsBoundaryArn?: pulumi.Input<string>;
  /**
   * Days CloudWatch keeps the provisioner's logs.
   * @default 7
   */
  logRetentionDays?: number;
}

/** Every documented `@default` of FeatureHostArgs, in one place: normalize() applies them, a test checks the TSDoc against them. */
export const FEATURE_HOST_DEFAULTS = {
  instanceClass: "db.t4g.small",
  allocatedStorageGb: 50,
  maxDatabases: 40,
  refreshSchedule: "cron(0 5 * * ? *)",
  teardown: "destroyable",
  logRetentionDays: 7,
} as const satisfies Partial<FeatureHostArgs>;

type NormalizedFeatureHostArgs = FeatureHostArgs &
  Required<Pick<FeatureHostArgs, keyof typeof FEATURE_HOST_DEFAULTS>>;

function normalize(args: FeatureHostArgs): NormalizedFeatureHostArgs {
  return { ...FEATURE_HOST_DEFAULTS, ...stripUndefined(args) } as NormalizedFeatureHostArgs;
}

/**
 * Development's PostgreSQL instance for shared feature stacks, and the provisioner that runs
 * beside it. Each feature stack gets a database of its own, copied from a template
 * (`CREATE DATABASE ... TEMPLATE`, seconds instead of a 10-minute snapshot restore), and a login
 * role that may connect to it alone. Everything that touches the host runs inside the VPC as the
 * app image's `feature-db` task: the feature stacks' provider starts it (create, drop), and
 * EventBridge Scheduler starts it nightly to rebuild the template from production's sanitized
 * export. The admin login never leaves Secrets Manager and the provisioner's task.
 */
export class FeatureHost extends pulumi.ComponentResource {
  readonly outputs: pulumi.Output<FeatureHostRef>;

  constructor(name: string, rawArgs: FeatureHostArgs, opts?: pulumi.ComponentResourceOptions) {
    super("multistage:data:FeatureHost", name, {}, opts);
    const args = normalize(rawArgs);
    const child = { parent: this };
    const namer = args.namer;

    const host = new Database(
      `${name}-db`,
      {
        namer,
        purpose: "feature-host",
        network: args.network,
        clientSecurityGroupId: args.clientSecurityGroupId,
        engineVersion: args.engineVersion,
        instanceClass: args.instanceClass,
        allocatedStorageGb: args.allocatedStorageGb,
        multiAz: false,
        // Nothing here needs a backup: the template is rebuilt nightly, feature databases are copies.
        backupRetentionDays: 0,
        teardown: args.teardown,
        databaseName: "feature_admin",
        username: "feature_admin",
      },
      child,
    );

    const logs = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: namer.logGroup("feature-db"), retentionInDays: args.logRetentionDays },
      child,
    );
    const executionRole = serviceRole(
      `${name}-execution`,
      {
        namer,
        purpose: FEATURE_HOST_PURPOSES.executionRole,
        description: `Starts ${namer.prefix}'s feature database provisioner: pulls the image, writes logs, reads the host's admin login`,
        service: "ecs-tasks.amazonaws.com",
        permissionsBoundaryArn: args.permissionsBoundaryArn,
        policy: taskExecutionStatements({
          region: args.region,
          project: namer.project,
          logGroupArn: logs.arn,
          secretArns: [host.secretArn],
        }),
      },
      child,
    );
    const caller = aws.getCallerIdentityOutput({}, { parent: this });
    const partition = aws.getPartitionOutput({}, { parent: this });
    const sanitizedBucketArn = pulumi.interpolate`arn:${partition.partition}:s3:::${args.sanitizedBucketName}`;
    // Feature stacks are named feature-<slug>; their database passwords are their own secrets.
    const featureSecrets = pulumi.interpolate`arn:${partition.partition}:secretsmanager:${args.region}:${caller.accountId}:secret:${stagePrefix(namer.project, "feature")}-*`;
    const taskRole = serviceRole(
      `${name}-task`,
      {
        namer,
        purpose: FEATURE_HOST_PURPOSES.taskRole,
        description: `Runs ${namer.prefix}'s feature database provisioner: reads feature stacks' database passwords and the sanitized export`,
        service: "ecs-tasks.amazonaws.com",
        permissionsBoundaryArn: args.permissionsBoundaryArn,
        policy: [
          {
            Sid: "ReadFeaturePasswords",
            Effect: "Allow",
            Action: ["secretsmanager:GetSecretValue"],
            Resource: [featureSecrets],
          },
          {
            Sid: "ListSanitizedExport",
            Effect: "Allow",
            Action: ["s3:ListBucket"],
            Resource: [sanitizedBucketArn],
          },
          {
            Sid: "ReadSanitizedExport",
            Effect: "Allow",
            Action: ["s3:GetObject"],
            Resource: [
              pulumi.interpolate`${sanitizedBucketArn}/${FEATURE_TEMPLATE_EXPORT_PREFIX}*`,
            ],
          },
        ],
      },
      child,
    );

    const environment: Record<(typeof FEATURE_DB_ENVIRONMENT)[number], pulumi.Input<string>> = {
      APP_STAGE: namer.stage,
      DB_HOST: host.address,
      DB_PORT: String(POSTGRES_PORT),
      DB_NAME: host.databaseName,
      DB_USER: host.username,
      FEATURE_DB_MAX: String(args.maxDatabases),
      FEATURE_DB_TEMPLATE: FEATURE_TEMPLATE_DATABASE,
    };
    const secrets: Record<(typeof FEATURE_DB_SECRETS)[number], pulumi.Input<string>> = {
      DB_PASSWORD: pulumi.interpolate`${host.secretArn}:password::`,
    };
    const taskDefinition = new aws.ecs.TaskDefinition(
      `${name}-task`,
      {
        skipDestroy: RETAIN_TASK_REVISIONS,
        family: namer.name("ecs-task-family", FEATURE_HOST_PURPOSES.taskFamily),
        cpu: "256",
        memory: "512",
        networkMode: "awsvpc",
        requiresCompatibilities: ["FARGATE"],
        volumes: [{ name: SCRATCH_VOLUME }],
        runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
        executionRoleArn: executionRole.arn,
        taskRoleArn: taskRole.arn,
        containerDefinitions: pulumi
          .all([args.image, environment, secrets, logs.name])
          .apply(([image, env, secretRefs, logGroup]) =>
            JSON.stringify([
              {
                name: FEATURE_DB_CONTAINER,
                image,
                essential: true,
                // The schedule runs the task as defined: the refresh. Feature stacks' provider
                // overrides the command with create or drop.
                command: [
                  "node",
                  "app/dist/feature-db.js",
                  "refresh-template",
                  "--from",
                  `s3://${args.sanitizedBucketName}/${FEATURE_TEMPLATE_EXPORT_PREFIX}`,
                ],
                environment: FEATURE_DB_ENVIRONMENT.map((key) => ({ name: key, value: env[key] })),
                secrets: FEATURE_DB_SECRETS.map((key) => ({
                  name: key,
                  valueFrom: secretRefs[key],
                })),
                readonlyRootFilesystem: true,
                // The export and the template refresh stage table files in /tmp: the task's
                // ephemeral storage, bind-mounted (Amazon ECS Developer Guide, "Fargate task
                // storage"), the only writable path on a read-only root filesystem.
                mountPoints: [{ sourceVolume: SCRATCH_VOLUME, containerPath: "/tmp" }],
                logConfiguration: {
                  logDriver: "awslogs",
                  options: {
                    "awslogs-group": logGroup,
                    "awslogs-region": args.region,
                    "awslogs-stream-prefix": FEATURE_DB_CONTAINER,
                  },
                },
              },
            ]),
          ),
      },
      child,
    );

    taskSchedule(
      `${name}-refresh`,
      {
        namer,
        purpose: "feature-template",
        description: `Rebuild ${namer.prefix}'s feature template from production's newest sanitized export`,
        scheduleExpression: args.refreshSchedule,
        clusterArn: args.clusterArn,
        taskDefinition,
        passRoleArns: [executionRole.arn, taskRole.arn],
        subnetIds: args.network.privateSubnetIds,
        securityGroupId: args.clientSecurityGroupId,
        permissionsBoundaryArn: args.permissionsBoundaryArn,
      },
      child,
    );

    this.outputs = pulumi
      .all([
        host.address,
        pulumi.output(args.clusterArn),
        taskDefinition.arn,
        pulumi.output(args.clientSecurityGroupId),
        logs.name,
      ])
      .apply(([address, clusterArn, taskDefinitionArn, clientSecurityGroupId, logGroupName]) => ({
        address,
        port: POSTGRES_PORT,
        clusterArn,
        taskDefinitionArn,
        containerName: FEATURE_DB_CONTAINER,
        clientSecurityGroupId,
        logGroupName,
        maxDatabases: args.maxDatabases,
      }));
    this.registerOutputs({ outputs: this.outputs });
  }
}
