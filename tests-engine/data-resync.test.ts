/**
 * Scenario 4, data: lower stages restore only what the refinery sanitized. The account holds the
 * refinery's manual snapshots of production's sanitizer instance (s1, s2, later s3, named
 * multistage-sanitized-<date>) and, newer than s2, production's own automated backup, which no
 * lower stage may ever restore. Development comes up from s2; a newer s3 alone changes nothing;
 * `stagectl data resync development`, committed in the clone as a team commits it, then
 * `pulumi up` creates the next generation's database from s3 and deletes the old one after it.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { EngineSuite, expectSuccess } from "./harness/engine";
import type { Checkout } from "./harness/checkout";
import { stagectlJson } from "./harness/stagectl";
import type { JournalEntry } from "../tools/fake-cloud/journal";
import type { WorldSnapshot } from "../tools/fake-cloud/world";
import type { ResyncResult } from "../tools/data/resync";

const RDS = "aws:rds/instance:Instance";
const SANITIZER = "multistage-production-sanitizer";

const sanitized = (date: string, allocatedStorageGb: number): WorldSnapshot => ({
  identifier: `multistage-sanitized-${date}`,
  dbInstanceIdentifier: SANITIZER,
  type: "manual",
  createdAt: `${date}T04:30:00Z`,
  allocatedStorageGb,
});
const S1 = sanitized("2026-01-01", 20);
// Bigger than the development profile's 20 GiB: the restore must take the snapshot's size.
const S2 = sanitized("2026-01-02", 25);
// Larger than s2: a plain up must not grow the live volume to it (only the next generation does).
const S3 = sanitized("2026-01-03", 40);
// Smaller than s3: after the resync, a plain up must not try to shrink g1 (RDS refuses).
const S4 = sanitized("2026-01-04", 20);
/** Production's nightly automated backup, newer than s2: raw production data. */
const PRODUCTION_BACKUP: WorldSnapshot = {
  identifier: "rds:multistage-production-db-2026-01-02-23-10",
  dbInstanceIdentifier: "multistage-production-db",
  type: "automated",
  createdAt: "2026-01-02T23:10:00Z",
  allocatedStorageGb: 50,
};

const git = (args: string[], cwd: string) =>
  execFileSync("git", args, { cwd, encoding: "utf8" }).trim();

