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
import { createOrSelectStack, setTagsUntilKept } from "../tools/engine/pulumi-workspace";

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

describe("tagging a stack another job tags at the same time", () => {
  /**
   * A DIY backend's tag file as two jobs see it: each `tag set` reads the whole map and writes
   * it back with one key added; `staleWrites` times, the other job's write of a map read
   * earlier lands right after ours and drops what we set since.
   */
  function sharedTagFile(staleWrites: number) {
    let stored: Record<string, string> = { "multistage:stage": "feature" };
    let stale = staleWrites;
    return {
      get stored() {
        return stored;
      },
      async setTag(key: string, value: string): Promise<void> {
        const before = { ...stored };
        stored = { ...stored, [key]: value };
        if (stale-- > 0) stored = before;
      },
      async listTags(): Promise<Record<string, string>> {
        return { ...stored };
      },
    };
  }
  const TAGS = { "multistage:branch": "feature/race", "multistage:pr": "9" };

  it("sets again what the other job's write dropped, until every key reads back", async () => {
    const file = sharedTagFile(3);
    await setTagsUntilKept(file, "feature-race", TAGS);
    assert.equal(file.stored["multistage:branch"], "feature/race");
    assert.equal(file.stored["multistage:pr"], "9");
    assert.equal(file.stored["multistage:stage"], "feature");
  });

  it("gives up after five rounds, naming the keys that never stayed", async () => {
    const file = sharedTagFile(Number.POSITIVE_INFINITY);
    await assert.rejects(
      setTagsUntilKept(file, "feature-race", TAGS),
      /feature-race: the tags multistage:branch, multistage:pr did not stay set after 5 attempts/,
    );
  });
});
