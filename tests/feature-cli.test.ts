import { strict as assert } from "node:assert";
import { FeatureUpResult } from "../tools/feature/feature-up";
import { ReapResult } from "../tools/feature/feature-reap";
import { FeatureStackRow } from "../tools/feature/feature-list";
import { MemoryWorkspace } from "./helpers/memory-workspace";
import { runStagectl, stdoutJson, testContext } from "./helpers/context";

const NOW = new Date("2026-03-01T12:00:00Z");

function withDevelopment(): MemoryWorkspace {
  return new MemoryWorkspace().addStack("development", {
    config: { "multistage:stage": { value: "development" }, "aws:region": { value: "eu-west-1" } },
    outputs: {
      vpcId: { value: "vpc-1", secret: false },
      publicSubnetIds: { value: ["subnet-a"], secret: false },
      privateSubnetIds: { value: ["subnet-b"], secret: false },
    },
  });
}

function featureStack(branch: string, createdAt: string, expiresAt: string) {
  return {
    config: {
      "multistage:stage": { value: "feature" },
      "multistage:feature": { value: JSON.stringify({ branch, createdAt, expiresAt }) },
    },
  };
}

describe("stagectl feature", () => {
  describe("up", () => {
    it("creates the stack, sets config and tags, runs up and prints {stack, url, expiresAt, outputs}", async () => {
      const workspace = withDevelopment();
      const context = await runStagectl(testContext(workspace, NOW), ["feature", "up", "--branch", "feature/login", "--pr", "42", "--ttl", "48h", "--json"]);
      assert.equal(context.exitCode, 0, context.err.join(""));
      const result = stdoutJson<FeatureUpResult>(context);
      assert.deepEqual(Object.keys(result).sort(), ["changes", "expiresAt", "outputs", "stack", "url"]);
      assert.equal(result.stack, "feature-login");
      assert.equal(result.expiresAt, "2026-03-03T12:00:00Z");
      assert.equal(result.url, "http://multistage-feature-login.example.test");
      const stack = workspace.stacks.get("feature-login");
      assert.ok(stack);
      assert.equal(stack.config["multistage:stage"].value, "feature");
      assert.equal(stack.config["aws:region"].value, "eu-west-1");
      assert.deepEqual(JSON.parse(stack.config["multistage:feature"].value), {
        branch: "feature/login",
        createdAt: "2026-03-01T12:00:00Z",
        expiresAt: "2026-03-03T12:00:00Z",
        pr: 42,
      });
      assert.deepEqual(stack.tags, { "multistage:branch": "feature/login", "multistage:pr": "42", "multistage:expires-at": "2026-03-03T12:00:00Z" });
      assert.ok(context.err.some((line) => /^\[\s+\d+\.\ds\] Updating \(feature-login\)/.test(line)), "engine output streams to stderr with elapsed time");
    });

    it("re-running for the same branch updates the same stack and keeps its created-at", async () => {
      const workspace = withDevelopment();
      await runStagectl(testContext(workspace, NOW), ["feature", "up", "--branch", "feature/login"]);
      const later = new Date("2026-03-02T09:00:00Z");
      const context = await runStagectl(testContext(workspace, later), ["feature", "up", "--branch", "feature/login", "--json"]);
      assert.equal(context.exitCode, 0);
      const info = JSON.parse(workspace.stacks.get("feature-login")?.config["multistage:feature"].value ?? "{}");
      assert.equal(info.createdAt, "2026-03-01T12:00:00Z");
      assert.equal(info.expiresAt, "2026-03-05T09:00:00Z");
      assert.equal([...workspace.stacks.keys()].filter((k) => k.startsWith("feature-")).length, 1);
    });

    it("says so, before creating anything, when the development stack does not exist", async () => {
      const workspace = new MemoryWorkspace();
      const context = await runStagectl(testContext(workspace, NOW), ["feature", "up", "--branch", "feature/login"]);
      assert.equal(context.exitCode, 2);
      assert.match(context.err.join(""), /The development stack does not exist; feature stacks use its network/);
      assert.deepEqual(workspace.mutations(), []);
    });

    it("refuses a branch that deploys to a long-lived stage, before touching the backend", async () => {
      const workspace = withDevelopment();
      const context = await runStagectl(testContext(workspace, NOW), ["feature", "up", "--branch", "main"]);
      assert.equal(context.exitCode, 2);
      assert.match(context.err.join(""), /deploys to the long-lived stage production/);
      assert.deepEqual(workspace.mutations(), []);
    });

    it("refuses a bad --ttl or --pr with the value and what is valid", async () => {
      const ttl = await runStagectl(testContext(withDevelopment(), NOW), ["feature", "up", "--branch", "feature/x", "--ttl", "soon"]);
      assert.match(ttl.err.join(""), /--ttl: got "soon"; expected a duration like 90m, 72h or 7d/);
      assert.equal(ttl.exitCode, 2);
      const pr = await runStagectl(testContext(withDevelopment(), NOW), ["feature", "up", "--branch", "feature/x", "--pr", "x1"]);
      assert.match(pr.err.join(""), /option '--pr <number>' argument 'x1' is invalid\. got "x1"; expected a pull request number/);
      assert.notEqual(pr.exitCode, 0);
    });
  });

  describe("down", () => {
    it("destroys and removes the branch's feature stack", async () => {
      const workspace = withDevelopment().addStack("feature-login", featureStack("feature/login", "2026-03-01T00:00:00Z", "2026-03-04T00:00:00Z"));
      const context = await runStagectl(testContext(workspace, NOW), ["feature", "down", "--branch", "feature/login", "--json"]);
      assert.equal(context.exitCode, 0, context.err.join(""));
      assert.deepEqual(stdoutJson(context), { stack: "feature-login", destroyed: true });
      assert.deepEqual(workspace.mutations(), ["destroy feature-login", "removeStack feature-login"]);
    });

    it("refuses a stack named feature-x whose own config says production, touching nothing", async () => {
      const workspace = withDevelopment().addStack("feature-x", { config: { "multistage:stage": { value: "production" } } });
      const context = await runStagectl(testContext(workspace, NOW), ["feature", "down", "--branch", "feature/x"]);
      assert.equal(context.exitCode, 2);
      assert.match(context.err.join(""), /Refusing to destroy feature-x: its own config says multistage:stage="production", not "feature"/);
      assert.deepEqual(workspace.mutations(), []);
      assert.ok(workspace.stacks.has("feature-x"));
    });

    it("can never be pointed at a long-lived stage", async () => {
      for (const branch of ["develop", "main", "master", "release/1.0", "hotfix/x"]) {
        const workspace = withDevelopment().addStack("production", { config: { "multistage:stage": { value: "production" } } });
        const context = await runStagectl(testContext(workspace, NOW), ["feature", "down", "--branch", branch]);
        assert.equal(context.exitCode, 2, branch);
        assert.deepEqual(workspace.mutations(), [], branch);
      }
    });

    it("waits for a concurrent update and retries, within the bound", async () => {
      const workspace = withDevelopment().addStack("feature-login", featureStack("feature/login", "2026-03-01T00:00:00Z", "2026-03-04T00:00:00Z"));
      workspace.busy.set("feature-login", 2);
      const context = testContext(workspace, NOW);
      await runStagectl(context, ["feature", "down", "--branch", "feature/login", "--wait", "1m"]);
      assert.equal(context.exitCode, 0, context.err.join(""));
      assert.deepEqual(context.slept, [15_000, 15_000]);
      assert.match(context.err.join(""), /locked by another update; waiting \(attempt 1\)/);
    });

    it("gives up after --wait with a clear message, never a stack trace", async () => {
      const workspace = withDevelopment().addStack("feature-login", featureStack("feature/login", "2026-03-01T00:00:00Z", "2026-03-04T00:00:00Z"));
      workspace.busy.set("feature-login", 100);
      const context = testContext(workspace, NOW);
      await runStagectl(context, ["feature", "down", "--branch", "feature/login", "--wait", "1m"]);
      assert.equal(context.exitCode, 1);
      const err = context.err.join("");
      assert.match(err, /Stack feature-login is being updated by someone else \(still locked after waiting 60 s; retry later, or pass a longer --wait/);
      assert.ok(!/\n\s+at /.test(err), "no stack trace");
      assert.equal(context.slept.length, 4, "bounded: 4 waits of 15 s fit in 1 minute");
      assert.ok(workspace.stacks.has("feature-login"));
    });
  });

  describe("list", () => {
    it("shows every feature stack with branch, age, expiry and URL, flagging impostors", async () => {
      const workspace = withDevelopment()
        .addStack("feature-a", { ...featureStack("feature/a", "2026-02-28T12:00:00Z", "2026-03-02T12:00:00Z"), outputs: { url: { value: "http://a", secret: false } } })
        .addStack("feature-old", featureStack("feature/old", "2026-02-01T12:00:00Z", "2026-02-04T12:00:00Z"))
        .addStack("feature-x", { config: { "multistage:stage": { value: "production" } } });
      const context = await runStagectl(testContext(workspace, NOW), ["feature", "list", "--json"]);
      const rows = stdoutJson<FeatureStackRow[]>(context);
      assert.deepEqual(rows.map((r) => r.stack), ["feature-a", "feature-old", "feature-x"]);
      assert.equal(rows[0].ageHours, 24);
      assert.equal(rows[0].expired, false);
      assert.equal(rows[0].url, "http://a");
      assert.equal(rows[1].expired, true);
      assert.match(rows[2].notFeature ?? "", /production/);
    });
  });

  describe("reap", () => {
    function reapWorkspace(): MemoryWorkspace {
      return withDevelopment()
        .addStack("feature-expired", featureStack("feature/expired", "2026-02-20T00:00:00Z", "2026-02-23T00:00:00Z"))
        .addStack("feature-fresh", featureStack("feature/fresh", "2026-03-01T00:00:00Z", "2026-03-04T00:00:00Z"))
        .addStack("feature-old-but-valid", featureStack("feature/old-but-valid", "2026-02-10T00:00:00Z", "2026-03-10T00:00:00Z"))
        .addStack("feature-impostor", { config: { "multistage:stage": { value: "production" }, "multistage:feature": { value: JSON.stringify({ branch: "x", createdAt: "2020-01-01T00:00:00Z", expiresAt: "2020-01-02T00:00:00Z" }) } } })
        .addStack("production", { config: { "multistage:stage": { value: "production" } } })
        .addStack("staging", { config: { "multistage:stage": { value: "staging" } } });
    }

    it("destroys expired feature stacks only, never a stack that is not one by its config", async () => {
      const workspace = reapWorkspace();
      const context = await runStagectl(testContext(workspace, NOW), ["feature", "reap", "--json"]);
      const result = stdoutJson<ReapResult>(context);
      assert.equal(context.exitCode, 0);
      assert.deepEqual(result.reaped, ["feature-expired"]);
      assert.deepEqual(result.skipped.map((s) => s.stack), ["feature-impostor"]);
      assert.deepEqual(workspace.mutations(), ["destroy feature-expired", "removeStack feature-expired"]);
      for (const kept of ["production", "staging", "feature-impostor", "feature-fresh"]) assert.ok(workspace.stacks.has(kept), kept);
    });

    it("--older-than selects by age as well", async () => {
      const workspace = reapWorkspace();
      const context = await runStagectl(testContext(workspace, NOW), ["feature", "reap", "--older-than", "7d", "--json"]);
      assert.deepEqual(stdoutJson<ReapResult>(context).reaped.sort(), ["feature-expired", "feature-old-but-valid"]);
    });

    it("--dry-run changes nothing", async () => {
      const workspace = reapWorkspace();
      const context = await runStagectl(testContext(workspace, NOW), ["feature", "reap", "--dry-run", "--json"]);
      const result = stdoutJson<ReapResult>(context);
      assert.deepEqual(result.selected, ["feature-expired"]);
      assert.deepEqual(result.reaped, []);
      assert.deepEqual(workspace.mutations(), []);
    });

    it("goes on past a failure, summarises, and exits non-zero", async () => {
      const workspace = reapWorkspace().addStack("feature-also-expired", featureStack("feature/also-expired", "2026-02-01T00:00:00Z", "2026-02-02T00:00:00Z"));
      workspace.failingDestroys.add("feature-also-expired");
      const context = await runStagectl(testContext(workspace, NOW), ["feature", "reap"]);
      assert.equal(context.exitCode, 1);
      const summary = context.out.join("");
      assert.match(summary, /reaped 1 of 2 due feature stack\(s\); 1 failed; 1 skipped/);
      assert.match(summary, /failed {2}feature-also-expired: destroy of feature-also-expired failed/);
      assert.ok(!workspace.stacks.has("feature-expired"));
    });
  });

  it("stage-for and feature name print the mapping", async () => {
    const stageFor = await runStagectl(testContext(new MemoryWorkspace(), NOW), ["stage-for", "--branch", "release/3.1", "--json"]);
    assert.deepEqual(stdoutJson(stageFor), { branch: "release/3.1", stage: "staging", stack: "staging" });
    const name = await runStagectl(testContext(new MemoryWorkspace(), NOW), ["feature", "name", "--branch", "feature/login"]);
    assert.equal(name.out.join(""), "feature-login multistage-feature-login\n");
  });
});
