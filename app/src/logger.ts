import pino, { Logger } from "pino";

/**
 * JSON logs with the stage on every line. Secrets are redacted by path as a second line of
 * defence; the first is that config is logged through publicConfig().
 */
export function createLogger(
  stage: string,
  level = "info",
  destination?: pino.DestinationStream,
): Logger {
  return pino(
    {
      level,
      base: { stage },
      redact: {
        paths: [
          "DB_PASSWORD",
          "REDIS_TOKEN",
          "*.DB_PASSWORD",
          "*.REDIS_TOKEN",
          "req.headers.authorization",
          "req.headers.cookie",
        ],
        censor: "[secret]",
      },
    },
    destination ?? pino.destination(1),
  );
}
