import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { checkPromotionRoute, PromoteResult, promote } from "../tools/promote/promote";
import { pathTo } from "../tools/promote/promotion-path";
import { UsageError } from "../tools/commands/run-command";
import { priceRender } from "../tools/cost/price-render";
import { usd } from "../tools/cost/report";
import { promotionCost, promotionCostLine } from "../tools/promote/promotion-cost";
import { collectSteps, PlannedStep, reportToMarkdown } from "../tools/promote/report";
import { PROJECT_ROOT } from "../stage/stack-files";
import { runStagectl, stdoutJson, testContext } from "./helpers/context";
import { MemoryWorkspace, repositoryStackFile } from "./helpers/memory-workspace";
import { PROMOTION_PREVIEW_EVENTS } from "./fixtures/preview-events";
import { shippedRender } from "./helpers/renders";

const DIGEST = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/multistage-app@sha256:${"e".repeat(64)}`;
const OLD_DIGEST = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/multistage-app@sha256:${"f".repeat(64)}`;

/** The committed stack file, running the old digest. */
const runningOld = (stack: string) => ({
  ...repositoryStackFile(stack),
  "multistage:image": { value: OLD_DIGEST },
});

function stages(sourceImage: string | null = DIGEST): MemoryWorkspace {
  const workspace = new MemoryWorkspace()
    .addStack("development", {
      outputs: sourceImage ? { image: { value: sourceImage, secret: false } } : {},
    })
    .addStack("staging", {
      config: runningOld("staging"),
      outputs: sourceImage ? { image: { value: sourceImage, secret: false } } : {},
    })
    .addStack("production", { config: runningOld("production") });
  workspace.previewEvents = PROMOTION_PREVIEW_EVENTS;
  return workspace;
}

function scratchDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "multistage-promote-"));
}

async function promoteCli(workspace: MemoryWorkspace, args: string[]) {
  const dir = scratchDir();
  const context = await runStagectl(testContext(workspace), [
    "promote",
    ...args,
    "--report",
    path.join(dir, "report.md"),
    "--plan",
    path.join(dir, "plan.json"),
    "--json",
  ]);
  return { context, dir };
}

