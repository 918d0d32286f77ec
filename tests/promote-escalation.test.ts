/**
 * The promotion escalation suite: every way to get `promote --apply` to deploy something
 * nobody reviewed. Each attempt runs as the apply job does (a fresh checkout sharing only the
 * backend and the review artifact) and must be denied with one line on stderr, exit 1 (2 for a
 * wrong invocation), and nothing changed: not the backend, not the checkout's stack files.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runStagectl, TestContext, testContext } from "./helpers/context";
import { MemoryWorkspace, repositoryStackFile } from "./helpers/memory-workspace";
import { PROMOTION_PREVIEW_EVENTS } from "./fixtures/preview-events";

const digest = (hex: string) =>
  `123456789012.dkr.ecr.eu-west-1.amazonaws.com/multistage-app@sha256:${hex.repeat(64)}`;
const DIGEST = digest("e");
const OLD_DIGEST = digest("f");
const OTHER_DIGEST = digest("a");

function stages(): MemoryWorkspace {
  const image = { image: { value: DIGEST, secret: false } };
  const workspace = new MemoryWorkspace()
    .addStack("development", { outputs: image })
    .addStack("staging", {
      config: { ...repositoryStackFile("staging"), "multistage:image": { value: OLD_DIGEST } },
      outputs: image,
    })
    .addStack("production", {
      config: { ...repositoryStackFile("production"), "multistage:image": { value: OLD_DIGEST } },
    });
  workspace.previewEvents = PROMOTION_PREVIEW_EVENTS;
  return workspace;
}

interface Review {
  dir: string;
  plan: string;
  meta: string;
}

/** The review job: its own checkout, writing the artifact into a fresh directory. */
async function review(
  workspace: MemoryWorkspace,
  from = "staging",
  to = "production",
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "multistage-escalation-")),
): Promise<Review> {
  const plan = path.join(dir, `${from}-${to}.plan.json`);
  const context = await runStagectl(testContext(workspace.freshCheckout()), [
    "promote",
    "--from",
    from,
    "--to",
    to,
    "--plan",
    plan,
    "--report",
    path.join(dir, `${from}-${to}.md`),
  ]);
  assert.equal(context.exitCode, 0, context.err.join(""));
  return { dir, plan, meta: `${plan}.meta.json` };
}

/** The apply job: a fresh checkout with the artifact. */
async function apply(
  workspace: MemoryWorkspace,
  plan: string,
  from = "staging",
  to = "production",
): Promise<{ context: TestContext; checkout: MemoryWorkspace }> {
  const checkout = workspace.freshCheckout();
  const context = await runStagectl(testContext(checkout), [
    "promote",
    "--from",
    from,
    "--to",
    to,
    "--apply",
    "--plan",
    plan,
    "--report",
    path.join(path.dirname(plan), "apply.md"),
    "--json",
  ]);
  return { context, checkout };
}

/** Runs the attempt and checks it was denied the house way, with nothing changed. */
async function assertDenied(
  workspace: MemoryWorkspace,
  attempt: () => Promise<{ context: TestContext; checkout: MemoryWorkspace }>,
  exitCode: number,
  message: RegExp,
): Promise<void> {
  const backendBefore = JSON.stringify([...workspace.stacks.entries()]);
  const mutationsBefore = workspace.mutations().length;
  const { context, checkout } = await attempt();
  const err = context.err.join("");
  assert.equal(context.exitCode, exitCode, err);
  assert.match(err, message);
  assert.equal(err.trimEnd().split("\n").length, 1, `more than one line on stderr:\n${err}`);
  assert.ok(!/\n\s+at /.test(err), "no stack trace");
  assert.equal(context.out.join(""), "", "nothing on stdout");
  assert.deepEqual(
    workspace.mutations().slice(mutationsBefore),
    [],
    "no engine call, no config written",
  );
  assert.equal(JSON.stringify([...workspace.stacks.entries()]), backendBefore, "backend unchanged");
  assert.equal(checkout.configFiles.size, 0, "no stack file changed in the apply job's checkout");
}

const edit = (file: string, change: (record: Record<string, unknown>) => void) => {
  const record = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
  change(record);
  fs.writeFileSync(file, JSON.stringify(record));
};

