import { Command } from "commander";
import { resync } from "../data/resync";
import type { CommandContext } from "./context";
import { runCommand } from "./run-command";

/** `stagectl data resync <stack>`: re-create a lower stage's database from production's newest snapshot. */
export function dataCommand(context: CommandContext): Command {
  const data = new Command("data").description("production data in lower stages");
  data
    .command("resync")
    .description("re-create a stage's database from the newest snapshot (bumps its data generation: in the stack file, or a feature stack's tag; then preview and up)")
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
  return data;
}
