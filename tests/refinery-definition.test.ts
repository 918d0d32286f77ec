import { strict as assert } from "node:assert";
import aslValidator from "asl-validator";
import { refineryDefinition, RefineryPlan } from "../lib/aws/refinery-definition";
import { runStateMachine, Service, ServiceCall, TaskFailure } from "./helpers/asl-run";

const plan: RefineryPlan = {
  productionDb: "multistage-production-db",
  sanitizer: "multistage-production-sanitizer",
  snapshotPrefix: "multistage-sanitized-",
  instanceClass: "db.t4g.medium",
  subnetGroup: "multistage-production-db",
  parameterGroup: "multistage-production-db-pg16",
  sanitizerSecurityGroupId: "sg-0sanitizer",
  taskSecurityGroupId: "sg-0refinerytask",
  copySecurityGroupId: "sg-0refinerycopy",
  subnetIds: ["subnet-0a", "subnet-0b"],
  clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/multistage-production-cluster",
  sanitizeTaskDefinitionArn:
    "arn:aws:ecs:eu-west-1:123456789012:task-definition/multistage-production-sanitize:3",
  sanitizeContainer: "sanitize",
  copyTaskDefinitionArn:
    "arn:aws:ecs:eu-west-1:123456789012:task-definition/multistage-production-sanitized-copy:1",
  copyContainer: "sanitized-copy",
  keepSnapshots: 3,
  tags: { stage: "production", "stage-kind": "production", project: "multistage" },
};
const definition = refineryDefinition(plan);
const START = "2026-11-26T03:00:12.345Z";

