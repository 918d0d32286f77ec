import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { validateWorkflow } from "@action-validator/core";
import { Command } from "commander";
import { parse } from "yaml";
import { PROJECT_ROOT } from "../stage/stack-files";
import { buildProgram } from "../tools/stagectl";
import { deployerRoleName, reviewerRoleName } from "../lib/aws/naming";
import type { FeatureUpResult } from "../tools/feature/feature-up";
import { runStagectl, stdoutJson, testContext } from "./helpers/context";
import { withDevelopment } from "./helpers/memory-workspace";

const WORKFLOWS = path.join(PROJECT_ROOT, ".github", "workflows");

interface Step {
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}

interface Workflow {
  jobs: Record<string, { steps: Step[] }>;
}

const read = (file: string) =>
  parse(fs.readFileSync(path.join(WORKFLOWS, file), "utf8")) as Workflow;
const sdkVersion = (
  JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package-lock.json"), "utf8")) as {
    packages: Record<string, { version: string }>;
  }
).packages["node_modules/@pulumi/pulumi"].version;

/** a.b.c >= x.y.z */
function atLeast(version: string, minimum: string): boolean {
  const [a, b] = [version, minimum].map((v) => v.split(".").map(Number));
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
}

/** Finds a stagectl (sub)command by its words, e.g. ["feature", "up"]. */
function findCommand(words: string[]): Command | undefined {
  let command: Command | undefined = buildProgram();
  for (const word of words) {
    const next: Command | undefined = command?.commands.find((c) => c.name() === word);
    if (!next) return command?.commands.length ? undefined : command;
    command = next;
  }
  return command;
}

describe("the feature-stack workflow", () => {
  const workflow = read("feature-stack.yml");

  for (const job of ["up", "down"]) {
    it(`${job}: asks stagectl stage-for first and does nothing else for a branch of a long-lived stage`, () => {
      const steps = workflow.jobs[job].steps;
      const target = steps.findIndex((s) => s.id === "target");
      assert.ok(
        target > 0 && /stagectl -- stage-for --branch "\$BRANCH"/.test(steps[target].run ?? ""),
        "a stage-for step with id target",
      );
      for (const step of steps.slice(target + 1))
        assert.equal(step.if, "steps.target.outputs.stage == 'feature'", JSON.stringify(step));
    });
  }

  it("the stage-for step writes stage=feature only for a feature branch (run as the workflow runs it)", function () {
    this.timeout(60_000);
    const step = workflow.jobs.up.steps.find((s) => s.id === "target");
    for (const [branch, stage] of [
      ["develop", "development"],
      ["release/2.4", "staging"],
      ["fix/login", "feature"],
    ]) {
      const output = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "multistage-gh-")), "output");
      const result = spawnSync("bash", ["-eo", "pipefail", "-c", step?.run ?? ""], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, BRANCH: branch, GITHUB_OUTPUT: output },
        encoding: "utf8",
      });
      assert.equal(result.status, 0, result.stderr);
      assert.equal(fs.readFileSync(output, "utf8"), `stage=${stage}\n`, branch);
    }
    const output = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "multistage-gh-")), "output");
    const nameless = spawnSync("bash", ["-eo", "pipefail", "-c", step?.run ?? ""], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, BRANCH: "///", GITHUB_OUTPUT: output },
      encoding: "utf8",
    });
    assert.notEqual(nameless.status, 0, "a branch that names no stage fails the job");
    assert.ok(!fs.existsSync(output), "and writes no stage");
  });

  it("reuses an image already pushed for the commit instead of pushing the tag again", () => {
    const build = workflow.jobs.up.steps.find((s) => s.id === "image")?.run ?? "";
    assert.ok(
      build.indexOf("aws ecr describe-images") >= 0 &&
        build.indexOf("aws ecr describe-images") < build.indexOf("docker push"),
      build,
    );
  });

  it("comments the stack's URL, cost per day and expiry from what feature up printed, once per pull request", async function () {
    this.timeout(60_000);
    // The JSON the deploy step writes, made by the real command (an in-memory backend; development deployed).
    const up = await runStagectl(testContext(withDevelopment(), new Date("2026-03-01T12:00:00Z")), [
      "feature",
      "up",
      "--branch",
      "feature/login",
      "--pr",
      "42",
      "--ttl",
      "72h",
      "--json",
    ]);
    assert.equal(up.exitCode, 0, up.err.join(""));
    const result = stdoutJson<FeatureUpResult>(up);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "multistage-gh-"));
    fs.writeFileSync(path.join(dir, "feature-stack.json"), up.out.join(""));

    const step = workflow.jobs.up.steps.find((s) => s.uses?.startsWith("actions/github-script"));
    const script = String(step?.with?.script ?? "");
    const comments: Array<{ id: number; body: string }> = [];
    const calls: string[] = [];
    const github = {
      paginate: async (list: (args: unknown) => Promise<unknown>, args: unknown) => list(args),
      rest: {
        issues: {
          listComments: async () => [{ id: 1, body: "looks good" }, ...comments],
          createComment: async ({ issue_number, body }: { issue_number: number; body: string }) => {
            calls.push(`create on #${issue_number}`);
            comments.push({ id: 2, body });
          },
          updateComment: async ({ comment_id, body }: { comment_id: number; body: string }) => {
            calls.push(`update ${comment_id}`);
            comments.splice(0, comments.length, { id: comment_id, body });
          },
        },
      },
    };
    const context = {
      repo: { owner: "octo", repo: "multistage" },
      payload: { pull_request: { number: 42 } },
    };
    // github-script runs the script as an async function body, with a require whose files are relative to the job's directory.
    const scoped = (name: string) =>
      name === "fs"
        ? {
            readFileSync: (file: string, encoding: BufferEncoding) =>
              fs.readFileSync(path.join(dir, file), encoding),
          }
        : undefined;
    const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
      ...args: string[]
    ) => (...values: unknown[]) => Promise<void>;
    const post = () =>
      new AsyncFunction("require", "github", "context", script)(scoped, github, context);

    await post();
    await post();
    assert.deepEqual(calls, ["create on #42", "update 2"], "one comment, updated on the next push");
    const lines = comments[0].body.split("\n");
    assert.equal(lines[1], `**Feature stack** \`feature-login\`: ${String(result.url)}`);
    assert.ok(typeof result.costPerDayUsd === "number" && result.costPerDayUsd > 0);
    assert.match(
      lines[2],
      new RegExp(
        `^Cost: about \\$${result.costPerDayUsd.toFixed(2).replace(".", "\\.")} a day while it runs`,
      ),
    );
    assert.equal(lines[3], "Expires: 2026-03-04T12:00:00Z (pushing again extends it)");
  });

  it("the nightly reap also reaps by age", () => {
    assert.match(
      workflow.jobs.reap.steps.map((s) => s.run ?? "").join("\n"),
      /feature reap --older-than \d+d/,
    );
  });
});

