import { ProjectFileError } from "../../stage/config-files";
import { StageConfigError } from "../../stage/errors";
import { StackBusyError, StackMissingError } from "../engine/workspace";
import type { CommandContext } from "./context";

/**
 * The command was called wrongly (a bad option value, a file that cannot be read, a branch
 * that names no stack): the message is the whole story, exit code 2, nothing was changed.
 */
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
 * A well-formed request that a guard refused (not a feature stack, production, another
 * branch's stack, not confirmed): the message says why, exit code 1, nothing was changed.
 */
export class RefusalError extends UsageError {
  constructor(message: string) {
    super(message, 1);
    this.name = "RefusalError";
  }
}

/**
 * Runs a command body and turns known failures into a message on stderr and an exit code,
 * so users see what is wrong, never a stack trace. The body may return an exit code.
 */
export async function runCommand(
  context: CommandContext,
  body: () => Promise<void | number>,
): Promise<void> {
  try {
    const code = await body();
    if (typeof code === "number") context.setExitCode(code);
  } catch (error) {
    const known = findKnownError(error);
    if (known) {
      context.stderr(`${known.message}\n`);
      context.setExitCode(
        known instanceof UsageError ? known.exitCode : known instanceof ProjectFileError ? 2 : 1,
      );
      return;
    }
    context.stderr(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    context.setExitCode(1);
  }
}

type KnownError =
  StageConfigError | UsageError | StackBusyError | StackMissingError | ProjectFileError;

/** The Pulumi runtime may wrap the program's error; dig the original out. */
function findKnownError(error: unknown): KnownError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (
      current instanceof StageConfigError ||
      current instanceof UsageError ||
      current instanceof StackBusyError ||
      current instanceof StackMissingError ||
      current instanceof ProjectFileError
    ) {
      return current;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
