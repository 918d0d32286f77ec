/**
 * The promote workflow hands the review to the apply job as an artifact: both jobs must name
 * the same plan, the artifact must carry the plan's review record, and an upload without them
 * must fail the review job rather than leave the apply job nothing to check.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { PROJECT_ROOT } from "../stage/stack-files";

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, string>;
}
interface Workflow {
  jobs: Record<string, { needs?: string; steps: Step[]; environment?: string }>;
}

const workflow = parse(
  fs.readFileSync(path.join(PROJECT_ROOT, ".github", "workflows", "promote.yml"), "utf8"),
) as Workflow;
const planOf = (run: string) => /--plan (\S+)/.exec(run)?.[1];
const promoteRun = (job: string) =>
  workflow.jobs[job].steps
    .map((s) => s.run ?? "")
    .find((run) => run.includes("stagectl -- promote")) ?? "";

describe("the promote workflow", () => {
  it("reviews without --apply, then applies with --apply the same plan, after the target's approval", () => {
    const review = promoteRun("review");
    const apply = promoteRun("apply");
    assert.ok(review && !review.includes("--apply"), review);
    assert.ok(apply.includes("--apply"), apply);
    assert.equal(planOf(apply), planOf(review));
    assert.equal(workflow.jobs.apply.needs, "review");
    assert.equal(workflow.jobs.apply.environment, "${{ inputs.target }}");
  });

  it("uploads the plan with its review record, failing the review job if either is missing", () => {
    const plan = planOf(promoteRun("review"));
    const upload = workflow.jobs.review.steps.find((s) =>
      s.uses?.startsWith("actions/upload-artifact"),
    );
    const paths = (upload?.with?.path ?? "").split("\n").map((p) => p.trim());
    assert.ok(paths.includes(`${plan}`) && paths.includes(`${plan}.meta.json`), paths.join(", "));
    assert.equal(upload?.with?.["if-no-files-found"], "error");
    const download = workflow.jobs.apply.steps.find((s) =>
      s.uses?.startsWith("actions/download-artifact"),
    );
    assert.equal(download?.with?.name, upload?.with?.name);
  });
});
