import { Command } from "commander";
import { loadBranchRules, targetForBranch } from "../feature/branches";
import type { CommandContext } from "./context";
import { runCommand } from "./run-command";

/** `stagectl stage-for --branch <name>`: where a branch deploys, per Pulumi.yaml's mapping. */
export function stageForCommand(context: CommandContext): Command {
  return new Command("stage-for")
    .description("print the stage a git branch deploys to (multistage:branchStages in Pulumi.yaml)")
    .requiredOption("--branch <name>", "git branch")
    .option("--json", "machine-readable output")
    .action((options: { branch: string; json?: boolean }) =>
      runCommand(context, async () => {
        const target = targetForBranch(options.branch, loadBranchRules());
        const stage = target.kind === "long-lived" ? target.stage : "feature";
        context.stdout(
          options.json
            ? `${JSON.stringify({ branch: options.branch, stage, stack: target.stack })}\n`
            : `${stage} ${target.stack}\n`,
        );
      }),
    );
}
