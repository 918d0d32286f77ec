/**
 * Scenario 3, promotion as the promote workflow runs it: the review job (one fresh clone)
 * previews development's exact digest on staging and saves the plan and its review record; the
 * apply job (another fresh clone, with the review's files as the workflow's artifact) deploys
 * exactly that plan. Staging runs only digests of the shared repository, so development runs
 * the image CI pushed there (`multistage:image`, set as the develop job sets it); the image it
 * builds into its own repository when it has none cannot be promoted, and is refused before
 * any preview.
 */
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Checkout } from "./harness/checkout";
import { EngineSuite, expectFailure, expectSuccess } from "./harness/engine";
import { stagectl, stagectlJson } from "./harness/stagectl";
import type { JournalEntry } from "../tools/fake-cloud/journal";
import type { PromoteResult } from "../tools/promote/promote";
import type { ReviewRecord } from "../tools/promote/review-record";

const REPOSITORY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/multistage-app";
/** Two builds CI pushed to the shared repository, by digest. */
const D1 = `${REPOSITORY}@sha256:${createHash("sha256").update("commit 1").digest("hex")}`;
const D2 = `${REPOSITORY}@sha256:${createHash("sha256").update("commit 2").digest("hex")}`;
/** The workflow's file names (.github/workflows/promote.yml), uploaded by the review job and downloaded by the apply job. */
const ARTIFACT = ["promotion.md", "promotion.plan.json", "promotion.plan.json.meta.json"];
const REVIEW = [
  "promote",
  "--from",
  "development",
  "--to",
  "staging",
  "--report",
  "promotion.md",
  "--plan",
  "promotion.plan.json",
];
const APPLY = [...REVIEW, "--apply"];

