import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import { README, readmeWithReference } from "../tools/docs/config-table";
import { stageConfigSchema } from "../stage/schema";
import { readProjectFile } from "../stage/stack-files";
import { renderStack } from "../tools/render/harness";

describe("README", () => {
  it("carries the config reference generated from the schema (run npm run docs:config if this fails)", () => {
    const readme = fs.readFileSync(README, "utf8");
    assert.equal(readme, readmeWithReference(readme));
  });

  it("documents every schema key, and Pulumi.yaml declares only keys the schema knows", () => {
    const readme = fs.readFileSync(README, "utf8");
    const keys = Object.keys(stageConfigSchema.shape);
    for (const key of keys) assert.ok(readme.includes(`\`multistage:${key}\``), key);
    const declaredKeys = Object.keys(readProjectFile().config ?? {});
    assert.ok(declaredKeys.includes("stage"), "Pulumi.yaml declares the stage key");
    for (const declared of declaredKeys) {
      // Bare keys are the project's own; namespaced ones (aws:...) belong to providers.
      if (!declared.includes(":"))
        assert.ok(keys.includes(declared), `Pulumi.yaml declares unknown key ${declared}`);
    }
  });

  it("Pulumi.yaml defaults agree with the schema's", () => {
    const schemaDefaults = stageConfigSchema.parse({ stage: "development" }) as Record<
      string,
      unknown
    >;
    for (const [key, decl] of Object.entries(readProjectFile().config ?? {})) {
      const declared = key;
      const value = (decl as { default?: unknown }).default;
      if (value !== undefined) assert.equal(String(schemaDefaults[key]), String(value), declared);
    }
  });

  it("names the two set-up commands and the render command", () => {
    const readme = fs.readFileSync(README, "utf8");
    for (const command of ["npm ci", "npm test", "npm run render -- development"])
      assert.ok(readme.includes(command), command);
  });

  it("lists every output a stage exports, development's and production's own, as the renders export them", async () => {
    const readme = fs.readFileSync(README, "utf8");
    const paragraph =
      /Each stage exports: ([^]*?);\s+development also ([^]*?);\s+production also\n?([^]*?)\.\n/.exec(
        readme,
      );
    assert.ok(paragraph, "the README's outputs paragraph");
    const names = (text: string) => [...text.matchAll(/`(\w+)`/g)].map((m) => m[1]).sort();
    const outputsOf = async (stack: string) =>
      Object.keys((await renderStack(stack)).outputs).sort();
    const staging = await outputsOf("staging");
    const development = await outputsOf("development");
    const production = await outputsOf("production");
    assert.deepEqual(names(paragraph[1]), staging);
    // featurePreview only appears with a preview domain (tests/feature-preview.test.ts).
    assert.deepEqual(
      names(paragraph[2]).filter((o) => o !== "featurePreview"),
      development.filter((o) => !staging.includes(o)),
    );
    assert.deepEqual(
      names(paragraph[3]),
      production.filter((o) => !staging.includes(o)),
    );
  });
});
