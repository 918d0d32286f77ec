import { Command } from "commander";
import * as fs from "node:fs";
import { stackFilePath } from "../../stage/stack-files";
import { diffStacks, stackDiffToText } from "../review/stack-diff";
import type { CommandContext } from "./context";
import { runCommand, UsageError } from "./run-command";

/** `stagectl diff <stackA> <stackB>`: desired-state differences, offline, profile vs the rest. */
export function diffCommand(context: CommandContext): Command {
  return new Command("diff")
    .description(
      "render two stacks offline and show how their desired state differs, separating what the stage profile explains",
    )
    .argument("<stackA>", "e.g. staging")
    .argument("<stackB>", "e.g. production")
    .option("--json", "machine-readable output")
    .action((a: string, b: string, options: { json?: boolean }) =>
      runCommand(context, async () => {
        for (const stack of [a, b])
          if (!fs.existsSync(stackFilePath(stack)))
            throw new UsageError(`No stack file Pulumi.${stack}.yaml`);
        const diff = await diffStacks({ a, b });
        context.stdout(options.json ? `${JSON.stringify(diff, null, 2)}\n` : stackDiffToText(diff));
      }),
    );
}
