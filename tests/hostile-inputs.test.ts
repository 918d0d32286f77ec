/**
 * Every stagectl command against inputs a careless or hostile caller gives it: each must end
 * with one clear line on stderr (no stack trace), exit 2 when the invocation is wrong and 1
 * when a guard refuses, and leave the backend, the checkout and the working directory as they
 * were.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runStagectl, testContext } from "./helpers/context";
import { MemoryWorkspace } from "./helpers/memory-workspace";

const NOW = new Date("2026-03-01T12:00:00Z");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "multistage-hostile-"));
const file = (name: string, text: string) => {
  const target = path.join(scratch, name);
  fs.writeFileSync(target, text);
  return target;
};
const bomb = file(
  "bomb.yaml",
  `${["a: &a [x, x, x, x, x, x, x, x, x]", ...["b", "c", "d", "e", "f", "g"].map((k, i) => `${k}: &${k} [${Array(9).fill(`*${"abcdefg"[i]}`).join(", ")}]`)].join("\n")}\nconfig: {}\n`,
);
const twice = file("twice.yaml", "config:\n  aws:region: eu-west-1\n  aws:region: us-east-1\n");
const invalid = file(
  "invalid.yaml",
  "config:\n  aws:region: eu-west-1\n  multistage:stage: development\n  multistag:teardown: retain\n",
);

function backend(): MemoryWorkspace {
  return new MemoryWorkspace()
    .addStack("development", {
      outputs: {
        vpcId: { value: "vpc-1", secret: false },
        publicSubnetIds: { value: ["a"], secret: false },
        privateSubnetIds: { value: ["b"], secret: false },
        image: { value: "repo/app:latest", secret: false },
      },
    })
    .addStack("staging")
    .addStack("production")
    .addStack("feature-x", { tags: { "multistage:stage": "production" } });
}

const USAGE = 2;
const REFUSAL = 1;

const cases: Array<[string, string[], number, RegExp]> = [
  ["an unknown command", ["deploy"], USAGE, /unknown command 'deploy'/],
  ["an unknown option", ["render", "development", "--yolo"], USAGE, /unknown option '--yolo'/],
  ["render: a stack without a file", ["render", "qa"], USAGE, /No stack file Pulumi\.qa\.yaml/],
  [
    "render: a missing --stack-file",
    ["render", "development", "--stack-file", path.join(scratch, "nope.yaml")],
    USAGE,
    /nope\.yaml: does not exist/,
  ],
  [
    "render: a directory as --stack-file",
    ["render", "development", "--stack-file", scratch],
    USAGE,
    /: is not a file/,
  ],
  [
    "render: a YAML alias bomb",
    ["render", "development", "--stack-file", bomb],
    USAGE,
    /uses more than 50 YAML aliases/,
  ],
  [
    "render: a key given twice",
    ["render", "development", "--stack-file", twice],
    USAGE,
    /Map keys must be unique/,
  ],
  [
    "render: a namespace typo",
    ["render", "development", "--stack-file", invalid],
    REFUSAL,
    /multistag:teardown: got "retain"; expected .*did you mean multistage:teardown\?/,
  ],
  ["diff: an unknown stack", ["diff", "staging", "qa"], USAGE, /No stack file Pulumi\.qa\.yaml/],
  ["policy: an unknown stack", ["policy", "qa"], USAGE, /No stack file Pulumi\.qa\.yaml/],
  [
    "stage-for: no --branch",
    ["stage-for"],
    USAGE,
    /required option '--branch <name>' not specified/,
  ],
  [
    "stage-for: a branch with no letters",
    ["stage-for", "--branch", "///"],
    USAGE,
    /has no letters or digits/,
  ],
  [
    "feature name: a long-lived branch",
    ["feature", "name", "--branch", "main"],
    USAGE,
    /deploys to the long-lived stage production/,
  ],
  [
    "feature up: --ttl 300000y",
    ["feature", "up", "--branch", "feature/x", "--ttl", "300000y"],
    USAGE,
    /--ttl: got "300000y"; expected at most 30d/,
  ],
  [
    "feature up: --ttl soon",
    ["feature", "up", "--branch", "feature/x", "--ttl", "soon"],
    USAGE,
    /--ttl: got "soon"; expected a duration/,
  ],
  [
    "feature up: --wait 5y",
    ["feature", "up", "--branch", "feature/y", "--wait", "5y"],
    USAGE,
    /--wait: got "5y"; expected at most 2h/,
  ],
  [
    "feature up: --pr x1",
    ["feature", "up", "--branch", "feature/y", "--pr", "x1"],
    USAGE,
    /argument 'x1' is invalid\. got "x1"; expected a pull request number/,
  ],
  [
    "feature up: an uppercase image",
    ["feature", "up", "--branch", "feature/y", "--image", "Repo/App:1"],
    USAGE,
    /multistage:image: got "Repo\/App:1"/,
  ],
  [
    "feature up: another stage's stack",
    ["feature", "up", "--branch", "feature/x"],
    REFUSAL,
    /Refusing to update feature-x: its multistage:stage tag is "production"/,
  ],
  [
    "feature down: a long-lived branch",
    ["feature", "down", "--branch", "develop"],
    USAGE,
    /deploys to the long-lived stage development/,
  ],
  [
    "feature down: another stage's stack",
    ["feature", "down", "--branch", "feature/x"],
    REFUSAL,
    /Refusing to destroy feature-x/,
  ],
  [
    "feature reap: --older-than forever",
    ["feature", "reap", "--older-than", "forever"],
    USAGE,
    /--older-than: got "forever"/,
  ],
  ["feature reap: --wait -1", ["feature", "reap", "--wait", "-1"], USAGE, /--wait: got "-1"/],
  [
    "promote: no --to",
    ["promote", "--from", "development"],
    USAGE,
    /required option '--to <stack>' not specified/,
  ],
  [
    "promote: a feature stack as target",
    ["promote", "--from", "development", "--to", "feature-x"],
    USAGE,
    /feature stacks build their own image/,
  ],
  [
    "promote: an undigested source image",
    ["promote", "--from", "development", "--to", "staging"],
    REFUSAL,
    /development runs repo\/app:latest, which is not pinned by digest/,
  ],
  [
    "data resync: production",
    ["data", "resync", "production", "--yes"],
    REFUSAL,
    /Refusing to resync production/,
  ],
  ["data resync: no stack", ["data", "resync"], USAGE, /missing required argument 'stack'/],
  [
    "data resync: an unknown stack",
    ["data", "resync", "qa", "--yes"],
    USAGE,
    /Stack qa does not exist/,
  ],
];

describe("stagectl against hostile input", () => {
  for (const [what, args, exitCode, message] of cases) {
    it(`${what}: exit ${exitCode}, one clear line, nothing changed`, async () => {
      const workspace = backend();
      const before = JSON.stringify([...workspace.stacks.entries()]);
      const cwdBefore = fs.readdirSync(process.cwd()).sort();
      const context = await runStagectl(testContext(workspace, NOW), args);
      const err = context.err.join("");
      assert.equal(context.exitCode, exitCode, err);
      assert.match(err, message);
      assert.equal(err.trimEnd().split("\n").length, 1, `more than one line on stderr:\n${err}`);
      assert.ok(!/\n\s+at /.test(err), "no stack trace");
      assert.equal(context.out.join(""), "", "nothing on stdout");
      assert.deepEqual(workspace.mutations(), []);
      assert.equal(JSON.stringify([...workspace.stacks.entries()]), before);
      assert.equal(workspace.configFiles.size, 0, "no config file written");
      assert.deepEqual(
        fs.readdirSync(process.cwd()).sort(),
        cwdBefore,
        "no file left in the working directory",
      );
    });
  }
});
