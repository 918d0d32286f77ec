import { StageConfigError } from "../../components/stage-errors";
import { StackBusyError, StackMissingError } from "../engine/workspace";
import type { CommandContext } from "./context";

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
 * so users see what is wrong, never a stack trace. The body may return an exit code.
 */
export async function runCommand(context: CommandContext, body: () => Promise<void | number>): Promise<void> {
  try {
    const code = await body();
    if (typeof code === "number") context.setExitCode(code);
  } catch (error) {
    const known = findKnownError(error);
    if (known) {
      context.stderr(`${known.message}\n`);
      context.setExitCode(known instanceof UsageError ? known.exitCode : 1);
      return;
    }
    context.stderr(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    context.setExitCode(1);
  }
}

type KnownError = StageConfigError | UsageError | StackBusyError | StackMissingError;

/** The Pulumi runtime may wrap the program's error; dig the original out. */
function findKnownError(error: unknown): KnownError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (
      current instanceof StageConfigError ||
      current instanceof UsageError ||
      current instanceof StackBusyError ||
      current instanceof StackMissingError
    ) {
      return current;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
