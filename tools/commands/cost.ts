import { Command, InvalidArgumentError } from "commander";
import { FEATURE_ISOLATION_MODES, type FeatureIsolation } from "../../stage/profile";
import { allToJson, allToText, costToJson, costToText } from "../cost/report";
import {
  allTargets,
  FEATURE_TARGET,
  findTarget,
  priceTarget,
  type TargetCost,
  validTargetNames,
} from "../cost/targets";
import type { CommandContext } from "./context";
import { runCommand, UsageError } from "./run-command";

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

function isolationMode(value: string): FeatureIsolation {
  if (!(FEATURE_ISOLATION_MODES as readonly string[]).includes(value))
    throw new InvalidArgumentError(
      `got ${JSON.stringify(value)}; expected ${FEATURE_ISOLATION_MODES.join(" or ")}`,
    );
  return value as FeatureIsolation;
}

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
    .option(
      "--isolation <mode>",
      `with feature: price it as featureStacks.isolation ${FEATURE_ISOLATION_MODES.join(" or ")} makes it (default: development's stack file's)`,
      isolationMode,
    )
    .option("--json", "machine-readable output")
    .action(
      (
        stack: string | undefined,
        options: { all?: boolean; isolation?: FeatureIsolation; json?: boolean },
      ) =>
        runCommand(context, async () => {
          const valid = () => `${validTargetNames().join(", ")}, or --all`;
          if (options.all && stack !== undefined)
            throw new UsageError(
              `cost takes a <stack> or --all, not both (got <stack> ${JSON.stringify(stack)} and --all)`,
            );
          if (options.isolation !== undefined && (options.all || stack !== FEATURE_TARGET))
            throw new UsageError(
              `--isolation ${options.isolation} is for <stack> ${FEATURE_TARGET} only (${options.all ? "--all shows both modes" : `got <stack> ${JSON.stringify(stack ?? "")}`})`,
            );
          if (options.all) {
            const costs: TargetCost[] = [];
            for (const target of allTargets({ now: context.now() })) {
              context.stderr(`rendering ${target.stack} ...\n`);
              costs.push(await priceTarget(target, { now: context.now() }));
            }
            // The feature stack in the other isolation mode, for the line under the table.
            const feature = costs.find((c) => c.kind === "feature");
            const target = findTarget(FEATURE_TARGET, { now: context.now() });
            const otherMode = FEATURE_ISOLATION_MODES.find((m) => m !== feature?.isolation);
            const extras =
              feature && target && otherMode
                ? {
                    otherFeature: await priceTarget(target, {
                      now: context.now(),
                      isolation: otherMode,
                    }),
                  }
                : {};
            context.stdout(
              options.json ? json(allToJson(costs, extras)) : allToText(costs, extras),
            );
            return;
          }
          if (stack === undefined) throw new UsageError(`cost needs a <stack>: one of ${valid()}`);
          const target = findTarget(stack, { now: context.now() });
          if (!target)
            throw new UsageError(`Unknown <stack> ${JSON.stringify(stack)}; valid: ${valid()}`);
          const cost = await priceTarget(target, {
            now: context.now(),
            ...(options.isolation ? { isolation: options.isolation } : {}),
          });
          context.stdout(options.json ? json(costToJson(cost)) : costToText(cost));
        }),
    );
}