describe("the promote workflow's job summary", () => {
  const workflow = read("promote.yml");

  for (const job of ["review", "apply"]) {
    it(`${job}: appends stagectl status --markdown to $GITHUB_STEP_SUMMARY, from a checkout with the whole history`, () => {
      const steps = workflow.jobs[job].steps;
      assert.ok(
        steps.some(
          (s) => s.run === 'npm run -s stagectl -- status --markdown >> "$GITHUB_STEP_SUMMARY"',
        ),
        job,
      );
      const checkout = steps.find((s) => s.uses?.startsWith("actions/checkout"));
      assert.equal(checkout?.with?.["fetch-depth"], 0, "a shallow clone has no commits to count");
    });
  }

  it("the status step's Markdown, run as the workflow runs it, is a table with a column per stage", async function () {
    this.timeout(60_000);
    const { pipeline } = await import("./helpers/status-fixtures");
    const context = await runStagectl(testContext(pipeline()), ["status", "--markdown"]);
    assert.equal(context.exitCode, 0, context.err.join(""));
    assert.ok(
      context.out
        .join("")
        .split("\n")
        .includes("| | **development** | **staging** | **production** |"),
    );
  });
});

describe("CI workflows", () => {
  const files = fs.readdirSync(WORKFLOWS).filter((f) => f.endsWith(".yml"));

  it("exist", () => {
    assert.ok(files.includes("feature-stack.yml"));
    assert.ok(files.includes("promote.yml"));
  });

  for (const file of files) {
    const text = fs.readFileSync(path.join(WORKFLOWS, file), "utf8");

    it(`${file} passes the GitHub workflow schema validator`, () => {
      const state = validateWorkflow(text);
      assert.deepEqual(state.errors, [], JSON.stringify(state.errors, null, 2));
    });

    it(`${file} pins the Pulumi CLI to the SDK's version, which keeps stack tags on DIY backends (3.211+)`, () => {
      const pulumiSteps = Object.values(read(file).jobs)
        .flatMap((job) => job.steps)
        .filter((s) => s.uses?.startsWith("pulumi/actions"));
      assert.ok(pulumiSteps.length > 0);
      for (const step of pulumiSteps) assert.equal(step.with?.["pulumi-version"], sdkVersion);
      assert.ok(atLeast(sdkVersion, "3.211.0"), sdkVersion);
    });

    it(`${file} calls only stagectl commands and options that exist`, () => {
      const workflow = parse(text) as { jobs: Record<string, { steps: Step[] }> };
      const runs = Object.values(workflow.jobs).flatMap((job) => job.steps.map((s) => s.run ?? ""));
      const calls = runs.flatMap((run) =>
        [...run.matchAll(/stagectl -- ([^>|&;\n]+)/g)].map((m) => m[1].trim()),
      );
      assert.ok(calls.length > 0, "the workflow calls stagectl");
      for (const call of calls) {
        const words = call.split(/\s+/).filter((w) => /^[a-z][a-z-]*$/.test(w));
        const commandWords = words.slice(0, 2);
        const command = findCommand(commandWords);
        assert.ok(command, `stagectl ${commandWords.join(" ")} does not exist`);
        const known = new Set(command.options.map((o) => o.long));
        for (const flag of call.match(/--[a-z-]+/g) ?? [])
          assert.ok(known.has(flag), `stagectl ${commandWords.join(" ")} has no option ${flag}`);
      }
      for (const script of runs.flatMap((run) =>
        [...run.matchAll(/npm run -s ([a-z:]+)/g)].map((m) => m[1]),
      )) {
        const scripts = (
          JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as {
            scripts: Record<string, string>;
          }
        ).scripts;
        assert.ok(scripts[script], `npm script ${script} does not exist`);
      }
    });
  }
});

