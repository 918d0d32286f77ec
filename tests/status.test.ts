import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { behindBelow } from "../tools/status/behind";
import { known, unknown } from "../tools/status/fields";
import { commitDeployments, leadTime, median } from "../tools/status/lead-time";
import type { StatusDocument } from "../tools/status/model";
import { escapeHtml, statusToHtml } from "../tools/status/render-html";
import { mdText, statusToMarkdown } from "../tools/status/render-markdown";
import { statusToText } from "../tools/status/render-text";
import { pipelineStatus } from "../tools/status/status";
import { runStagectl, testContext } from "./helpers/context";
import { COMMITS, commitId, imageOf, linearGit, pipeline, update } from "./helpers/status-fixtures";

const NOW = new Date("2026-03-01T12:00:00Z");
const ref = (n: number) => known({ id: commitId(n) });
const scratch = () => fs.mkdtempSync(path.join(os.tmpdir(), "multistage-status-"));

async function statusOf(workspace = pipeline(), reviewsDir = scratch()): Promise<StatusDocument> {
  return pipelineStatus(testContext(workspace, NOW), {
    reviewsDir,
    deployments: 10,
    git: linearGit(),
  });
}

describe("stagectl status", () => {
  describe("behind the stage below", () => {
    it("lists the commits the stage below runs and this one does not, newest first, and the oldest one's age", () => {
      const behind = behindBelow(
        { stack: "staging", commit: ref(2) },
        { stack: "development", commit: ref(5) },
        linearGit(),
        NOW,
      );
      assert.ok("value" in behind);
      assert.equal(behind.value.count, 3);
      assert.deepEqual(
        behind.value.commits.map((c) => c.id),
        [commitId(5), commitId(4), commitId(3)],
      );
      // C3 landed 2026-02-26T10:00Z: 3 days and 2 hours before NOW (2026-02 has 28 days).
      assert.equal(behind.value.oldest?.ageHours, 74);
    });

    it("is zero, with no oldest, when both run the same commit or this one is ahead", () => {
      for (const [mine, below] of [
        [3, 3],
        [4, 3],
      ]) {
        const behind = behindBelow(
          { stack: "staging", commit: ref(mine) },
          { stack: "development", commit: ref(below) },
          linearGit(),
          NOW,
        );
        assert.deepEqual(behind, known({ below: "development", count: 0, commits: [] }));
      }
    });

    it("is unknown, saying why, when either commit is unknown or not in the history", () => {
      const stage = { stack: "staging", commit: ref(2) };
      assert.deepEqual(
        behindBelow(
          stage,
          { stack: "development", commit: unknown("no commit output") },
          linearGit(),
          NOW,
        ),
        unknown("development's commit is unknown (no commit output)"),
      );
      const stranger = "a".repeat(40);
      const missing = behindBelow(
        stage,
        { stack: "development", commit: known({ id: stranger }) },
        linearGit(),
        NOW,
      );
      assert.deepEqual(
        missing,
        unknown(
          `${stranger.slice(0, 12)} is not in the fake history (a shallow clone? fetch the full history)`,
        ),
      );
    });
  });

  describe("lead time", () => {
    it("median: the middle value, or the mean of the middle two", () => {
      assert.equal(median([5, 1, 3]), 3);
      assert.equal(median([4, 1, 3, 10]), 3.5);
      assert.equal(median([]), undefined);
    });

    it("counts a deployment only when the commit changes, oldest first, and never a failed update or a refresh", () => {
      const history = [
        update("2026-02-25T10:00:00.000Z", { "multistage:imageCommit": commitId(1) }),
        update("2026-02-25T11:00:00.000Z", { "multistage:imageCommit": commitId(1) }),
        update(
          "2026-02-26T10:00:00.000Z",
          { "multistage:imageCommit": commitId(2) },
          { result: "failed" },
        ),
        update(
          "2026-02-26T11:00:00.000Z",
          { "multistage:imageCommit": commitId(2) },
          { kind: "refresh" },
        ),
        update("2026-02-27T10:00:00.000Z", { "multistage:imageCommit": commitId(3) }),
      ].reverse();
      assert.deepEqual(commitDeployments(history), [
        { commit: commitId(1), at: "2026-02-25T10:00:00.000Z" },
        { commit: commitId(3), at: "2026-02-27T10:00:00.000Z" },
      ]);
    });

    it("from commit to each stage for production's commit, and the median over the last N production deployments", () => {
      const git = linearGit();
      const history = (stack: string, entries: ReturnType<typeof update>[]) => ({
        stack,
        history: known([...entries].reverse()),
      });
      const c = (n: number) => ({ "multistage:imageCommit": commitId(n) });
      // C1 landed 02-24T10:00, C2 02-25T10:00, C3 02-26T10:00.
      const production = history("production", [
        update("2026-02-25T10:00:00.000Z", c(1)),
        update("2026-02-26T10:00:00.000Z", c(2)),
        update("2026-02-28T10:00:00.000Z", c(3)),
      ]);
      const lead = leadTime({
        production,
        productionCommit: ref(3),
        stages: [
          history("development", [update("2026-02-26T12:00:00.000Z", c(3))]),
          history("staging", [
            update("2026-02-27T10:00:00.000Z", c(3)),
            update("2026-02-27T11:00:00.000Z", c(3)),
          ]),
          production,
        ],
        commitInfo: git.commit,
        window: 2,
        where: git.where,
      });
      assert.deepEqual(
        lead.stages.map((s) => s.reached),
        [
          known({ at: "2026-02-26T12:00:00.000Z", hours: 2 }),
          known({ at: "2026-02-27T10:00:00.000Z", hours: 24 }),
          known({ at: "2026-02-28T10:00:00.000Z", hours: 48 }),
        ],
      );
      // The last two deployments: C2 after 24 h, C3 after 48 h.
      assert.ok("value" in lead.median);
      assert.equal(lead.median.value.hours, 36);
      assert.deepEqual(
        lead.median.value.samples.map((s) => s.hours),
        [24, 48],
      );
    });
  });

  describe("the whole view, from the backend and git", () => {
    it("reports each stage's digest, commit, last deployment and lag; production, which does not exist, is unknown with the reason", async () => {
      const doc = await statusOf();
      assert.deepEqual(doc.order, ["development", "staging", "production"]);
      const [development, staging, production] = doc.stages;
      assert.deepEqual(
        development.image,
        known({ digest: `sha256:${"5".repeat(64)}`, repository: "multistage-app" }),
      );
      assert.deepEqual(
        development.commit,
        known({ id: commitId(5), subject: "change 5", committedAt: COMMITS[4].committedAt }),
      );
      assert.ok("value" in development.lastDeployed);
      assert.equal(development.lastDeployed.value.at, "2026-02-28T09:00:00.000Z");
      assert.equal(
        development.lastDeployed.value.update,
        `the update started 2026-02-28T09:00:00.000Z from ${commitId(5).slice(0, 12)} in GitHub`,
      );
      assert.equal(development.behind, undefined, "the lowest stage is behind nothing");

      assert.ok("value" in staging.lastDeployed);
      assert.equal(
        staging.lastDeployed.value.at,
        "2026-02-26T12:00:00.000Z",
        "the newest successful update, not the refresh after it",
      );
      assert.ok(staging.behind && "value" in staging.behind);
      assert.equal(staging.behind.value.count, 3);
      assert.deepEqual(
        staging.review,
        known({
          state: "none",
          looked:
            staging.review && "value" in staging.review && staging.review.value.state === "none"
              ? staging.review.value.looked
              : "",
        }),
      );

      const reason =
        "production is not in the backend yet (pulumi stack init production, then pulumi up -s production)";
      assert.equal(production.deployed, false);
      for (const f of [production.image, production.commit, production.lastDeployed])
        assert.deepEqual(f, unknown(reason));
      assert.deepEqual(production.behind, unknown(`production's commit is unknown (${reason})`));
      assert.deepEqual(doc.leadTime.commit, unknown(reason));
      assert.deepEqual(doc.leadTime.median, unknown(reason));
      assert.ok(
        !JSON.stringify(doc).includes("123456789012"),
        "the registry host names the AWS account; it stays out",
      );
    });

    it("degrades per field: an unreadable stack, a stage that builds its own image, a stack list that fails", async () => {
      const workspace = pipeline();
      workspace.backend.unreadable.add("staging");
      workspace.stacks.get("development")!.outputs = {
        image: {
          value: `${"123456789012.dkr.ecr.eu-west-1.amazonaws.com"}/multistage-development-app@sha256:${"a".repeat(64)}`,
          secret: false,
        },
      };
      const doc = await statusOf(workspace);
      const [development, staging] = doc.stages;
      assert.match(
        JSON.stringify(development.commit),
        /development builds app\/ into its own repository .* multistage:imageCommit/,
      );
      assert.match(
        JSON.stringify(staging.image),
        /cannot read staging's outputs: failed to load checkpoint of staging: incorrect passphrase/,
      );

      const broken = pipeline();
      broken.listStacks = async () => {
        throw new Error("error: could not reach the backend");
      };
      const all = await statusOf(broken);
      for (const stage of all.stages)
        assert.deepEqual(
          stage.image,
          unknown("cannot list the backend's stacks: could not reach the backend"),
        );
    });

    it("a saved review of development -> staging is pending until staging changes or development moves on", async () => {
      const workspace = pipeline();
      const dir = scratch();
      const fingerprint = (await workspace.stackState("staging")).fingerprint;
      const record = (image: string, checkpoint: string) => ({
        kind: "multistage-promotion-review",
        version: 1,
        from: "development",
        to: "staging",
        image,
        reviewedAt: "2026-03-01T08:00:00.000Z",
        planSha256: "0".repeat(64),
        target: { checkpoint, config: "1".repeat(64) },
        counts: { create: 0, update: 1, replace: 1, delete: 0, same: 60 },
        statefulChanges: [],
      });
      const file = path.join(dir, "promotion.plan.json.meta.json");
      const reviewOf = async () => (await statusOf(workspace, dir)).stages[1].review;
      fs.writeFileSync(file, JSON.stringify(record(imageOf(5), fingerprint)));
      assert.deepEqual(
        await reviewOf(),
        known({
          state: "pending",
          file,
          reviewedAt: "2026-03-01T08:00:00.000Z",
          digest: `sha256:${"5".repeat(64)}`,
        }),
      );
      fs.writeFileSync(file, JSON.stringify(record(imageOf(4), fingerprint)));
      assert.match(
        JSON.stringify(await reviewOf()),
        /"state":"stale".*development now runs sha256:5555/,
      );
      fs.writeFileSync(file, JSON.stringify(record(imageOf(5), "f".repeat(64))));
      assert.match(
        JSON.stringify(await reviewOf()),
        /"state":"stale".*staging changed since the review/,
      );
      fs.writeFileSync(file, JSON.stringify(record(imageOf(2), fingerprint)));
      assert.match(JSON.stringify(await reviewOf()), /"state":"applied"/);
      fs.writeFileSync(file, "{ not json");
      assert.match(
        JSON.stringify(await reviewOf()),
        /"unknown":".*promotion.plan.json.meta.json is not readable JSON/,
      );
    });
  });

  describe("rendering", () => {
    it("Markdown: the stages as table columns, waiting commits listed, outside text escaped", async () => {
      const markdown = statusToMarkdown(await statusOf());
      const lines = markdown.split("\n");
      assert.ok(lines.includes("| | **development** | **staging** | **production** |"), markdown);
      const behind = lines.find((l) => l.startsWith("| behind |"));
      assert.match(
        behind ?? "",
        /^\| behind \| - \| 3 commits behind development, the oldest waiting 3\.1 d \| unknown: production's commit is unknown/,
      );
      assert.ok(
        lines.includes(
          `- \`${commitId(4).slice(0, 12)}\` Fix the \\<login\\> \\| page (${COMMITS[3].committedAt})`,
        ),
        markdown,
      );
      // Every table row has as many cells as the header: no value broke out of its cell.
      for (const row of lines.filter(
        (l) =>
          l.startsWith("| ") && l.includes("**development**") === false && !l.startsWith("| stack"),
      )) {
        if (/^\| (image|commit|deployed|behind|review) \|/.test(row))
          assert.equal(row.split(/(?<!\\)\|/).length, 6, row);
      }
      assert.equal(mdText("a|b<c>`d`\nx"), "a\\|b\\<c\\>\\`d\\` x");
    });

    it("HTML: one column per stage in promotion order, waiting commits under staging, escaped, self-contained", async () => {
      const html = statusToHtml(await statusOf());
      const columns = [...html.matchAll(/<article class="stage" data-stage="([^"]+)">/g)].map(
        (m) => m[1],
      );
      assert.deepEqual(columns, ["development", "staging", "production"]);
      assert.match(html, /grid-template-columns: repeat\(3, minmax\(0, 1fr\)\)/);
      const staging = html.slice(
        html.indexOf('data-stage="staging"'),
        html.indexOf('data-stage="production"'),
      );
      assert.equal((staging.match(/<li>/g) ?? []).length, 3);
      assert.ok(staging.includes("Fix the &lt;login&gt; | page"));
      assert.doesNotMatch(html, /<script|<link|src=|url\(/, "no script and no external asset");
      assert.equal(
        escapeHtml(`<a href="x">'&'</a>`),
        "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
      );
    });

    it("text: one block per stage, unknowns with their reasons", async () => {
      const text = statusToText(await statusOf());
      assert.match(
        text,
        /^staging\n {2}image {5}multistage-app@sha256:222222222222\n {2}commit {4}222222222222 change 2\n/m,
      );
      assert.match(
        text,
        /^production\n {2}image {5}unknown: production is not in the backend yet/m,
      );
    });
  });

  describe("the command", () => {
    it("refuses bad arguments naming the argument, the value and what is valid (exit 2)", async () => {
      const cases: Array<[string[], RegExp]> = [
        [
          ["--deployments", "0"],
          /--deployments <n>' argument '0' is invalid\. got "0"; expected a whole number of production deployments from 1 to 1000/,
        ],
        [["--deployments", "ten"], /got "ten"; expected a whole number/],
        [["--json", "--markdown"], /--json and --markdown both given; choose one/],
        [["--html", os.tmpdir()], /--html .* is a directory; expected the path of the HTML file/],
        [
          ["--html", path.join(os.tmpdir(), "no-such-dir-status", "s.html")],
          /the directory .*no-such-dir-status does not exist/,
        ],
        [
          ["--reviews", "/no/such/dir"],
          /--reviews \/no\/such\/dir is not a directory; expected the directory holding promotion review records/,
        ],
      ];
      for (const [args, message] of cases) {
        const context = await runStagectl(testContext(pipeline(), NOW), ["status", ...args]);
        assert.equal(context.exitCode, 2, args.join(" "));
        assert.match(context.err.join(""), message);
        assert.deepEqual(context.out, []);
      }
    });

    it("prints JSON, and with --html writes the page too", async () => {
      const html = path.join(scratch(), "status.html");
      const context = await runStagectl(testContext(pipeline(), NOW), [
        "status",
        "--json",
        "--html",
        html,
      ]);
      assert.equal(context.exitCode, 0, context.err.join(""));
      const doc = JSON.parse(context.out.join("")) as StatusDocument;
      assert.deepEqual(doc.order, ["development", "staging", "production"]);
      assert.match(fs.readFileSync(html, "utf8"), /^<!doctype html>/);
      assert.deepEqual(doc.features, known([]));
    });
  });
});
