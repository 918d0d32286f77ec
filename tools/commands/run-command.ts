import { StageConfigError } from "../../components/stage-errors";

/** An error whose message is the whole story: print it, no stack trace. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * Runs a command body and turns known failures into a message on stderr and an exit code,
 * so users see what is wrong, never a stack trace.
 */
export async function runCommand(body: () => Promise<void | number>): Promise<void> {
  try {
    const code = await body();
    if (typeof code === "number") process.exitCode = code;
  } catch (error) {
    const known = findKnownError(error);
    if (known) {
      process.stderr.write(`${known.message}\n`);
      process.exitCode = known instanceof UsageError ? known.exitCode : 1;
      return;
    }
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  }
}

/** The Pulumi runtime may wrap the program's error; dig the original out. */
function findKnownError(error: unknown): StageConfigError | UsageError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof StageConfigError || current instanceof UsageError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