describe("promotion: review development -> staging in one clone, apply the saved plan in another", () => {
  let engine: EngineSuite;
  let committedStagingImage: string;

  const since = (count: number): JournalEntry[] => engine.journal().slice(count);
  const exported = async (stack: string, cwd: Checkout) =>
    expectSuccess(await engine.pulumi(["stack", "export", "-s", stack], { cwd })).stdout;
  const outputOf = async (stack: string, key: string, cwd: Checkout) =>
    JSON.parse(
      expectSuccess(await engine.pulumi(["stack", "output", key, "-s", stack, "--json"], { cwd }))
        .stdout,
    ) as unknown;

  /** Development redeployed from a fresh clone running the given digest, as the develop branch's CI job does. */
  async function developmentRuns(image: string): Promise<void> {
    const job = engine.checkout();
    expectSuccess(
      await engine.pulumi(["config", "set", "multistage:image", image, "-s", "development"], {
        cwd: job,
      }),
    );
    expectSuccess(await engine.pulumi(["up", "-s", "development", "--yes"], { cwd: job }));
    assert.equal(await outputOf("development", "image", job), image);
  }

  /** The review job: a fresh clone; returns it with the artifact it leaves. */
  async function review(): Promise<{ job: Checkout; result: PromoteResult }> {
    const job = engine.checkout();
    const { json } = await stagectlJson<PromoteResult>(engine, REVIEW, job);
    for (const file of ARTIFACT)
      assert.ok(fs.existsSync(path.join(job.dir, file)), `the review left no ${file}`);
    return { job, result: json };
  }

  /** The apply job: a fresh clone with the review's artifact downloaded into it. */
  function applyJob(reviewJob: Checkout): Checkout {
    const job = engine.checkout();
    for (const file of ARTIFACT)
      fs.copyFileSync(path.join(reviewJob.dir, file), path.join(job.dir, file));
    return job;
  }

  before(async () => {
    engine = await EngineSuite.start();
    const ops = engine.checkout();
    for (const stack of ["development", "staging"]) {
      expectSuccess(await engine.pulumi(["stack", "init", stack], { cwd: ops }));
      expectSuccess(await engine.pulumi(["up", "-s", stack, "--yes"], { cwd: ops }));
    }
    committedStagingImage = String(await outputOf("staging", "image", ops));
  });
  after(() => engine?.dispose());

  it("refuses, before any preview, to promote the image development built into its own repository", async () => {
    const built = String(await outputOf("development", "image", engine.checkout()));
    assert.match(built, /\/multistage-development-app@sha256:/);
    const job = engine.checkout();
    const before = engine.journal().length;
    const refused = expectFailure(await stagectl(engine, REVIEW, job));
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /^Refusing to promote \S+\/multistage-development-app@sha256:[0-9a-f]{64} to staging: Invalid configuration for stack "staging": multistage:image: .*expected an image of the shared repository/,
    );
    assert.equal(
      refused.stderr.trim().split("\n").length,
      1,
      `more than one line:\n${refused.stderr}`,
    );
    assert.doesNotMatch(refused.stderr, /Previewing/, "the preview ran");
    for (const file of ARTIFACT)
      assert.ok(!fs.existsSync(path.join(job.dir, file)), `${file} was written`);
    assert.deepEqual(since(before), []);
  });

  it("a source whose digest changed after the review is refused by the apply job, and nothing changes", async () => {
    await developmentRuns(D1);
    const stagingBefore = await exported("staging", engine.checkout());
    const { job: reviewed, result } = await review();
    assert.equal(result.image, D1);
    assert.equal(result.previousImage, committedStagingImage);
    assert.equal(
      await exported("staging", engine.checkout()),
      stagingBefore,
      "the review changed staging's state",
    );

    // A newer build reaches development between the review and the approval.
    await developmentRuns(D2);
    const job = applyJob(reviewed);
    const before = engine.journal().length;
    const refused = expectFailure(await stagectl(engine, APPLY, job));
    assert.equal(refused.code, 1);
    assert.equal(
      refused.stderr.trim(),
      `The review in ${path.join(job.dir, "promotion.plan.json.meta.json")} promotes ${D1}, but development now runs ${D2}; review again (promote --from development --to staging without --apply)`,
    );
    assert.deepEqual(since(before), []);
    assert.equal(await exported("staging", job), stagingBefore);
    assert.deepEqual(
      job.changes().filter((file) => !ARTIFACT.includes(file)),
      [],
      "the refused apply changed the checkout",
    );
  });

  it("a fresh review, applied in another clone, reaches the cloud as exactly the reviewed updates: the task definition's next revision and the service", async () => {
    const { job: reviewed, result } = await review();
    assert.equal(result.image, D2);
    assert.deepEqual(result.statefulChanges, []);
    const record = JSON.parse(
      fs.readFileSync(path.join(reviewed.dir, "promotion.plan.json.meta.json"), "utf8"),
    ) as ReviewRecord;
    assert.equal(record.image, D2);
    assert.match(
      fs.readFileSync(path.join(reviewed.dir, "promotion.md"), "utf8"),
      new RegExp(D2.replace(/[.]/g, "\\.")),
    );

    const job = applyJob(reviewed);
    const before = engine.journal().length;
    const { json: applied } = await stagectlJson<PromoteResult>(engine, APPLY, job);
    assert.equal(applied.applied, true);
    assert.equal(applied.image, D2);

    const entries = since(before);
    assert.deepEqual(
      entries.filter((e) => e.error),
      [],
    );
    assert.deepEqual(
      entries.map(
        (e) =>
          `${e.stack} ${e.op} ${e.type} ${e.urn.split("::").pop()}${e.changed ? ` [${e.changed.join(",")}]` : ""}`,
      ),
      [
        "staging replace aws:ecs/taskDefinition:TaskDefinition env-app-task",
        "staging update aws:ecs/service:Service env-app-service [taskDefinition]",
        // No delete: the old revision is kept (skipDestroy, lib/aws/task-revisions.ts).
      ],
    );
    const [revision] = entries;
    const containers = JSON.parse(String(revision.inputs.containerDefinitions)) as Array<{
      name: string;
      image?: string;
    }>;
    assert.ok(
      containers.some((c) => c.image === D2),
      `the new revision runs ${containers.map((c) => c.image).join(", ")}`,
    );
    // The review said so beforehand: one replace, one update.
    assert.deepEqual(
      {
        replace: record.counts.replace,
        update: record.counts.update,
        create: record.counts.create,
        delete: record.counts.delete,
      },
      { replace: 1, update: 1, create: 0, delete: 0 },
    );

    assert.equal(await outputOf("staging", "image", job), D2);
    // The workflow's next step commits the digest now running into the stack file.
    assert.deepEqual(
      job.changes().filter((file) => !ARTIFACT.includes(file)),
      ["Pulumi.staging.yaml"],
    );
    assert.match(
      fs.readFileSync(path.join(job.dir, "Pulumi.staging.yaml"), "utf8"),
      new RegExp(`multistage:image: ${D2.replace(/[.]/g, "\\.")}`),
    );
  });
});
