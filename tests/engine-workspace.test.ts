/**
 * How stagectl creates or selects a stack when two CI jobs of one branch run at once: both
 * select (no stack yet), both `pulumi stack init`; the one that loses gets "already exists"
 * and must select the stack the other created instead of failing (engine scenario 5 saw it
 * fail with StackAlreadyExistsError and a stack trace).
 */
import { strict as assert } from "node:assert";
import {
  CommandError,
  StackAlreadyExistsError,
  StackNotFoundError,
} from "@pulumi/pulumi/automation";
import { createOrSelectStack } from "../tools/engine/pulumi-workspace";

/** A workspace over a set of stack names, with another process's `stack init` slipped in between select and init. */
function racingWorkspace(
  options: { initByOtherJobBeforeOurInit?: boolean; exists?: boolean; initFails?: Error } = {},
) {
  const stacks = new Set<string>(options.exists ? ["feature-login"] : []);
  const calls: string[] = [];
  return {
    calls,
    stacks,
    async selectStack(name: string): Promise<void> {
      calls.push(`select ${name}`);
      // The CLI's message; the Automation API makes a StackNotFoundError of it (errors.ts notFoundRegex).
      if (!stacks.has(name)) throw new StackNotFoundError(`error: no stack named '${name}' found`);
    },
    async createStack(name: string): Promise<void> {
      calls.push(`init ${name}`);
      if (options.initFails) throw options.initFails;
      if (options.initByOtherJobBeforeOurInit) stacks.add(name);
      if (stacks.has(name))
        throw new StackAlreadyExistsError(
          `error: stack 'organization/multistage/${name}' already exists`,
        );
      stacks.add(name);
    },
  };
}

describe("creating or selecting a stack", () => {
  it("selects a stack that exists, and creates one that does not", async () => {
    const existing = racingWorkspace({ exists: true });
    await createOrSelectStack(existing, "feature-login");
    assert.deepEqual(existing.calls, ["select feature-login"]);

    const missing = racingWorkspace();
    await createOrSelectStack(missing, "feature-login");
    assert.deepEqual(missing.calls, ["select feature-login", "init feature-login"]);
    assert.ok(missing.stacks.has("feature-login"));
  });

  it("selects the stack another job created between its select and its init, instead of failing", async () => {
    const workspace = racingWorkspace({ initByOtherJobBeforeOurInit: true });
    await createOrSelectStack(workspace, "feature-login");
    assert.deepEqual(workspace.calls, [
      "select feature-login",
      "init feature-login",
      "select feature-login",
    ]);
  });

  it("passes any other failure of init through", async () => {
    const workspace = racingWorkspace({
      initFails: new CommandError("error: failed to create stack: permission denied"),
    });
    await assert.rejects(createOrSelectStack(workspace, "feature-login"), /permission denied/);
    assert.deepEqual(workspace.calls, ["select feature-login", "init feature-login"]);
  });
});
