/**
 * The refinery's state machine, as Amazon States Language (JSONata), built from plain values so
 * it can be validated and walked step by step without Pulumi. Only AWS SDK and ECS service
 * integrations, no custom code: find production's newest automated backup, restore it into an
 * isolated sanitizer instance with backups off, run the sanitize task against it, snapshot it
 * as `multistage-sanitized-<date>`, delete it, keep the newest N sanitized snapshots, copy the
 * allowed prefixes of production's bucket into the sanitized bucket. Any failure from the
 * restore on discards the half-made snapshot and the sanitizer, then fails the execution (which
 * the alarm watches), so the previous sanitized snapshot stays the newest.
 */

export interface RefineryPlan {
  /** Production's database, whose automated backups are the source. */
  productionDb: string;
  /** The short-lived instance the backup is restored into and sanitized in. */
  sanitizer: string;
  /** Sanitized snapshots are named `<prefix><yyyy-mm-dd-hh-mm>`. */
  snapshotPrefix: string;
  instanceClass: string;
  subnetGroup: string;
  parameterGroup: string;
  /** Admits the sanitize task on the PostgreSQL port, nothing else. */
  sanitizerSecurityGroupId: string;
  /** The tasks' own group: outbound only. */
  taskSecurityGroupId: string;
  /** The bucket copy's own group: outbound only, not admitted by the sanitizer. */
  copySecurityGroupId: string;
  subnetIds: string[];
  clusterArn: string;
  sanitizeTaskDefinitionArn: string;
  /** The container in the sanitize task that gets the sanitizer's address. */
  sanitizeContainer: string;
  copyTaskDefinitionArn: string;
  /** The container in the copy task whose exit code decides. */
  copyContainer: string;
  /** How many sanitized snapshots to keep, newest first. */
  keepSnapshots: number;
  /** Tags every instance and snapshot the refinery makes carries. */
  tags: Record<string, string>;
  /** Seconds between status checks while RDS works. @default 60 */
  pollSeconds?: number;
  /** Status checks before a wait counts as failed. @default 120 */
  maxPolls?: number;
}

export type StateMachineDefinition = {
  Comment: string;
  QueryLanguage: "JSONata";
  StartAt: string;
  TimeoutSeconds: number;
  States: Record<string, Record<string, unknown>>;
};

const SDK = (service: string, api: string) => `arn:aws:states:::aws-sdk:${service}:${api}`;
const CLEANUP = "DiscardSnapshot";
/** Every failure from the restore on goes to cleanup, with the error kept for the Fail state. */
const catchAll = [
  { ErrorEquals: ["States.ALL"], Next: CLEANUP, Assign: { failure: "{% $states.errorOutput %}" } },
];
/** After the snapshot exists: no cleanup of it, but the failure still fails the run. */
const catchToFail = [
  { ErrorEquals: ["States.ALL"], Next: "Failed", Assign: { failure: "{% $states.errorOutput %}" } },
];
/** A JSONata value or '' (Step Functions refuses to assign an undefined result). */
const orEmpty = (expression: string) => `( $v := ${expression}; $exists($v) ? $v : '' )`;

/**
 * What a `runTask.sync` state assigns: its container's exit code, or -1 when it has none (it
 * never started). The result is the stopped task (DescribeTasks' Task: Containers[].ExitCode).
 */
const exitCodeOf = (container: string) =>
  `{% ( $c := $states.result.Containers[Name = '${container}']; $exists($c.ExitCode) ? $c.ExitCode : -1 ) %}`;

/**
 * Goes on only when the task's container exited 0. A task whose essential container exits non-zero
 * still stops "successfully" as far as ECS is concerned (StopCode EssentialContainerExited), so
 * the exit code is checked here, whether or not the integration would fail the state itself.
 */
function exitCheck(
  task: string,
  variable: string,
  okNext: string,
  failNext: string,
): Record<string, unknown> {
  return {
    Type: "Choice",
    Choices: [
      { Condition: `{% $${variable} = 0 %}`, Next: okNext },
      {
        Condition: "{% true %}",
        Next: failNext,
        Assign: {
          failure: `{% 'the ${task} task exited ' & $string($${variable}) & '; its log says why' %}`,
        },
      },
    ],
  };
}

