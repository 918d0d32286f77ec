/**
 * One line saying why an engine operation failed, for summaries that list many stacks (reap,
 * list). The Automation API's CommandError has a message that begins `code: -2`, then the
 * command's stdout and stderr; the line that says what went wrong is the CLI's own `error: ...`.
 */
export function errorSummary(error: unknown): string {
  const lines = (error instanceof Error ? error.message : String(error))
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
  const cliError = lines.find((line) => line.startsWith("error: "));
  return cliError ? cliError.slice("error: ".length) : (lines[0] ?? String(error));
}