/** RDS and ECS as the refinery sees them, with the failures a test asks for. */
function fakeAws(
  options: {
    backups?: Array<{ id: string; at: string; status?: string }>;
    failSanitize?: boolean;
    sanitizeExit?: number;
    copyExit?: number;
    snapshotStuck?: boolean;
    /** The snapshot stays "creating" through the poll loop and becomes available after this many refused deletes. */
    availableAfterDeletes?: number;
    failRestore?: boolean;
    existing?: string[];
  } = {},
): Service {
  const polls = new Map<string, number>();
  const becomes = (key: string, after: number, value: string, before: string) => {
    const n = (polls.get(key) ?? 0) + 1;
    polls.set(key, n);
    return n > after ? value : before;
  };
  const backups = options.backups ?? [
    { id: "rds:multistage-production-db-2026-11-24-02-10", at: "2026-11-24T02:10:00Z" },
    { id: "rds:multistage-production-db-2026-11-25-02-10", at: "2026-11-25T02:10:00Z" },
    {
      id: "rds:multistage-production-db-2026-11-26-02-10",
      at: "2026-11-26T02:10:00Z",
      status: "creating",
    },
  ];
  const existing =
    options.existing ??
    ["2026-11-20-03-00", "2026-11-21-03-00", "2026-11-22-03-00", "2026-11-23-03-00"].map((d) => ({
      id: `multistage-sanitized-${d}`,
      at: `${d.slice(0, 10)}T04:00:00Z`,
    }));
  let state = "none";
  let modified = false;
  return (call: ServiceCall) => {
    const args = call.arguments as Record<string, unknown>;
    const api = call.resource.split(":").pop();
    switch (api) {
      case "describeDBSnapshots":
        if (args.SnapshotType === "automated")
          return {
            DbSnapshots: backups.map((b) => ({
              DbSnapshotIdentifier: b.id,
              SnapshotCreateTime: b.at,
              Status: b.status ?? "available",
            })),
          };
        if (args.SnapshotType === "manual")
          return {
            DbSnapshots: [
              ...(existing as Array<{ id: string; at: string }>),
              { id: "multistage-sanitized-2026-11-26-03-00", at: "2026-11-26T04:00:00Z" },
            ].map((s) => ({ DbSnapshotIdentifier: s.id, SnapshotCreateTime: s.at })),
          };
        return {
          DbSnapshots: [
            {
              DbSnapshotIdentifier: args.DbSnapshotIdentifier,
              Status:
                options.snapshotStuck || options.availableAfterDeletes !== undefined
                  ? "creating"
                  : becomes("snapshot", 2, "available", "creating"),
            },
          ],
        };
      case "restoreDBInstanceFromDBSnapshot":
        if (options.failRestore)
          throw new TaskFailure("Rds.DbSnapshotNotFoundException", "snapshot gone");
        state = "creating";
        return { DbInstance: { DbInstanceIdentifier: args.DbInstanceIdentifier } };
      case "describeDBInstances": {
        const status = modified
          ? becomes("modify", 1, "available", "modifying")
          : becomes("restore", 3, "available", state);
        return {
          DbInstances: [
            {
              DbInstanceStatus: status,
              ...(status === "available"
                ? {
                    Endpoint: {
                      Address: "multistage-production-sanitizer.c1.eu-west-1.rds.amazonaws.com",
                    },
                  }
                : {}),
            },
          ],
        };
      }
      case "modifyDBInstance":
        modified = true;
        return {};
      case "runTask.sync":
        if (options.failSanitize && String(args.TaskDefinition).includes("sanitize:"))
          throw new TaskFailure(
            "States.TaskFailed",
            "sanitize exited 1: users.nickname has no rule",
          );
        // runTask.sync's result is the stopped task, as DescribeTasks gives it (the shape LocalStack
        // recorded against AWS in tests/aws/services/stepfunctions/v2/services/test_ecs_task_service.snapshot.json).
        return String(args.TaskDefinition).includes("sanitize:")
          ? {
              LastStatus: "STOPPED",
              StopCode: "EssentialContainerExited",
              Containers: [
                { Name: "sanitize", LastStatus: "STOPPED", ExitCode: options.sanitizeExit ?? 0 },
              ],
            }
          : {
              LastStatus: "STOPPED",
              StopCode: "EssentialContainerExited",
              Containers: [
                { Name: "sanitized-copy", LastStatus: "STOPPED", ExitCode: options.copyExit ?? 0 },
              ],
            };
      case "createDBSnapshot":
        return { DbSnapshot: { DbSnapshotIdentifier: args.DbSnapshotIdentifier } };
      case "deleteDBInstance":
        if (state === "none")
          throw new TaskFailure("Rds.DbInstanceNotFoundException", "no such instance");
        return {};
      case "deleteDBSnapshot": {
        // RDS deletes only an available snapshot (DeleteDBSnapshot: InvalidDBSnapshotState).
        const stillCreating =
          args.DbSnapshotIdentifier === "multistage-sanitized-2026-11-26-03-00" &&
          (options.snapshotStuck ||
            becomes("delete", options.availableAfterDeletes ?? 0, "available", "creating") ===
              "creating");
        if (stillCreating)
          throw new TaskFailure(
            "Rds.InvalidDbSnapshotStateException",
            "Cannot delete the snapshot because it is not in available state",
          );
        return {};
      }
      default:
        throw new Error(`unexpected call ${call.resource}`);
    }
  };
}

const apis = (calls: ServiceCall[]) =>
  calls.map((c) => c.resource.split(":").pop()).filter((api, i, all) => api !== all[i - 1]);
const run = (service: Service) =>
  runStateMachine(definition, service, { Execution: { StartTime: START } });

