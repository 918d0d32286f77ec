import { Command } from "commander";
import * as fs from "node:fs";
import { listStackFiles, stackFilePath } from "../../stage/stack-files";
import { renderToJson, renderToText } from "../render/format";
import { renderStack } from "../render/harness";
import type { CommandContext } from "./context";
import { runCommand, UsageError } from "./run-command";

/** `stagectl render <stack> [--json]`: the program's desired state, offline. */
export function renderCommand(context: CommandContext): Command {
  return new Command("render")
    .description(
      "run the program for a stack under the mock runtime and print every resource and output (no credentials, no Pulumi CLI)",
    )
    .argument("<stack>", "stack name, e.g. development, staging, production")
    .option("--json", "print a stable machine-readable document")
    .option(
      "--stack-file <path>",
      "read the stack's config from this file instead of Pulumi.<stack>.yaml (to review a proposed change)",
    )
    .action((stack: string, options: { json?: boolean; stackFile?: string }) =>
      runCommand(context, async () => {
        if (!options.stackFile && !fs.existsSync(stackFilePath(stack))) {
          throw new UsageError(
            `No stack file Pulumi.${stack}.yaml; stacks with a file: ${listStackFiles().join(", ")} (or pass --stack-file)`,
          );
        }
        const render = await renderStack(stack, { stackFile: options.stackFile });
        context.stdout(options.json ? renderToJson(render) : renderToText(render));
      }),
    );
}