describe("data: development restores the newest sanitized snapshot, and a resync the next one", () => {
  let engine: EngineSuite;
  /** The clone that committed the resync: the next steps run where the generation is committed. */
  let resynced: Checkout;
  /** Development's own database; its feature host (feature stacks' databases) restores nothing. */
  const FEATURE_HOST = "multistage-development-feature-host";
  const rdsCalls = (entries: JournalEntry[]) =>
    entries.filter((e) => e.type === RDS && e.stack === "development" && e.id !== FEATURE_HOST);

  before(async () => {
    engine = await EngineSuite.start({ snapshots: [S1, S2, PRODUCTION_BACKUP] });
  });
  after(() => engine?.dispose());

  it("development comes up from s2, the newest sanitized snapshot, never from production's own backup", async () => {
    const ops = engine.checkout();
    expectSuccess(await engine.pulumi(["stack", "init", "development"], { cwd: ops }));
    const up = expectSuccess(
      await engine.pulumi(["up", "-s", "development", "--yes"], { cwd: ops }),
    );
    assert.doesNotMatch(up.stdout + up.stderr, /No sanitized snapshot/);
    // The feature host is created empty: its template comes from the refinery's export, not a snapshot.
    const host = engine
      .journal()
      .filter((e) => e.type === RDS && e.id === FEATURE_HOST && e.op === "create");
    assert.equal(host.length, 1);
    assert.equal(host[0].inputs.snapshotIdentifier, undefined);

    const calls = rdsCalls(engine.journal());
    assert.deepEqual(
      calls.map((e) => `${e.op} ${e.id}`),
      ["create multistage-development-db"],
    );
    const [db] = calls;
    assert.equal(db.error, undefined);
    assert.equal(
      db.inputs.snapshotIdentifier,
      S2.identifier,
      `restored ${String(db.inputs.snapshotIdentifier)}`,
    );
    assert.equal(db.inputs.allocatedStorage, 25, "the restored volume is not the snapshot's size");
    // RDS keeps the snapshot's database name and master user on a PostgreSQL restore.
    assert.equal(db.inputs.dbName, undefined);
    assert.equal(db.inputs.username, undefined);
  });

  it("a newer, larger sanitized snapshot alone changes nothing: pulumi up from a fresh clone leaves the database and its size alone", async () => {
    engine.setWorld({ snapshots: [S1, S2, PRODUCTION_BACKUP, S3] });
    const before = engine.journal().length;
    expectSuccess(
      await engine.pulumi(["up", "-s", "development", "--yes", "--expect-no-changes"], {
        cwd: engine.checkout(),
      }),
    );
    assert.deepEqual(engine.journal().slice(before), []);
  });

  it("data resync, committed in the clone, then pulumi up creates the next generation from s3 and deletes the old one after it", async () => {
    const ops = engine.checkout();
    resynced = ops;
    const { json: resync } = await stagectlJson<ResyncResult>(
      engine,
      ["data", "resync", "development", "--yes"],
      ops,
    );
    assert.deepEqual(resync.generation, { from: 0, to: 1 });
    // The generation lives in the stack file, and nowhere else: the team commits it.
    assert.deepEqual(ops.changes(), ["Pulumi.development.yaml"]);
    assert.match(
      git(["diff", "Pulumi.development.yaml"], ops.dir),
      /^\+ {2}multistage:data: '\{"generation":1\}'$/m,
    );
    git(
      [
        "-c",
        "user.name=multistage",
        "-c",
        "user.email=dev@multistage.invalid",
        "commit",
        "-q",
        "-m",
        "Resync development's data",
        "Pulumi.development.yaml",
      ],
      ops.dir,
    );

    const before = engine.journal().length;
    const up = expectSuccess(
      await engine.pulumi(["up", "-s", "development", "--yes"], { cwd: ops }),
    );
    const entries = engine.journal().slice(before);
    assert.deepEqual(
      entries.filter((e) => e.error),
      [],
    );

    // The database: one create, from s3, then the old generation's delete; never a replacement.
    const calls = rdsCalls(entries);
    assert.deepEqual(
      calls.map((e) => `${e.op} ${e.urn.split("::").pop()} ${e.id}`),
      [
        "create env-db-instance-g1 multistage-development-db-g1",
        "delete env-db-instance multistage-development-db",
      ],
    );
    const [created, deleted] = calls;
    assert.equal(
      created.inputs.snapshotIdentifier,
      S3.identifier,
      `the new generation restored ${String(created.inputs.snapshotIdentifier)}`,
    );
    assert.equal(
      created.inputs.allocatedStorage,
      S3.allocatedStorageGb,
      "the new generation is sized for s3",
    );
    assert.equal(
      deleted.inputs.snapshotIdentifier,
      S2.identifier,
      "the deleted instance is not the one restored from s2",
    );

    // Nothing else is new and nothing else is gone: dependents of the database's address are
    // replaced (a task definition's next revision, the connection secret's version) or updated.
    const others = entries.filter((e) => e.type !== RDS);
    const replaced = new Set(others.filter((e) => e.op === "replace").map((e) => e.urn));
    assert.deepEqual(
      others.filter((e) => e.op === "create"),
      [],
      "something besides the database was created",
    );
    assert.deepEqual(
      others.filter((e) => e.op === "delete" && !replaced.has(e.urn)).map((e) => e.urn),
      [],
      "something besides the old database was deleted",
    );
    assert.match(
      up.stdout,
      /dbIdentifier\s*: "multistage-development-db" => "multistage-development-db-g1"/,
    );
  });

  it("a newer, smaller sanitized snapshot after the resync changes nothing: no attempt to shrink the volume", async () => {
    engine.setWorld({ snapshots: [S1, S2, PRODUCTION_BACKUP, S3, S4] });
    const before = engine.journal().length;
    expectSuccess(
      await engine.pulumi(["up", "-s", "development", "--yes", "--expect-no-changes"], {
        cwd: resynced,
      }),
    );
    assert.deepEqual(engine.journal().slice(before), []);
  });
});
