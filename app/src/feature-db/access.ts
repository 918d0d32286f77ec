/**
 * Who may use a feature database: its own role and nobody else. PUBLIC loses CONNECT (which
 * every new database grants it), the role gets CONNECT and TEMPORARY, and every object copied
 * from the template is handed to the role, so its migrations may alter what they own.
 *
 * Ownership is changed object by object in the feature database only. REASSIGN OWNED BY admin
 * would also hand the role shared objects the admin owns: the template, every other feature
 * database and the admin database itself.
 *
 * Every step reads first and changes only what differs, so a second create changes nothing.
 */
import { escapeIdentifier, type ClientBase } from "pg";
import type { DatabaseSettings } from "../dependencies";
import { withClient } from "./connect";

const SYSTEM_SCHEMAS = `n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_'`;
/** Objects an extension created are the extension's, not the app's. */
const NOT_EXTENSION = (catalog: string, oid: string) =>
  `not exists (select 1 from pg_depend d where d.classid = '${catalog}'::regclass and d.objid = ${oid} and d.deptype = 'e')`;

/** CONNECT for the role only, on the admin connection. */
export async function grantConnect(
  admin: ClientBase,
  database: string,
  role: string,
): Promise<void> {
  await revokePublicConnect(admin, database);
  const { rows } = await admin.query<{ granted: boolean }>(
    "select has_database_privilege($1, $2, 'CONNECT') and has_database_privilege($1, $2, 'TEMPORARY') as granted",
    [role, database],
  );
  if (!rows[0].granted)
    await admin.query(
      `grant connect, temporary on database ${escapeIdentifier(database)} to ${escapeIdentifier(role)}`,
    );
}

/** PUBLIC may not connect to `database`; a no-op when it already may not. */
export async function revokePublicConnect(admin: ClientBase, database: string): Promise<void> {
  const { rows } = await admin.query<{ open: boolean }>(
    "select has_database_privilege('public', $1, 'CONNECT') or has_database_privilege('public', $1, 'TEMPORARY') as open",
    [database],
  );
  if (rows[0].open)
    await admin.query(
      `revoke connect, temporary on database ${escapeIdentifier(database)} from public`,
    );
}

/**
 * Databases every role may connect to by default that the admin owns (on RDS the master owns
 * the admin database and template1): closed to PUBLIC, so a feature role reaches its own
 * database only. Ones the admin does not own are left as they are.
 */
export async function closeSharedDatabases(
  admin: ClientBase,
  adminDatabase: string,
): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>(
    `select datname from pg_database
      where datname = any($1::text[]) and pg_has_role(current_user, datdba, 'USAGE')`,
    [[adminDatabase, "postgres", "template1"]],
  );
  for (const { datname } of rows) await revokePublicConnect(admin, datname);
}

/** Every object in the feature database that the role does not own yet, as ALTER ... OWNER statements. */
async function ownershipStatements(client: ClientBase, role: string): Promise<string[]> {
  const owner = escapeIdentifier(role);
  const { rows } = await client.query<{ sql: string }>(
    `with target as (select oid from pg_roles where rolname = $1)
     select format('alter schema %I owner to ${owner}', n.nspname) as sql, 1 as phase
       from pg_namespace n where ${SYSTEM_SCHEMAS} and n.nspname <> 'public'
        and n.nspowner <> (select oid from target) and ${NOT_EXTENSION("pg_namespace", "n.oid")}
     union all
     select format('alter %s %s owner to ${owner}',
                   case c.relkind when 'v' then 'view' when 'm' then 'materialized view'
                                  when 'f' then 'foreign table' else 'table' end,
                   c.oid::regclass), 2
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p', 'v', 'm', 'f') and ${SYSTEM_SCHEMAS}
        and c.relowner <> (select oid from target)
        and ${NOT_EXTENSION("pg_class", "c.oid")}
     union all
     -- Sequences a column owns follow their table (ALTER TABLE moves them); the others go alone.
     select format('alter sequence %s owner to ${owner}', c.oid::regclass), 3
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'S' and ${SYSTEM_SCHEMAS} and c.relowner <> (select oid from target)
        and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass
                          and d.objid = c.oid and d.deptype in ('a', 'i', 'e'))
     union all
     select format('alter routine %s owner to ${owner}', p.oid::regprocedure), 4
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where ${SYSTEM_SCHEMAS} and p.proowner <> (select oid from target)
        and ${NOT_EXTENSION("pg_proc", "p.oid")}
     union all
     select format('alter type %s owner to ${owner}', t.oid::regtype), 5
       from pg_type t join pg_namespace n on n.oid = t.typnamespace
      where ${SYSTEM_SCHEMAS} and t.typowner <> (select oid from target)
        and (t.typtype in ('e', 'd', 'r')
             or (t.typtype = 'c' and (select relkind from pg_class where oid = t.typrelid) = 'c'))
        and ${NOT_EXTENSION("pg_type", "t.oid")}
     order by 2, 1`,
    [role],
  );
  return rows.map((row) => row.sql);
}

/**
 * Hands the feature database's objects to the role and lets it create in schema public. The
 * admin needs SET on the role to give it objects (PostgreSQL 16); having created the role it
 * holds ADMIN on it and grants itself SET without INHERIT, so it gains none of the role's rights.
 */
export async function handOver(
  settings: DatabaseSettings,
  database: string,
  role: string,
): Promise<number> {
  return withClient(settings, database, async (client) => {
    const statements = await ownershipStatements(client, role);
    const { rows } = await client.query<{ can: boolean }>(
      "select has_schema_privilege($1, 'public', 'USAGE') and has_schema_privilege($1, 'public', 'CREATE') as can",
      [role],
    );
    if (statements.length === 0 && rows[0].can) return 0;
    await client.query("begin");
    try {
      const member = await client.query<{ can: boolean }>(
        "select pg_has_role(current_user, $1, 'SET') as can",
        [role],
      );
      if (!member.rows[0].can)
        await client.query(
          `grant ${escapeIdentifier(role)} to current_user with inherit false, set true`,
        );
      // First: a new owner must have CREATE on the schema of what it is given.
      if (!rows[0].can)
        await client.query(`grant usage, create on schema public to ${escapeIdentifier(role)}`);
      for (const sql of statements) await client.query(sql);
      await client.query("commit");
    } catch (error) {
      await client.query("rollback").catch(() => undefined);
      throw error;
    }
    return statements.length;
  });
}
