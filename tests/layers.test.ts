import { strict as assert } from "node:assert";
import * as path from "node:path";
import { ESLint } from "eslint";
import { PROJECT_ROOT } from "../stage/stack-files";

const LAYER_RULES = ["no-restricted-imports", "no-restricted-syntax"];

/** What ESLint says of `code` placed at `file`: the layer rules' messages only. */
async function layerErrors(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: PROJECT_ROOT });
  const [result] = await eslint.lintText(code, { filePath: path.join(PROJECT_ROOT, file) });
  return result.messages.filter((m) => LAYER_RULES.includes(m.ruleId ?? "")).map((m) => m.message);
}

describe("the layer rules (ARCHITECTURE.md), as ESLint enforces them", function () {
  this.timeout(60_000);

  const cases: Array<[string, string, string, RegExp | undefined]> = [
    [
      "lib/ importing a component",
      "lib/aws/x.ts",
      'import { Bucket } from "../../components/bucket";',
      /lib\/ is the bottom layer/,
    ],
    [
      "lib/ importing the stage model",
      "lib/aws/x.ts",
      'import { PROJECT } from "../../stage/keys";',
      /lib\/ is the bottom layer/,
    ],
    [
      "stage/ importing a component",
      "stage/x.ts",
      'import { Bucket } from "../components/bucket";',
      /stage\/ is the stage model/,
    ],
    [
      "a component importing a tool",
      "components/x.ts",
      'import { renderStack } from "../tools/render/harness";',
      /tools call them/,
    ],
    [
      "the policy pack importing a component",
      "policy/rules/x.ts",
      'import { Bucket } from "../../components/bucket";',
      /may import only stage\/ and lib\//,
    ],
    [
      "access/ importing a tool",
      "access/x.ts",
      'import { renderStack } from "../tools/render/harness";',
      /access\/ is its own Pulumi project/,
    ],
    [
      "the app importing the stage model",
      "app/src/x.ts",
      'import { PROJECT } from "../../stage/keys";',
      /the app ships alone/,
    ],
    [
      "a component importing stage/ and lib/",
      "components/x.ts",
      'import { PROJECT } from "../stage/keys";\nimport { Namer } from "../lib/aws/naming";',
      undefined,
    ],
    [
      "the policy pack importing stage/ and lib/",
      "policy/rules/x.ts",
      'import { PROJECT } from "../../stage/keys";\nimport { Namer } from "../../lib/aws/naming";',
      undefined,
    ],
    [
      "a tool importing anything",
      "tools/x/y.ts",
      'import { Bucket } from "../../components/bucket";\nimport { accessDocuments } from "../../access/documents";',
      undefined,
    ],
  ];
  it("refuses a component's require() or import() of a tool too", async () => {
    const required = await layerErrors(
      "components/x.ts",
      'export const harness = require("../tools/render/harness");\n',
    );
    assert.ok(
      required.some((e) => /tools call them/.test(e)),
      required.join("\n") || "no layer error",
    );
    const imported = await layerErrors(
      "components/x.ts",
      'export const harness = import("../../tools/render/harness");\n',
    );
    assert.ok(
      imported.some((e) => /tools call them/.test(e)),
      imported.join("\n") || "no layer error",
    );
    assert.deepEqual(
      await layerErrors("components/x.ts", 'export const naming = require("../lib/aws/naming");\n'),
      [],
    );
  });

  for (const [what, file, code, refused] of cases) {
    it(`${refused ? "refuses" : "allows"} ${what}`, async () => {
      const errors = await layerErrors(
        file,
        `${code}\nexport const used = [${code
          .match(/\{ (\w+) \}/g)
          ?.map((m) => m.slice(2, -2))
          .join(", ")}];\n`,
      );
      if (refused)
        assert.ok(
          errors.some((e) => refused.test(e)),
          errors.join("\n") || "no layer error",
        );
      else assert.deepEqual(errors, []);
    });
  }

  it("the repository itself keeps them", async () => {
    const eslint = new ESLint({ cwd: PROJECT_ROOT });
    const results = await eslint.lintFiles([
      "lib",
      "stage",
      "components",
      "policy",
      "access",
      "app/src",
    ]);
    const errors = results.flatMap((r) =>
      r.messages
        .filter((m) => LAYER_RULES.includes(m.ruleId ?? ""))
        .map((m) => `${path.relative(PROJECT_ROOT, r.filePath)}: ${m.message}`),
    );
    assert.deepEqual(errors, []);
  });
});
