/**
 * Start-up: validate the environment (exit 1 before listening if anything is wrong), connect
 * the clients, listen, and on SIGTERM drain in-flight requests and close the clients within
 * ECS's stop timeout.
 */
import { buildApp } from "./app";
import { loadConfig, publicConfig } from "./config";
import { createDependencies } from "./dependencies";
import { createLogger } from "./logger";

/** ECS sends SIGKILL 30 s after SIGTERM (the task definition's stopTimeout); finish well before. */
export const SHUTDOWN_DEADLINE_MS = 25_000;

export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const loaded = loadConfig(env);
  if (!loaded.ok) {
    const logger = createLogger(env.APP_STAGE ?? "unknown");
    logger.fatal(
      { problems: loaded.problems },
      `invalid environment: ${loaded.problems.join("; ")}`,
    );
    logger.flush();
    process.exitCode = 1;
    return;
  }
  const config = loaded.config;
  const logger = createLogger(config.APP_STAGE, config.LOG_LEVEL);
  // Node prints process warnings as plain text; route them through the logger so every line
  // the app writes is JSON carrying its stage.
  process.removeAllListeners("warning");
  process.on("warning", (warning) => logger.warn({ warning: warning.name }, warning.message));
  logger.info({ config: publicConfig(config) }, "starting");
  const dependencies = createDependencies(config);
  const drain = { draining: false };
  const app = buildApp(config, dependencies, logger, drain);
  await app.listen({ port: config.PORT, host: "0.0.0.0" });

  let stopping = false;
  process.on("SIGTERM", () => {
    if (stopping) return;
    stopping = true;
    drain.draining = true;
    logger.info("SIGTERM: no new connections; finishing in-flight requests");
    const deadline = setTimeout(() => {
      logger.error(
        { deadlineMs: SHUTDOWN_DEADLINE_MS },
        "shutdown deadline passed; exiting with requests unfinished",
      );
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    app
      .close()
      .then(() => dependencies.close())
      .then(() => {
        logger.info("stopped cleanly");
        logger.flush();
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      });
  });
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
