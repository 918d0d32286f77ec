/**
 * One "production" cluster per test run for the refinery's tests, seeded with known personal
 * data; tests restore it into sanitizers of their own (a file copy, as RDS restores a
 * snapshot) or clone its database (CREATE DATABASE ... TEMPLATE) when the files do not matter.
 */
import type { Client } from "pg";
import { main } from "../../app/src/sanitize";
import type { SanitizeConfig } from "../../app/src/sanitizer/config";
import { loadRules, type Rules } from "../../app/src/sanitizer/rules";
import { PgCluster } from "../../tools/local/pg-cluster";
import { memoryLogger, sanitizerConfig } from "../../tools/local/refinery";
import {
  APP_DATABASE,
  asMaster,
  createAppDatabase,
  MASTER_USER,
  seedProduction,
  type SeededProduction,
} from "../../tools/local/refinery-seed";

export interface Production {
  cluster: PgCluster;
  seeded: SeededProduction;
}

let production: Promise<Production> | undefined;

/** Production listens on 127.0.0.1 and 127.0.0.2, so a test can put a "tunnel" in between. */
export function startProduction(): Promise<Production> {
  production ??= (async () => {
    const cluster = await PgCluster.create("refinery-production", {
      listen: "127.0.0.1,127.0.0.2",
    });
    await createAppDatabase(cluster);
    const seeded = await seedProduction(cluster, 2000);
    return { cluster, seeded };
  })();
  return production;
}

export async function stopProduction(): Promise<void> {
  const started = await production?.catch(() => undefined);
  production = undefined;
  await started?.cluster.remove();
}

let clones = 0;

/** A copy of production's database in the same cluster, owned like the original (file_copy: little WAL for the scrub to overwrite). */
export async function cloneDatabase(cluster: PgCluster): Promise<string> {
  const name = `clone_${++clones}`;
  await cluster.superuser((client) =>
    client.query(
      `create database ${name} template ${APP_DATABASE} owner ${MASTER_USER} strategy file_copy`,
    ),
  );
  await cluster.superuser(
    (client) => client.query(`grant execute on function pg_switch_wal() to ${MASTER_USER}`),
    name,
  );
  return name;
}

export function configFor(
  cluster: PgCluster,
  database: string,
  overrides: Partial<SanitizeConfig> = {},
): SanitizeConfig {
  return sanitizerConfig(cluster, { DB_NAME: database, ...overrides });
}

export function environment(config: SanitizeConfig): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key, String(value)]));
}

/** Runs the real entry point; returns its exit code and JSON log lines. */
export async function runTask(
  config: SanitizeConfig,
  options: { rules?: Rules; resolve?: (host: string) => Promise<string[]> } = {},
) {
  const log = memoryLogger();
  const code = await main(environment(config), {
    logger: log.logger,
    rules: options.rules ?? loadRules(),
    resolve: options.resolve,
  });
  return { code, lines: log.lines(), text: log.text() };
}

/** A fingerprint of every table's rows, to prove a refused run changed nothing. */
export async function fingerprint(
  cluster: PgCluster,
  database: string,
): Promise<Record<string, string>> {
  return asMaster(
    cluster,
    async (client: Client) => {
      const tables = await client.query<{ name: string }>(
        "select quote_ident(schemaname) || '.' || quote_ident(tablename) as name from pg_tables where schemaname = 'public' order by 1",
      );
      const result: Record<string, string> = {};
      for (const { name } of tables.rows) {
        const { rows } = await client.query<{ sum: string | null }>(
          `select md5(string_agg(t::text, ',' order by t::text)) as sum from ${name} t`,
        );
        result[name] = rows[0].sum ?? "empty";
      }
      return result;
    },
    database,
  );
}

export function problemsOf(lines: Array<Record<string, unknown>>): string[] {
  return lines.flatMap((line) => (Array.isArray(line.problems) ? (line.problems as string[]) : []));
}