describe("the refinery's state machine", () => {
  it("is valid Amazon States Language (asl-validator, JSONata)", () => {
    const result = aslValidator(definition as unknown as Parameters<typeof aslValidator>[0]);
    assert.deepEqual(result.errors, []);
    assert.equal(result.isValid, true);
  });

  it("restores the newest available backup, sanitizes, snapshots, deletes the sanitizer, keeps the newest N, then copies the bucket", async () => {
    const result = await run(fakeAws());
    assert.equal(result.status, "SUCCEEDED", result.cause);
    assert.deepEqual(apis(result.calls), [
      "describeDBSnapshots",
      "restoreDBInstanceFromDBSnapshot",
      "describeDBInstances",
      "modifyDBInstance",
      "describeDBInstances",
      "runTask.sync",
      "createDBSnapshot",
      "describeDBSnapshots",
      "deleteDBInstance",
      "describeDBSnapshots",
      "deleteDBSnapshot",
      "runTask.sync",
    ]);
    const restore = result.calls.find((c) =>
      c.resource.endsWith(":restoreDBInstanceFromDBSnapshot"),
    )?.arguments as Record<string, unknown>;
    assert.equal(
      restore.DbSnapshotIdentifier,
      "rds:multistage-production-db-2026-11-25-02-10",
      "the newest available one, not the one still being made",
    );
    assert.deepEqual(restore.VpcSecurityGroupIds, ["sg-0sanitizer"]);
    assert.equal(restore.PubliclyAccessible, false);
    assert.deepEqual(
      (
        result.calls.find((c) => c.resource.endsWith(":modifyDBInstance"))?.arguments as Record<
          string,
          unknown
        >
      ).BackupRetentionPeriod,
      0,
    );
    const sanitize = result.calls.find((c) =>
      String((c.arguments as Record<string, unknown>).TaskDefinition ?? "").includes("sanitize:"),
    )?.arguments as {
      Overrides: { ContainerOverrides: Array<{ Environment: Array<{ Value: string }> }> };
    };
    assert.equal(
      sanitize.Overrides.ContainerOverrides[0].Environment[0].Value,
      "multistage-production-sanitizer.c1.eu-west-1.rds.amazonaws.com",
    );
    assert.equal(
      (
        result.calls.find((c) => c.resource.endsWith(":createDBSnapshot"))?.arguments as Record<
          string,
          unknown
        >
      ).DbSnapshotIdentifier,
      "multistage-sanitized-2026-11-26-03-00",
    );
    const deleted = result.calls
      .filter((c) => c.resource.endsWith(":deleteDBSnapshot"))
      .map((c) => (c.arguments as Record<string, unknown>).DbSnapshotIdentifier);
    assert.deepEqual(
      deleted.sort(),
      ["multistage-sanitized-2026-11-20-03-00", "multistage-sanitized-2026-11-21-03-00"],
      "five exist, the newest three stay",
    );
  });

  it("never touches anything but production's database, the sanitizer and sanitized snapshots", async () => {
    const result = await run(fakeAws());
    for (const call of result.calls) {
      const text = JSON.stringify(call.arguments);
      assert.ok(!/development|staging|testing|feature/.test(text), text);
      for (const id of text.match(/"Db(Instance|Snapshot)Identifier":"[^"]+"/g) ?? []) {
        assert.match(
          id,
          /multistage-production-sanitizer|multistage-sanitized-|rds:multistage-production-db-|multistage-production-db"/,
          id,
        );
      }
    }
    const deletions = result.calls
      .filter((c) => /:delete/.test(c.resource))
      .map((c) => JSON.stringify(c.arguments));
    assert.ok(
      deletions.every((d) => /sanitizer|sanitized/.test(d)),
      "it deletes only its own",
    );
  });

  it("a failed sanitize task deletes the sanitizer, takes no snapshot and fails the run (the alarm's signal)", async () => {
    const result = await run(fakeAws({ failSanitize: true }));
    assert.equal(result.status, "FAILED");
    assert.equal(result.error, "RefineryFailed");
    assert.match(result.cause ?? "", /users\.nickname has no rule/);
    assert.ok(!result.calls.some((c) => c.resource.endsWith(":createDBSnapshot")));
    assert.deepEqual(apis(result.calls).slice(-1), ["deleteDBInstance"]);
  });

  for (const [exit, meaning] of [
    [4, "uncovered column"],
    [5, "unverified"],
    [3, "not the sanitizer"],
  ] as const) {
    it(`a sanitize task that stops with exit ${exit} (${meaning}) takes no snapshot, deletes the sanitizer and fails the run`, async () => {
      const result = await run(fakeAws({ sanitizeExit: exit }));
      assert.equal(result.status, "FAILED");
      assert.match(result.cause ?? "", new RegExp(`the sanitize task exited ${exit}`));
      assert.ok(
        !result.calls.some((c) => c.resource.endsWith(":createDBSnapshot")),
        "a snapshot of unverified data",
      );
      assert.deepEqual(apis(result.calls).slice(-1), ["deleteDBInstance"]);
    });
  }

  it("a sanitize container that never ran (no exit code) counts as failed", async () => {
    const service = fakeAws();
    const result = await run((call) =>
      call.resource.endsWith("runTask.sync")
        ? {
            LastStatus: "STOPPED",
            StopCode: "TaskFailedToStart",
            Containers: [{ Name: "sanitize", LastStatus: "STOPPED" }],
          }
        : service(call),
    );
    assert.equal(result.status, "FAILED");
    assert.match(result.cause ?? "", /the sanitize task exited -1/);
    assert.ok(!result.calls.some((c) => c.resource.endsWith(":createDBSnapshot")));
  });

  it("a bucket copy that exits non-zero fails the run, keeping the good snapshot", async () => {
    const result = await run(fakeAws({ copyExit: 1 }));
    assert.equal(result.status, "FAILED");
    assert.match(result.cause ?? "", /the bucket copy task exited 1/);
    assert.ok(
      !result.calls.some(
        (c) =>
          c.resource.endsWith(":deleteDBSnapshot") &&
          (c.arguments as Record<string, unknown>).DbSnapshotIdentifier ===
            "multistage-sanitized-2026-11-26-03-00",
      ),
    );
  });

  it("a snapshot that becomes available only after the wait gave up is still deleted, by retrying until RDS accepts", async () => {
    const result = await run(fakeAws({ availableAfterDeletes: 5 }));
    assert.equal(result.status, "FAILED");
    assert.match(result.cause ?? "", /Snapshot not available after 120 checks/);
    const deletes = result.calls.filter((c) => c.resource.endsWith(":deleteDBSnapshot"));
    assert.equal(deletes.length, 6, "five refusals, then the delete");
    assert.equal(result.retriedSeconds, 5 * 300);
    assert.deepEqual(apis(result.calls).slice(-2), ["deleteDBSnapshot", "deleteDBInstance"]);
    assert.doesNotMatch(result.cause ?? "", /could not be deleted/);
  });

  it("a snapshot that never becomes available fails the run saying it must be deleted by hand", async () => {
    const result = await run(fakeAws({ snapshotStuck: true }));
    assert.equal(result.status, "FAILED");
    assert.equal(
      result.calls.filter((c) => c.resource.endsWith(":deleteDBSnapshot")).length,
      25,
      "the first try and 24 retries",
    );
    assert.match(
      result.cause ?? "",
      /the unfinished snapshot multistage-sanitized-2026-11-26-03-00 could not be deleted: delete it before it is restored/,
    );
    assert.deepEqual(apis(result.calls).slice(-1), ["deleteDBInstance"]);
  });

  it("every step's own bound ends before the execution's timeout, which stays under a day", () => {
    // Three wait loops at 120 checks a minute apart, two 3-hour tasks, 2 hours of delete retries, an hour between.
    assert.equal(definition.TimeoutSeconds, 3 * 120 * 60 + 2 * 3 * 3600 + 24 * 300 + 3600);
    assert.ok(definition.TimeoutSeconds < 24 * 3600);
  });

  it("a failed restore still tries to clean up and fails", async () => {
    const result = await run(fakeAws({ failRestore: true }));
    assert.equal(result.status, "FAILED");
    assert.match(result.cause ?? "", /snapshot gone/);
    assert.ok(result.visited.includes("DeleteFailedSanitizer"));
  });

  it("a production without a backup yet has nothing to refine", async () => {
    const result = await run(fakeAws({ backups: [] }));
    assert.equal(result.status, "SUCCEEDED");
    assert.deepEqual(apis(result.calls), ["describeDBSnapshots"]);
  });

  it("every step from the restore to the finished snapshot leads to cleanup on failure", () => {
    const cleanupBound = [
      "RestoreSanitizer",
      "CheckRestore",
      "StopBackups",
      "CheckModify",
      "Sanitize",
      "SnapshotSanitized",
      "CheckSnapshot",
    ];
    for (const name of cleanupBound) {
      const catches = definition.States[name].Catch as Array<{
        ErrorEquals: string[];
        Next: string;
      }>;
      assert.ok(
        catches.some((c) => c.ErrorEquals.includes("States.ALL") && c.Next === "DiscardSnapshot"),
        name,
      );
    }
    assert.equal(definition.States.DeleteFailedSanitizer.Next, "Failed");
  });
});
