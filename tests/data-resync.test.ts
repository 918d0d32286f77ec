import { strict as assert } from "node:assert";
import { runStagectl, stdoutJson, testContext } from "./helpers/context";
import { MemoryWorkspace } from "./helpers/memory-workspace";

function workspace(): MemoryWorkspace {
  return new MemoryWorkspace()
    .addStack("development", { config: { "multistage:stage": { value: "development" } } })
    .addStack("staging", { config: { "multistage:stage": { value: "staging" } } })
    .addStack("staging-replica", {
      config: {
        "multistage:stage": { value: "staging" },
        "multistage:data": { value: JSON.stringify({ source: "production-replica", acknowledgeProductionData: true }) },
      },
    })
    .addStack("production", { config: { "multistage:stage": { value: "production" } } })
    .addStack("testing-prod", { config: { "multistage:stage": { value: "production" } } })
    .addStack("feature-x", { config: { "multistage:stage": { value: "feature" }, "multistage:data": { value: JSON.stringify({ generation: 4 }) } } });
}

describe("stagectl data resync", () => {
  it("bumps the data generation of a stage restored from production, after confirmation by name", async () => {
    const ws = workspace();
    const context = testContext(ws);
    context.answers.push("development");
    await runStagectl(context, ["data", "resync", "development", "--json"]);
    assert.equal(context.exitCode, 0, context.err.join(""));
    assert.match(context.asked[0], /replaces development's database .*\nType the stack name/s);
    assert.deepEqual(stdoutJson(context), {
      stack: "development",
      generation: { from: 0, to: 1 },
      next: ["pulumi preview -s development --diff", "pulumi up -s development"],
    });
    assert.deepEqual(JSON.parse(ws.stacks.get("development")?.config["multistage:data"].value ?? "{}"), { generation: 1 });
  });

  it("--yes skips the question and keeps the other data settings", async () => {
    const ws = workspace();
    const context = await runStagectl(testContext(ws), ["data", "resync", "feature-x", "--yes", "--json"]);
    assert.equal(context.exitCode, 0, context.err.join(""));
    assert.deepEqual(JSON.parse(ws.stacks.get("feature-x")?.config["multistage:data"].value ?? "{}"), { generation: 5 });
  });

  const refusals: Array<[string, string[], RegExp, string[]?]> = [
    ["production by name", ["production", "--yes"], /Refusing to resync production: production is the source/],
    ["a stack whose config says production", ["testing-prod", "--yes"], /its config says it is production/],
    ["a staging replica", ["staging-replica", "--yes"], /read replica of production/],
    ["a stage whose data is not from production", ["staging", "--yes"], /its data source is empty, not production-snapshot/],
    ["a wrong confirmation", ["development"], /Not confirmed \(typed "staging", expected "development"\); nothing changed/, ["staging"]],
    ["no terminal and no --yes", ["development"], /No terminal to confirm on; pass --yes/, []],
  ];
  for (const [what, args, message, answers] of refusals) {
    it(`refuses ${what}, changing nothing`, async () => {
      const ws = workspace();
      const context = testContext(ws);
      context.answers.push(...(answers ?? []));
      await runStagectl(context, ["data", "resync", ...args]);
      assert.equal(context.exitCode, 2, context.err.join(""));
      assert.match(context.err.join(""), message);
      assert.deepEqual(ws.mutations(), []);
    });
  }
});
