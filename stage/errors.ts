/**
 * The stage model's config error: thrown before any resource is registered when a stack's
 * config is invalid. Its message lists every problem, one per line, so one `pulumi up` shows
 * them all.
 */
import { ConfigError, ConfigProblem } from "../lib/config-errors";

export { describeValue, valueAt, zodIssueProblems } from "../lib/config-errors";
export type { ConfigProblem } from "../lib/config-errors";

export class StageConfigError extends ConfigError {
  constructor(
    readonly stack: string,
    problems: readonly ConfigProblem[],
  ) {
    super(`stack "${stack}"`, problems);
    this.name = "StageConfigError";
  }
}
