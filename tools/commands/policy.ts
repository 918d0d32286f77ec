import { Command } from "commander";
import * as fs from "node:fs";
import { checkPolicies } from "../policy/offline";
import { stackFilePath } from "../../stage/stack-files";
import { renderStack } from "../render/harness";
import type { CommandContext } from "./context";
import { runCommand, UsageError } from "./run-command";

/** `stagectl policy <stack>`: the policy pack's mandatory rules against the stack's offline render. */
export function policyCommand(context: CommandContext): Command {
  return new Command("policy")
    .description(
      "check a stack's offline render against the mandatory policies (the same rules as pulumi preview --policy-pack policy)",
    )
    .argument("<stack>", "stack name")
    .option("--json", "machine-readable output")
    .action((stack: string, options: { json?: boolean }) =>
      runCommand(context, async () => {
        if (!fs.existsSync(stackFilePath(stack)))
          throw new UsageError(`No stack file Pulumi.${stack}.yaml`);
        const violations = await checkPolicies(await renderStack(stack));
        if (options.json) context.stdout(`${JSON.stringify({ stack, violations }, null, 2)}\n`);
        else if (violations.length === 0)
          context.stdout(`${stack}: every mandatory policy passes\n`);
        else
          context.stdout(
            `${violations.map((v) => `${stack}: [${v.policy}] ${v.message}`).join("\n")}\n`,
          );
        return violations.length > 0 ? 1 : 0;
      }),
    );
}
