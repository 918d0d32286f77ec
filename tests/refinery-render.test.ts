import { strict as assert } from "node:assert";
import { exampleAccess, stageRoles } from "./helpers/access";
import {
  accessFor,
  expectRenderFailure,
  named,
  ofType,
  PINNED_IMAGE,
  renderWithConfig,
  shippedRender,
} from "./helpers/renders";
import * as fs from "node:fs";
import * as path from "node:path";
import { SANITIZE_ENVIRONMENT, SANITIZE_SECRETS } from "../app/src/contract";
import { copyScript } from "../components/refinery";
import { simulateRequest } from "../policy/iam-simulation";
import { PROJECT_ROOT } from "../stage/stack-files";

const account = "123456789012";
const rds = (resource: string) => `arn:aws:rds:eu-west-1:${account}:${resource}`;

describe("production's refinery in the render", function () {
  this.timeout(60_000);

  it("exists in production only", async () => {
    for (const stack of ["development", "staging"]) {
      const { resources } = await shippedRender(stack);
      assert.equal(ofType(resources, "multistage:data:Refinery").length, 0, stack);
      assert.equal(ofType(resources, "aws:sfn/stateMachine:StateMachine").length, 0, stack);
    }
    const { resources, outputs } = await shippedRender("production");
    assert.equal(ofType(resources, "multistage:data:Refinery").length, 1);
    assert.equal(
      outputs.refineryStateMachineArn.value,
      "arn:aws:states:eu-west-1:123456789012:stateMachine:multistage-production-refinery",
    );
    assert.equal(outputs.sanitizedBucketName.value, "multistage-production-sanitized");
  });

  it("runs nightly, restores production's backups into the sanitizer, and is watched by an alarm", async () => {
    const { resources } = await shippedRender("production");
    const definition = named(resources, "env-refinery-machine").inputs.definition as {
      States: Record<string, { Arguments?: Record<string, unknown> }>;
    };
    assert.equal(
      definition.States.FindNewestBackup.Arguments?.DbInstanceIdentifier,
      "multistage-production-db",
    );
    assert.equal(
      definition.States.RestoreSanitizer.Arguments?.DbInstanceIdentifier,
      "multistage-production-sanitizer",
    );
    // The sanitize task runs in the one group the sanitizer admits; the sanitizer sits in its own.
    const admitted = (
      named(resources, "env-refinery-sanitizer-sg").inputs.ingress as Array<{
        securityGroups: string[];
      }>
    )[0].securityGroups[0];
    const sanitize = definition.States.Sanitize.Arguments as {
      NetworkConfiguration: { AwsvpcConfiguration: { SecurityGroups: string[] } };
    };
    assert.deepEqual(sanitize.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups, [admitted]);
    const sanitizerGroups = definition.States.RestoreSanitizer.Arguments
      ?.VpcSecurityGroupIds as string[];
    assert.equal(sanitizerGroups.length, 1);
    assert.notEqual(sanitizerGroups[0], admitted);
    assert.match(
      String(named(resources, "env-refinery-schedule").inputs.scheduleExpression),
      /^cron\(/,
    );
    const alarm = named(resources, "env-refinery-alarm").inputs.metricQueries as Array<{
      metric?: { metricName: string };
    }>;
    assert.deepEqual(
      alarm
        .filter((q) => q.metric)
        .map((q) => q.metric?.metricName)
        .sort(),
      ["ExecutionsAborted", "ExecutionsFailed", "ExecutionsTimedOut"],
    );
  });

  it("its alarm notifies the SNS topics production names, and refuses anything that is not one", async () => {
    const production = {
      "aws:region": "eu-west-1",
      "multistage:stage": "production",
      "multistage:image": PINNED_IMAGE,
      "multistage:access": accessFor("production"),
    };
    assert.deepEqual(
      named((await shippedRender("production")).resources, "env-refinery-alarm").inputs
        .alarmActions,
      [],
      "none by default",
    );
    const topic = `arn:aws:sns:eu-west-1:${account}:on-call`;
    const { resources } = await renderWithConfig("production", {
      ...production,
      "multistage:refinery": { alarmTopicArns: [topic] },
    });
    assert.deepEqual(named(resources, "env-refinery-alarm").inputs.alarmActions, [topic]);
    const failure = await expectRenderFailure(
      renderWithConfig("production", {
        ...production,
        "multistage:refinery": { alarmTopicArns: ["on-call@example.com"] },
      }),
    );
    assert.match(
      failure.message,
      /multistage:refinery\.alarmTopicArns\.0: got "on-call@example\.com"; expected an SNS topic ARN/,
    );
    assert.equal(failure.registeredResources, 0);
  });

  it("admits only its sanitize task to the sanitizer", async () => {
    const { resources } = await shippedRender("production");
    const sanitizer = named(resources, "env-refinery-sanitizer-sg").inputs as {
      ingress: Array<{ securityGroups: string[]; fromPort: number; cidrBlocks?: string[] }>;
      egress: unknown[];
    };
    assert.equal(sanitizer.ingress.length, 1);
    assert.equal(sanitizer.ingress[0].fromPort, 5432);
    assert.equal(sanitizer.ingress[0].cidrBlocks, undefined);
    assert.equal(sanitizer.ingress[0].securityGroups.length, 1);
    assert.deepEqual(sanitizer.egress, []);
    // The bucket copy runs in a group of its own, which the sanitizer does not admit.
    const definition = named(resources, "env-refinery-machine").inputs.definition as {
      States: Record<
        string,
        {
          Arguments?: {
            NetworkConfiguration?: { AwsvpcConfiguration: { SecurityGroups: string[] } };
          };
        }
      >;
    };
    const groupsOf = (state: string) =>
      definition.States[state].Arguments?.NetworkConfiguration?.AwsvpcConfiguration.SecurityGroups;
    assert.deepEqual(groupsOf("Sanitize"), sanitizer.ingress[0].securityGroups);
    assert.equal(groupsOf("CopyBucket")?.length, 1);
    assert.ok(
      !sanitizer.ingress[0].securityGroups.includes(groupsOf("CopyBucket")?.[0] as string),
      "the copy task may not reach the sanitizer",
    );
  });

  it("runs the sanitize program with exactly its contract: the environment and secrets it reads, no other", async () => {
    const { resources } = await shippedRender("production");
    const [container] = named(resources, "env-refinery-sanitize-task").inputs
      .containerDefinitions as Array<{
      command: string[];
      environment: Array<{ name: string; value: string }>;
      secrets: Array<{ name: string; valueFrom: string }>;
    }>;
    // The image's working directory holds app/dist (app/Dockerfile); the compiled entry comes from app/src/sanitize.ts.
    assert.deepEqual(container.command, ["node", "app/dist/sanitize.js"]);
    assert.ok(fs.existsSync(path.join(PROJECT_ROOT, "app", "src", "sanitize.ts")));
    assert.deepEqual(
      container.environment.map((e) => e.name),
      [...SANITIZE_ENVIRONMENT],
    );
    assert.deepEqual(
      container.secrets.map((e) => e.name),
      [...SANITIZE_SECRETS],
    );
    assert.ok(
      container.secrets.every((s) => s.valueFrom.startsWith("arn:aws:secretsmanager:")),
      "secrets come from Secrets Manager, never as values",
    );
    assert.equal(container.environment.find((e) => e.name === "APP_STAGE")?.value, "production");
  });

  it("copies only the allowed prefixes of production's bucket", async () => {
    const { resources } = await shippedRender("production");
    const [container] = named(resources, "env-refinery-copy-task").inputs
      .containerDefinitions as Array<{ entryPoint: string[]; command: string[] }>;
    assert.deepEqual(container.entryPoint, ["/bin/sh", "-c"]);
    // One sync per allowed prefix: the CLI then lists only under it (ListObjectsV2 prefix=public/).
    assert.deepEqual(container.command, [
      'set -e; aws s3 sync "s3://multistage-production-assets/public/" "s3://multistage-production-sanitized/public/" --delete --only-show-errors',
    ]);
    assert.equal(
      copyScript("a", "b", ["public/", "docs/v1/"]).split("; ").length,
      3,
      "one sync per prefix",
    );
    const copy = {
      name: "copy",
      policy: named(resources, "env-refinery-copy-policy").inputs.policy as { Statement: unknown },
    };
    const as = (action: string, resource: string, context: Record<string, string> = {}) =>
      simulateRequest(
        {
          principal: `arn:aws:iam::${account}:role/multistage-production-refinery-copy`,
          action,
          resource,
          context,
        },
        { identity: [copy] },
      );
    assert.equal(
      await as("s3:GetObject", "arn:aws:s3:::multistage-production-assets/public/logo.png"),
      "Allowed",
    );
    // What `aws s3 sync s3://<assets>/public/ ...` lists: the prefix the policy allows.
    assert.equal(
      await as("s3:ListBucket", "arn:aws:s3:::multistage-production-assets", {
        "s3:prefix": "public/",
      }),
      "Allowed",
    );
    assert.notEqual(
      await as("s3:ListBucket", "arn:aws:s3:::multistage-production-assets", { "s3:prefix": "" }),
      "Allowed",
      "the whole bucket is not listable",
    );
    assert.notEqual(
      await as("s3:GetObject", "arn:aws:s3:::multistage-production-assets/uploads/passport.jpg"),
      "Allowed",
    );
    assert.notEqual(
      await as("s3:ListBucket", "arn:aws:s3:::multistage-production-assets", {
        "s3:prefix": "uploads/",
      }),
      "Allowed",
    );
    assert.notEqual(
      await as("s3:PutObject", "arn:aws:s3:::multistage-production-assets/public/x"),
      "Allowed",
    );
  });

  it("every call the refinery makes at night is allowed by its role's policy and production's boundary", async () => {
    const { resources } = await shippedRender("production");
    const boundary = stageRoles(await exampleAccess(), "production").boundary;
    const policyOf = (name: string) => ({
      name,
      policy: named(resources, name).inputs.policy as { Statement: unknown },
    });
    const as = (
      role: string,
      policy: string,
      action: string,
      resource: string,
      context: Record<string, string> = {},
    ) =>
      simulateRequest(
        { principal: `arn:aws:iam::${account}:role/${role}`, action, resource, context },
        { identity: [policyOf(policy)], boundary },
      );
    const machine = (action: string, resource: string, context: Record<string, string> = {}) =>
      as(
        "multistage-production-refinery",
        "env-refinery-machine-policy",
        action,
        resource,
        context,
      );
    const backup = rds("snapshot:rds:multistage-production-db-2026-11-25-01-10");
    const sanitized = rds("snapshot:multistage-sanitized-2026-11-26-02-30");
    const sanitizer = rds("db:multistage-production-sanitizer");
    const taskArn = (family: string) =>
      `arn:aws:ecs:eu-west-1:${account}:task-definition/${family}:1`;
    // Each AWS SDK integration's IAM action is the service prefix and the API in PascalCase
    // (Step Functions developer guide, "AWS SDK service integrations"), authorized on what it names.
    const SDK_CALLS: Record<string, Array<[string, string]>> = {
      describeDBSnapshots: [
        [rds("db:multistage-production-db"), "production's backups"],
        [backup, "one backup"],
        [sanitizer, "the sanitizer's snapshots"],
        [sanitized, "a sanitized snapshot"],
      ],
      restoreDBInstanceFromDBSnapshot: [
        [backup, "the backup"],
        [sanitizer, "the new instance"],
        [rds("og:default:postgres-16"), "the default option group"],
        [rds("subgrp:multistage-production-db"), "production's subnet group"],
        [rds("pg:multistage-production-db-pg16"), "production's parameter group"],
      ],
      describeDBInstances: [[sanitizer, "the sanitizer"]],
      modifyDBInstance: [[sanitizer, "backups off on the sanitizer"]],
      createDBSnapshot: [
        [sanitizer, "the sanitizer"],
        [sanitized, "the new snapshot"],
      ],
      deleteDBInstance: [[sanitizer, "the sanitizer"]],
      deleteDBSnapshot: [[sanitized, "an expired sanitized snapshot"]],
    };
    const definition = named(resources, "env-refinery-machine").inputs.definition as {
      States: Record<string, Record<string, unknown>>;
    };
    const sdkApis = new Set<string>();
    const visit = (states: Record<string, Record<string, unknown>>) => {
      for (const state of Object.values(states)) {
        const resource = String(state.Resource ?? "");
        if (resource.startsWith("arn:aws:states:::aws-sdk:rds:"))
          sdkApis.add(resource.split(":").pop() as string);
        const inner = (
          state.ItemProcessor as { States?: Record<string, Record<string, unknown>> } | undefined
        )?.States;
        if (inner) visit(inner);
      }
    };
    visit(definition.States);
    assert.deepEqual(
      [...sdkApis].sort(),
      Object.keys(SDK_CALLS).sort(),
      "a step of the state machine is not checked here",
    );
    for (const [api, targets] of Object.entries(SDK_CALLS)) {
      const action = `rds:${api[0].toUpperCase()}${api.slice(1)}`;
      for (const [resource, what] of targets)
        assert.equal(await machine(action, resource), "Allowed", `${action} on ${what}`);
    }
    // Tags in RestoreDBInstanceFromDBSnapshot and CreateDBSnapshot are authorized as AddTagsToResource.
    for (const resource of [sanitizer, sanitized])
      assert.equal(
        await machine("rds:AddTagsToResource", resource),
        "Allowed",
        `tags on ${resource}`,
      );
    // ecs:runTask.sync: RunTask, PassRole of the tasks' roles, and the managed rule it waits through.
    for (const family of ["multistage-production-sanitize", "multistage-production-sanitized-copy"])
      assert.equal(await machine("ecs:RunTask", taskArn(family)), "Allowed", family);
    for (const role of [
      "multistage-production-refinery-execution",
      "multistage-production-refinery-copy",
    ]) {
      assert.equal(
        await machine("iam:PassRole", `arn:aws:iam::${account}:role/${role}`, {
          "iam:PassedToService": "ecs-tasks.amazonaws.com",
        }),
        "Allowed",
        `pass ${role}`,
      );
    }
    for (const action of ["events:PutTargets", "events:PutRule", "events:DescribeRule"]) {
      assert.equal(
        await machine(
          action,
          `arn:aws:events:eu-west-1:${account}:rule/StepFunctionsGetEventsForECSTaskRule`,
        ),
        "Allowed",
        action,
      );
    }
    assert.equal(
      await machine(
        "ecs:DescribeTasks",
        `arn:aws:ecs:eu-west-1:${account}:task/multistage-production-cluster/abc`,
      ),
      "Allowed",
    );
    assert.equal(
      await machine(
        "ecs:StopTask",
        `arn:aws:ecs:eu-west-1:${account}:task/multistage-production-cluster/abc`,
      ),
      "Allowed",
    );
    // The scheduler starts it; the copy task reads the allowed prefix and mirrors into the sanitized bucket.
    assert.equal(
      await as(
        "multistage-production-refinery-scheduler",
        "env-refinery-scheduler-policy",
        "states:StartExecution",
        `arn:aws:states:eu-west-1:${account}:stateMachine:multistage-production-refinery`,
      ),
      "Allowed",
    );
    const copy = (action: string, resource: string, context: Record<string, string> = {}) =>
      as(
        "multistage-production-refinery-copy",
        "env-refinery-copy-policy",
        action,
        resource,
        context,
      );
    assert.equal(
      await copy("s3:ListBucket", "arn:aws:s3:::multistage-production-assets", {
        "s3:prefix": "public/",
      }),
      "Allowed",
    );
    assert.equal(
      await copy("s3:GetObject", "arn:aws:s3:::multistage-production-assets/public/logo.png"),
      "Allowed",
    );
    for (const action of ["s3:ListBucket", "s3:PutObject", "s3:DeleteObject"]) {
      assert.equal(
        await copy(
          action,
          action === "s3:ListBucket"
            ? "arn:aws:s3:::multistage-production-sanitized"
            : "arn:aws:s3:::multistage-production-sanitized/public/logo.png",
          action === "s3:ListBucket" ? { "s3:prefix": "public/" } : {},
        ),
        "Allowed",
        action,
      );
    }
  });

  it("its state machine role restores production's backups and makes and removes only the sanitizer and sanitized snapshots", async () => {
    const { resources } = await shippedRender("production");
    const role = {
      name: "machine",
      policy: named(resources, "env-refinery-machine-policy").inputs.policy as {
        Statement: unknown;
      },
    };
    const boundary = stageRoles(await exampleAccess(), "production").boundary;
    const as = (action: string, resource: string) =>
      simulateRequest(
        {
          principal: `arn:aws:iam::${account}:role/multistage-production-refinery`,
          action,
          resource,
        },
        { identity: [role], boundary },
      );
    assert.equal(
      await as(
        "rds:RestoreDBInstanceFromDBSnapshot",
        rds("snapshot:rds:multistage-production-db-2026-11-25-01-10"),
      ),
      "Allowed",
    );
    assert.equal(
      await as("rds:RestoreDBInstanceFromDBSnapshot", rds("db:multistage-production-sanitizer")),
      "Allowed",
    );
    assert.equal(
      await as("rds:CreateDBSnapshot", rds("snapshot:multistage-sanitized-2026-11-26-02-30")),
      "Allowed",
    );
    assert.equal(
      await as("rds:DeleteDBInstance", rds("db:multistage-production-sanitizer")),
      "Allowed",
    );
    for (const [action, resource] of [
      ["rds:DeleteDBInstance", rds("db:multistage-production-db")],
      ["rds:ModifyDBInstance", rds("db:multistage-production-db")],
      ["rds:DeleteDBSnapshot", rds("snapshot:rds:multistage-production-db-2026-11-25-01-10")],
      ["rds:RestoreDBInstanceFromDBSnapshot", rds("db:multistage-development-db")],
    ]) {
      assert.notEqual(await as(action, resource), "Allowed", `${action} ${resource}`);
    }
  });
});
