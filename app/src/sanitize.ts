/**
 * The refinery's sanitize task: `node app/dist/sanitize.js` in the app image, run by
 * production's Step Functions state machine in an ECS task against the sanitizer instance it
 * has just restored from production's newest snapshot. It checks that it is pointed at that
 * instance, that the rules (app/sql/sanitize-rules.yaml) cover everything the database holds,
 * applies and verifies them, and scrubs the instance so the snapshot taken next holds no
 * original value. Then, when FEATURE_TEMPLATE_EXPORT_URI is set, it exports the scrubbed
 * database there for development's feature template (feature-db/after-sanitize.ts). Exit codes:
 * sanitizer/failure.ts (0 done; anything else: take no snapshot).
 */
import type { Logger } from "pino";
import { checkExportTarget, exportAfterSanitize } from "./feature-db/index";
import { describeError } from "./feature-db/failure";
import { createLogger } from "./logger";
import { loadSanitizeConfig } from "./sanitizer/config";
import { EXIT, RefineryFailure, safeError } from "./sanitizer/failure";
import { loadRules, type Rules } from "./sanitizer/rules";
import { runRefinery, type RunOptions } from "./sanitizer/run";

export interface MainOptions extends RunOptions {
  logger?: Logger;
  rules?: Rules;
}

/** Runs the task with an environment; resolves to the process's exit code. */
export async function main(env: NodeJS.ProcessEnv, options: MainOptions = {}): Promise<number> {
  const parsed = loadSanitizeConfig(env);
  const logger =
    options.logger ??
    createLogger(env.APP_STAGE ?? "unknown", parsed.ok ? parsed.config.LOG_LEVEL : "info");
  if (!parsed.ok) {
    logger.fatal(
      { step: "environment", exitCode: EXIT.invalid, problems: parsed.problems },
      "invalid environment for the sanitize task",
    );
    return EXIT.invalid;
  }
  try {
    checkExportTarget(env);
  } catch (error) {
    logger.fatal(
      { step: "environment", exitCode: EXIT.invalid, problems: [describeError(error)] },
      "invalid environment for the sanitize task",
    );
    return EXIT.invalid;
  }
  let rules: Rules;
  try {
    rules = options.rules ?? loadRules();
  } catch (error) {
    logger.fatal(
      { step: "environment", exitCode: EXIT.invalid, error: safeError(error) },
      "invalid sanitize rules",
    );
    return EXIT.invalid;
  }
  const started = Date.now();
  try {
    await runRefinery(parsed.config, rules, logger, options);
    const exportStarted = Date.now();
    try {
      const exported = await exportAfterSanitize(parsed.config, env);
      if (exported)
        logger.info(
          { step: "export", ms: Date.now() - exportStarted, ...exported },
          "exported the sanitized database for the feature template",
        );
    } catch (error) {
      // The data is sanitized, but feature templates would silently go stale: fail visibly.
      logger.error(
        { step: "export", ms: Date.now() - exportStarted, error: describeError(error) },
        "export for the feature template failed",
      );
      throw error;
    }
    logger.info(
      { step: "done", ms: Date.now() - started, exitCode: EXIT.done },
      "sanitized, verified and scrubbed: the sanitizer may be snapshotted",
    );
    return EXIT.done;
  } catch (error) {
    // The failing step has logged what failed; this line is the verdict the state machine reads.
    const exitCode = error instanceof RefineryFailure ? error.exitCode : EXIT.failed;
    if (!(error instanceof RefineryFailure))
      logger.error({ error: safeError(error) }, "refinery run failed");
    logger.fatal(
      { step: "done", ms: Date.now() - started, exitCode },
      "refinery run failed: take no snapshot",
    );
    return exitCode;
  }
}

if (require.main === module) {
  void main(process.env).then((code) => {
    process.exitCode = code;
  });
}
