/**
 * Scenario: `stagectl status` against the real engine. A team's repository (a temp clone with
 * three commits of known dates) deploys development and staging through the fake cloud, each
 * with the image CI pushed for a commit and that commit (`multistage:imageCommit`); production
 * is not deployed yet. In a fresh checkout of that repository, `stagectl status --json` reads
 * the backend's outputs and update history and the checkout's git history and reports what
 * each stage runs, since which update, how far staging is behind development, that a saved
 * promotion review is pending, and "unknown" with the reason for production. Then the review is
 * applied (the commit travels with the image) and production deployed: lead time from the
 * stacks' histories.
 */
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Checkout } from "./harness/checkout";
import { EngineSuite, expectSuccess } from "./harness/engine";
import { stagectl, stagectlJson } from "./harness/stagectl";
import type { StatusDocument } from "../tools/status/model";
import { hoursBetween } from "../tools/status/fields";

const REPOSITORY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/multistage-app";
const digestOf = (n: number) =>
  `sha256:${createHash("sha256").update(`commit ${n}`).digest("hex")}`;
const imageOf = (n: number) => `${REPOSITORY}@${digestOf(n)}`;
/**
 * When each commit landed (committer date): three, two and one day before the suite started, on
 * the hour, so ages and lead times read like a real pipeline's; every expected age is computed
 * from these and the time status reports, never from the clock.
 */
const HOUR = 3_600_000;
const START = Math.floor(Date.now() / HOUR) * HOUR;
const DATES = [72, 48, 24].map((hoursAgo) => new Date(START - hoursAgo * HOUR).toISOString());
const NOT_DEPLOYED =
  "production is not in the backend yet (pulumi stack init production, then pulumi up -s production)";

const git = (dir: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
  execFileSync("git", ["-c", "user.name=Dev", "-c", "user.email=dev@multistage.invalid", ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, ...env },
  }).trim();

