/**
 * FeatureDatabase's dynamic provider under the real engine: a throw-away program in a temp
 * directory registers one FeatureDatabase (from a fresh checkout, with the repository's
 * node_modules); `pulumi up` and `pulumi destroy` run it in the engine's
 * pulumi-resource-pulumi-nodejs process (npm run engine:install provides it), whose AWS SDK
 * reaches the suite's fake ECS endpoint through AWS_ENDPOINT_URL_ECS.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { FEATURE_DATABASE_RESOURCE_TYPE } from "../components/feature-database";
import { awsMinutes } from "../tools/fake-cloud/aws-time";
import { dependencyGraph } from "../tools/eta/dependency-graph";
import { timedOps } from "../tools/eta/measure";
import { tablePath } from "../tools/eta/table-path";
import { EngineSuite, expectFailure, expectSuccess } from "./harness/engine";
import { exportStack } from "./harness/state";

const STACK = "feat-dynprov";
const TASK_DEFINITION =
  "arn:aws:ecs:us-east-1:123456789012:task-definition/multistage-development-app:4";
const SECRET_ARN =
  "arn:aws:secretsmanager:us-east-1:123456789012:secret:multistage-feat-dynprov-db-AbCdEf";
const DEPLOYER = "arn:aws:iam::123456789012:role/multistage-development-deployer";

/** A Pulumi project of one FeatureDatabase, importing the component from `checkout`. */
function writeProgram(dir: string, checkout: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.symlinkSync(path.join(checkout, "node_modules"), path.join(dir, "node_modules"));
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    [
      "name: dynprov",
      "runtime:",
      "  name: nodejs",
      "  options:",
      "    typescript: true",
      "    tsconfig: tsconfig.json",
      "main: index.ts",
      "",
    ].join("\n"),
  );
  fs.writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({ extends: path.join(checkout, "tsconfig.pulumi.json"), include: ["index.ts"] }),
  );
  fs.writeFileSync(
    path.join(dir, "index.ts"),
    `import * as pulumi from "@pulumi/pulumi";
import { FeatureDatabase } from ${JSON.stringify(path.join(checkout, "components", "feature-database"))};

const db = new FeatureDatabase("db", {
  region: "us-east-1",
  clusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/multistage-development-app",
  taskDefinitionArn: new pulumi.Config().get("taskDefinition") ?? ${JSON.stringify(TASK_DEFINITION)},
  containerName: "app",
  subnetIds: ["subnet-0devprivate000000a"],
  securityGroupIds: ["sg-0app"],
  database: "feature_dynprov",
  role: "feature_dynprov",
  passwordSecretArn: ${JSON.stringify(SECRET_ARN)},
  assumeRoleArn: ${JSON.stringify(DEPLOYER)},
  logGroup: "/multistage/development/app",
  pollIntervalSeconds: 0.2,
});

export const database = db.database;
export const role = db.role;
`,
  );
}

