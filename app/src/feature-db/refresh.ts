/**
 * `refresh-template`: a new template from the newest export, swapped in without touching any
 * feature database. It is built as FEATURE_DB_TEMPLATE_next (the app's schema, then the
 * export's rows), checked against the export (the same tables, columns and row counts, or
 * nothing changes), and renamed into place under the host lock, so no create copies a
 * half-built template. Until that rename the current template serves; a failed refresh drops
 * what it built and leaves the current one as it was.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { escapeIdentifier, type ClientBase } from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { withClient } from "./connect";
import type { FeatureDbConfig } from "./config";
import { FEATURE_DB_EXIT, FeatureDbFailure } from "./failure";
import { databaseExists, withHostLock } from "./host";
import { MANIFEST_KEY, parseManifest, type Manifest } from "./manifest";
import { templateNames, type TemplateNames } from "./names";
import { applySchema } from "./schema";
import type { ExportStore } from "./store";
import { columnList, readTables, type ExportTable } from "./tables";

/** Two refreshes at once would build in the same database; the second one stops at once. */
const REFRESH_LOCK = 7_305_991_002;

export interface RefreshOutcome {
  tables: number;
  rows: number;
  exportedAt: string;
  /** Whether an earlier template was replaced (false on the host's first refresh). */
  replaced: boolean;
}

function badExport(message: string): FeatureDbFailure {
  return new FeatureDbFailure(FEATURE_DB_EXIT.badExport, `the export does not match: ${message}`);
}

/** The export's tables and columns are exactly the schema's, or a failure naming each difference. */
export function compareTables(manifest: Manifest, schema: ExportTable[]): void {
  const exported = new Map(manifest.tables.map((t) => [t.name, t]));
  const expected = new Map(schema.map((t) => [t.name, t]));
  const problems: string[] = [];
  for (const name of exported.keys())
    if (!expected.has(name)) problems.push(`table ${name} is in the export but not in the schema`);
  for (const name of expected.keys())
    if (!exported.has(name)) problems.push(`table ${name} is in the schema but not in the export`);
  for (const [name, table] of exported) {
    const columns = expected.get(name)?.columns;
    if (columns && [...columns].sort().join(",") !== [...table.columns].sort().join(","))
      problems.push(
        `table ${name} has columns ${table.columns.join(", ")} in the export, ${columns.join(", ")} in the schema`,
      );
  }
  if (problems.length > 0) throw badExport(problems.join("; "));
}

/** Drops a database the refresh owns (next or old), a template or not. */
async function dropBuilt(admin: ClientBase, name: string): Promise<void> {
  if (!(await databaseExists(admin, name))) return;
  await admin.query(`alter database ${escapeIdentifier(name)} with is_template false`);
  await admin.query(`drop database ${escapeIdentifier(name)} with (force)`);
}

/** Loads every table with foreign keys set aside, then checks the counts against the manifest. */
async function load(
  client: ClientBase,
  manifest: Manifest,
  schema: ExportTable[],
  files: Map<string, string>,
): Promise<number> {
  const sqlName = new Map(schema.map((t) => [t.name, t.sql]));
  await client.query("begin");
  try {
    // Foreign keys checked row by row would make the load slow and order-dependent; added
    // back afterwards, each is validated in one pass over the loaded rows.
    const keys = await client.query<{ table: string; name: string; definition: string }>(
      `select k.conrelid::regclass::text as table, quote_ident(k.conname) as name,
              pg_get_constraintdef(k.oid) as definition
         from pg_constraint k join pg_namespace n on n.oid = k.connamespace
        where k.contype = 'f' and n.nspname not in ('pg_catalog', 'information_schema')`,
    );
    for (const key of keys.rows)
      await client.query(`alter table ${key.table} drop constraint ${key.name}`);
    let rows = 0;
    for (const table of manifest.tables) {
      const stream = client.query(
        copyFrom(`copy ${sqlName.get(table.name)} (${columnList(table.columns)}) from stdin`),
      );
      await pipeline(fs.createReadStream(files.get(table.name) as string), createGunzip(), stream);
      const { rows: counted } = await client.query<{ n: string }>(
        `select count(*) as n from ${sqlName.get(table.name)}`,
      );
      if (Number(counted[0].n) !== table.rows)
        throw badExport(
          `table ${table.name} has ${counted[0].n} rows after loading, the manifest says ${table.rows}`,
        );
      rows += table.rows;
    }
    for (const key of keys.rows)
      await client.query(`alter table ${key.table} add constraint ${key.name} ${key.definition}`);
    // Serial and identity sequences continue after the loaded ids, so a feature's inserts work.
    await client.query(
      `do $$ declare r record; begin
         for r in select s.oid::regclass as seq, a.attname, t.oid::regclass as tab
                    from pg_depend d join pg_class s on s.oid = d.objid and s.relkind = 'S'
                    join pg_class t on t.oid = d.refobjid
                    join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
                   where d.classid = 'pg_class'::regclass and d.refclassid = 'pg_class'::regclass
                     and d.deptype in ('a', 'i')
         loop
           execute format('select setval(%L, coalesce((select max(%I) from %s), 0) + 1, false)',
                          r.seq, r.attname, r.tab);
         end loop;
       end $$`,
    );
    await client.query("commit");
    return rows;
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    throw error;
  }
}