/** How long a task (sanitize, copy) may run before its state fails. */
const TASK_TIMEOUT_SECONDS = 3 * 3600;
/** Deleting a snapshot still being made: every 5 minutes, for 2 hours. */
const DELETE_SNAPSHOT_RETRY = {
  ErrorEquals: ["States.ALL"],
  IntervalSeconds: 300,
  MaxAttempts: 24,
  BackoffRate: 1,
};

/**
 * The longest a run can take with every step at its own bound: three wait loops (restore,
 * modify, snapshot), the two tasks, the snapshot delete's retries, and an hour for the calls in
 * between. Under a day, so one night's run never overlaps the next.
 */
export function executionTimeoutSeconds(
  plan: Required<Pick<RefineryPlan, "pollSeconds" | "maxPolls">>,
): number {
  const waits = 3 * plan.pollSeconds * plan.maxPolls;
  const retries = DELETE_SNAPSHOT_RETRY.IntervalSeconds * DELETE_SNAPSHOT_RETRY.MaxAttempts;
  return waits + 2 * TASK_TIMEOUT_SECONDS + retries + 3600;
}

/** A wait loop: wait, look, go on when the look says ready, give up after maxPolls. */
function pollLoop(
  name: string,
  look: { resource: string; arguments: Record<string, unknown>; status: string },
  readyNext: string,
  plan: Required<Pick<RefineryPlan, "pollSeconds" | "maxPolls">>,
  assign: Record<string, string> = {},
): Record<string, Record<string, unknown>> {
  return {
    [`WaitFor${name}`]: { Type: "Wait", Seconds: plan.pollSeconds, Next: `Check${name}` },
    [`Check${name}`]: {
      Type: "Task",
      Resource: look.resource,
      Arguments: look.arguments,
      Assign: {
        [`${name.toLowerCase()}Status`]: `{% ${orEmpty(look.status)} %}`,
        polls: "{% $polls + 1 %}",
        ...assign,
      },
      Catch: catchAll,
      Next: `${name}Ready`,
    },
    [`${name}Ready`]: {
      Type: "Choice",
      Choices: [
        {
          Condition: `{% $${name.toLowerCase()}Status = 'available' %}`,
          Next: readyNext,
          Assign: { polls: 0 },
        },
        {
          Condition: `{% $polls >= ${plan.maxPolls} %}`,
          Next: CLEANUP,
          Assign: { failure: `{% '${name} not available after ' & $string($polls) & ' checks' %}` },
        },
      ],
      Default: `WaitFor${name}`,
    },
  };
}

