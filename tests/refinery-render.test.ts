import { strict as assert } from "node:assert";
import { named, ofType, shippedRender } from "./helpers/renders";
import * as fs from "node:fs";
import * as path from "node:path";
import { SANITIZE_ENVIRONMENT, SANITIZE_SECRETS } from "../app/src/contract";
import { simulateRequest } from "../policy/iam-simulation";
import { PROJECT_ROOT } from "../tools/project/project-files";

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
    assert.equal(outputs.refineryStateMachineArn.value, "arn:aws:states:eu-west-1:123456789012:stateMachine:multistage-production-refinery");
    assert.equal(outputs.sanitizedBucketName.value, "multistage-production-sanitized");
  });

  it("runs nightly, restores production's backups into the sanitizer, and is watched by an alarm", async () => {
    const { resources } = await shippedRender("production");
    const definition = named(resources, "env-refinery-machine").inputs.definition as { States: Record<string, { Arguments?: Record<string, unknown> }> };
    assert.equal(definition.States.FindNewestBackup.Arguments?.DbInstanceIdentifier, "multistage-production-db");
    assert.equal(definition.States.RestoreSanitizer.Arguments?.DbInstanceIdentifier, "multistage-production-sanitizer");
    // The sanitize task runs in the one group the sanitizer admits; the sanitizer sits in its own.
    const admitted = (named(resources, "env-refinery-sanitizer-sg").inputs.ingress as Array<{ securityGroups: string[] }>)[0].securityGroups[0];
    const sanitize = definition.States.Sanitize.Arguments as { NetworkConfiguration: { AwsvpcConfiguration: { SecurityGroups: string[] } } };
    assert.deepEqual(sanitize.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups, [admitted]);
    const sanitizerGroups = definition.States.RestoreSanitizer.Arguments?.VpcSecurityGroupIds as string[];
    assert.equal(sanitizerGroups.length, 1);
    assert.notEqual(sanitizerGroups[0], admitted);
    assert.match(String(named(resources, "env-refinery-schedule").inputs.scheduleExpression), /^cron\(/);
    const alarm = named(resources, "env-refinery-alarm").inputs.metricQueries as Array<{ metric?: { metricName: string } }>;
    assert.deepEqual(alarm.filter((q) => q.metric).map((q) => q.metric?.metricName).sort(), ["ExecutionsAborted", "ExecutionsFailed", "ExecutionsTimedOut"]);
  });

  it("admits only its sanitize task to the sanitizer", async () => {
    const { resources } = await shippedRender("production");
    const sanitizer = named(resources, "env-refinery-sanitizer-sg").inputs as { ingress: Array<{ securityGroups: string[]; fromPort: number; cidrBlocks?: string[] }>; egress: unknown[] };
    assert.equal(sanitizer.ingress.length, 1);
    assert.equal(sanitizer.ingress[0].fromPort, 5432);
    assert.equal(sanitizer.ingress[0].cidrBlocks, undefined);
    assert.equal(sanitizer.ingress[0].securityGroups.length, 1);
    assert.deepEqual(sanitizer.egress, []);
  });

  it("runs the sanitize program with exactly its contract: the environment and secrets it reads, no other", async () => {
    const { resources } = await shippedRender("production");
    const [container] = named(resources, "env-refinery-sanitize-task").inputs.containerDefinitions as Array<{
      command: string[];
      environment: Array<{ name: string; value: string }>;
      secrets: Array<{ name: string; valueFrom: string }>;
    }>;
    // The image's working directory holds app/dist (app/Dockerfile); the compiled entry comes from app/src/sanitize.ts.
    assert.deepEqual(container.command, ["node", "app/dist/sanitize.js"]);
    assert.ok(fs.existsSync(path.join(PROJECT_ROOT, "app", "src", "sanitize.ts")));
    assert.deepEqual(container.environment.map((e) => e.name), [...SANITIZE_ENVIRONMENT]);
    assert.deepEqual(container.secrets.map((e) => e.name), [...SANITIZE_SECRETS]);
    assert.ok(container.secrets.every((s) => s.valueFrom.startsWith("arn:aws:secretsmanager:")), "secrets come from Secrets Manager, never as values");
    assert.equal(container.environment.find((e) => e.name === "APP_STAGE")?.value, "production");
  });

  it("copies only the allowed prefixes of production's bucket", async () => {
    const { resources } = await shippedRender("production");
    const command = (named(resources, "env-refinery-copy-task").inputs.containerDefinitions as Array<{ command: string[] }>)[0].command;
    assert.deepEqual(command.slice(0, 4), ["s3", "sync", "s3://multistage-production-assets", "s3://multistage-production-sanitized"]);
    assert.deepEqual(command.slice(-4), ["--exclude", "*", "--include", "public/*"]);
    const copy = { name: "copy", policy: named(resources, "env-refinery-copy-policy").inputs.policy as { Statement: unknown } };
    const as = (action: string, resource: string, context: Record<string, string> = {}) =>
      simulateRequest({ principal: `arn:aws:iam::${account}:role/multistage-production-refinery-copy`, action, resource, context }, { identity: [copy] });
    assert.equal(await as("s3:GetObject", "arn:aws:s3:::multistage-production-assets/public/logo.png"), "Allowed");
    assert.notEqual(await as("s3:GetObject", "arn:aws:s3:::multistage-production-assets/uploads/passport.jpg"), "Allowed");
    assert.notEqual(await as("s3:ListBucket", "arn:aws:s3:::multistage-production-assets", { "s3:prefix": "uploads/" }), "Allowed");
    assert.notEqual(await as("s3:PutObject", "arn:aws:s3:::multistage-production-assets/public/x"), "Allowed");
  });

  it("its state machine role restores production's backups and makes and removes only the sanitizer and sanitized snapshots", async () => {
    const { resources } = await shippedRender("production");
    const role = { name: "machine", policy: named(resources, "env-refinery-machine-policy").inputs.policy as { Statement: unknown } };
    const as = (action: string, resource: string) => simulateRequest({ principal: `arn:aws:iam::${account}:role/multistage-production-refinery`, action, resource }, { identity: [role] });
    assert.equal(await as("rds:RestoreDBInstanceFromDBSnapshot", rds("snapshot:rds:multistage-production-db-2026-11-25-01-10")), "Allowed");
    assert.equal(await as("rds:RestoreDBInstanceFromDBSnapshot", rds("db:multistage-production-sanitizer")), "Allowed");
    assert.equal(await as("rds:CreateDBSnapshot", rds("snapshot:multistage-sanitized-2026-11-26-02-30")), "Allowed");
    assert.equal(await as("rds:DeleteDBInstance", rds("db:multistage-production-sanitizer")), "Allowed");
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