describe("status: the pipeline at a glance from the backend's outputs and history and the checkout's git history", () => {
  let engine: EngineSuite;
  let team: Checkout;
  /** The clone that saved the promotion review (the promote workflow's review job). */
  let reviewJob: Checkout;
  const commits: string[] = [];
  const ARTIFACT = ["promotion.md", "promotion.plan.json", "promotion.plan.json.meta.json"];

  /** A CI job of the team's repository at commit n deploys its image to a stage. */
  async function deploy(stack: string, n: number): Promise<void> {
    for (const [key, value] of [
      ["multistage:image", imageOf(n)],
      ["multistage:imageCommit", commits[n - 1]],
    ]) {
      expectSuccess(await engine.pulumi(["config", "set", key, value, "-s", stack], { cwd: team }));
    }
    expectSuccess(await engine.pulumi(["up", "-s", stack, "--yes"], { cwd: team }));
  }

  /** A fresh clone of the team's repository, as the next CI job gets it (full history). */
  function freshCheckout(): Checkout {
    const job = engine.checkout();
    git(job.dir, ["fetch", "-q", team.dir, "HEAD"]);
    git(job.dir, ["merge", "-q", "--ff-only", "FETCH_HEAD"]);
    return job;
  }

  before(async () => {
    engine = await EngineSuite.start();
    team = engine.checkout();
    for (const [i, date] of DATES.entries()) {
      git(team.dir, ["commit", "-q", "--allow-empty", "-m", `change ${i + 1}`], {
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_DATE: date,
      });
      commits.push(git(team.dir, ["rev-parse", "HEAD"]));
    }
    for (const stack of ["development", "staging"])
      expectSuccess(await engine.pulumi(["stack", "init", stack], { cwd: team }));
    await deploy("staging", 1);
    await deploy("development", 3);
  });
  after(() => engine?.dispose());

  it("reports each stage's digest, commit and last update, staging two commits behind development, and production unknown with the reason", async () => {
    const job = freshCheckout();
    const { json } = await stagectlJson<StatusDocument>(
      engine,
      ["status", "--html", "status.html"],
      job,
    );
    assert.deepEqual(json.order, ["development", "staging", "production"]);
    const [development, staging, production] = json.stages;

    assert.deepEqual(development.image, {
      value: { digest: digestOf(3), repository: "multistage-app" },
    });
    assert.deepEqual(development.commit, {
      value: { id: commits[2], subject: "change 3", committedAt: new Date(DATES[2]).toISOString() },
    });
    assert.deepEqual(staging.image, {
      value: { digest: digestOf(1), repository: "multistage-app" },
    });
    assert.deepEqual(staging.commit, {
      value: { id: commits[0], subject: "change 1", committedAt: new Date(DATES[0]).toISOString() },
    });

    // The update that deployed each: the DIY backend records no version, so its start time and
    // the commit of the checkout it ran from (the CLI's git.head) name it.
    for (const stage of [development, staging]) {
      assert.ok("value" in stage.lastDeployed, JSON.stringify(stage.lastDeployed));
      assert.equal(stage.lastDeployed.value.ranFrom, commits[2]);
      assert.equal(stage.lastDeployed.value.version, undefined);
      // (" in <CI system>" follows when the suite itself runs in CI, which the CLI detects.)
      assert.ok(
        stage.lastDeployed.value.update.startsWith(
          `the update started ${stage.lastDeployed.value.startedAt} from ${commits[2].slice(0, 12)}`,
        ),
        stage.lastDeployed.value.update,
      );
    }

    assert.ok(staging.behind && "value" in staging.behind, JSON.stringify(staging.behind));
    assert.equal(staging.behind.value.below, "development");
    assert.equal(staging.behind.value.count, 2);
    assert.deepEqual(
      staging.behind.value.commits.map((c) => c.id),
      [commits[2], commits[1]],
    );
    assert.equal(staging.behind.value.oldest?.id, commits[1]);
    assert.equal(
      staging.behind.value.oldest?.ageHours,
      hoursBetween(new Date(DATES[1]), new Date(json.generatedAt)),
    );
    assert.deepEqual(staging.review, { value: { state: "none", looked: job.dir } });

    assert.equal(production.deployed, false);
    for (const field of [production.image, production.commit, production.lastDeployed])
      assert.deepEqual(field, { unknown: NOT_DEPLOYED });
    assert.deepEqual(production.behind, {
      unknown: `production's commit is unknown (${NOT_DEPLOYED})`,
    });
    assert.deepEqual(json.leadTime.commit, { unknown: NOT_DEPLOYED });
    assert.deepEqual(json.leadTime.median, { unknown: NOT_DEPLOYED });
    assert.deepEqual(json.features, { value: [] });

    const html = fs.readFileSync(path.join(job.dir, "status.html"), "utf8");
    assert.deepEqual(
      [...html.matchAll(/data-stage="([^"]+)"/g)].map((m) => m[1]),
      ["development", "staging", "production"],
    );
    assert.ok(
      !JSON.stringify(json).includes("123456789012") && !html.includes("123456789012"),
      "the registry host names the AWS account",
    );
  });

  it("after a promotion review of development -> staging, says it is pending; the text and Markdown views say the same", async () => {
    const job = freshCheckout();
    reviewJob = job;
    expectSuccess(
      await stagectl(
        engine,
        [
          "promote",
          "--from",
          "development",
          "--to",
          "staging",
          "--report",
          "promotion.md",
          "--plan",
          "promotion.plan.json",
        ],
        job,
      ),
    );
    const { json } = await stagectlJson<StatusDocument>(engine, ["status"], job);
    const review = json.stages[1].review;
    assert.ok(
      review && "value" in review && review.value.state === "pending",
      JSON.stringify(review),
    );
    assert.equal(review.value.digest, digestOf(3));

    const text = expectSuccess(await stagectl(engine, ["status"], job)).stdout;
    assert.match(
      text,
      new RegExp(
        `^  behind    2 commits behind development, the oldest waiting [0-9.]+ d\\n              ${commits[2].slice(0, 12)} `,
        "m",
      ),
    );
    assert.match(text, /^ {2}review {4}pending: sha256:/m);
    const markdown = expectSuccess(await stagectl(engine, ["status", "--markdown"], job)).stdout;
    assert.match(
      markdown,
      /^\| \| \*\*development\*\* \| \*\*staging\*\* \| \*\*production\*\* \|$/m,
    );
    // Production has no review from staging: none was saved in this checkout.
    assert.match(
      markdown,
      new RegExp(
        `^\\| review \\| - \\| pending: sha256:[0-9a-f]{12} reviewed \\S+ \\| none \\(looked in ${job.dir}\\) \\|$`,
        "m",
      ),
    );
  });
  it("once the review is applied in another clone, staging runs development's commit (promote carries it): nothing behind, the review applied", async () => {
    const job = freshCheckout();
    for (const file of ARTIFACT)
      fs.copyFileSync(path.join(reviewJob.dir, file), path.join(job.dir, file));
    expectSuccess(
      await stagectl(
        engine,
        [
          "promote",
          "--from",
          "development",
          "--to",
          "staging",
          "--apply",
          "--report",
          "promotion.md",
          "--plan",
          "promotion.plan.json",
        ],
        job,
      ),
    );
    const { json } = await stagectlJson<StatusDocument>(engine, ["status"], job);
    const staging = json.stages[1];
    assert.deepEqual(staging.image, {
      value: { digest: digestOf(3), repository: "multistage-app" },
    });
    assert.equal("value" in staging.commit && staging.commit.value.id, commits[2]);
    assert.deepEqual(staging.behind, { value: { below: "development", count: 0, commits: [] } });
    assert.ok(
      staging.review && "value" in staging.review && staging.review.value.state === "applied",
      JSON.stringify(staging.review),
    );
  });

  it("with production deployed, lead time runs from the commit to each stage's first update with it (the history records each update's config), and the median over production's deployments", async () => {
    expectSuccess(await engine.pulumi(["stack", "init", "production"], { cwd: team }));
    await deploy("production", 3);
    const { json } = await stagectlJson<StatusDocument>(
      engine,
      ["status", "--deployments", "5"],
      freshCheckout(),
    );
    const landed = new Date(DATES[2]);
    assert.equal("value" in json.leadTime.commit && json.leadTime.commit.value.id, commits[2]);
    assert.deepEqual(
      json.leadTime.stages.map((s) => s.stack),
      ["development", "staging", "production"],
    );
    for (const [i, arrival] of json.leadTime.stages.entries()) {
      const deployed = json.stages[i].lastDeployed;
      assert.ok(
        "value" in arrival.reached && "value" in deployed,
        JSON.stringify([arrival, deployed]),
      );
      // Each stage's only (development, production) or last (staging: the promotion) update ran change 3.
      assert.deepEqual(arrival.reached.value, {
        at: deployed.value.at,
        hours: hoursBetween(landed, new Date(deployed.value.at)),
      });
    }
    assert.ok("value" in json.leadTime.median, JSON.stringify(json.leadTime.median));
    assert.deepEqual(
      json.leadTime.median.value.samples.map((s) => s.commit),
      [commits[2]],
    );
    assert.equal(json.leadTime.median.value.hours, json.leadTime.median.value.samples[0].hours);
    assert.equal(json.leadTime.median.value.window, 5);
    assert.deepEqual(json.stages[2].behind, { value: { below: "staging", count: 0, commits: [] } });
  });
});
