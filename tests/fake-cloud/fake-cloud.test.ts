/**
 * The engine suite's fake cloud, without the engine: what its providers answer to diff, create,
 * update and delete, and what they journal. Fast and CLI-free, so it runs in `npm test`; the
 * engine suite (tests-engine/) runs the same providers under the real CLI.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AwsModel, parseAwsConfig } from "../../tools/fake-cloud/aws-model";
import { readJournal } from "../../tools/fake-cloud/journal";
import { RandomModel } from "../../tools/fake-cloud/random-model";
import { RecordingProvider } from "../../tools/fake-cloud/recording-provider";
import { REPLACEMENTS } from "../../tools/fake-cloud/replacements";
import { rememberOldInputs } from "../../tools/fake-cloud/request-context";
import { secret } from "../../tools/fake-cloud/values";
import { FAKE_CLOUD_ENV, World, writeWorld } from "../../tools/fake-cloud/world";
import { LONG_LIVED_STACKS, shippedRender } from "../helpers/renders";
import { featureFixture } from "../helpers/feature-fixture";
import { renderStack } from "../../tools/render/harness";

const urn = (type: string, name: string, stack = "staging") =>
  `urn:pulumi:${stack}::multistage::multistage:index:Environment$${type}::${name}`;
const DB = "aws:rds/instance:Instance";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

describe("fake cloud", () => {
  let dir: string;
  let previous: string | undefined;
  const aws = (world: World = {}) => {
    writeWorld(dir, world);
    return new RecordingProvider(
      "7.48.0",
      () =>
        new AwsModel(
          parseAwsConfig({
            region: "eu-west-1",
            defaultTags: JSON.stringify({ tags: { stage: "staging" } }),
          }),
        ),
    );
  };

  beforeEach(() => {
    previous = process.env[FAKE_CLOUD_ENV];
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "multistage-fake-cloud-"));
    process.env[FAKE_CLOUD_ENV] = dir;
  });
  afterEach(() => {
    if (previous === undefined) delete process.env[FAKE_CLOUD_ENV];
    else process.env[FAKE_CLOUD_ENV] = previous;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("knows which changes force a replacement for every type the program registers, each with its source", async () => {
    const types = new Set<string>();
    for (const stack of LONG_LIVED_STACKS) {
      for (const r of (await shippedRender(stack)).resources)
        if (r.custom && !r.type.startsWith("pulumi:")) types.add(r.type);
    }
    // A shared feature stack with its default sidecar cache, and with a serverless cache (its
    // cache, user and user group).
    for (const cache of ["sidecar", "serverless"] as const) {
      const feature = featureFixture({ pr: 1, cache });
      for (const r of (await renderStack(feature.stack, { configOverrides: feature.config }))
        .resources)
        if (r.custom && !r.type.startsWith("pulumi:") && !r.type.startsWith("pulumi-nodejs:"))
          types.add(r.type);
    }
    assert.ok(types.has("aws:elasticache/serverlessCache:ServerlessCache"));
    const missing = [...types].filter((t) => !REPLACEMENTS[t]);
    assert.deepEqual(
      missing,
      [],
      "add these types to tools/fake-cloud/replacements.ts, citing the provider's schema",
    );
    for (const [type, rule] of Object.entries(REPLACEMENTS))
      assert.match(rule.source, /\.go\b/, `${type} cites no source file`);
  });

  it("diff: an identifier or snapshot change replaces the database, a class change updates it, equal secrets are no change", async () => {
    const provider = aws();
    const id = urn(DB, "env-db-instance");
    const old = {
      identifier: "multistage-staging-db",
      instanceClass: "db.t4g.small",
      snapshotIdentifier: "s1",
      password: secret("p"),
      __defaults: [],
    };
    rememberOldInputs(id, old);
    // The old state: the inputs plus what the provider computed from its config.
    const state = { ...old, tagsAll: { stage: "staging" } };
    assert.deepEqual(await provider.diff("x", id, state, { ...old, password: secret("p") }), {
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    assert.deepEqual(
      await provider.diff("x", id, state, { ...old, instanceClass: "db.t4g.medium" }),
      { changes: true, replaces: [], deleteBeforeReplace: false },
    );
    assert.equal(
      (await provider.diff("x", id, state, { ...old, password: secret("q") })).changes,
      true,
    );
    // Same name, new snapshot: AWS will not hold two instances of one name, so the old one goes first.
    assert.deepEqual(await provider.diff("x", id, state, { ...old, snapshotIdentifier: "s2" }), {
      changes: true,
      replaces: ["snapshotIdentifier"],
      deleteBeforeReplace: true,
    });
    // A new name (a new data generation) can be created beside the old one.
    assert.deepEqual(
      await provider.diff("x", id, state, { ...old, identifier: "multistage-staging-db-g1" }),
      { changes: true, replaces: ["identifier"], deleteBeforeReplace: false },
    );
    // In a preview, a value not known yet may be anything: a replacement to be safe, as the bridge does.
    assert.deepEqual(
      (await provider.diff("x", id, state, { ...old, snapshotIdentifier: UNKNOWN })).replaces,
      ["snapshotIdentifier"],
    );
  });

  it("diff: a change of the provider's default tags updates every taggable resource in place", async () => {
    const provider = aws();
    const id = urn("aws:s3/bucket:Bucket", "env-bucket-bucket");
    const inputs = { bucket: "multistage-staging-assets", __defaults: [] };
    rememberOldInputs(id, inputs);
    const { outs } = await provider.create(id, inputs);
    assert.deepEqual(outs.tagsAll, { stage: "staging" });
    assert.deepEqual(await provider.diff("x", id, outs, inputs), {
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    assert.deepEqual(await provider.diff("x", id, { ...outs, tagsAll: { stage: "old" } }, inputs), {
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it("journals create, update, replace and delete with secrets redacted, and a re-create of a URN is a replace", async () => {
    const provider = aws();
    const id = urn("aws:secretsmanager/secret:Secret", "env-db-secret");
    const inputs = {
      name: "multistage-staging-db-credentials",
      recoveryWindowInDays: 0,
      description: secret("hidden"),
      __defaults: [],
    };
    const created = await provider.create(id, inputs);
    rememberOldInputs(id, inputs);
    await provider.update(created.id, id, created.outs, { ...inputs, recoveryWindowInDays: 7 });
    await provider.delete(created.id, id, { ...created.outs, recoveryWindowInDays: 0 });
    await provider.create(id, inputs);
    const journal = readJournal(dir);
    assert.deepEqual(
      journal.map((e) => e.op),
      ["create", "update", "delete", "replace"],
    );
    assert.deepEqual(journal[1].changed, ["recoveryWindowInDays"]);
    assert.equal(journal[0].inputs.description, "[secret]");
    assert.ok(!JSON.stringify(journal).includes("hidden"), "a secret reached the journal");
    assert.equal(journal[0].caller, "arn:aws:iam::123456789012:user/engine-suite");
  });

  it("a replacement is a new resource: a task definition's next revision, a secret's new ARN", async () => {
    const provider = aws();
    const task = urn("aws:ecs/taskDefinition:TaskDefinition", "env-app-task");
    const first = await provider.create(task, {
      family: "multistage-staging-app",
      containerDefinitions: "[1]",
    });
    const second = await provider.create(task, {
      family: "multistage-staging-app",
      containerDefinitions: "[2]",
    });
    assert.equal(
      first.outs.arn,
      "arn:aws:ecs:eu-west-1:123456789012:task-definition/multistage-staging-app:1",
    );
    assert.equal(
      second.outs.arn,
      "arn:aws:ecs:eu-west-1:123456789012:task-definition/multistage-staging-app:2",
    );
    const secretUrn = urn("aws:secretsmanager/secret:Secret", "env-db-secret");
    const kept = await provider.create(secretUrn, { name: "s", recoveryWindowInDays: 0 });
    await provider.delete(kept.id, secretUrn, kept.outs);
    const again = await provider.create(secretUrn, { name: "s", recoveryWindowInDays: 0 });
    assert.notEqual(again.outs.arn, kept.outs.arn);
  });

  it("refuses what AWS refuses: a second resource of one name, a protected database's delete, a name still scheduled for deletion", async () => {
    const provider = aws();
    const db = {
      identifier: "multistage-staging-db",
      deletionProtection: true,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: "final",
    };
    const first = await provider.create(urn(DB, "a"), db);
    await assert.rejects(provider.create(urn(DB, "b"), db), /DBInstanceAlreadyExists/);
    await assert.rejects(
      provider.delete(first.id, urn(DB, "a"), first.outs),
      /Cannot delete protected DB Instance/,
    );
    assert.equal(
      readJournal(dir).filter((e) => e.error).length,
      2,
      "refusals are journaled with their error",
    );

    const secretUrn = urn("aws:secretsmanager/secret:Secret", "s");
    const kept = await provider.create(secretUrn, { name: "n", recoveryWindowInDays: 7 });
    await provider.delete(kept.id, secretUrn, kept.outs);
    await assert.rejects(
      provider.create(secretUrn, { name: "n", recoveryWindowInDays: 7 }),
      /already scheduled for deletion/,
    );
  });

  it("refuses to shrink a database's volume in place, as ModifyDBInstance does, and grows it", async () => {
    const provider = aws();
    const inputs = {
      identifier: "multistage-staging-db",
      allocatedStorage: 40,
      skipFinalSnapshot: true,
    };
    const created = await provider.create(urn(DB, "db"), inputs);
    await assert.rejects(
      provider.update(created.id, urn(DB, "db"), created.outs, { ...inputs, allocatedStorage: 20 }),
      /allocated storage cannot be decreased \[RDS ModifyDBInstance\]/,
    );
    const grown = await provider.update(created.id, urn(DB, "db"), created.outs, {
      ...inputs,
      allocatedStorage: 60,
    });
    assert.equal(grown.outs?.allocatedStorage, 60);
    assert.deepEqual(
      readJournal(dir).map((e) => [e.op, Boolean(e.error)]),
      [
        ["create", false],
        ["update", true],
        ["update", false],
      ],
    );
  });

  it("restores only from a snapshot the account has, and getSnapshot picks the newest, as the provider's data source does", async () => {
    const snapshots = [
      {
        identifier: "old",
        dbInstanceIdentifier: "multistage-production-db",
        createdAt: "2026-01-01T00:00:00Z",
      },
      {
        identifier: "new",
        dbInstanceIdentifier: "multistage-production-db",
        createdAt: "2026-01-02T00:00:00Z",
        allocatedStorageGb: 50,
      },
    ];
    const provider = aws({ snapshots });
    const query = { dbInstanceIdentifier: "multistage-production-db", snapshotType: "automated" };
    const newest = (
      await provider.invoke("aws:rds/getSnapshot:getSnapshot", { ...query, mostRecent: true })
    ).outputs;
    assert.equal(newest.dbSnapshotIdentifier, "new");
    assert.equal(newest.allocatedStorage, 50);
    await assert.rejects(
      provider.invoke("aws:rds/getSnapshot:getSnapshot", query),
      /more than one result/,
    );
    await assert.rejects(
      provider.invoke("aws:rds/getSnapshot:getSnapshot", { dbInstanceIdentifier: "other" }),
      /returned no results/,
    );
    await assert.rejects(
      provider.create(urn(DB, "d"), { identifier: "x", snapshotIdentifier: "missing" }),
      /DBSnapshotNotFound/,
    );
    await assert.rejects(
      provider.create(urn(DB, "d"), {
        identifier: "x",
        snapshotIdentifier: "new",
        allocatedStorage: 20,
      }),
      /must be at least the snapshot's size/,
    );
    await provider.create(urn(DB, "d"), {
      identifier: "x",
      snapshotIdentifier: "new",
      allocatedStorage: 50,
    });
  });

  it("assumes the configured role, and fails to configure when the account denies it", () => {
    writeWorld(dir, { deniedRoles: ["arn:aws:iam::123456789012:role/denied"] });
    const config = (roleArn: string) => ({
      region: "eu-west-1",
      assumeRoles: JSON.stringify([{ roleArn, sessionName: "s" }]),
    });
    assert.equal(
      new AwsModel(parseAwsConfig(config("arn:aws:iam::123456789012:role/ok"))).caller(),
      "arn:aws:sts::123456789012:assumed-role/ok/s",
    );
    assert.throws(
      () => parseAwsConfig(config("arn:aws:iam::123456789012:role/denied")),
      /AccessDenied/,
    );
    assert.throws(() => parseAwsConfig({}), /"region" is required/);
  });

  it("random passwords: as long as asked, from the allowed characters, secret, and the same for the same resource", () => {
    const model = new RandomModel();
    const make = (seed: string) =>
      model.create(
        "random:index/randomPassword:RandomPassword",
        "u",
        { length: 48, special: false },
        { seed, generation: 0, journal: [] },
      ).computed.result as { value: string };
    assert.match(make("a").value, /^[A-Za-z0-9]{48}$/);
    assert.equal(make("a").value, make("a").value);
    assert.notEqual(make("a").value, make("b").value);
  });
});