describe("stagectl promote", () => {
  it("previews the source's exact digest on the target and writes a report, changing nothing without --apply", async () => {
    const workspace = stages();
    const before = JSON.stringify(await workspace.getAllConfig("production"));
    const { context, dir } = await promoteCli(workspace, [
      "--from",
      "staging",
      "--to",
      "production",
    ]);
    assert.equal(context.exitCode, 0, context.err.join(""));
    const result = stdoutJson<PromoteResult>(context);
    assert.equal(result.image, DIGEST);
    assert.equal(result.previousImage, OLD_DIGEST);
    assert.equal(result.applied, false);
    assert.deepEqual(workspace.mutations(), ["preview production save-plan"]);
    assert.equal(
      JSON.stringify(await workspace.getAllConfig("production")),
      before,
      "target config untouched",
    );
    const report = fs.readFileSync(path.join(dir, "report.md"), "utf8");
    assert.match(report, /# Promotion review: staging -> production/);
    assert.ok(report.includes(DIGEST));
    // The image is not priced: production costs what its render costs, before and after.
    const production = priceRender(await shippedRender("production"), { region: "eu-west-1" });
    const costLine = `- Cost: $${usd(production.monthlyUsd)} a month for production after this promotion, a change of +$0.00 (the image is not priced: the same resources at the same sizes; it also deletes \`env-old-bucket\`, no longer in the render and so not subtracted; offline estimate, \`stagectl cost production\`).`;
    assert.ok(report.split("\n").includes(costLine), report);
  });

  it("--apply, in the next CI job, sets the image and runs the update on the reviewed plan", async () => {
    const workspace = stages();
    const { dir } = await promoteCli(workspace, ["--from", "staging", "--to", "production"]);
    const planPath = path.join(dir, "plan.json");
    const applyJob = workspace.freshCheckout();
    const context = await runStagectl(testContext(applyJob), [
      "promote",
      "--from",
      "staging",
      "--to",
      "production",
      "--apply",
      "--plan",
      planPath,
      "--report",
      path.join(dir, "report.md"),
    ]);
    assert.equal(context.exitCode, 0, context.err.join(""));
    assert.deepEqual(workspace.mutations(), [
      "preview production save-plan",
      "setAllConfig production",
      `up production plan=${planPath}`,
    ]);
    assert.equal((await applyJob.getAllConfig("production"))["multistage:image"].value, DIGEST);
    assert.equal(
      workspace.stacks.get("production")!.outputs.image.value,
      DIGEST,
      "the digest is what production now runs",
    );
  });

  it("the image's commit travels with it: the source's commit output becomes the target's multistage:imageCommit, and a source without one leaves the target none", async () => {
    const COMMIT = "c".repeat(40);
    const workspace = stages();
    workspace.stacks.get("staging")!.outputs.commit = { value: COMMIT, secret: false };
    workspace.committed.set("production", {
      ...runningOld("production"),
      "multistage:imageCommit": { value: "d".repeat(40) },
    });
    const { context: review, dir } = await promoteCli(workspace, [
      "--from",
      "staging",
      "--to",
      "production",
    ]);
    assert.equal(review.exitCode, 0, review.err.join(""));
    assert.equal(stdoutJson<PromoteResult>(review).commit, COMMIT);
    const applyJob = workspace.freshCheckout();
    const planArgs = ["--plan", path.join(dir, "plan.json"), "--report", path.join(dir, "r.md")];
    const applied = await runStagectl(testContext(applyJob), [
      "promote",
      "--from",
      "staging",
      "--to",
      "production",
      "--apply",
      ...planArgs,
    ]);
    assert.equal(applied.exitCode, 0, applied.err.join(""));
    assert.equal(
      (await applyJob.getAllConfig("production"))["multistage:imageCommit"].value,
      COMMIT,
    );
    assert.equal(
      workspace.stacks.get("production")!.outputs.commit.value,
      COMMIT,
      "production now says which commit it runs",
    );

    delete workspace.stacks.get("staging")!.outputs.commit;
    const again = await promoteCli(applyJob, ["--from", "staging", "--to", "production"]);
    assert.equal(again.context.exitCode, 0, again.context.err.join(""));
    const next = applyJob.freshCheckout();
    next.configFiles.set("production", await applyJob.getAllConfig("production"));
    const second = await runStagectl(testContext(next), [
      "promote",
      "--from",
      "staging",
      "--to",
      "production",
      "--apply",
      "--plan",
      path.join(again.dir, "plan.json"),
      "--report",
      path.join(again.dir, "r.md"),
    ]);
    assert.equal(second.exitCode, 0, second.err.join(""));
    assert.ok(
      !("multistage:imageCommit" in (await next.getAllConfig("production"))),
      "no older image's commit left behind",
    );
  });

  it("--apply refuses a reviewed plan when the source now runs another image", async () => {
    const workspace = stages();
    const { dir } = await promoteCli(workspace, ["--from", "staging", "--to", "production"]);
    workspace.stacks.get("staging")!.outputs.image = { value: OLD_DIGEST, secret: false };
    const context = await runStagectl(testContext(workspace), [
      "promote",
      "--from",
      "staging",
      "--to",
      "production",
      "--apply",
      "--plan",
      path.join(dir, "plan.json"),
      "--report",
      path.join(dir, "r.md"),
    ]);
    assert.equal(context.exitCode, 1);
    assert.match(
      context.err.join(""),
      /promotes .*eeee.*, but staging now runs .*ffff.*; review again/,
    );
    assert.deepEqual(workspace.mutations(), ["preview production save-plan"]);
  });

  it("a failed apply puts the target's previous image back in its stack file, then fails", async () => {
    const workspace = stages();
    const { dir } = await promoteCli(workspace, ["--from", "staging", "--to", "production"]);
    workspace.backend.failingUps.add("production");
    const applyJob = workspace.freshCheckout();
    const context = await runStagectl(testContext(applyJob), [
      "promote",
      "--from",
      "staging",
      "--to",
      "production",
      "--apply",
      "--plan",
      path.join(dir, "plan.json"),
      "--report",
      path.join(dir, "r.md"),
    ]);
    assert.equal(context.exitCode, 1);
    assert.match(context.err.join(""), /update of production failed/);
    assert.match(
      context.err.join(""),
      /multistage:image in Pulumi\.production\.yaml is back to .*ffff/,
    );
    assert.equal((await applyJob.getAllConfig("production"))["multistage:image"].value, OLD_DIGEST);
    assert.deepEqual(applyJob.mutations().slice(-3), [
      "setAllConfig production",
      `up production plan=${path.join(dir, "plan.json")}`,
      "setAllConfig production",
    ]);
  });

  it("a failed apply to a target that had no image removes the key again", async () => {
    const workspace = stages();
    workspace.committed.set("production", repositoryStackFile("production"));
    delete workspace.committed.get("production")!["multistage:image"];
    const { dir } = await promoteCli(workspace, ["--from", "staging", "--to", "production"]);
    workspace.backend.failingUps.add("production");
    const applyJob = workspace.freshCheckout();
    const context = await runStagectl(testContext(applyJob), [
      "promote",
      "--from",
      "staging",
      "--to",
      "production",
      "--apply",
      "--plan",
      path.join(dir, "plan.json"),
      "--report",
      path.join(dir, "r.md"),
    ]);
    assert.equal(context.exitCode, 1);
    assert.ok(
      !("multistage:image" in (await applyJob.getAllConfig("production"))),
      "no image key left behind",
    );
    assert.deepEqual(applyJob.mutations().slice(-1), ["removeConfig production multistage:image"]);
  });

  it("a review records the plan's hash, the target's state and config, and leaves no earlier record behind", async () => {
    const workspace = stages();
    const { dir } = await promoteCli(workspace, ["--from", "staging", "--to", "production"]);
    const record = JSON.parse(
      fs.readFileSync(path.join(dir, "plan.json.meta.json"), "utf8"),
    ) as Record<string, unknown>;
    assert.equal(record.kind, "multistage-promotion-review");
    assert.equal(record.from, "staging");
    assert.equal(record.to, "production");
    assert.equal(record.image, DIGEST);
    assert.match(String(record.planSha256), /^[a-f0-9]{64}$/);
    assert.deepEqual(Object.keys(record.target as object).sort(), ["checkpoint", "config"]);
    // A review whose preview fails must not leave the previous review's record in place.
    workspace.backend.busy.set("production", 1);
    const failed = await runStagectl(testContext(workspace), [
      "promote",
      "--from",
      "staging",
      "--to",
      "production",
      "--wait",
      "0",
      "--plan",
      path.join(dir, "plan.json"),
      "--report",
      path.join(dir, "report.md"),
    ]);
    assert.equal(failed.exitCode, 1);
    assert.ok(!fs.existsSync(path.join(dir, "plan.json.meta.json")), "stale record removed");
  });

  // Exit 2: the invocation is wrong; exit 1: a guard refused a well-formed request.
  const refusals: Array<[string, string[], RegExp, number, MemoryWorkspace?]> = [
    ["source and target are the same", ["--from", "staging", "--to", "staging"], /both staging/, 2],
    [
      "the target is a feature stack",
      ["--from", "development", "--to", "feature-login"],
      /feature stack/,
      2,
    ],
    [
      "the target is below the source",
      ["--from", "production", "--to", "staging"],
      /not above production/,
      2,
    ],
    [
      "a level is skipped without --skip-level",
      ["--from", "development", "--to", "production"],
      /skips staging; promote one level at a time/,
      2,
    ],
    [
      "--skip-level comes without a reason",
      ["--from", "development", "--to", "production", "--skip-level"],
      /--skip-level needs --reason/,
      2,
    ],
    [
      "the source has no deployed image",
      ["--from", "staging", "--to", "production"],
      /staging has no deployed image/,
      1,
      stages(null),
    ],
    [
      "the image is not digest-pinned",
      ["--from", "staging", "--to", "production"],
      /not pinned by digest/,
      1,
      stages("repo/app:latest"),
    ],
    [
      "the target may not run the image (development built it into its own repository; staging runs only the shared one's)",
      ["--from", "development", "--to", "staging"],
      /^Refusing to promote \S+multistage-development-app@sha256:a{64} to staging: .*multistage:image: .*expected an image of the shared repository/,
      1,
      stages(
        `123456789012.dkr.ecr.eu-west-1.amazonaws.com/multistage-development-app@sha256:${"a".repeat(64)}`,
      ),
    ],
  ];
  for (const [what, args, message, exitCode, given] of refusals) {
    it(`refuses, before anything changes, when ${what}`, async () => {
      const workspace = given ?? stages();
      const { context, dir } = await promoteCli(workspace, args);
      assert.equal(context.exitCode, exitCode, context.err.join(""));
      assert.match(context.err.join(""), message);
      assert.deepEqual(workspace.mutations(), []);
      assert.ok(!fs.existsSync(path.join(dir, "report.md")), "no report written");
    });
  }

  it("allows skipping a level with --skip-level and a reason, and puts the reason in the report", async () => {
    const workspace = stages();
    const { context, dir } = await promoteCli(workspace, [
      "--from",
      "development",
      "--to",
      "production",
      "--skip-level",
      "--reason",
      "hotfix for incident 42",
    ]);
    assert.equal(context.exitCode, 0, context.err.join(""));
    assert.deepEqual(stdoutJson<PromoteResult>(context).skippedLevels, ["staging"]);
    assert.match(
      fs.readFileSync(path.join(dir, "report.md"), "utf8"),
      /Skips a level.\*\* Reason given: hotfix for incident 42/,
    );
  });

  it("follows the path a team has: with a testing level, development -> staging skips testing", async () => {
    const configDir = scratchDir();
    for (const file of [
      "Pulumi.yaml",
      "Pulumi.development.yaml",
      "Pulumi.staging.yaml",
      "Pulumi.production.yaml",
    ]) {
      fs.copyFileSync(path.join(PROJECT_ROOT, file), path.join(configDir, file));
    }
    fs.writeFileSync(
      path.join(configDir, "Pulumi.testing.yaml"),
      "config:\n  aws:region: eu-west-1\n  multistage:stage: testing\n",
    );
    const workspace = stages().addStack("testing", {
      config: { "multistage:stage": { value: "testing" } },
    });
    const context = testContext(workspace);
    const options = {
      apply: false,
      skipLevel: false,
      reportPath: path.join(configDir, "r.md"),
      planPath: path.join(configDir, "p.json"),
      waitMs: 0,
      configDir,
    };
    await assert.rejects(
      promote(context, { ...options, from: "development", to: "staging" }),
      /skips testing/,
    );
    const result = await promote(context, { ...options, from: "development", to: "testing" });
    assert.deepEqual(result.skippedLevels, []);
  });
});

describe("the promotion path with suffixed stacks (a second region)", () => {
  // development, staging, staging-us, production, production-us: the "us" lane branches off
  // the main lane where it starts, so its path is development -> staging-us -> production-us.
  const configDir = scratchDir();
  for (const [stack, kind] of [
    ["development", "development"],
    ["staging", "staging"],
    ["staging-us", "staging"],
    ["production", "production"],
    ["production-us", "production"],
  ]) {
    fs.writeFileSync(
      path.join(configDir, `Pulumi.${stack}.yaml`),
      `config:\n  aws:region: ${stack.endsWith("-us") ? "us-east-1" : "eu-west-1"}\n  multistage:stage: ${kind}\n`,
    );
  }
  fs.copyFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), path.join(configDir, "Pulumi.yaml"));
  const route = (
    from: string,
    to: string,
    extra: Partial<{ skipLevel: boolean; reason: string }> = {},
  ) => checkPromotionRoute({ from, to, skipLevel: false, configDir, ...extra });

  it("builds one path per lane", () => {
    assert.deepEqual(
      pathTo("production", configDir)?.map((s) => s.stack),
      ["development", "staging", "production"],
    );
    assert.deepEqual(
      pathTo("production-us", configDir)?.map((s) => s.stack),
      ["development", "staging-us", "production-us"],
    );
    assert.deepEqual(
      pathTo("staging-us", configDir)?.map((s) => s.stack),
      ["development", "staging-us", "production-us"],
    );
    assert.equal(pathTo("qa", configDir), undefined);
  });

  it("allows each lane's next level: development -> staging-us, staging-us -> production-us", () => {
    assert.deepEqual(route("staging-us", "production-us"), []);
    assert.deepEqual(route("development", "staging-us"), []);
    assert.deepEqual(route("staging", "production"), []);
    assert.deepEqual(route("development", "production-us", { skipLevel: true, reason: "hotfix" }), [
      "staging-us",
    ]);
  });

  const refused: Array<[string, string, RegExp]> = [
    ["staging", "staging-us", /both staging stages; an image moves up a level, never sideways/],
    ["staging-us", "staging", /both staging stages/],
    ["production", "production-us", /both production stages/],
    [
      "staging",
      "production-us",
      /--from staging is not on production-us's promotion path \(development -> staging-us -> production-us\)/,
    ],
    [
      "staging-us",
      "production",
      /--from staging-us is not on production's promotion path \(development -> staging -> production\)/,
    ],
    ["production-us", "staging-us", /not above production-us/],
    ["development", "production-us", /skips staging-us/],
  ];
  for (const [from, to, message] of refused) {
    it(`refuses ${from} -> ${to}`, () => {
      assert.throws(
        () => route(from, to),
        (error: unknown) =>
          error instanceof UsageError && error.exitCode === 2 && message.test(error.message),
      );
    });
  }

  it("reviews staging-us -> production-us end to end", async () => {
    const workspace = new MemoryWorkspace()
      .addStack("staging-us", { outputs: { image: { value: DIGEST, secret: false } } })
      .addStack("production-us", {
        config: {
          "multistage:stage": { value: "production" },
          "aws:region": { value: "us-east-1" },
        },
      });
    const dir = scratchDir();
    const options = {
      apply: false,
      skipLevel: false,
      reportPath: path.join(dir, "r.md"),
      planPath: path.join(dir, "p.json"),
      waitMs: 0,
      configDir,
    };
    const result = await promote(testContext(workspace), {
      ...options,
      from: "staging-us",
      to: "production-us",
    });
    assert.equal(result.image, DIGEST);
    assert.deepEqual(workspace.mutations(), ["preview production-us save-plan"]);
  });
});