describe("promotion escalation: --apply deploys only what was reviewed", () => {
  it("denies an unreviewed apply (no plan, no record)", async () => {
    const workspace = stages();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "multistage-escalation-"));
    await assertDenied(
      workspace,
      () => apply(workspace, path.join(dir, "plan.json")),
      1,
      /No reviewed plan at .*plan\.json: --apply deploys only a reviewed plan/,
    );
  });

  it("denies a plan without its review record", async () => {
    const workspace = stages();
    const { plan, meta } = await review(workspace);
    fs.rmSync(meta);
    await assertDenied(
      workspace,
      () => apply(workspace, plan),
      1,
      /has no review record \(.*meta\.json is missing\)/,
    );
  });

  for (const [what, text] of [
    ["truncated", '{"kind": "multistage-promotion-review", "from": '],
    ["empty", ""],
    ["binary", "\u0000\u0001\u0002"],
  ] as const) {
    it(`denies a corrupt (${what}) review record without crashing`, async () => {
      const workspace = stages();
      const { plan, meta } = await review(workspace);
      fs.writeFileSync(meta, text);
      await assertDenied(
        workspace,
        () => apply(workspace, plan),
        1,
        /meta\.json is not valid JSON \(.*\); review again/,
      );
    });
  }

  for (const [what, text, where] of [
    ["an array", "[]", /\(the whole file: /],
    ["another tool's JSON", '{"name": "promotion", "ok": true}', /\(kind: /],
    ["a record missing the target's state", null, /\(target: Required\)/],
    ["a record of another format version", null, /\(version: /],
  ] as const) {
    it(`denies a foreign review record (${what})`, async () => {
      const workspace = stages();
      const { plan, meta } = await review(workspace);
      if (text !== null) fs.writeFileSync(meta, text);
      else if (what.includes("target")) edit(meta, (r) => delete r.target);
      else edit(meta, (r) => (r.version = 2));
      await assertDenied(
        workspace,
        () => apply(workspace, plan),
        1,
        new RegExp(`is not a promotion review written by stagectl ${where.source}`),
      );
    });
  }

  it("denies another stage pair's review (development -> staging applied as staging -> production)", async () => {
    const workspace = stages();
    const { plan } = await review(workspace, "development", "staging");
    await assertDenied(
      workspace,
      () => apply(workspace, plan),
      1,
      /reviews development -> staging, not staging -> production/,
    );
  });

  it("denies a record edited to name this stage pair over another pair's plan", async () => {
    const workspace = stages();
    const { plan, meta } = await review(workspace, "development", "staging");
    edit(meta, (r) => Object.assign(r, { from: "staging", to: "production" }));
    // The plan is development -> staging's; production's state and config were never reviewed.
    await assertDenied(
      workspace,
      () => apply(workspace, plan),
      1,
      /production changed since the review/,
    );
  });

  it("denies a review of another digest", async () => {
    const workspace = stages();
    const { plan, meta } = await review(workspace);
    edit(meta, (r) => (r.image = OTHER_DIGEST));
    await assertDenied(
      workspace,
      () => apply(workspace, plan),
      1,
      /promotes .*aaaa.*, but staging now runs .*eeee/,
    );
  });

  it("denies a review whose source moved on since (it now runs another digest)", async () => {
    const workspace = stages();
    const { plan } = await review(workspace);
    workspace.stacks.get("staging")!.outputs.image = { value: OTHER_DIGEST, secret: false };
    await assertDenied(
      workspace,
      () => apply(workspace, plan),
      1,
      /promotes .*eeee.*, but staging now runs .*aaaa.*; review again/,
    );
  });

  it("denies an altered plan file", async () => {
    const workspace = stages();
    const { plan } = await review(workspace);
    fs.appendFileSync(plan, " ");
    await assertDenied(
      workspace,
      () => apply(workspace, plan),
      1,
      /The plan .* is not the one reviewed \(sha256 [a-f0-9]{12}…, reviewed [a-f0-9]{12}…\)/,
    );
  });

  it("denies another review's plan put beside this review's record", async () => {
    const workspace = stages();
    const first = await review(workspace);
    const second = await review(workspace, "development", "staging");
    fs.copyFileSync(second.plan, first.plan);
    await assertDenied(workspace, () => apply(workspace, first.plan), 1, /is not the one reviewed/);
  });

  it("denies a review when the target was deployed after it", async () => {
    const workspace = stages();
    const { plan } = await review(workspace);
    workspace.backend.now = () => new Date("2026-01-02T00:00:00Z");
    await workspace.freshCheckout().up("production", {});
    await assertDenied(
      workspace,
      () => apply(workspace, plan),
      1,
      /production changed since the review \(.*now after update at 2026-01-02T00:00:00.000Z\); review again/,
    );
  });

  it("denies a review when the target's state was edited after it, with no update (import, state delete)", async () => {
    const workspace = stages();
    const { plan } = await review(workspace);
    workspace.backend.writeCheckpoint("production");
    await assertDenied(
      workspace,
      () => apply(workspace, plan),
      1,
      /production changed since the review/,
    );
  });

  it("denies applying a review twice: the first apply changed the target", async () => {
    const workspace = stages();
    const { plan } = await review(workspace);
    const first = await apply(workspace, plan);
    assert.equal(first.context.exitCode, 0, first.context.err.join(""));
    await assertDenied(
      workspace,
      () => apply(workspace, plan),
      1,
      /production changed since the review/,
    );
  });

  it("denies a review when the target's stack file in the apply job's checkout is not the one reviewed", async () => {
    const workspace = stages();
    const { plan } = await review(workspace);
    workspace.committed.set("production", {
      ...workspace.committed.get("production")!,
      "multistage:logs": { value: '{"retentionDays":1}' },
    });
    await assertDenied(
      workspace,
      () => apply(workspace, plan),
      1,
      /production's config in this checkout \(Pulumi\.production\.yaml\) is not the one reviewed/,
    );
  });

  it("denies a directory given as the plan (a wrong invocation)", async () => {
    const workspace = stages();
    const { dir } = await review(workspace);
    fs.mkdirSync(path.join(dir, "plan-dir"));
    fs.mkdirSync(path.join(dir, "plan-dir.meta.json"));
    await assertDenied(
      workspace,
      () => apply(workspace, path.join(dir, "plan-dir")),
      2,
      /plan-dir: the plan is not a file/,
    );
  });

  it("applies a review that nothing has voided (the suite is not vacuous)", async () => {
    const workspace = stages();
    const { plan } = await review(workspace);
    const { context, checkout } = await apply(workspace, plan);
    assert.equal(context.exitCode, 0, context.err.join(""));
    assert.equal((await checkout.getAllConfig("production"))["multistage:image"].value, DIGEST);
  });
});
