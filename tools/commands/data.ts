import { Command } from "commander";
import { resync } from "../data/resync";
import { dataStatus, dataStatusToText } from "../data/status";
import { parseDuration } from "../feature/durations";
import type { CommandContext } from "./context";
import { runCommand } from "./run-command";

/** `stagectl data resync <stack>`: re-create a lower stage's database from production's newest snapshot. */
export function dataCommand(context: CommandContext): Command {
  const data = new Command("data").description("production data in lower stages");
  data
    .command("resync")
    .description(
      "re-create a stage's database from the newest snapshot (bumps its data generation: in the stack file, or a feature stack's tag; then preview and up)",
    )
    .argument("<stack>", "a lower stage whose data source is sanitized-snapshot")
    .option("--yes", "do not ask for confirmation")
    .option("--json", "machine-readable output")
    .action((stack: string, options: { yes?: boolean; json?: boolean }) =>
      runCommand(context, async () => {
        const result = await resync(context, { stack, yes: options.yes === true });
        context.stdout(
          options.json
            ? `${JSON.stringify(result, null, 2)}\n`
            : `${stack}: data generation ${result.generation.from} -> ${result.generation.to}. Next:\n  ${result.next.join("\n  ")}\n`,
        );
      }),
    );
  data
    .command("status")
    .description(
      "the newest sanitized snapshot and its age, and the refinery's last run; exits 1 when the data is stale or the run failed",
    )
    .option("--max-age <duration>", "how old the newest sanitized snapshot may be", "36h")
    .option("--json", "machine-readable output")
    .action((options: { maxAge: string; json?: boolean }) =>
      runCommand(context, async () => {
        const status = await dataStatus(context, {
          maxAgeMs: parseDuration("--max-age", options.maxAge, {
            max: { ms: 365 * 24 * 3_600_000, text: "365d" },
          }),
        });
        context.stdout(
          options.json ? `${JSON.stringify(status, null, 2)}\n` : dataStatusToText(status),
        );
        return status.problems.length > 0 ? 1 : 0;
      }),
    );
  return data;
}
