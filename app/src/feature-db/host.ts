/**
 * What the provisioner asks the feature host's catalog, and the one lock its changes take.
 * Creates, drops and the template swap run one at a time under a session advisory lock on the
 * admin database: the limit is counted and acted on without a race, and no create copies the
 * template while it is being renamed.
 */
import type { ClientBase } from "pg";
import { FEATURE_DB_NAME_REGEX_SQL, type TemplateNames } from "./names";

/** Arbitrary, fixed: the advisory lock key every provisioner task agrees on. */
const HOST_LOCK = 7_305_991_001;

export async function withHostLock<T>(client: ClientBase, body: () => Promise<T>): Promise<T> {
  // A lock wait longer than a create takes means a stuck task; fail rather than hang the deploy.
  await client.query("set lock_timeout = '300s'");
  await client.query("select pg_advisory_lock($1)", [HOST_LOCK]);
  try {
    return await body();
  } finally {
    await client.query("select pg_advisory_unlock($1)", [HOST_LOCK]).catch(() => undefined);
    await client.query("reset lock_timeout").catch(() => undefined);
  }
}

export async function databaseExists(client: ClientBase, name: string): Promise<boolean> {
  const { rowCount } = await client.query("select 1 from pg_database where datname = $1", [name]);
  return rowCount === 1;
}

export async function roleExists(client: ClientBase, name: string): Promise<boolean> {
  const { rowCount } = await client.query("select 1 from pg_roles where rolname = $1", [name]);
  return rowCount === 1;
}

/**
 * The feature databases the host holds, oldest first. Oids grow with each CREATE DATABASE, so
 * their order is creation order (a host would need billions of objects to wrap around).
 * Templates, and the template's names while it is refreshed, are not feature databases.
 */
export async function featureDatabases(
  client: ClientBase,
  template: TemplateNames,
): Promise<string[]> {
  const { rows } = await client.query<{ datname: string }>(
    `select datname from pg_database
      where datname ~ $1 and not datistemplate and datname <> all($2::text[])
      order by oid`,
    [FEATURE_DB_NAME_REGEX_SQL, [template.current, template.next, template.old]],
  );
  return rows.map((row) => row.datname);
}