describe("a dynamic provider under the real engine (FeatureDatabase)", () => {
  let engine: EngineSuite;
  let program: string;

  before(async () => {
    engine = await EngineSuite.start();
    engine.ecs.registerTaskDefinition(TASK_DEFINITION, ["app"]);
    program = path.join(engine.root, "program");
    writeProgram(program, engine.checkout().dir);
    expectSuccess(await engine.pulumi(["stack", "init", STACK], { cwd: program }));
  });
  after(() => engine?.dispose());

  it("a failing provisioner task fails pulumi up with the task's reason, and nothing is created", async () => {
    engine.ecs.executor = () => 1;
    const result = expectFailure(
      await engine.pulumi(["up", "--yes", "-s", STACK], { cwd: program }),
    );
    const output = result.stdout + result.stderr;
    const run = engine.ecs.runs.at(-1);
    assert.ok(run, "no task reached the fake ECS");
    assert.ok(output.includes(run.taskArn), output);
    assert.match(output, /container app exited 1/);
    assert.match(output, /Essential container in task exited/);
    assert.match(output, /log: CloudWatch log group \/multistage\/development\/app/);
    const state = await exportStack(engine, STACK, program);
    assert.equal(state.filter((r) => r.type === FEATURE_DATABASE_RESOURCE_TYPE).length, 0);
  });

  it("pulumi up runs `create` once, as the deployer role, with the secret's ARN only; a second up and a new task definition revision make no call; pulumi destroy runs `drop` with the family's latest revision", async () => {
    engine.ecs.executor = () => 0;
    const before = engine.ecs.runs.length;
    expectSuccess(await engine.pulumi(["up", "--yes", "-s", STACK], { cwd: program }));
    const created = engine.ecs.runs.slice(before);
    assert.deepEqual(
      created.map((r) => r.argv),
      [
        [
          "node",
          "app/dist/feature-db.js",
          "create",
          "--database",
          "feature_dynprov",
          "--role",
          "feature_dynprov",
          "--password-secret-arn",
          SECRET_ARN,
          "--incarnation",
          created[0]?.argv.at(-3) ?? "",
          "--mode",
          "new",
        ],
      ],
    );
    const incarnation = created[0]?.argv.at(-3) ?? "";
    assert.match(incarnation, /^[0-9a-f]{12}$/, "a random incarnation of its own");
    assert.equal(
      created[0].caller,
      "arn:aws:sts::123456789012:assumed-role/multistage-development-deployer/feature-database",
    );
    assert.equal(created[0].assignPublicIp, "DISABLED");
    assert.deepEqual(created[0].env, {}, "the task gets no environment from RunTask: no password");

    // The state holds the names, no secret, and the journal line is the resource's own.
    const state = await exportStack(engine, STACK, program);
    const resource = state.find((r) => r.type === FEATURE_DATABASE_RESOURCE_TYPE);
    assert.ok(resource);
    assert.equal(resource.id, "feature_dynprov");
    assert.equal(resource.outputs?.database, "feature_dynprov");
    assert.equal(
      resource.outputs?.incarnation,
      incarnation,
      "the incarnation is kept in the state",
    );
    // A secret in the state is an object under the SDK's secret signature, with a ciphertext.
    assert.doesNotMatch(
      JSON.stringify(resource.outputs),
      /4dabf18193072939515e22adb298388d|ciphertext/,
    );
    const line = engine.journal().find((e) => e.provider === "pulumi-nodejs" && e.op === "create");
    assert.ok(line, "the task was not journaled");
    assert.equal(line.urn, resource.urn);
    assert.equal(line.stack, STACK);

    // stagectl eta's measurement sees it: a timed operation of the stack, on the table's path.
    assert.ok(timedOps(engine.journal(), STACK).some((op) => op.urn === resource.urn));
    const table = tablePath(state, dependencyGraph(state), "create");
    assert.ok(table.urns.includes(resource.urn));
    assert.equal(table.minutes, awsMinutes(FEATURE_DATABASE_RESOURCE_TYPE, "create", {}));

    const afterFirst = engine.ecs.runs.length;
    expectSuccess(await engine.pulumi(["up", "--yes", "-s", STACK], { cwd: program }));
    assert.equal(engine.ecs.runs.length, afterFirst, "a second up ran a task");
    // An image deploy registers the task definition's next revision: no task for that.
    const nextRevision = TASK_DEFINITION.replace(/:4$/, ":5");
    expectSuccess(
      await engine.pulumi(["config", "set", "taskDefinition", nextRevision, "-s", STACK], {
        cwd: program,
      }),
    );
    expectSuccess(await engine.pulumi(["up", "--yes", "-s", STACK], { cwd: program }));
    assert.equal(engine.ecs.runs.length, afterFirst, "a new task definition revision ran a task");

    // The destroy returns once ECS accepted the drop task; the drop runs after it.
    engine.ecs.executor = () =>
      new Promise<number>((resolve) => setTimeout(() => resolve(0), 3000));
    const destroyStarted = Date.now();
    expectSuccess(await engine.pulumi(["destroy", "--yes", "-s", STACK], { cwd: program }));
    const drop = engine.ecs.runs.slice(afterFirst);
    assert.equal(drop.length, 1);
    assert.notEqual(drop[0]?.status, "STOPPED", "pulumi destroy waited for the drop task");
    await engine.ecs.settle();
    assert.ok(Date.now() - destroyStarted >= 3000);
    assert.deepEqual(
      drop.map((r) => r.argv),
      [
        [
          "node",
          "app/dist/feature-db.js",
          "drop",
          "--database",
          "feature_dynprov",
          "--role",
          "feature_dynprov",
          "--incarnation",
          incarnation,
        ],
      ],
    );
    assert.equal(drop[0]?.exitCode, 0);
    assert.equal(engine.ecs.runs.at(-1)?.taskDefinition, "multistage-development-app");
    assert.deepEqual(
      engine
        .journal()
        .filter((e) => e.provider === "pulumi-nodejs" && !e.error)
        .map((e) => e.op),
      ["create", "delete"],
    );
    assert.equal(
      [...engine.live().values()].filter((r) => r.type === FEATURE_DATABASE_RESOURCE_TYPE).length,
      0,
    );
  });
});