/** Renames next into the template's place and drops the one it replaces. */
async function swap(admin: ClientBase, names: TemplateNames): Promise<boolean> {
  return withHostLock(admin, async () => {
    await dropBuilt(admin, names.old);
    const replaced = await databaseExists(admin, names.current);
    await admin.query("begin");
    try {
      if (replaced) {
        await admin.query(
          `alter database ${escapeIdentifier(names.current)} rename to ${escapeIdentifier(names.old)}`,
        );
      }
      await admin.query(
        `alter database ${escapeIdentifier(names.next)} rename to ${escapeIdentifier(names.current)}`,
      );
      // Nobody may connect to the template: CREATE DATABASE from it fails while anyone is in it.
      await admin.query(
        `alter database ${escapeIdentifier(names.current)} with is_template true allow_connections false`,
      );
      await admin.query("commit");
    } catch (error) {
      await admin.query("rollback").catch(() => undefined);
      throw error;
    }
    if (replaced) await dropBuilt(admin, names.old);
    return replaced;
  });
}

export async function refreshTemplate(
  config: FeatureDbConfig,
  store: ExportStore,
  log: (line: string) => void,
): Promise<RefreshOutcome> {
  const names = templateNames(config.FEATURE_DB_TEMPLATE);
  const work = await fs.promises.mkdtemp(path.join(os.tmpdir(), "feature-refresh-"));
  try {
    await store.get(MANIFEST_KEY, path.join(work, MANIFEST_KEY));
    const manifest = parseManifest(
      await fs.promises.readFile(path.join(work, MANIFEST_KEY), "utf8"),
      store.uri,
    );
    return await withClient(config, config.DB_NAME, async (admin) => {
      const { rows } = await admin.query<{ locked: boolean }>(
        "select pg_try_advisory_lock($1) as locked",
        [REFRESH_LOCK],
      );
      if (!rows[0].locked)
        throw new FeatureDbFailure(FEATURE_DB_EXIT.failed, "another refresh-template is running");
      try {
        await dropBuilt(admin, names.next);
        await admin.query(`create database ${escapeIdentifier(names.next)} template template0`);
        try {
          const loaded = await withClient(config, names.next, async (client) => {
            await applySchema(client);
            const schema = await readTables(client);
            compareTables(manifest, schema);
            const files = new Map<string, string>();
            for (const table of manifest.tables) {
              const local = path.join(work, `${table.name}.tsv.gz`);
              await store.get(table.file, local);
              files.set(table.name, local);
            }
            const count = await load(client, manifest, schema, files);
            await client.query("analyze");
            return count;
          });
          log(`built ${names.next}: ${manifest.tables.length} tables, ${loaded} rows`);
          const replaced = await swap(admin, names);
          return {
            tables: manifest.tables.length,
            rows: loaded,
            exportedAt: manifest.exportedAt,
            replaced,
          };
        } catch (error) {
          await dropBuilt(admin, names.next).catch(() => undefined);
          throw error;
        }
      } finally {
        await admin.query("select pg_advisory_unlock($1)", [REFRESH_LOCK]).catch(() => undefined);
      }
    });
  } finally {
    await fs.promises.rm(work, { recursive: true, force: true });
  }
}
