#!/usr/bin/env node
/** stagectl: the command line around the multistage Pulumi program. */
import { Command } from "commander";
import { CommandContext, defaultContext } from "./commands/context";
import { dataCommand } from "./commands/data";
import { diffCommand } from "./commands/diff";
import { featureCommand } from "./commands/feature";
import { policyCommand } from "./commands/policy";
import { promoteCommand } from "./commands/promote";
import { renderCommand } from "./commands/render";
import { stageForCommand } from "./commands/stage-for";

export function buildProgram(context: CommandContext = defaultContext()): Command {
  return new Command("stagectl")
    .description("multistage: deployment stages as Pulumi stacks")
    .showHelpAfterError()
    .addCommand(renderCommand(context))
    .addCommand(stageForCommand(context))
    .addCommand(featureCommand(context))
    .addCommand(diffCommand(context))
    .addCommand(promoteCommand(context))
    .addCommand(dataCommand(context))
    .addCommand(policyCommand(context));
}

if (require.main === module) {
  buildProgram().parseAsync(process.argv).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
