/** `stagectl eta` refuses bad input, naming the argument, the value and what is valid, before any engine starts. */
import { strict as assert } from "node:assert";
import { runStagectl, testContext } from "./helpers/context";
import { MemoryWorkspace } from "./helpers/memory-workspace";

describe("stagectl eta: the command refuses bad input before starting the engine", () => {
  const run = (args: string[]) => runStagectl(testContext(new MemoryWorkspace()), args);

  it("an unknown stack, naming the argument, the value and what is valid (exit 2)", async () => {
    const context = await run(["eta", "qa"]);
    assert.equal(context.exitCode, 2);
    assert.equal(context.out.join(""), "");
    assert.equal(
      context.err.join(""),
      'Unknown <stack> "qa"; valid: development, testing (its profile), staging, production, feature (a feature stack as feature up makes it)\n',
    );
  });

  it("a scale that is no number, zero or over 60 seconds per minute, and a bad --parallel", async () => {
    for (const scale of ["fast", "0", "-1", "61"]) {
      const context = await run(["eta", "development", "--scale", scale]);
      assert.equal(context.exitCode, 2, scale);
      assert.match(
        context.err.join(""),
        new RegExp(
          `option '--scale <seconds>' argument '${scale}' is invalid. got "${scale}"; expected real seconds per AWS minute, a number above 0 and at most 60`,
        ),
      );
    }
    const parallel = await run(["eta", "development", "--parallel", "0"]);
    assert.equal(parallel.exitCode, 2);
    assert.match(
      parallel.err.join(""),
      /option '--parallel <n>' argument '0' is invalid. got "0"; expected a whole number/,
    );
  });

  it("--branch with a long-lived stage, and a branch that deploys to one", async () => {
    const branchOnStage = await run(["eta", "staging", "--branch", "feature/x"]);
    assert.equal(branchOnStage.exitCode, 2);
    assert.equal(
      branchOnStage.err.join(""),
      '--branch "feature/x" is for <stack> feature only (got <stack> "staging")\n',
    );
    const main = await run(["eta", "feature", "--branch", "main"]);
    assert.equal(main.exitCode, 2);
    assert.match(main.err.join(""), /Branch "main" deploys to the long-lived stage \w+/);
  });

  it("--isolation with a long-lived stage, and an isolation that is no mode", async () => {
    const onStage = await run(["eta", "staging", "--isolation", "dedicated"]);
    assert.equal(onStage.exitCode, 2);
    assert.equal(
      onStage.err.join(""),
      '--isolation dedicated is for <stack> feature only (got <stack> "staging")\n',
    );
    const bad = await run(["eta", "feature", "--isolation", "private"]);
    assert.equal(bad.exitCode, 2);
    assert.match(
      bad.err.join(""),
      /option '--isolation <mode>' argument 'private' is invalid. got "private"; expected shared or dedicated/,
    );
  });

  it("--preview-domain with a long-lived stage, and one that is no DNS name", async () => {
    const onStage = await run(["eta", "staging", "--preview-domain", "preview.example.com"]);
    assert.equal(onStage.exitCode, 2);
    assert.equal(
      onStage.err.join(""),
      '--preview-domain preview.example.com is for <stack> feature only (got <stack> "staging")\n',
    );
    const bad = await run(["eta", "feature", "--preview-domain", "Preview_Example"]);
    assert.equal(bad.exitCode, 2);
    assert.match(
      bad.err.join(""),
      /option '--preview-domain <domain>' argument 'Preview_Example' is invalid. got "Preview_Example"; expected a lowercase DNS name like preview\.example\.com/,
    );
  });
});
