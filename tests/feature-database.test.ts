import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  FEATURE_DATABASE_DEFAULTS,
  FEATURE_DATABASE_RESOURCE_TYPE,
  featureDatabaseProvider,
} from "../components/feature-database";
import { runEcsTask, EcsTaskRun, TASK_TAGS, urnFromTag, urnToTag } from "../lib/aws/ecs-task-run";
import { awsMinutes } from "../tools/fake-cloud/aws-time";
import { FakeEcs, nodeScriptExecutor } from "../tools/fake-cloud/fake-ecs";
import { appendEntry, readJournal } from "../tools/fake-cloud/journal";
import { writeWorld } from "../tools/fake-cloud/world";
import { renderStack } from "../tools/render/harness";

const TASK_DEFINITION = "arn:aws:ecs:us-east-1:123456789012:task-definition/multistage-dev-app:7";
const CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/multistage-dev-app";
const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:feature-x-db-AbCdEf";

/** Points the AWS SDK at the fake for the duration of a suite (the variables the engine suite sets). */
function useEndpoint(fake: () => FakeEcs): void {
  const saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    for (const [key, value] of Object.entries({
      ...fake().env(),
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_CONFIG_FILE: "/nonexistent",
      AWS_SHARED_CREDENTIALS_FILE: "/nonexistent",
    })) {
      saved[key] = process.env[key];
      process.env[key] = value;
    }
    delete process.env.AWS_PROFILE;
  });
  afterEach(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });
}

function spec(overrides: Partial<EcsTaskRun> = {}): EcsTaskRun {
  return {
    region: "us-east-1",
    clusterArn: CLUSTER,
    taskDefinitionArn: TASK_DEFINITION,
    containerName: "app",
    subnetIds: ["subnet-a", "subnet-b"],
    securityGroupIds: ["sg-app"],
    command: ["node", "app/dist/feature-db.js", "create", "--database", "feature_x"],
    environment: { LOG_LEVEL: "info" },
    startedBy: "feature-database",
    tags: { [TASK_TAGS.resource]: "feature_x" },
    logGroup: "/multistage/development/app",
    logStreamPrefix: "app",
    pollIntervalMs: 20,
    timeoutMs: 10_000,
    ...overrides,
  };
}

