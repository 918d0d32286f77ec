/**
 * Scenario 7, bad input through the real CLI: an invalid stack file stops `pulumi up` with the
 * stage model's validation message and nothing else (no stack trace), before anything reaches
 * the cloud.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { EngineSuite, expectFailure, expectSuccess } from "./harness/engine";

describe("bad input through the real CLI", () => {
  let engine: EngineSuite;

  before(async () => {
    engine = await EngineSuite.start();
  });
  after(() => engine?.dispose());

  it("an invalid stack file stops pulumi up with the validation message only, and nothing is journaled", async () => {
    const checkout = engine.checkout();
    const file = path.join(checkout.dir, "Pulumi.staging.yaml");
    // A typo'd key and an impossible Fargate size: both must be named in one run.
    fs.appendFileSync(
      file,
      "  multistage:databse:\n    instanceClass: db.t4g.small\n  multistage:app:\n    cpu: 300\n",
    );
    expectSuccess(await engine.pulumi(["stack", "init", "staging"], { cwd: checkout }));

    const up = expectFailure(
      await engine.pulumi(["up", "-s", "staging", "--yes"], { cwd: checkout }),
    );
    const output = up.stdout + up.stderr;
    assert.deepEqual(engine.journal(), [], "something reached the cloud");
    assert.match(output, /multistage:databse/);
    assert.match(output, /multistage:app\.cpu/);
    // The SDK prints a pulumi.RunError's message alone; any other error is "an unhandled
    // exception", printed with its stack or its inspected fields.
    assert.doesNotMatch(
      output,
      /unhandled exception/i,
      "the config error reached the CLI as an unhandled exception, not as the validation message",
    );
    assert.doesNotMatch(output, /^\s+at .+:\d+:\d+\)?$/m, "a stack trace was printed");
    assert.match(
      output,
      /error: Invalid configuration for stack "staging" \(2 problems\):\n\s+- multistage:app\.cpu: got 300; expected one of the Fargate cpu sizes/,
    );
  });
});