describe("workflow identities", () => {
  it("every job assumes a role access/ creates, by the name the naming module gives it", () => {
    const expected: Record<string, RegExp> = {
      "feature-stack.yml": new RegExp(
        `^arn:aws:iam::\\$\\{\\{ vars\\.AWS_ACCOUNT_ID \\}\\}:role/${deployerRoleName("multistage", "feature")}$`,
      ),
      "promote.yml":
        /^arn:aws:iam::\$\{\{ vars\.AWS_ACCOUNT_ID \}\}:role\/multistage-access-\$\{\{ inputs\.target \}\}-(deployer|reviewer)$/,
    };
    for (const [file, pattern] of Object.entries(expected)) {
      const roles = Object.values(read(file).jobs)
        .flatMap((job) => job.steps)
        .filter((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials"))
        .map((s) => String(s.with?.["role-to-assume"]));
      assert.ok(roles.length > 0, file);
      for (const role of roles) assert.match(role, pattern, file);
    }
    const promote = read("promote.yml");
    const roleOf = (job: string) =>
      String(
        promote.jobs[job].steps.find((s) =>
          s.uses?.startsWith("aws-actions/configure-aws-credentials"),
        )?.with?.["role-to-assume"],
      );
    assert.match(
      roleOf("review"),
      /-reviewer$/,
      "the review job previews as the target's reviewer",
    );
    assert.match(roleOf("apply"), /-deployer$/, "only the approved apply job deploys");
    assert.equal(deployerRoleName("multistage", "staging"), "multistage-access-staging-deployer");
    assert.equal(reviewerRoleName("multistage", "staging"), "multistage-access-staging-reviewer");
  });
});

describe("the pull-request workflow", () => {
  const workflow = read("pull-request.yml");
  const runs = (job: string) => workflow.jobs[job].steps.map((s) => s.run ?? "").join("\n");

  it("runs exactly what CI runs on main: .ci/run", () => {
    assert.match(runs("check"), /^\.ci\/run$/m);
    assert.equal(
      (workflow as unknown as { on: { pull_request: unknown } }).on.pull_request !== undefined,
      true,
    );
  });

  it("refuses stale renders and shows every committed stage's render diff and the cost of every level", () => {
    const script = runs("stages");
    assert.match(script, /npm run -s snapshots\n\s*git diff --exit-code -- snapshots\//);
    assert.match(script, /for file in snapshots\/\*\.json/);
    assert.match(script, /stagectl -- cost --all/);
    assert.ok(
      fs.readdirSync(path.join(PROJECT_ROOT, "snapshots")).some((f) => f.endsWith(".json")),
    );
  });
});
