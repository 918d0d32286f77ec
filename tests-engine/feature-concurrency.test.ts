/**
 * Scenario 5, concurrency: two pushes to one branch in quick succession start two CI jobs,
 * each in its own fresh clone, that run `feature up` for the same branch at the same moment.
 * Both must succeed, one waiting for the other's lock on the stack, and there must be one
 * stack. Before that stack exists both jobs race to create it: the loser's `stack init` says
 * "already exists", and a job may find the stack created but not yet tagged by the other.
 */
import { strict as assert } from "node:assert";
import { EngineSuite, expectSuccess, RunResult } from "./harness/engine";
import { multistageTags, stackNames, stackTags, stagectl, stagectlJson } from "./harness/stagectl";
import type { FeatureUpResult } from "../tools/feature/feature-up";

const UP = (branch: string, pr: number) => [
  "feature",
  "up",
  "--branch",
  branch,
  "--pr",
  String(pr),
  "--ttl",
  "72h",
  // The fake cloud's URL cannot answer /readyz: no job waits for it (feature up's default is 5m).
  "--ready-timeout",
  "0",
];
const WAITED = /^feature-race is locked by another update; waiting \(attempt 1\)$/m;

describe("concurrency: two feature up jobs for one branch at once", () => {
  let engine: EngineSuite;

  before(async () => {
    engine = await EngineSuite.start();
    const ops = engine.checkout();
    expectSuccess(await engine.pulumi(["stack", "init", "development"], { cwd: ops }));
    expectSuccess(await engine.pulumi(["up", "-s", "development", "--yes"], { cwd: ops }));
  });
  after(() => engine?.dispose());

  it("both succeed, one waits for the other's lock, and there is one stack", async () => {
    const before = engine.journal().length;
    const jobs = [engine.checkout(), engine.checkout()];
    const runs: RunResult[] = await Promise.all(
      jobs.map((job) => stagectl(engine, [...UP("feature/race", 9), "--json"], job)),
    );
    const results = runs.map((run) => JSON.parse(expectSuccess(run).stdout) as FeatureUpResult);
    assert.deepEqual(
      results.map((r) => r.stack),
      ["feature-race", "feature-race"],
    );
    assert.equal(results[0].url, results[1].url);

    const waiting = runs.filter((run) => WAITED.test(run.stderr));
    assert.equal(
      waiting.length,
      1,
      `${waiting.length} of the jobs waited for the lock:\n${runs
        .map((r) =>
          r.stderr
            .split("\n")
            .filter((l) => !l.startsWith("["))
            .join("\n"),
        )
        .join("\n---\n")}`,
    );
    // The one that waited finished last.
    const other = runs.find((run) => run !== waiting[0]);
    assert.ok(other && waiting[0].ms > other.ms, "the job that waited finished first");

    assert.deepEqual(
      (await stackNames(engine, jobs[0])).filter((s) => s.startsWith("feature-")),
      ["feature-race"],
    );
    const tags = multistageTags(await stackTags(engine, "feature-race", jobs[0]));
    assert.equal(tags["multistage:branch"], "feature/race");
    assert.equal(tags["multistage:pr"], "9");

    // One stack's resources, each created once; the second update came after the first one.
    const entries = engine.journal().slice(before);
    assert.deepEqual([...new Set(entries.map((e) => e.stack))], ["feature-race"]);
    assert.deepEqual(
      entries.filter((e) => e.error),
      [],
    );
    const creates = entries.filter((e) => e.op === "create").map((e) => e.urn);
    assert.equal(new Set(creates).size, creates.length, "a resource was created twice");
    assert.deepEqual(
      entries.filter((e) => e.op === "replace" || e.op === "delete"),
      [],
    );
    const firstUpdate = entries.findIndex((e) => e.op === "update");
    assert.ok(
      firstUpdate === -1 || entries.slice(firstUpdate).every((e) => e.op === "update"),
      "the two updates interleaved",
    );
  });

  it("a stack another job has created but not tagged yet is taken, not refused as someone else's", async () => {
    // Where the other job is between its `stack init` and its `stack tag set`.
    const other = engine.checkout();
    expectSuccess(await engine.pulumi(["stack", "init", "feature-late"], { cwd: other }));
    const { result, json } = await stagectlJson<FeatureUpResult>(
      engine,
      UP("feature/late", 10),
      engine.checkout(),
    );
    assert.equal(json.stack, "feature-late");
    assert.match(
      result.stderr,
      /^feature-late exists, empty and untagged \(another job is creating it, or one stopped before tagging it\); taking it$/m,
    );
    const tags = multistageTags(await stackTags(engine, "feature-late", other));
    assert.equal(tags["multistage:branch"], "feature/late");
    assert.equal(tags["multistage:pr"], "10");
  });
});
