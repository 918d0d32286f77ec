/**
 * Program start under the CLI: the repository itself makes every `pulumi preview`/`up` load the
 * program without type-checking it (Pulumi.yaml runtime.options.tsconfig -> tsconfig.pulumi.json
 * noCheck), so nobody has to remember PULUMI_NODEJS_TRANSPILE_ONLY. Type-checking is npm test's.
 * The time itself is a figure of bench:engine; here, what decides it.
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { EngineSuite, expectSuccess } from "./harness/engine";
import { probeEnv, readProgramStarts } from "../tools/engine-cli/program-start";

describe("program start under the CLI", () => {
  let engine: EngineSuite;

  before(async () => {
    engine = await EngineSuite.start();
  });
  after(() => engine?.dispose());

  it("pulumi preview loads the program transpile-only, by the repository's own setting", async () => {
    assert.equal(engine.env.PULUMI_NODEJS_TRANSPILE_ONLY, undefined);
    const checkout = engine.checkout();
    expectSuccess(await engine.pulumi(["stack", "init", "staging"], { cwd: checkout }));
    const log = path.join(engine.root, "program-start.jsonl");
    expectSuccess(
      await engine.pulumi(["preview", "-s", "staging"], { cwd: checkout, env: probeEnv(log) }),
    );
    const starts = readProgramStarts(log);
    assert.equal(starts.length, 1, "the probe saw no program start (or more than one)");
    assert.equal(starts[0].transpileOnly, true);
    // A type-checked load of this program takes about 750 MB; a transpile-only one about 200 MB.
    assert.ok(starts[0].maxRssMb < 450, `the program took ${starts[0].maxRssMb} MB to start`);
  });
});
