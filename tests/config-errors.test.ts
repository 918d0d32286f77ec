import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as fs from "node:fs";
import * as os from "node:os";
import { ProjectFileError, readStackFileConfig } from "../stage/config-files";
import { StageConfigRunError } from "../stage/pulumi-config";
import { StageConfigError } from "../stage/errors";
import { PROJECT_ROOT } from "../stage/stack-files";
import { renderStack } from "../tools/render/harness";
import {
  accessFor,
  expectRenderFailure,
  PINNED_IMAGE,
  renderWithConfig,
  tempStackFile,
} from "./helpers/renders";

const base = { "aws:region": "eu-west-1" };

const cases: Array<{
  what: string;
  stack: string;
  config: Record<string, unknown>;
  message: RegExp;
}> = [
  {
    what: "an unknown key",
    stack: "development",
    config: {
      ...base,
      "multistage:stage": "development",
      "multistage:dbInstanceClass": "db.t4g.large",
    },
    message: /multistage:dbInstanceClass: got "db\.t4g\.large"; expected no such key/,
  },
  {
    what: "a wrong type",
    stack: "development",
    config: {
      ...base,
      "multistage:stage": "development",
      "multistage:app": { desiredCount: "two" },
    },
    message: /multistage:app\.desiredCount: got "two"; expected a number/,
  },
  {
    what: "an invalid Fargate pair",
    stack: "development",
    config: {
      ...base,
      "multistage:stage": "development",
      "multistage:app": { cpu: 1024, memory: 1024 },
    },
    message:
      /multistage:app\.memory: got 1024; expected memory 1024 is not valid with cpu 1024; Fargate allows 2048/,
  },
  {
    what: "a mutable image tag in production",
    stack: "production",
    config: {
      ...base,
      "multistage:stage": "production",
      "multistage:image": "repo/app:v1.2",
      "multistage:access": accessFor("production"),
    },
    message: /multistage:image: got "repo\/app:v1\.2"; expected an image pinned by digest/,
  },
  {
    what: "a key in a misspelt namespace",
    stack: "development",
    config: { ...base, "multistage:stage": "development", "multistag:teardown": "retain" },
    message:
      /multistag:teardown: got "retain"; expected a key in one of the namespaces this program reads \(multistage, aws, pulumi, random, docker\); did you mean multistage:teardown\?/,
  },
  {
    what: "the project-wide branch mapping in a stack file",
    stack: "development",
    config: {
      ...base,
      "multistage:stage": "development",
      "multistage:branchStages": ["main=development"],
    },
    message:
      /multistage:branchStages: got \["main=development"\]; expected nothing in a stack file: the branch mapping belongs to the whole project/,
  },
  {
    what: "a stage/stack mismatch",
    stack: "staging",
    config: { ...base, "multistage:stage": "production", "multistage:image": PINNED_IMAGE },
    message: /multistage:stage: got "production"; expected stage staging/,
  },
];

describe("invalid config", () => {
  for (const c of cases) {
    it(`${c.what}: a clear error and no resource registered`, async () => {
      const failure = await expectRenderFailure(renderWithConfig(c.stack, c.config));
      assert.ok(failure.cause instanceof StageConfigError, `cause is ${String(failure.cause)}`);
      assert.match(failure.message, c.message);
      assert.equal(failure.registeredResources, 0, "resources were registered before validation");
    });
  }

  it("ends the program as a RunError, which the engine prints without a stack trace", () => {
    const error = new StageConfigRunError(
      new StageConfigError("development", [
        { key: "multistage:x", value: "1", expected: "nothing" },
      ]),
    );
    assert.ok(pulumi.RunError.isInstance(error));
    assert.equal(
      error.message,
      'Invalid configuration for stack "development": multistage:x: got 1; expected nothing',
    );
  });

  it("a valid config renders after an invalid one in the same process", async () => {
    await expectRenderFailure(renderWithConfig("development", cases[0].config));
    const render = await renderStack("development");
    assert.ok(render.resources.length > 40);
  });

  it("stagectl render exits non-zero and prints only the validation message", function () {
    this.timeout(60_000);
    const { file } = tempStackFile("production", cases[3].config);
    const result = spawnSync(
      process.execPath,
      [
        require.resolve("ts-node/dist/bin"),
        "--swc",
        path.join(PROJECT_ROOT, "tools", "stagectl.ts"),
        "render",
        "production",
        "--stack-file",
        file,
      ],
      { cwd: PROJECT_ROOT, encoding: "utf8" },
    );
    assert.equal(result.status, 1);
    assert.equal(result.stdout, "");
    const lines = result.stderr.trim().split("\n");
    assert.equal(lines.length, 1, `stderr had more than the message:\n${result.stderr}`);
    assert.match(
      lines[0],
      /^Invalid configuration for stack "production": multistage:image: got "repo\/app:v1\.2"/,
    );
  });
});

describe("stack files that cannot be read", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "multistage-yaml-"));
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  const levels = [
    "a: &a [x, x, x, x, x, x, x, x, x]",
    ...["b", "c", "d", "e", "f", "g"].map(
      (k, i) => `${k}: &${k} [${Array(9).fill(`*${"abcdefg"[i]}`).join(", ")}]`,
    ),
  ];
  const cases: Array<[string, string, RegExp]> = [
    [
      "an alias bomb",
      write("bomb.yaml", `${levels.join("\n")}\nconfig: {}\n`),
      /bomb\.yaml: uses more than 50 YAML aliases; refusing to expand it/,
    ],
    [
      "a key given twice",
      write(
        "twice.yaml",
        "config:\n  multistage:stage: development\n  multistage:stage: production\n",
      ),
      /twice\.yaml: is not valid YAML: Map keys must be unique at line 3/,
    ],
    ["a list at the top", write("list.yaml", "- config\n"), /list\.yaml: is not a YAML map/],
    [
      "config that is not a map",
      write("scalar.yaml", "config: development\n"),
      /scalar\.yaml: `config` is not a map/,
    ],
    ["a missing file", path.join(dir, "missing.yaml"), /missing\.yaml: does not exist/],
    ["a directory", dir, /: is not a file/],
  ];
  for (const [what, file, message] of cases) {
    it(`${what}: one line naming the file`, () => {
      assert.throws(
        () => readStackFileConfig(file),
        (error: unknown) => {
          assert.ok(error instanceof ProjectFileError, String(error));
          assert.match(error.message, message);
          assert.ok(!error.message.includes("\n"), `more than one line: ${error.message}`);
          return true;
        },
      );
    });
  }
});