describe("ECS task runner (lib/aws/ecs-task-run.ts) against the fake ECS endpoint", () => {
  let fake: FakeEcs;
  before(async () => {
    fake = await FakeEcs.start({ taskDefinitions: { [TASK_DEFINITION]: ["app"] } });
  });
  after(() => fake.close());
  useEndpoint(() => fake);

  it("runs the task on Fargate in the private subnets with the command, environment, startedBy and tags, and resolves when the container exits 0", async () => {
    const seen: Array<{ argv: readonly string[]; env: Readonly<Record<string, string>> }> = [];
    fake.executor = (argv, env) => {
      seen.push({ argv, env });
      return 0;
    };
    const outcome = await runEcsTask(spec());
    assert.equal(outcome.exitCode, 0);
    assert.match(
      outcome.taskArn,
      /^arn:aws:ecs:us-east-1:123456789012:task\/multistage-dev-app\/[0-9a-f]{32}$/,
    );
    assert.deepEqual(seen, [
      {
        argv: ["node", "app/dist/feature-db.js", "create", "--database", "feature_x"],
        env: { LOG_LEVEL: "info" },
      },
    ]);
    const run = fake.runs.at(-1);
    assert.ok(run);
    assert.equal(run.cluster, CLUSTER);
    assert.deepEqual(run.subnets, ["subnet-a", "subnet-b"]);
    assert.deepEqual(run.securityGroups, ["sg-app"]);
    assert.equal(run.assignPublicIp, "DISABLED");
    assert.equal(run.startedBy, "feature-database");
    assert.equal(run.tags[TASK_TAGS.resource], "feature_x");
    assert.equal(run.caller, "AKIAFAKEECSCALLER000", "the ambient credentials, no role assumed");
  });

  it("fails on a non-zero exit, naming the task, the exit code, the task's stop reason and the log", async () => {
    fake.executor = () => 3;
    await assert.rejects(runEcsTask(spec()), (error: Error) => {
      const run = fake.runs.at(-1);
      assert.ok(run);
      assert.ok(error.message.includes(run.taskArn), error.message);
      assert.match(error.message, /container app exited 3/);
      assert.match(
        error.message,
        /Essential container in task exited \[EssentialContainerExited\]/,
      );
      const taskId = run.taskArn.split("/").pop();
      assert.ok(
        error.message.includes(
          `CloudWatch log group /multistage/development/app, stream app/app/${taskId}`,
        ),
        error.message,
      );
      return true;
    });
  });

  it("fails with the container's reason when it never ran (no exit code)", async () => {
    fake.executor = () => {
      throw new Error("image pull failed");
    };
    await assert.rejects(
      runEcsTask(spec()),
      /container app has no exit code \(image pull failed\); task stopped: CannotStartContainerError: image pull failed \[TaskFailedToStart\]/,
    );
  });

  it("fails with RunTask's failure reason when ECS places no task", async () => {
    fake.executor = () => 0;
    fake.refuseNextRunTask(
      "Capacity is unavailable at this time. Please try again later or in a different availability zone",
    );
    const before = fake.runs.length;
    await assert.rejects(
      runEcsTask(spec()),
      /ECS could not start the task .* Capacity is unavailable at this time/,
    );
    assert.equal(fake.runs.length, before, "no task ran");
  });

  it("passes on ECS's refusals: an unknown task definition, a container the task definition lacks", async () => {
    await assert.rejects(
      runEcsTask(spec({ taskDefinitionArn: `${TASK_DEFINITION.slice(0, -2)}:99` })),
      (error: Error) =>
        error.name === "ClientException" && /TaskDefinition not found/.test(error.message),
    );
    await assert.rejects(
      runEcsTask(spec({ containerName: "migrate" })),
      (error: Error) =>
        error.name === "InvalidParameterException" &&
        /Override for container named migrate is not a container in the TaskDefinition/.test(
          error.message,
        ),
    );
  });

  it("gives up after its timeout, saying the task still runs and where its log is", async () => {
    fake.executor = () => new Promise((resolve) => setTimeout(() => resolve(0), 1500));
    await assert.rejects(
      runEcsTask(spec({ timeoutMs: 200 })),
      /did not stop within 0 s; it is RUNNING and still running \(log: CloudWatch log group/,
    );
    await fake.settle();
  });

  it("assumes the given role first, and makes its ECS calls as that role's session", async () => {
    fake.executor = () => 0;
    const role = "arn:aws:iam::123456789012:role/multistage-development-deployer";
    await runEcsTask(spec({ assumeRoleArn: role }));
    assert.deepEqual(fake.assumedRoles.slice(-1), [role]);
    assert.equal(
      fake.runs.at(-1)?.caller,
      "arn:aws:sts::123456789012:assumed-role/multistage-development-deployer/feature-database",
    );
  });

  it("runs a node entry point's exported function as the container (nodeScriptExecutor), with extra environment", async () => {
    const calls: Array<[string[], Record<string, string | undefined>]> = [];
    fake.executor = nodeScriptExecutor(
      "app/dist/feature-db.js",
      async (argv, env) => {
        calls.push([argv, env]);
        return 0;
      },
      { PGHOST: "127.0.0.1" },
    );
    await runEcsTask(spec());
    assert.deepEqual(calls, [
      [["create", "--database", "feature_x"], { PGHOST: "127.0.0.1", LOG_LEVEL: "info" }],
    ]);
    await assert.rejects(
      runEcsTask(spec({ command: ["node", "app/dist/other.js"] })),
      /exited 127/,
    );
    fake.executor = () => 0;
  });

  it("writes a URN as a tag value without `$` and reads it back", () => {
    const urn =
      "urn:pulumi:feat-x::multistage::multistage:data:FeatureDatabase$pulumi-nodejs:dynamic/multistage:FeatureDatabase::db";
    assert.ok(!urnToTag(urn).includes("$"));
    assert.match(urnToTag(urn), /^[\p{L}\p{N}\s+\-=._:/@]*$/u);
    assert.equal(urnFromTag(urnToTag(urn)), urn);
  });
});

describe("FeatureDatabase's dynamic provider", () => {
  let fake: FakeEcs;
  let cloud: string;
  const inputs = {
    region: "us-east-1",
    clusterArn: CLUSTER,
    taskDefinitionArn: TASK_DEFINITION,
    containerName: "app",
    subnetIds: ["subnet-a"],
    securityGroupIds: ["sg-app"],
    database: "feature_login_page",
    role: "feature_login_page",
    passwordSecretArn: SECRET_ARN,
    logStreamPrefix: "app",
    pollIntervalSeconds: 0.02,
    timeoutMinutes: 1,
    resourceUrn: `urn:pulumi:feat-login::multistage::multistage:data:FeatureDatabase$${FEATURE_DATABASE_RESOURCE_TYPE}::db`,
  };
  before(async () => {
    cloud = fs.mkdtempSync(path.join(os.tmpdir(), "multistage-fake-ecs-"));
    writeWorld(cloud, {});
    fake = await FakeEcs.start({
      cloudDir: cloud,
      taskDefinitions: { [TASK_DEFINITION]: ["app"] },
    });
  });
  after(async () => {
    await fake.close();
    fs.rmSync(cloud, { recursive: true, force: true });
  });
  useEndpoint(() => fake);

  it("create runs `create` with the secret's ARN and a new incarnation, delete starts `drop` of that incarnation without waiting for it; the journal has both under the resource's URN", async () => {
    const provider = featureDatabaseProvider;
    const created = await provider.create(inputs);
    assert.equal(created.id, "feature_login_page");
    const incarnation = String((created.outs as Record<string, unknown>).incarnation);
    assert.match(incarnation, /^[0-9a-f]{12}$/);
    // A second create (another stack of the same name) makes another incarnation.
    assert.notEqual(
      (await provider.create(inputs)).outs.incarnation,
      incarnation,
      "incarnations are random",
    );
    // The drop task takes a while: the delete returns before it has stopped.
    fake.executor = () => new Promise<number>((resolve) => setTimeout(() => resolve(0), 3000));
    const deleteStarted = Date.now();
    await provider.delete?.(created.id, created.outs);
    assert.ok(Date.now() - deleteStarted < 2000, "delete waited for the drop task");
    assert.notEqual(fake.runs.at(-1)?.status, "STOPPED");
    await fake.settle();
    assert.equal(fake.runs.at(-1)?.exitCode, 0);
    assert.deepEqual(
      [fake.runs.at(-3), fake.runs.at(-1)].map((r) => r?.argv),
      [
        [
          "node",
          "app/dist/feature-db.js",
          "create",
          "--database",
          "feature_login_page",
          "--role",
          "feature_login_page",
          "--password-secret-arn",
          SECRET_ARN,
          "--incarnation",
          incarnation,
          "--mode",
          "new",
        ],
        [
          "node",
          "app/dist/feature-db.js",
          "drop",
          "--database",
          "feature_login_page",
          "--role",
          "feature_login_page",
          "--incarnation",
          incarnation,
        ],
      ],
    );
    const journal = readJournal(cloud)
      .filter((e) => e.provider === "pulumi-nodejs")
      .slice(-2);
    assert.deepEqual(
      journal.map((e) => [e.op, e.provider, e.type, e.urn, e.stack, e.id, e.error]),
      [
        [
          "create",
          "pulumi-nodejs",
          FEATURE_DATABASE_RESOURCE_TYPE,
          inputs.resourceUrn,
          "feat-login",
          "feature_login_page",
          undefined,
        ],
        [
          "delete",
          "pulumi-nodejs",
          FEATURE_DATABASE_RESOURCE_TYPE,
          inputs.resourceUrn,
          "feat-login",
          "feature_login_page",
          undefined,
        ],
      ],
    );
    assert.ok(
      journal.every((e) => typeof e.started === "string"),
      "each line says when the task started",
    );
  });

  it("takes a Fargate task's typical time, scaled by the world's timing, and journals when the task started", async () => {
    writeWorld(cloud, { timing: { secondsPerMinute: 0.2 } });
    try {
      await featureDatabaseProvider.create(inputs);
      const line = readJournal(cloud).at(-1);
      const expectedMs = awsMinutes(FEATURE_DATABASE_RESOURCE_TYPE, "create", {}) * 0.2 * 1000;
      const tookMs = Date.parse(String(line?.time)) - Date.parse(String(line?.started));
      assert.ok(
        tookMs >= expectedMs - 5,
        `the task took ${tookMs} ms, AWS's time scaled is ${expectedMs} ms`,
      );
    } finally {
      writeWorld(cloud, {});
    }
  });

  it("diff: a new database or role is a replacement; a new task definition revision alone no change; a new secret an update, which runs `create` again", async () => {
    const provider = featureDatabaseProvider;
    assert.deepEqual(await provider.diff?.("feature_login_page", inputs, inputs), {
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    const renamed = { ...inputs, database: "feature_login_v2" };
    assert.deepEqual((await provider.diff?.("x", inputs, renamed))?.replaces, ["database"]);
    const newRevision = { ...inputs, taskDefinitionArn: TASK_DEFINITION.replace(/:7$/, ":8") };
    assert.equal((await provider.diff?.("x", inputs, newRevision))?.changes, false);
    const otherFamily = {
      ...inputs,
      taskDefinitionArn: TASK_DEFINITION.replace("dev-app:7", "dev-tools:1"),
    };
    assert.equal((await provider.diff?.("x", inputs, otherFamily))?.changes, true);
    const newSecret = { ...newRevision, passwordSecretArn: `${SECRET_ARN}2` };
    const diff = await provider.diff?.("x", inputs, newSecret);
    assert.deepEqual([diff?.changes, diff?.replaces], [true, []]);
    fake.registerTaskDefinition(newRevision.taskDefinitionArn, ["app"]);
    // The state holds the incarnation its create made; an update keeps it and never drops.
    const updated = await provider.update?.(
      "feature_login_page",
      { ...inputs, incarnation: "0a1b2c3d4e5f" } as typeof inputs,
      newSecret,
    );
    assert.deepEqual(fake.runs.at(-1)?.argv.slice(2, 3), ["create"]);
    assert.deepEqual(fake.runs.at(-1)?.argv.slice(-4), [
      "--incarnation",
      "0a1b2c3d4e5f",
      "--mode",
      "update",
    ]);
    assert.equal((updated?.outs as Record<string, unknown>).incarnation, "0a1b2c3d4e5f");
    assert.equal(fake.runs.at(-1)?.taskDefinition, newRevision.taskDefinitionArn);
    assert.equal(fake.runs.at(-1)?.tags[TASK_TAGS.operation], "update");
    // One made before incarnations gets its first on its update, still an update.
    const first = await provider.update?.("feature_login_page", inputs, newSecret);
    assert.match(String((first?.outs as Record<string, unknown>).incarnation), /^[0-9a-f]{12}$/);
    assert.deepEqual(fake.runs.at(-1)?.argv.slice(-2), ["--mode", "update"]);
  });

  it("delete runs the task definition family's latest revision, as the state's may be deregistered", async () => {
    await featureDatabaseProvider.delete?.("feature_login_page", inputs);
    assert.equal(fake.runs.at(-1)?.taskDefinition, "multistage-dev-app");
    assert.equal(fake.runs.at(-1)?.argv[2], "drop");
  });

  it("check and read refuse names outside feature_[a-z0-9_]{1,40}", async () => {
    const provider = featureDatabaseProvider;
    const checked = await provider.check?.(inputs, {
      ...inputs,
      database: "postgres",
      role: "x".repeat(3),
    });
    assert.deepEqual(
      checked?.failures?.map((f) => f.property),
      ["database", "role"],
    );
    assert.deepEqual((await provider.check?.(inputs, inputs))?.failures, []);
    await assert.rejects(
      provider.read!("app", { ...inputs, database: "app" }),
      /not a feature database name/,
    );
  });

  it("create fails with the task's reason when the provisioner exits non-zero", async () => {
    fake.executor = () => 1;
    try {
      await assert.rejects(featureDatabaseProvider.create(inputs), /container app exited 1/);
      const last = readJournal(cloud).at(-1);
      assert.match(String(last?.error), /exited 1/);
    } finally {
      fake.executor = () => 0;
    }
  });
});

describe("the fake ECS endpoint runs the task definitions the fake cloud holds", () => {
  let fake: FakeEcs;
  let cloud: string;
  const TYPE = "aws:ecs/taskDefinition:TaskDefinition";
  const definition = (host: string) =>
    JSON.stringify([
      {
        name: "feature-db",
        environment: [
          { name: "DB_HOST", value: host },
          { name: "FEATURE_DB_MAX", value: "40" },
        ],
        secrets: [{ name: "DB_PASSWORD", valueFrom: "arn:aws:secretsmanager:x:password::" }],
      },
    ]);
  before(async () => {
    cloud = fs.mkdtempSync(path.join(os.tmpdir(), "multistage-fake-ecs-"));
    writeWorld(cloud, {});
    // Two revisions of the family, as aws-model.ts numbers them, and another family.
    for (const [family, host] of [
      ["multistage-development-feature-db", "one.rds"],
      ["multistage-development-app", "app.rds"],
      ["multistage-development-feature-db", "two.rds"],
    ])
      appendEntry(cloud, {
        op: "create",
        provider: "aws",
        type: TYPE,
        urn: `urn:pulumi:development::multistage::${TYPE}::${family}`,
        stack: "development",
        id: family,
        inputs: { family, containerDefinitions: definition(host) },
      });
    fake = await FakeEcs.start({ cloudDir: cloud });
  });
  after(async () => {
    await fake.close();
    fs.rmSync(cloud, { recursive: true, force: true });
  });
  useEndpoint(() => fake);

  it("by ARN or family: the container's environment is its definition's overlaid by the override's, its secrets named, not resolved", async () => {
    const arn = (revision: string) =>
      `arn:aws:ecs:us-east-1:123456789012:task-definition/multistage-development-feature-db${revision}`;
    await runEcsTask(
      spec({
        taskDefinitionArn: arn(":1"),
        containerName: "feature-db",
        environment: { FEATURE_DB_MAX: "3" },
      }),
    );
    assert.deepEqual(fake.runs.at(-1)?.env, { DB_HOST: "one.rds", FEATURE_DB_MAX: "3" });
    assert.deepEqual(fake.runs.at(-1)?.secretRefs, {
      DB_PASSWORD: "arn:aws:secretsmanager:x:password::",
    });
    await runEcsTask(
      spec({ taskDefinitionArn: "multistage-development-feature-db", containerName: "feature-db" }),
    );
    assert.equal(fake.runs.at(-1)?.env.DB_HOST, "two.rds", "the family's latest revision");
    await assert.rejects(
      runEcsTask(spec({ taskDefinitionArn: arn(":3"), containerName: "feature-db" })),
      /TaskDefinition not found/,
    );
    await assert.rejects(
      runEcsTask(spec({ taskDefinitionArn: arn(":2"), containerName: "app" })),
      /Override for container named app is not a container in the TaskDefinition/,
    );
  });
});

describe("FeatureDatabase under the mock runtime (offline render)", () => {
  let fake: FakeEcs;
  before(async () => {
    fake = await FakeEcs.start({ anyTaskDefinition: true });
  });
  after(() => fake.close());
  useEndpoint(() => fake);

  it("registers one dynamic resource with the provisioner's inputs, its own URN and a self-contained provider; outputs the names, no secret", async () => {
    const render = await renderStack("defaults", {
      programDir: path.join(__dirname, "fixtures", "components"),
      configOverrides: { "component:name": "FeatureDatabase" },
    });
    const [component, resource] = render.resources;
    assert.equal(component.type, "multistage:data:FeatureDatabase");
    assert.equal(resource.type, FEATURE_DATABASE_RESOURCE_TYPE);
    const { __provider: provider, ...rest } = resource.inputs;
    assert.deepEqual(rest, {
      region: "us-east-1",
      clusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/multistage-defaults-app",
      taskDefinitionArn:
        "arn:aws:ecs:us-east-1:123456789012:task-definition/multistage-defaults-app:3",
      containerName: "app",
      subnetIds: ["subnet-a1", "subnet-a2"],
      securityGroupIds: ["sg-app"],
      database: "feature_login_page",
      role: "feature_login_page",
      passwordSecretArn:
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:feature-login-page-db-AbCdEf",
      logStreamPrefix: FEATURE_DATABASE_DEFAULTS.logStreamPrefix,
      pollIntervalSeconds: FEATURE_DATABASE_DEFAULTS.pollIntervalSeconds,
      timeoutMinutes: FEATURE_DATABASE_DEFAULTS.timeoutMinutes,
      // The mock monitor puts the stack's type in a child's URN; the engine test checks the
      // real one against the state.
      resourceUrn: `urn:pulumi:defaults::multistage::pulumi:pulumi:Stack$multistage:data:FeatureDatabase$${FEATURE_DATABASE_RESOURCE_TYPE}::c`,
    });
    // What the engine's dynamic provider process loads: the AWS SDK by require, nothing of ours by path.
    assert.equal(typeof provider, "string");
    assert.match(String(provider), /require\("@aws-sdk\/client-ecs"\)/);
    assert.doesNotMatch(String(provider), /require\("\.|\/work\/|lib\/aws/);
    assert.deepEqual(render.outputs, {
      database: { value: "feature_login_page", secret: false },
      role: { value: "feature_login_page", secret: false },
    });
    assert.deepEqual(render.generatedSecrets, []);

    // Loaded as the SDK's dynamic provider process loads it (require-from-string, from the
    // working directory's node_modules), it runs the task on its own.
    const requireFromString = require(
      require.resolve("require-from-string", {
        paths: [path.dirname(require.resolve("@pulumi/pulumi"))],
      }),
    ) as (code: string) => { handler(): typeof featureDatabaseProvider };
    const loaded = requireFromString(String(provider)).handler();
    await loaded.create({ ...rest, pollIntervalSeconds: 0.02 });
    assert.deepEqual(
      fake.runs.map((r) => r.argv.slice(2, 4)),
      [["create", "--database"]],
    );
  });

  it("refuses a database name outside feature_[a-z0-9_]{1,40} before registering anything", async () => {
    const { FeatureDatabase } = await import("../components/feature-database");
    assert.throws(
      () =>
        new FeatureDatabase("bad", {
          region: "us-east-1",
          clusterArn: CLUSTER,
          taskDefinitionArn: TASK_DEFINITION,
          containerName: "app",
          subnetIds: [],
          securityGroupIds: [],
          database: "Feature-X",
          role: "feature_x",
          passwordSecretArn: SECRET_ARN,
        }),
      /database "Feature-X" is not a feature database name/,
    );
  });
});
