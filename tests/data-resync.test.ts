import { strict as assert } from "node:assert";
import { runStagectl, stdoutJson, testContext } from "./helpers/context";
import { MemoryWorkspace, repositoryStackFile } from "./helpers/memory-workspace";

const featureTags = {
  "multistage:stage": "feature",
  "multistage:branch": "feature/x",
  "multistage:created-at": "2026-02-28T00:00:00Z",
  "multistage:expires-at": "2026-03-03T00:00:00Z",
  "multistage:data-generation": "4",
};

function workspace(): MemoryWorkspace {
  return new MemoryWorkspace()
    .addStack("development")
    .addStack("staging")
    .addStack("staging-replica", {
      config: {
        ...repositoryStackFile("staging"),
        "multistage:data": {
          value: JSON.stringify({ source: "production-replica", acknowledgeProductionData: true }),
        },
      },
    })
    .addStack("production")
    .addStack("production-eu", { config: repositoryStackFile("production") })
    .addStack("feature-x", {
      tags: featureTags,
      outputs: { stageKind: { value: "feature", secret: false } },
    })
    .addStack("feature-impostor", { tags: { ...featureTags, "multistage:stage": "production" } });
}

describe("stagectl data resync", () => {
  it("bumps the data generation in a long-lived stage's stack file, after confirmation by name, and says to commit it", async () => {
    const ws = workspace();
    const context = testContext(ws);
    context.answers.push("development");
    await runStagectl(context, ["data", "resync", "development", "--json"]);
    assert.equal(context.exitCode, 0, context.err.join(""));
    assert.match(context.asked[0], /replaces development's database .*\nType the stack name/s);
    assert.deepEqual(stdoutJson(context), {
      stack: "development",
      generation: { from: 0, to: 1 },
      next: [
        "git commit Pulumi.development.yaml",
        "pulumi preview -s development --diff",
        "pulumi up -s development",
      ],
    });
    assert.deepEqual(JSON.parse((await ws.getAllConfig("development"))["multistage:data"].value), {
      generation: 1,
    });
    assert.equal(
      (await ws.freshCheckout().getAllConfig("development"))["multistage:data"],
      undefined,
      "uncommitted, the next checkout has the old file",
    );
  });

  it("bumps a feature stack's generation in its tag, which every checkout reads, keeping its other tags", async () => {
    const ws = workspace();
    const context = await runStagectl(testContext(ws.freshCheckout()), [
      "data",
      "resync",
      "feature-x",
      "--yes",
      "--json",
    ]);
    assert.equal(context.exitCode, 0, context.err.join(""));
    assert.deepEqual(stdoutJson<{ generation: unknown }>(context).generation, { from: 4, to: 5 });
    assert.deepEqual(ws.stacks.get("feature-x")?.tags, {
      ...featureTags,
      "multistage:data-generation": "5",
    });
  });

  const refusals: Array<[string, string[], RegExp, number, string[]?]> = [
    [
      "production by name",
      ["production", "--yes"],
      /Refusing to resync production: production is the source/,
      1,
    ],
    [
      "a second production stack (production-eu)",
      ["production-eu", "--yes"],
      /its config says it is production/,
      1,
    ],
    ["a staging replica", ["staging-replica", "--yes"], /read replica of production/, 1],
    [
      "a stage whose data is not from production",
      ["staging", "--yes"],
      /its data source is empty, not sanitized-snapshot/,
      1,
    ],
    [
      "a feature-named stack that is not a feature stack",
      ["feature-impostor", "--yes"],
      /Refusing to resync feature-impostor: its multistage:stage tag is "production"/,
      1,
    ],
    ["a stack that does not exist", ["testing", "--yes"], /Stack testing does not exist/, 2],
    [
      "a wrong confirmation",
      ["development"],
      /Not confirmed \(typed "staging", expected "development"\); nothing changed/,
      1,
      ["staging"],
    ],
    ["no terminal and no --yes", ["development"], /No terminal to confirm on; pass --yes/, 2, []],
  ];
  for (const [what, args, message, exitCode, answers] of refusals) {
    it(`refuses ${what}, changing nothing`, async () => {
      const ws = workspace();
      const context = testContext(ws);
      context.answers.push(...(answers ?? []));
      await runStagectl(context, ["data", "resync", ...args]);
      assert.equal(context.exitCode, exitCode, context.err.join(""));
      assert.match(context.err.join(""), message);
      assert.deepEqual(ws.mutations(), []);
    });
  }
});
