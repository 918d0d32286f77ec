import * as path from "node:path";
import type { SanitizeConfig } from "../../app/src/sanitize";
import { PROJECT_ROOT } from "../project/project-files";
import { DB_PASSWORD, DB_USER, Services } from "./services";

/** Creates a database owned by the app's user and returns the sanitize step's config for it. */
export async function localSanitizeDatabase(running: Services, name: string): Promise<SanitizeConfig> {
  await running.postgres.superuser((c) => c.query(`create database ${name} owner ${DB_USER}`));
  return {
    APP_STAGE: "development",
    APP_STAGE_KIND: "development",
    DB_HOST: "127.0.0.1",
    DB_PORT: running.postgres.port,
    DB_NAME: name,
    DB_USER,
    DB_PASSWORD,
    DATA_GENERATION: 0,
    APP_DISABLE_TLS: true,
    SANITIZE_SQL_FILE: path.join(PROJECT_ROOT, "app", "sql", "sanitize.sql"),
  };
}
