import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { validateWorkflow } from "@action-validator/core";
import { Command } from "commander";
import { parse } from "yaml";
import { PROJECT_ROOT } from "../tools/project/project-files";
import { buildProgram } from "../tools/stagectl";

const WORKFLOWS = path.join(PROJECT_ROOT, ".github", "workflows");

interface Step {
  run?: string;
}

/** Finds a stagectl (sub)command by its words, e.g. ["feature", "up"]. */
function findCommand(words: string[]): Command | undefined {
  let command: Command | undefined = buildProgram();
  for (const word of words) {
    const next: Command | undefined = command?.commands.find((c) => c.name() === word);
    if (!next) return command?.commands.length ? undefined : command;
    command = next;
  }
  return command;
}

describe("CI workflows", () => {
  const files = fs.readdirSync(WORKFLOWS).filter((f) => f.endsWith(".yml"));

  it("exist", () => {
    assert.ok(files.includes("feature-stack.yml"));
    assert.ok(files.includes("promote.yml"));
  });

  for (const file of files) {
    const text = fs.readFileSync(path.join(WORKFLOWS, file), "utf8");

    it(`${file} passes the GitHub workflow schema validator`, () => {
      const state = validateWorkflow(text);
      assert.deepEqual(state.errors, [], JSON.stringify(state.errors, null, 2));
    });

    it(`${file} calls only stagectl commands and options that exist`, () => {
      const workflow = parse(text) as { jobs: Record<string, { steps: Step[] }> };
      const runs = Object.values(workflow.jobs).flatMap((job) => job.steps.map((s) => s.run ?? ""));
      const calls = runs.flatMap((run) => [...run.matchAll(/stagectl -- ([^>|&;\n]+)/g)].map((m) => m[1].trim()));
      assert.ok(calls.length > 0, "the workflow calls stagectl");
      for (const call of calls) {
        const words = call.split(/\s+/).filter((w) => /^[a-z][a-z-]*$/.test(w));
        const commandWords = words.slice(0, 2);
        const command = findCommand(commandWords);
        assert.ok(command, `stagectl ${commandWords.join(" ")} does not exist`);
        const known = new Set(command.options.map((o) => o.long));
        for (const flag of call.match(/--[a-z-]+/g) ?? []) assert.ok(known.has(flag), `stagectl ${commandWords.join(" ")} has no option ${flag}`);
      }
      for (const script of runs.flatMap((run) => [...run.matchAll(/npm run -s ([a-z:]+)/g)].map((m) => m[1]))) {
        const scripts = (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
        assert.ok(scripts[script], `npm script ${script} does not exist`);
      }
    });
  }
});
