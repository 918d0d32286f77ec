import { strict as assert } from "node:assert";
import { FeatureUpResult } from "../tools/feature/feature-up";
import { featureAccessOf } from "../stage/stack-facts";
import { ReapResult } from "../tools/feature/feature-reap";
import { FeatureStackRow } from "../tools/feature/feature-list";
import { BackendStack, MemoryWorkspace, withDevelopment } from "./helpers/memory-workspace";
import { runStagectl, stdoutJson, testContext } from "./helpers/context";

const NOW = new Date("2026-03-01T12:00:00Z");

/** A feature stack as the backend keeps it after `feature up`: tags and outputs, no config. */
function featureStack(
  branch: string,
  createdAt: string,
  expiresAt: string,
  extraTags: Record<string, string> = {},
): Partial<BackendStack> {
  return {
    tags: {
      "multistage:stage": "feature",
      "multistage:branch": branch,
      "multistage:created-at": createdAt,
      "multistage:expires-at": expiresAt,
      ...extraTags,
    },
    outputs: { stageKind: { value: "feature", secret: false } },
    lastUpdate: createdAt,
  };
}

describe("stagectl feature", () => {
  describe("up", () => {
    it("creates the stack, tags it, writes its config, runs up and prints {stack, url, expiresAt, outputs, changes, costPerDayUsd}", async () => {
      const workspace = withDevelopment();
      const context = await runStagectl(testContext(workspace, NOW), [
        "feature",
        "up",
        "--branch",
        "feature/login",
        "--pr",
        "42",
        "--ttl",
        "48h",
        "--json",
      ]);
      assert.equal(context.exitCode, 0, context.err.join(""));
      const result = stdoutJson<FeatureUpResult>(context);
      assert.deepEqual(Object.keys(result).sort(), [
        "changes",
        "costPerDayUsd",
        "expiresAt",
        "outputs",
        "ready",
        "stack",
        "url",
      ]);
      assert.deepEqual(context.probed, ["http://multistage-feature-login.example.test/readyz"]);
      assert.equal(result.ready?.ready, true);
      // What `stagectl cost feature` says a feature stack costs a day, to the cent.
      const priced = stdoutJson<{ dailyUsd: number }>(
        await runStagectl(testContext(new MemoryWorkspace(), NOW), ["cost", "feature", "--json"]),
      );
      assert.equal(result.costPerDayUsd, Math.round(priced.dailyUsd * 100) / 100);
      assert.ok(
        result.costPerDayUsd !== null && result.costPerDayUsd > 1,
        String(result.costPerDayUsd),
      );
      assert.equal(result.stack, "feature-login");
      assert.equal(result.expiresAt, "2026-03-03T12:00:00Z");
      assert.equal(result.url, "http://multistage-feature-login.example.test");
      assert.deepEqual(workspace.stacks.get("feature-login")?.tags, {
        "multistage:stage": "feature",
        "multistage:branch": "feature/login",
        "multistage:pr": "42",
        "multistage:created-at": "2026-03-01T12:00:00Z",
        "multistage:expires-at": "2026-03-03T12:00:00Z",
      });
      const config = await workspace.getAllConfig("feature-login");
      assert.equal(
        config["aws:region"].value,
        "eu-west-1",
        "the committed development file's region",
      );
      assert.deepEqual(JSON.parse(config["multistage:feature"].value), {
        branch: "feature/login",
        createdAt: "2026-03-01T12:00:00Z",
        expiresAt: "2026-03-03T12:00:00Z",
        pr: 42,
        // Development's profile: shared data stores, a cache in the app's own task.
        isolation: "shared",
        cache: "sidecar",
      });
      assert.ok(
        workspace.calls.indexOf("setTags feature-login") <
          workspace.calls.indexOf("up feature-login"),
        "tagged before the first update",
      );
      assert.ok(
        context.err.some((line) => /^\[\s+\d+\.\ds\] Updating \(feature-login\)/.test(line)),
        "engine output streams to stderr with elapsed time",
      );
    });

    it("a fresh checkout has none of that config: the backend kept only tags and outputs", async () => {
      const workspace = withDevelopment();
      const up = await runStagectl(testContext(workspace, NOW), [
        "feature",
        "up",
        "--branch",
        "feature/login",
      ]);
      assert.match(
        up.out.join(""),
        /^feature-login is up at \S+ \(expires 2026-03-04T12:00:00Z; about \$\d+\.\d\d a day; serving after 0 s\)\n$/,
      );
      const nextJob = workspace.freshCheckout();
      // What the CLI says there (engine scenario 2): Pulumi.yaml declares `stage` without a default.
      await assert.rejects(
        nextJob.getAllConfig("feature-login"),
        /Stack 'feature-login' is missing configuration value 'stage'/,
      );
      await assert.rejects(
        nextJob.up("feature-login", {}),
        /missing configuration value 'stage'/,
        "nothing can run on an empty config",
      );
    });

    it("the next push, in a fresh checkout, updates the same stack, keeps created-at and extends the expiry", async () => {
      const workspace = withDevelopment();
      await runStagectl(testContext(workspace, NOW), [
        "feature",
        "up",
        "--branch",
        "feature/login",
        "--pr",
        "42",
      ]);
      const later = new Date("2026-03-02T09:00:00Z");
      const nextJob = workspace.freshCheckout();
      const context = await runStagectl(testContext(nextJob, later), [
        "feature",
        "up",
        "--branch",
        "feature/login",
        "--pr",
        "42",
        "--json",
      ]);
      assert.equal(context.exitCode, 0, context.err.join(""));
      const tags = workspace.stacks.get("feature-login")?.tags ?? {};
      assert.equal(tags["multistage:created-at"], "2026-03-01T12:00:00Z");
      assert.equal(tags["multistage:expires-at"], "2026-03-05T09:00:00Z");
      assert.equal(
        JSON.parse((await nextJob.getAllConfig("feature-login"))["multistage:feature"].value)
          .createdAt,
        "2026-03-01T12:00:00Z",
      );
      assert.equal([...workspace.stacks.keys()].filter((k) => k.startsWith("feature-")).length, 1);
    });

    it("carries a resync's data generation from the tag into the config", async () => {
      const workspace = withDevelopment().addStack(
        "feature-login",
        featureStack("feature/login", "2026-03-01T00:00:00Z", "2026-03-04T00:00:00Z", {
          "multistage:data-generation": "2",
        }),
      );
      const job = workspace.freshCheckout();
      await runStagectl(testContext(job, NOW), ["feature", "up", "--branch", "feature/login"]);
      assert.deepEqual(
        JSON.parse((await job.getAllConfig("feature-login"))["multistage:data"].value),
        { generation: 2 },
      );
      assert.equal(workspace.stacks.get("feature-login")?.tags["multistage:data-generation"], "2");
    });

    const refusedUpdates: Array<[string, Partial<BackendStack>, string[], RegExp]> = [
      [
        "another branch's stack (a slug collision)",
        featureStack("feature/LOGIN", "2026-03-01T00:00:00Z", "2026-03-04T00:00:00Z"),
        [],
        /Refusing to update feature-login: it belongs to branch "feature\/LOGIN", not "feature\/login"/,
      ],
      [
        "another pull request's stack",
        featureStack("feature/login", "2026-03-01T00:00:00Z", "2026-03-04T00:00:00Z", {
          "multistage:pr": "7",
        }),
        ["--pr", "8"],
        /it belongs to pull request #7, not #8/,
      ],
      [
        "a stack tagged as another stage",
        { tags: { "multistage:stage": "production" } },
        [],
        /its multistage:stage tag is "production", not "feature"/,
      ],
      [
        "a stack whose last update deployed production",
        {
          tags: { "multistage:stage": "feature", "multistage:branch": "feature/login" },
          outputs: { stageKind: { value: "production", secret: false } },
        },
        [],
        /its last update deployed a production stage/,
      ],
    ];
    for (const [what, existing, args, message] of refusedUpdates) {
      it(`refuses to update ${what}, changing nothing`, async () => {
        const workspace = withDevelopment().addStack("feature-login", existing);
        const context = await runStagectl(testContext(workspace, NOW), [
          "feature",
          "up",
          "--branch",
          "feature/login",
          ...args,
        ]);
        assert.equal(context.exitCode, 1, context.err.join(""));
        assert.match(context.err.join(""), message);
        assert.deepEqual(workspace.mutations(), []);
      });
    }

    it("takes an empty, untagged stack (another job of the branch has just created it and not tagged it yet) instead of refusing it", async () => {
      // Two pushes at once: the other job's `stack init` is done, its `stack tag set` not yet.
      const workspace = withDevelopment().addStack("feature-login", { resourceCount: 0 });
      const context = await runStagectl(testContext(workspace, NOW), [
        "feature",
        "up",
        "--branch",
        "feature/login",
        "--pr",
        "42",
      ]);
      assert.equal(context.exitCode, 0, context.err.join(""));
      assert.match(context.err.join(""), /feature-login exists, empty and untagged .*; taking it/);
      assert.equal(
        workspace.stacks.get("feature-login")?.tags["multistage:created-at"],
        "2026-03-01T12:00:00Z",
      );
      assert.ok(workspace.mutations().includes("up feature-login"));
    });

    it("still refuses an untagged stack that holds resources, or one the backend does not count", async () => {
      for (const resourceCount of [12, undefined]) {
        const workspace = withDevelopment().addStack("feature-login", { resourceCount });
        const context = await runStagectl(testContext(workspace, NOW), [
          "feature",
          "up",
          "--branch",
          "feature/login",
        ]);
        assert.equal(context.exitCode, 1, `resourceCount ${String(resourceCount)}`);
        assert.match(
          context.err.join(""),
          /Refusing to update feature-login: its multistage:stage tag is null/,
        );
        assert.deepEqual(workspace.mutations(), []);
      }
    });

    it("says so, before creating anything, when the development stack does not exist", async () => {
      const workspace = new MemoryWorkspace();
      const context = await runStagectl(testContext(workspace, NOW), [
        "feature",
        "up",
        "--branch",
        "feature/login",
      ]);
      assert.equal(context.exitCode, 2);
      assert.match(
        context.err.join(""),
        /The development stack does not exist; feature stacks use its network/,
      );
      assert.deepEqual(workspace.mutations(), []);
    });

    it("waits for <url>/readyz, and fails the job, saying why, when it never answers 200", async () => {
      const workspace = withDevelopment();
      const waiting = testContext(workspace, NOW);
      waiting.probeAnswers.push("ENOTFOUND", 503, 200);
      await runStagectl(waiting, ["feature", "up", "--branch", "feature/login", "--json"]);
      assert.equal(waiting.exitCode, 0, waiting.err.join(""));
      assert.equal(waiting.probed.length, 3, "asked until the 200");
      assert.deepEqual(stdoutJson<FeatureUpResult>(waiting).ready, {
        ready: true,
        seconds: 4,
        last: "HTTP 200",
      });

      const never = testContext(withDevelopment(), NOW);
      never.probeAnswers.push(...Array.from({ length: 100 }, () => 503));
      await runStagectl(never, [
        "feature",
        "up",
        "--branch",
        "feature/login",
        "--ready-timeout",
        "10s",
      ]);
      assert.equal(never.exitCode, 1);
      assert.equal(never.probed.length, 6, "every 2 s for 10 s");
      assert.match(
        never.err.join(""),
        /feature-login was deployed but http:\/\/multistage-feature-login\.example\.test\/readyz did not answer 200 within 10s \(last: HTTP 503\)/,
      );

      const skipped = testContext(withDevelopment(), NOW);
      await runStagectl(skipped, [
        "feature",
        "up",
        "--branch",
        "feature/login",
        "--ready-timeout",
        "0",
      ]);
      assert.deepEqual(skipped.probed, [], "--ready-timeout 0 asks nothing");
    });

    it("refuses a new shared feature stack beyond the host's limit, naming the oldest, before creating anything", async () => {
      const workspace = withDevelopment();
      // The development profile's host holds 40 feature databases.
      for (let i = 0; i < 40; i++) {
        const day = String(1 + (i % 28)).padStart(2, "0");
        workspace.addStack(
          `feature-old-${i}`,
          featureStack(
            `feature/old-${i}`,
            `2026-02-${day}T0${i % 10}:00:00Z`,
            "2026-03-09T00:00:00Z",
          ),
        );
      }
      const before = workspace.mutations().length;
      const refused = await runStagectl(testContext(workspace, NOW), [
        "feature",
        "up",
        "--branch",
        "feature/login",
      ]);
      assert.equal(refused.exitCode, 1);
      assert.match(
        refused.err.join(""),
        /Refusing to create feature-login: development already hosts 40 feature stacks, its limit is 40 .*Oldest: feature-old-0 \(feature\/old-0, since 2026-02-01T00:00:00Z\), feature-old-28 /,
      );
      assert.equal(workspace.mutations().length, before, "nothing created, tagged or deployed");

      // A stack that already exists is updated, whatever the count.
      const update = await runStagectl(testContext(workspace, NOW), [
        "feature",
        "up",
        "--branch",
        "feature/old-3",
      ]);
      assert.equal(update.exitCode, 0, update.err.join(""));
    });

    it("refuses a branch that deploys to a long-lived stage, before touching the backend", async () => {
      const workspace = withDevelopment();
      const context = await runStagectl(testContext(workspace, NOW), [
        "feature",
        "up",
        "--branch",
        "main",
      ]);
      assert.equal(context.exitCode, 2);
      assert.match(context.err.join(""), /deploys to the long-lived stage production/);
      assert.deepEqual(workspace.mutations(), []);
    });
  });

  describe("down", () => {
    it("destroys and removes the branch's feature stack from a fresh checkout, by its tags", async () => {
      const workspace = withDevelopment().addStack(
        "feature-login",
        featureStack("feature/login", "2026-03-01T00:00:00Z", "2026-03-04T00:00:00Z"),
      );
      const context = await runStagectl(testContext(workspace.freshCheckout(), NOW), [
        "feature",
        "down",
        "--branch",
        "feature/login",
        "--json",
      ]);
      assert.equal(context.exitCode, 0, context.err.join(""));
      assert.deepEqual(stdoutJson(context), { stack: "feature-login", destroyed: true });
      // `pulumi destroy` needs the stack's declared config even though it runs no program; the
      // fresh checkout has none, so the stage the guard established is set first.
      assert.deepEqual(workspace.mutations(), [
        "setAllConfig feature-login",
        "destroy feature-login",
        "removeStack feature-login",
      ]);
    });

    const refusedDestroys: Array<[string, Partial<BackendStack>, string[], RegExp]> = [
      [
        "a stack named feature-x whose tags say production",
        { tags: { "multistage:stage": "production" } },
        [],
        /Refusing to destroy feature-x: its multistage:stage tag is "production"/,
      ],
      [
        "an untagged stack named feature-x",
        {},
        [],
        /its multistage:stage tag is null, not "feature"/,
      ],
      [
        "a feature-tagged stack that deployed staging",
        {
          tags: { "multistage:stage": "feature" },
          outputs: { stageKind: { value: "staging", secret: false } },
        },
        [],
        /its last update deployed a staging stage/,
      ],
      [
        "another pull request's stack",
        featureStack("feature/x", "2026-03-01T00:00:00Z", "2026-03-04T00:00:00Z", {
          "multistage:pr": "3",
        }),
        ["--pr", "4"],
        /belongs to pull request #3, not #4/,
      ],
    ];
    for (const [what, existing, args, message] of refusedDestroys) {
      it(`refuses ${what}, touching nothing`, async () => {
        const workspace = withDevelopment().addStack("feature-x", existing);
        const context = await runStagectl(testContext(workspace, NOW), [
          "feature",
          "down",
          "--branch",
          "feature/x",
          ...args,
        ]);
        assert.equal(context.exitCode, 1);
        assert.match(context.err.join(""), message);
        assert.deepEqual(workspace.mutations(), []);
        assert.ok(workspace.stacks.has("feature-x"));
      });
    }

    it("can never be pointed at a long-lived stage", async () => {
      for (const branch of ["develop", "main", "master", "release/1.0", "hotfix/x"]) {
        const workspace = withDevelopment().addStack("production", {
          tags: { "multistage:stage": "feature" },
        });
        const context = await runStagectl(testContext(workspace, NOW), [
          "feature",
          "down",
          "--branch",
          branch,
        ]);
        assert.equal(context.exitCode, 2, branch);
        assert.deepEqual(workspace.mutations(), [], branch);
      }
    });

    it("waits for a concurrent update and retries, within the bound", async () => {
      const workspace = withDevelopment().addStack(
        "feature-login",
        featureStack("feature/login", "2026-03-01T00:00:00Z", "2026-03-04T00:00:00Z"),
      );
      workspace.backend.busy.set("feature-login", 2);
      const context = testContext(workspace, NOW);
      await runStagectl(context, ["feature", "down", "--branch", "feature/login", "--wait", "1m"]);
      assert.equal(context.exitCode, 0, context.err.join(""));
      assert.deepEqual(context.slept, [15_000, 15_000]);
      assert.match(context.err.join(""), /locked by another update; waiting \(attempt 1\)/);
    });

    it("gives up after --wait with a clear message, never a stack trace", async () => {
      const workspace = withDevelopment().addStack(
        "feature-login",
        featureStack("feature/login", "2026-03-01T00:00:00Z", "2026-03-04T00:00:00Z"),
      );
      workspace.backend.busy.set("feature-login", 100);
      const context = testContext(workspace, NOW);
      await runStagectl(context, ["feature", "down", "--branch", "feature/login", "--wait", "1m"]);
      assert.equal(context.exitCode, 1);
      const err = context.err.join("");
      assert.match(
        err,
        /Stack feature-login is being updated by someone else \(still locked after waiting 60 s; retry later, or pass a longer --wait/,
      );
      assert.ok(!/\n\s+at /.test(err), "no stack trace");
      assert.equal(context.slept.length, 4, "bounded: 4 waits of 15 s fit in 1 minute");
      assert.ok(workspace.stacks.has("feature-login"));
    });
  });

  describe("list", () => {
    it("shows every feature stack with branch, age, expiry and URL, flagging impostors and bad dates", async () => {
      const workspace = withDevelopment()
        .addStack("feature-a", {
          ...featureStack("feature/a", "2026-02-28T12:00:00Z", "2026-03-02T12:00:00Z"),
          outputs: {
            stageKind: { value: "feature", secret: false },
            url: { value: "http://a", secret: false },
          },
        })
        .addStack(
          "feature-future",
          featureStack("feature/future", "2026-03-05T12:00:00Z", "2026-03-06T12:00:00Z"),
        )
        .addStack(
          "feature-old",
          featureStack("feature/old", "2026-02-01T12:00:00Z", "2026-02-04T12:00:00Z"),
        )
        .addStack("feature-x", { tags: { "multistage:stage": "production" } });
      const context = await runStagectl(testContext(workspace.freshCheckout(), NOW), [
        "feature",
        "list",
        "--json",
      ]);
      const rows = stdoutJson<FeatureStackRow[]>(context);
      assert.deepEqual(
        rows.map((r) => r.stack),
        ["feature-a", "feature-future", "feature-old", "feature-x"],
      );
      assert.equal(rows[0].ageHours, 24);
      assert.equal(rows[0].expired, false);
      assert.equal(rows[0].url, "http://a");
      assert.equal(rows[1].ageHours, undefined, "no negative age");
      assert.match(rows[1].problems.join(), /created-at 2026-03-05T12:00:00Z is in the future/);
      assert.equal(rows[2].expired, true);
      assert.match(rows[3].notFeature ?? "", /production/);
    });
  });

  describe("reap", () => {
    function reapWorkspace(): MemoryWorkspace {
      return withDevelopment()
        .addStack(
          "feature-expired",
          featureStack("feature/expired", "2026-02-20T00:00:00Z", "2026-02-23T00:00:00Z"),
        )
        .addStack(
          "feature-fresh",
          featureStack("feature/fresh", "2026-03-01T00:00:00Z", "2026-03-04T00:00:00Z"),
        )
        .addStack(
          "feature-old-but-valid",
          featureStack("feature/old-but-valid", "2026-02-10T00:00:00Z", "2026-03-10T00:00:00Z"),
        )
        .addStack("feature-impostor", {
          tags: {
            "multistage:stage": "production",
            "multistage:created-at": "2020-01-01T00:00:00Z",
            "multistage:expires-at": "2020-01-02T00:00:00Z",
          },
        })
        .addStack("production", {
          tags: { "multistage:stage": "feature", "multistage:expires-at": "2020-01-02T00:00:00Z" },
          outputs: { stageKind: { value: "production", secret: false } },
        })
        .addStack("staging", {});
    }

    it("destroys expired feature stacks only, never a stack that is not one by its tags", async () => {
      const workspace = reapWorkspace();
      const context = await runStagectl(testContext(workspace.freshCheckout(), NOW), [
        "feature",
        "reap",
        "--json",
      ]);
      const result = stdoutJson<ReapResult>(context);
      assert.equal(context.exitCode, 0);
      assert.deepEqual(result.reaped, ["feature-expired"]);
      assert.deepEqual(
        result.skipped.map((s) => s.stack),
        ["feature-impostor"],
      );
      assert.deepEqual(workspace.mutations(), [
        "setAllConfig feature-expired",
        "destroy feature-expired",
        "removeStack feature-expired",
      ]);
      for (const kept of ["production", "staging", "feature-impostor", "feature-fresh"])
        assert.ok(workspace.stacks.has(kept), kept);
    });

    const host = {
      address: "multistage-development-feature-host.abc.eu-west-1.rds.amazonaws.com",
      port: 5432,
      clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/multistage-development-cluster",
      taskDefinitionArn:
        "arn:aws:ecs:eu-west-1:123456789012:task-definition/multistage-development-feature-db:7",
      containerName: "feature-db",
      clientSecurityGroupId: "sg-feature-apps",
      logGroupName: "/multistage/development/feature-db",
      maxDatabases: 40,
    };

    it("after reaping, prunes the feature host's databases that no listed stack owns, as development's provisioner", async () => {
      const workspace = reapWorkspace();
      workspace.stacks.get("development")!.outputs.featureHost = { value: host, secret: false };
      const context = await runStagectl(testContext(workspace, NOW), ["feature", "reap", "--json"]);
      const result = stdoutJson<ReapResult>(context);
      assert.equal(context.exitCode, 0);
      assert.deepEqual(result.reaped, ["feature-expired"]);
      // Every listed feature stack but the reaped one keeps its databases, skipped ones too.
      assert.deepEqual(result.prune, {
        ran: true,
        keep: ["feature_fresh", "feature_impostor", "feature_old_but_valid"],
        taskArn: "arn:aws:ecs:eu-west-1:123456789012:task/c/1",
      });
      assert.equal(context.tasks.length, 1);
      const [task] = context.tasks;
      assert.deepEqual(task.command, [
        "node",
        "app/dist/feature-db.js",
        "prune",
        "--keep",
        "feature_fresh,feature_impostor,feature_old_but_valid",
      ]);
      assert.equal(task.taskDefinitionArn, "multistage-development-feature-db");
      assert.equal(task.clusterArn, host.clusterArn);
      assert.deepEqual(task.subnetIds, ["subnet-b"]);
      assert.deepEqual(task.securityGroupIds, ["sg-feature-apps"]);
      assert.equal(task.region, "eu-west-1");

      // A prune that fails fails the job, with the reason; a dry run prunes nothing.
      const again = reapWorkspace();
      again.stacks.get("development")!.outputs.featureHost = { value: host, secret: false };
      const broken = testContext(again, NOW);
      broken.taskFailure = "ECS could not start the task: RESOURCE:ENI";
      await runStagectl(broken, ["feature", "reap"]);
      assert.equal(broken.exitCode, 1);
      assert.match(
        broken.out.join(""),
        /failed {2}prune of the feature host: ECS could not start the task: RESOURCE:ENI/,
      );
      const dry = testContext(again, NOW);
      await runStagectl(dry, ["feature", "reap", "--dry-run"]);
      assert.equal(dry.tasks.length, 0);
    });

    it("keeps the databases of a stack created while it reaped, and of no stack whose name makes no database name", async () => {
      const workspace = reapWorkspace().addStack("feature-Bad.Name", {});
      workspace.stacks.get("development")!.outputs.featureHost = { value: host, secret: false };
      // The stacks are listed again for the prune: a pull request opened meanwhile is in it.
      const list = workspace.listStacks.bind(workspace);
      let listings = 0;
      workspace.listStacks = async () => {
        listings += 1;
        const stacks = await list();
        return listings > 1 ? [...stacks, { name: "feature-born-later" }] : stacks;
      };
      const context = await runStagectl(testContext(workspace, NOW), ["feature", "reap", "--json"]);
      const { prune } = stdoutJson<ReapResult>(context);
      assert.ok(prune && "keep" in prune, JSON.stringify(prune));
      assert.ok(prune.keep.includes("feature_born_later"), prune.keep.join());
      assert.ok(!prune.keep.some((name) => /Bad/.test(name)), prune.keep.join());
    });

    it("prunes nothing from a stack list without development", async () => {
      const workspace = reapWorkspace();
      workspace.stacks.get("development")!.outputs.featureHost = { value: host, secret: false };
      const list = workspace.listStacks.bind(workspace);
      workspace.listStacks = async () => (await list()).filter((s) => s.name !== "development");
      const context = await runStagectl(testContext(workspace, NOW), ["feature", "reap", "--json"]);
      assert.deepEqual(stdoutJson<ReapResult>(context).prune, {
        ran: false,
        reason:
          "the stack list does not include development; refusing to prune from an incomplete list",
      });
      assert.equal(context.tasks.length, 0);
    });

    it("prunes nothing where development has no feature host", async () => {
      const context = await runStagectl(testContext(reapWorkspace(), NOW), [
        "feature",
        "reap",
        "--json",
      ]);
      assert.deepEqual(stdoutJson<ReapResult>(context).prune, {
        ran: false,
        reason: "development has no feature host (featureHost output)",
      });
      assert.equal(context.tasks.length, 0);
    });

    it("--older-than selects by age as well", async () => {
      const workspace = reapWorkspace();
      const context = await runStagectl(testContext(workspace, NOW), [
        "feature",
        "reap",
        "--older-than",
        "7d",
        "--json",
      ]);
      assert.deepEqual(stdoutJson<ReapResult>(context).reaped.sort(), [
        "feature-expired",
        "feature-old-but-valid",
      ]);
    });

    it("--dry-run changes nothing", async () => {
      const workspace = reapWorkspace();
      const context = await runStagectl(testContext(workspace, NOW), [
        "feature",
        "reap",
        "--dry-run",
        "--json",
      ]);
      const result = stdoutJson<ReapResult>(context);
      assert.deepEqual(result.selected, ["feature-expired"]);
      assert.deepEqual(result.reaped, []);
      assert.deepEqual(workspace.mutations(), []);
    });

    it("goes on past a failure, summarises, and exits non-zero", async () => {
      const workspace = reapWorkspace().addStack(
        "feature-also-expired",
        featureStack("feature/also-expired", "2026-02-01T00:00:00Z", "2026-02-02T00:00:00Z"),
      );
      workspace.backend.failingDestroys.add("feature-also-expired");
      const context = await runStagectl(testContext(workspace, NOW), ["feature", "reap"]);
      assert.equal(context.exitCode, 1);
      const summary = context.out.join("");
      assert.match(summary, /reaped 1 of 2 due feature stack\(s\); 1 failed; 1 skipped/);
      assert.match(
        summary,
        /failed {2}feature-also-expired: destroy of feature-also-expired failed/,
      );
      assert.ok(!workspace.stacks.has("feature-expired"));
    });

    describe("survives a messy backend: each stack on its own, every skip with its reason", () => {
      function messy(): MemoryWorkspace {
        const workspace = reapWorkspace()
          .addStack(
            "feature-undecryptable",
            featureStack("feature/undecryptable", "2026-02-01T00:00:00Z", "2026-02-02T00:00:00Z"),
          )
          .addStack(
            "feature-gone",
            featureStack("feature/gone", "2026-02-01T00:00:00Z", "2026-02-02T00:00:00Z"),
          )
          .addStack(
            "feature-impossible",
            featureStack("feature/impossible", "2026-02-31T25:61:61Z", "2026-02-31T25:61:61Z"),
          )
          .addStack(
            "feature-forever",
            featureStack("feature/forever", "2026-02-01T00:00:00Z", "9999-12-31T00:00:00Z"),
          )
          .addStack(
            "feature-from-the-future",
            featureStack("feature/from-the-future", "2027-01-01T00:00:00Z", "2027-01-04T00:00:00Z"),
          );
        workspace.backend.unreadable.add("feature-undecryptable");
        workspace.backend.vanishAfterListing.add("feature-gone");
        workspace.backend.foreign.push({
          name: "feature-expired",
          foreignName: "other-org/feature-expired",
        });
        return workspace;
      }

      it("reaps what is due and reports the rest", async () => {
        const workspace = messy();
        const context = await runStagectl(testContext(workspace.freshCheckout(), NOW), [
          "feature",
          "reap",
          "--json",
        ]);
        assert.equal(context.exitCode, 0, context.err.join(""));
        const result = stdoutJson<ReapResult>(context);
        assert.deepEqual(result.reaped, ["feature-expired"]);
        const reasons = Object.fromEntries(result.skipped.map((s) => [s.stack, s.reason]));
        assert.match(
          reasons["feature-undecryptable"],
          /cannot be read: failed to load checkpoint of feature-undecryptable: incorrect passphrase/,
        );
        assert.match(reasons["feature-gone"], /cannot be read: Stack feature-gone does not exist/);
        assert.match(reasons["other-org/feature-expired"], /another organization or project/);
        assert.match(
          reasons["feature-impossible"],
          /created-at "2026-02-31T25:61:61Z" is not a real UTC time/,
        );
        assert.match(
          reasons["feature-forever"],
          /expires-at 9999-12-31T00:00:00Z is more than 30 days away/,
        );
        assert.match(
          reasons["feature-from-the-future"],
          /created-at 2027-01-01T00:00:00Z is in the future/,
        );
        assert.match(reasons["feature-impossible"], /--older-than reaps it by age/);
        assert.ok(!context.err.join("").includes("    at "), "no stack trace");
        assert.ok(workspace.stacks.has("feature-forever"));
      });

      it("--older-than reaps stacks whose dates cannot be trusted by their age or last update", async () => {
        const workspace = messy();
        const context = await runStagectl(testContext(workspace, NOW), [
          "feature",
          "reap",
          "--older-than",
          "14d",
          "--json",
        ]);
        const result = stdoutJson<ReapResult>(context);
        assert.deepEqual(result.reaped.sort(), [
          "feature-expired",
          "feature-forever",
          "feature-old-but-valid",
        ]);
        assert.ok(
          workspace.stacks.has("feature-from-the-future"),
          "no trustworthy age: never reaped by age",
        );
      });
    });
  });

  it("stage-for and feature name print the mapping", async () => {
    const stageFor = await runStagectl(testContext(new MemoryWorkspace(), NOW), [
      "stage-for",
      "--branch",
      "release/3.1",
      "--json",
    ]);
    assert.deepEqual(stdoutJson(stageFor), {
      branch: "release/3.1",
      stage: "staging",
      stack: "staging",
    });
    const name = await runStagectl(testContext(new MemoryWorkspace(), NOW), [
      "feature",
      "name",
      "--branch",
      "feature/login",
    ]);
    assert.equal(name.out.join(""), "feature-login multistage-feature-login\n");
  });
});

describe("a feature stack's access", () => {
  it("is the feature deployer and boundary of the account development deploys through", () => {
    const development = JSON.stringify({
      deployerRoleArn: "arn:aws:iam::210987654321:role/multistage-access-development-deployer",
      permissionsBoundaryArn:
        "arn:aws:iam::210987654321:policy/multistage-access-development-boundary",
    });
    assert.deepEqual(featureAccessOf({ "multistage:access": development }), {
      deployerRoleArn: "arn:aws:iam::210987654321:role/multistage-access-feature-deployer",
      permissionsBoundaryArn: "arn:aws:iam::210987654321:policy/multistage-access-feature-boundary",
    });
  });

  it("is none when development has none (the program then warns on every preview)", () => {
    assert.equal(featureAccessOf({}), undefined);
    assert.equal(featureAccessOf({ "multistage:access": "{}" }), undefined);
  });
});
