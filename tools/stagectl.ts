#!/usr/bin/env node
/** stagectl: the command line around the multistage Pulumi program. */
import { Command } from "commander";
import { renderCommand } from "./commands/render";

export function buildProgram(): Command {
  return new Command("stagectl")
    .description("multistage: deployment stages as Pulumi stacks")
    .showHelpAfterError()
    .addCommand(renderCommand());
}

if (require.main === module) {
  buildProgram().parseAsync(process.argv).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
