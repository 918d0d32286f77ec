#!/usr/bin/env node
/** stagectl: the command line around the multistage Pulumi program. */
import { Command, CommanderError } from "commander";
import { CommandContext, defaultContext } from "./commands/context";
import { costCommand } from "./commands/cost";
import { dataCommand } from "./commands/data";
import { diffCommand } from "./commands/diff";
import { etaCommand } from "./commands/eta";
import { featureCommand } from "./commands/feature";
import { policyCommand } from "./commands/policy";
import { promoteCommand } from "./commands/promote";
import { renderCommand } from "./commands/render";
import { stageForCommand } from "./commands/stage-for";
import { statusCommand } from "./commands/status";

export function buildProgram(context: CommandContext = defaultContext()): Command {
  return new Command("stagectl")
    .description("multistage: deployment stages as Pulumi stacks")
    .addCommand(renderCommand(context))
    .addCommand(stageForCommand(context))
    .addCommand(featureCommand(context))
    .addCommand(diffCommand(context))
    .addCommand(promoteCommand(context))
    .addCommand(dataCommand(context))
    .addCommand(policyCommand(context))
    .addCommand(costCommand(context))
    .addCommand(etaCommand(context))
    .addCommand(statusCommand(context));
}

/** Commander's own outcomes that are not errors. */
const NOT_AN_ERROR = new Set(["commander.helpDisplayed", "commander.help", "commander.version"]);

/**
 * Runs stagectl with `argv` (without node and script). A wrong invocation (unknown command or
 * option, missing or invalid argument) prints commander's one-line message and exits 2, like
 * every other usage error; commands set their own exit codes through runCommand.
 */
export async function runStagectl(
  argv: readonly string[],
  context: CommandContext = defaultContext(),
): Promise<void> {
  const program = buildProgram(context);
  const quiet = (command: Command) => {
    command.exitOverride();
    command.configureOutput({
      writeOut: (text) => context.stdout(text),
      writeErr: (text) => context.stderr(text),
    });
    command.commands.forEach(quiet);
  };
  quiet(program);
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (!(error instanceof CommanderError)) {
      context.stderr(`${error instanceof Error ? error.message : String(error)}\n`);
      context.setExitCode(1);
      return;
    }
    context.setExitCode(NOT_AN_ERROR.has(error.code) ? 0 : 2);
  }
}

if (require.main === module) {
  void runStagectl(process.argv.slice(2));
}