describe("the promotion report", () => {
  const steps = collectSteps(PROMOTION_PREVIEW_EVENTS);
  const report = {
    from: "staging",
    to: "production",
    image: DIGEST,
    previousImage: OLD_DIGEST,
    ...steps,
  };

  it("counts each resource once, a replacement as one replace", () => {
    assert.deepEqual(steps.counts, { create: 0, update: 1, replace: 1, delete: 1, same: 1 });
    assert.deepEqual(steps.warnings, ["engineVersion change forces replacement"]);
  });

  it("calls out stateful replaces and deletes at the top, before the summary and the folded diff", () => {
    const markdown = reportToMarkdown(report);
    const danger = markdown.indexOf("## Stateful resources replaced or deleted");
    const replaceLine = markdown.indexOf(
      "**WARNING: replace** `aws:rds/instance:Instance` `env-db-instance` (because of `engineVersion`)",
    );
    const deleteLine = markdown.indexOf(
      "**WARNING: delete** `aws:s3/bucket:Bucket` `env-old-bucket`",
    );
    const summary = markdown.indexOf("## Summary");
    const details = markdown.indexOf("<details>");
    assert.ok(
      danger > 0 &&
        replaceLine > danger &&
        deleteLine > danger &&
        summary > replaceLine &&
        details > summary,
      markdown,
    );
    assert.match(markdown, /\| 0 \| 1 \| 1 \| 1 \| 1 \|/);
    assert.ok(
      !markdown.slice(danger, summary).includes("taskDefinition"),
      "an in-place update is not called out",
    );
  });

  it("prices what the preview creates besides the image, and names what it deletes", async () => {
    const created: PlannedStep = {
      change: "create",
      type: "aws:ecs/service:Service",
      name: "env-app-service",
      urn: "urn:pulumi:production::multistage::aws:ecs/service:Service::env-app-service",
      diffs: [],
      stateful: false,
    };
    const cost = await promotionCost("production", DIGEST, [...steps.steps, created]);
    assert.ok(!("problem" in cost));
    const service = priceRender(await shippedRender("production"), {
      region: "eu-west-1",
    }).lines.find((l) => l.resource === "env-app-service");
    assert.equal(cost.changeUsd, service?.monthlyUsd);
    assert.deepEqual([cost.created, cost.deleted], [["env-app-service"], ["env-old-bucket"]]);
    assert.match(
      promotionCostLine("production", cost),
      /a change of \+\$72\.08 \(the preview creates `env-app-service`, priced from the render; it also deletes `env-old-bucket`/,
    );
    const elsewhere = await promotionCost("production-us", DIGEST, steps.steps);
    assert.equal(
      promotionCostLine("production-us", elsewhere),
      "- Cost: not estimated (this checkout has no Pulumi.production-us.yaml to render).",
    );
  });

  it("says so when nothing stateful is touched", () => {
    const calm = collectSteps(
      PROMOTION_PREVIEW_EVENTS.filter(
        (e) => !/rds|bucket/.test(e.resourcePreEvent?.metadata.type ?? ""),
      ),
    );
    assert.match(reportToMarkdown({ ...report, ...calm }), /None: no database, cache, bucket/);
  });
});
