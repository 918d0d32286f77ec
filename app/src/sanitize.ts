/**
 * The sanitize step: runs as an init container before the app in stages whose database was
 * restored from production. Once per data generation (a marker table), in one transaction,
 * it replaces personal data using app/sql/sanitize.sql (or SANITIZE_SQL_FILE). Refuses to
 * run in production.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Client } from "pg";
import { z } from "zod";
import { SANITIZE_SECRETS, SanitizeEnvironmentName, STAGE_KINDS } from "./contract";

type SanitizeSecretName = (typeof SANITIZE_SECRETS)[number];
import { postgresSettings } from "./dependencies";
import { createLogger } from "./logger";

const port = z.coerce.number().int().min(1).max(65535);

export const sanitizeSchema = z.object({
  APP_STAGE: z.string().min(1),
  APP_STAGE_KIND: z.enum(STAGE_KINDS),
  DB_HOST: z.string().min(1),
  DB_PORT: port,
  DB_NAME: z.string().min(1),
  DB_USER: z.string().min(1),
  DB_PASSWORD: z.string().min(1),
  DATA_GENERATION: z.coerce.number().int().min(0),
  APP_DISABLE_TLS: z.enum(["true", "false"]).default("false").transform((v) => v === "true"),
  DB_CA_FILE: z.string().optional(),
  SANITIZE_SQL_FILE: z.string().default(path.join(__dirname, "..", "sql", "sanitize.sql")),
} satisfies Record<SanitizeEnvironmentName | SanitizeSecretName, z.ZodTypeAny> & Record<string, z.ZodTypeAny>);

export type SanitizeConfig = z.infer<typeof sanitizeSchema>;

export const MARKER_TABLE = "multistage_sanitized";

export type SanitizeOutcome = "sanitized" | "already-sanitized" | "nothing-restored";

/** Sanitizes the database once for the given generation; safe to run again. */
export async function sanitize(config: SanitizeConfig): Promise<SanitizeOutcome> {
  if (config.APP_STAGE_KIND === "production") {
    throw new Error("Refusing to sanitize: APP_STAGE_KIND is production, whose data is the original");
  }
  const sql = fs.readFileSync(config.SANITIZE_SQL_FILE, "utf8");
  const client = new Client(postgresSettings(config));
  await client.connect();
  try {
    await client.query("begin");
    await client.query(`create table if not exists ${MARKER_TABLE} (generation integer primary key, outcome text not null, sanitized_at timestamptz not null default now())`);
    // Two tasks starting together: the second waits here, then finds the marker.
    await client.query(`lock table ${MARKER_TABLE} in exclusive mode`);
    const done = await client.query(`select outcome from ${MARKER_TABLE} where generation = $1`, [config.DATA_GENERATION]);
    if (done.rowCount) {
      await client.query("commit");
      return "already-sanitized";
    }
    const tables = await client.query(
      // pg_tables lists every table, whatever this user may see of it.
      `select count(*)::int as n from pg_tables where schemaname not in ('pg_catalog', 'information_schema') and tablename <> $1`,
      [MARKER_TABLE],
    );
    // No snapshot was restored (production had none yet): there is nothing to sanitize.
    const outcome: SanitizeOutcome = tables.rows[0].n === 0 ? "nothing-restored" : "sanitized";
    if (outcome === "sanitized") await client.query(sql);
    await client.query(`insert into ${MARKER_TABLE} (generation, outcome) values ($1, $2)`, [config.DATA_GENERATION, outcome]);
    await client.query("commit");
    return outcome;
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

if (require.main === module) {
  const parsed = sanitizeSchema.safeParse(process.env);
  const logger = createLogger(process.env.APP_STAGE ?? "unknown");
  if (!parsed.success) {
    logger.fatal({ problems: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) }, "invalid environment for the sanitize step");
    process.exitCode = 1;
  } else {
    const started = Date.now();
    sanitize(parsed.data).then(
      (outcome) => logger.info({ outcome, generation: parsed.data.DATA_GENERATION, ms: Date.now() - started }, "sanitize step finished"),
      (error: unknown) => {
        logger.fatal({ err: error }, "sanitize step failed; the app will not start on unsanitized data");
        process.exitCode = 1;
      },
    );
  }
}
