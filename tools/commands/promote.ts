import { Command } from "commander";
import * as path from "node:path";
import { LOCK_WAIT_LIMITS, parseDuration } from "../feature/durations";
import { promote } from "../promote/promote";
import type { CommandContext } from "./context";
import { runCommand } from "./run-command";

/** `stagectl promote --from A --to B [--apply]`: move the exact image A runs to B, reviewed first. */
export function promoteCommand(context: CommandContext): Command {
  return new Command("promote")
    .description(
      "preview (and with --apply, deploy) the image one stage runs on the next stage, with a review report",
    )
    .requiredOption("--from <stack>", "the stage whose running image is promoted")
    .requiredOption("--to <stack>", "the next stage up")
    .option(
      "--apply",
      "deploy a plan an earlier review saved, if nothing it looked at has changed since",
    )
    .option("--skip-level", "allow skipping a level of the promotion path (needs --reason)")
    .option("--reason <text>", "why a level is skipped; goes into the report")
    .option("--report <path>", "where to write the Markdown review report")
    .option(
      "--plan <path>",
      "where the update plan and its review record (<path>.meta.json) are saved (review) or read from (--apply)",
    )
    .option(
      "--wait <duration>",
      "how long to wait for another update's lock (0: do not wait)",
      "5m",
    )
    .option("--json", "print the result as JSON")
    .action(
      (options: {
        from: string;
        to: string;
        apply?: boolean;
        skipLevel?: boolean;
        reason?: string;
        report?: string;
        plan?: string;
        wait: string;
        json?: boolean;
      }) =>
        runCommand(context, async () => {
          const result = await promote(context, {
            from: options.from,
            to: options.to,
            apply: options.apply === true,
            skipLevel: options.skipLevel === true,
            reason: options.reason,
            // Absolute: the engine may run in another directory (see config-overlay.ts).
            reportPath: path.resolve(
              options.report ?? `promotion-${options.from}-to-${options.to}.md`,
            ),
            planPath: path.resolve(
              options.plan ?? `promotion-${options.from}-to-${options.to}.plan.json`,
            ),
            waitMs: parseDuration("--wait", options.wait, LOCK_WAIT_LIMITS),
          });
          if (options.json) context.stdout(`${JSON.stringify(result, null, 2)}\n`);
          else {
            const danger = result.statefulChanges.length
              ? ` WARNING: ${result.statefulChanges.length} stateful resource(s) replaced or deleted.`
              : "";
            context.stdout(
              `${result.from} -> ${result.to}: ${result.applied ? "applied" : "reviewed"} ${result.image}; report ${result.report}.${danger}\n`,
            );
          }
        }),
    );
}