export function refineryDefinition(input: RefineryPlan): StateMachineDefinition {
  const plan = { pollSeconds: 60, maxPolls: 120, ...input };
  const tags = Object.entries(plan.tags).map(([Key, Value]) => ({ Key, Value }));
  const describeSanitizer = {
    resource: SDK("rds", "describeDBInstances"),
    arguments: { DbInstanceIdentifier: plan.sanitizer },
  };
  return {
    Comment: `Nightly: restore ${plan.productionDb}'s newest backup into ${plan.sanitizer}, sanitize, snapshot as ${plan.snapshotPrefix}<date>, delete it`,
    QueryLanguage: "JSONata",
    StartAt: "FindNewestBackup",
    // A run that hangs is a failed run too (the alarm counts timed-out executions). Every step
    // has its own bound, and their sum ends before this one, so a step's own timeout (which
    // goes to cleanup) always comes first; an execution timeout would skip cleanup.
    TimeoutSeconds: executionTimeoutSeconds(plan),
    States: {
      FindNewestBackup: {
        Type: "Task",
        Resource: SDK("rds", "describeDBSnapshots"),
        Arguments: { DbInstanceIdentifier: plan.productionDb, SnapshotType: "automated" },
        Assign: {
          backup: `{% ${orEmpty("$sort($states.result.DbSnapshots[Status = 'available'], function($l, $r) { $l.SnapshotCreateTime > $r.SnapshotCreateTime })[-1].DbSnapshotIdentifier")} %}`,
          // Declared up front: cleanup and the Fail state read them whatever step failed.
          snapshot: "{% '' %}",
          endpoint: "{% '' %}",
          failure: "{% '' %}",
          polls: 0,
        },
        Next: "HasBackup",
      },
      HasBackup: {
        Type: "Choice",
        Choices: [{ Condition: "{% $backup != '' %}", Next: "RestoreSanitizer" }],
        // A production younger than its first backup has nothing to refine yet.
        Default: "NoBackupYet",
      },
      NoBackupYet: { Type: "Succeed" },
      RestoreSanitizer: {
        Type: "Task",
        Resource: SDK("rds", "restoreDBInstanceFromDBSnapshot"),
        Arguments: {
          DbInstanceIdentifier: plan.sanitizer,
          DbSnapshotIdentifier: "{% $backup %}",
          DbInstanceClass: plan.instanceClass,
          DbSubnetGroupName: plan.subnetGroup,
          DbParameterGroupName: plan.parameterGroup,
          VpcSecurityGroupIds: [plan.sanitizerSecurityGroupId],
          PubliclyAccessible: false,
          MultiAZ: false,
          DeletionProtection: false,
          CopyTagsToSnapshot: true,
          Tags: tags,
        },
        Catch: catchAll,
        Next: "WaitForRestore",
      },
      ...pollLoop(
        "Restore",
        { ...describeSanitizer, status: "$states.result.DbInstances[0].DbInstanceStatus" },
        "StopBackups",
        plan,
        {
          endpoint: `{% ${orEmpty("$states.result.DbInstances[0].Endpoint.Address")} %}`,
        },
      ),
      // No automated backups of the sanitizer: its log archive would hold the unsanitized state.
      StopBackups: {
        Type: "Task",
        Resource: SDK("rds", "modifyDBInstance"),
        Arguments: {
          DbInstanceIdentifier: plan.sanitizer,
          BackupRetentionPeriod: 0,
          ApplyImmediately: true,
        },
        Catch: catchAll,
        Next: "WaitForModify",
      },
      ...pollLoop(
        "Modify",
        { ...describeSanitizer, status: "$states.result.DbInstances[0].DbInstanceStatus" },
        "Sanitize",
        plan,
      ),
      Sanitize: {
        Type: "Task",
        Resource: "arn:aws:states:::ecs:runTask.sync",
        Arguments: {
          Cluster: plan.clusterArn,
          TaskDefinition: plan.sanitizeTaskDefinitionArn,
          LaunchType: "FARGATE",
          NetworkConfiguration: {
            AwsvpcConfiguration: {
              Subnets: plan.subnetIds,
              SecurityGroups: [plan.taskSecurityGroupId],
              AssignPublicIp: "DISABLED",
            },
          },
          Overrides: {
            ContainerOverrides: [
              {
                Name: plan.sanitizeContainer,
                Environment: [{ Name: "DB_HOST", Value: "{% $endpoint %}" }],
              },
            ],
          },
        },
        TimeoutSeconds: TASK_TIMEOUT_SECONDS,
        Assign: { sanitizeExit: exitCodeOf(plan.sanitizeContainer) },
        Catch: catchAll,
        Next: "SanitizeExited",
      },
      // Exit 0 is the sanitize program's only "verified" (2 config, 3 not the sanitizer, 4 uncovered, 5 unverified).
      SanitizeExited: exitCheck("sanitize", "sanitizeExit", "SnapshotSanitized", CLEANUP),
      SnapshotSanitized: {
        Type: "Task",
        Resource: SDK("rds", "createDBSnapshot"),
        Arguments: {
          DbInstanceIdentifier: plan.sanitizer,
          DbSnapshotIdentifier: `{% '${plan.snapshotPrefix}' & $replace($substring($states.context.Execution.StartTime, 0, 16), /[T:]/, '-') %}`,
          Tags: tags,
        },
        Assign: { snapshot: "{% $states.result.DbSnapshot.DbSnapshotIdentifier %}" },
        Catch: catchAll,
        Next: "WaitForSnapshot",
      },
      ...pollLoop(
        "Snapshot",
        {
          resource: SDK("rds", "describeDBSnapshots"),
          arguments: { DbSnapshotIdentifier: "{% $snapshot %}" },
          status: "$states.result.DbSnapshots[0].Status",
        },
        "DeleteSanitizer",
        plan,
      ),
      DeleteSanitizer: {
        Type: "Task",
        Resource: SDK("rds", "deleteDBInstance"),
        Arguments: {
          DbInstanceIdentifier: plan.sanitizer,
          SkipFinalSnapshot: true,
          DeleteAutomatedBackups: true,
        },
        // The snapshot is good; a sanitizer left behind is reported, not undone.
        Catch: catchToFail,
        Next: "ListSanitized",
      },
      ListSanitized: {
        Type: "Task",
        Resource: SDK("rds", "describeDBSnapshots"),
        Arguments: { DbInstanceIdentifier: plan.sanitizer, SnapshotType: "manual" },
        Assign: {
          // Newest first; everything after the first N goes.
          expired: `{% $append([], $filter($sort($states.result.DbSnapshots[$contains(DbSnapshotIdentifier, /^${plan.snapshotPrefix}/)], function($l, $r) { $l.SnapshotCreateTime < $r.SnapshotCreateTime }), function($v, $i) { $i >= ${plan.keepSnapshots} }).DbSnapshotIdentifier) %}`,
        },
        Catch: catchToFail,
        Next: "PruneSanitized",
      },
      PruneSanitized: {
        Type: "Map",
        Items: "{% $expired %}",
        ItemProcessor: {
          ProcessorConfig: { Mode: "INLINE" },
          StartAt: "DeleteExpired",
          States: {
            DeleteExpired: {
              Type: "Task",
              Resource: SDK("rds", "deleteDBSnapshot"),
              Arguments: { DbSnapshotIdentifier: "{% $states.input %}" },
              End: true,
            },
          },
        },
        Catch: catchToFail,
        Next: "CopyBucket",
      },
      CopyBucket: {
        Type: "Task",
        Resource: "arn:aws:states:::ecs:runTask.sync",
        Arguments: {
          Cluster: plan.clusterArn,
          TaskDefinition: plan.copyTaskDefinitionArn,
          LaunchType: "FARGATE",
          NetworkConfiguration: {
            AwsvpcConfiguration: {
              Subnets: plan.subnetIds,
              SecurityGroups: [plan.copySecurityGroupId],
              AssignPublicIp: "DISABLED",
            },
          },
        },
        TimeoutSeconds: TASK_TIMEOUT_SECONDS,
        Assign: { copyExit: exitCodeOf(plan.copyContainer) },
        Catch: catchToFail,
        Next: "CopyExited",
      },
      CopyExited: exitCheck("bucket copy", "copyExit", "Refined", "Failed"),
      Refined: { Type: "Succeed" },
      // Cleanup: a snapshot that may be half made or of unverified data must never be the newest.
      [CLEANUP]: {
        Type: "Choice",
        Choices: [{ Condition: "{% $snapshot != '' %}", Next: "DeleteSnapshot" }],
        Default: "DeleteFailedSanitizer",
      },
      DeleteSnapshot: {
        Type: "Task",
        Resource: SDK("rds", "deleteDBSnapshot"),
        Arguments: { DbSnapshotIdentifier: "{% $snapshot %}" },
        // RDS deletes only an available snapshot (InvalidDBSnapshotState while it is being made):
        // keep trying until it is, or a half-made snapshot would finish later and be the newest.
        Retry: [DELETE_SNAPSHOT_RETRY],
        Catch: [
          {
            ErrorEquals: ["States.ALL"],
            Next: "DeleteFailedSanitizer",
            Assign: {
              failure:
                "{% $string($failure) & '; the unfinished snapshot ' & $snapshot & ' could not be deleted: delete it before it is restored' %}",
            },
          },
        ],
        Next: "DeleteFailedSanitizer",
      },
      DeleteFailedSanitizer: {
        Type: "Task",
        Resource: SDK("rds", "deleteDBInstance"),
        Arguments: {
          DbInstanceIdentifier: plan.sanitizer,
          SkipFinalSnapshot: true,
          DeleteAutomatedBackups: true,
        },
        // Not found: the failure came before the restore created it.
        Catch: [{ ErrorEquals: ["States.ALL"], Next: "Failed" }],
        Next: "Failed",
      },
      Failed: {
        Type: "Fail",
        Error: "RefineryFailed",
        Cause:
          "{% 'The nightly refinery failed; the previous sanitized snapshot is still the newest. ' & $string($failure) %}",
      },
    },
  };
}
