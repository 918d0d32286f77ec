import { Command } from "commander";
import { allToJson, allToText, costToJson, costToText } from "../cost/report";
import {
  allTargets,
  findTarget,
  priceTarget,
  type TargetCost,
  validTargetNames,
} from "../cost/targets";
import type { CommandContext } from "./context";
import { runCommand, UsageError } from "./run-command";

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** `stagectl cost <stack>|--all [--json]`: what a stack costs a month (a feature stack: a day), offline. */
export function costCommand(context: CommandContext): Command {
  return new Command("cost")
    .description(
      "what a stack costs a month (a feature stack: a day) at on-demand list prices, from its offline render and the committed price table (no AWS calls)",
    )
    .argument(
      "[stack]",
      "a stack with a stack file, testing (from its profile when it has none), or feature",
    )
    .option(
      "--all",
      "every level side by side: development, testing, staging, production, and a feature stack per day",
    )
    .option("--json", "machine-readable output")
    .action((stack: string | undefined, options: { all?: boolean; json?: boolean }) =>
      runCommand(context, async () => {
        const valid = () => `${validTargetNames().join(", ")}, or --all`;
        if (options.all && stack !== undefined)
          throw new UsageError(
            `cost takes a <stack> or --all, not both (got <stack> ${JSON.stringify(stack)} and --all)`,
          );
        if (options.all) {
          const costs: TargetCost[] = [];
          for (const target of allTargets({ now: context.now() })) {
            context.stderr(`rendering ${target.stack} ...\n`);
            costs.push(await priceTarget(target, { now: context.now() }));
          }
          context.stdout(options.json ? json(allToJson(costs)) : allToText(costs));
          return;
        }
        if (stack === undefined) throw new UsageError(`cost needs a <stack>: one of ${valid()}`);
        const target = findTarget(stack, { now: context.now() });
        if (!target)
          throw new UsageError(`Unknown <stack> ${JSON.stringify(stack)}; valid: ${valid()}`);
        const cost = await priceTarget(target, { now: context.now() });
        context.stdout(options.json ? json(costToJson(cost)) : costToText(cost));
      }),
    );
}
