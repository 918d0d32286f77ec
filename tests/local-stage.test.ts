import { strict as assert } from "node:assert";
import { StageConfigError } from "../stage/errors";
import { LOCAL_STAGE_KIND, LONG_LIVED_KINDS, STAGE_KINDS, STAGE_PROFILES } from "../stage/profile";
import { resolveStage } from "../stage/resolve";
import { BRANCH_RULE } from "../stage/schema";
import { expectRenderFailure, renderWithConfig } from "./helpers/renders";

function refusal(run: () => unknown): StageConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof StageConfigError) return error;
    throw error;
  }
  throw new Error("expected the stage model to refuse the config");
}

const LOCAL_MESSAGE =
  /multistage:stage: got "local"; expected one of development, testing, staging, production, feature; "local" is the stage `npm run dev` runs on your own machine, never a stack to deploy/;

describe("the local stage is never deployable", () => {
  it("the stage model refuses `stage: local`, naming the key, the value and what is valid", () => {
    const error = refusal(() => resolveStage("local", { stage: "local" }, "eu-west-1"));
    assert.match(error.message, LOCAL_MESSAGE);
    assert.deepEqual(
      error.problems.map((p) => p.key),
      ["multistage:stage"],
      "one problem for the key, not the local one plus a bare enum one",
    );
  });

  it("refuses it in a stack file, before any resource is registered, whatever the stack is called", async () => {
    for (const stack of ["local", "development"]) {
      const failure = await expectRenderFailure(
        renderWithConfig(stack, { "aws:region": "eu-west-1", "multistage:stage": "local" }),
      );
      assert.ok(
        failure.cause instanceof StageConfigError,
        `${stack}: cause is ${String(failure.cause)}`,
      );
      assert.match(failure.message, LOCAL_MESSAGE, stack);
      assert.equal(failure.registeredResources, 0, `${stack}: resources were registered`);
    }
  });

  it("other problems are still reported next to it", () => {
    const error = refusal(() => resolveStage("local", { stage: "local", databse: {} }, undefined));
    assert.deepEqual(error.problems.map((p) => p.key).sort(), [
      "aws:region",
      "multistage:databse",
      "multistage:stage",
    ]);
  });

  it("a stack named local cannot declare a deployable kind either", () => {
    const error = refusal(() => resolveStage("local", { stage: "development" }, "eu-west-1"));
    assert.match(
      error.message,
      /multistage:stage: got "development"; expected a stack named "development"/,
    );
  });

  it("is in no deployable kind list, no profile and no branch rule", () => {
    assert.ok(!(STAGE_KINDS as readonly string[]).includes(LOCAL_STAGE_KIND));
    assert.ok(!(LONG_LIVED_KINDS as readonly string[]).includes(LOCAL_STAGE_KIND));
    assert.ok(!Object.keys(STAGE_PROFILES).includes(LOCAL_STAGE_KIND));
    assert.ok(!BRANCH_RULE.test("local/*=local"));
  });
});
