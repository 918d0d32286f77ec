/**
 * The only place that reads Pulumi config: hands every key to the pure resolver, which
 * validates it before any resource exists. A bad config ends the program with the list of
 * problems alone, as a RunError (the nodejs host prints a RunError's message without the
 * program's stack trace: sdk/nodejs/cmd/run/run.ts in pulumi/pulumi).
 */
import * as pulumi from "@pulumi/pulumi";
import { projectDefaults, readProjectFile } from "./config-files";
import { StageConfigError } from "./errors";
import { resolveStageFromConfig, Stage } from "./resolve";

export type { Stage } from "./resolve";

/** A StageConfigError the engine reports as a plain message; `cause` keeps the problems. */
export class StageConfigRunError extends pulumi.RunError {
  constructor(override readonly cause: StageConfigError) {
    super(cause.message);
    this.name = "StageConfigRunError";
  }
}

/**
 * Loads and validates the current stack's stage. `projectDir` holds Pulumi.yaml, whose
 * declared defaults tell project-wide settings from stack-file ones.
 */
export function loadStage(projectDir: string): Stage {
  try {
    return resolveStageFromConfig(pulumi.getStack(), pulumi.runtime.allConfig(), {
      projectDefaults: projectDefaults(readProjectFile(projectDir)),
    });
  } catch (error) {
    if (error instanceof StageConfigError) throw new StageConfigRunError(error);
    throw error;
  }
}
