/**
 * What a lower stage's administrator can reach through SQL on a restored copy, searched for
 * original values: every column of every table, the statistics' sample values, every page of
 * every relation (pageinspect: dead rows and free space included) and every WAL record still
 * on the instance (pg_walinspect: block data and full-page images). RDS gives rds_superuser
 * these extensions, and no file access beyond them.
 */
import type { Client } from "pg";
import { findIn, type Needle } from "./byte-scan";

export interface SqlFinding {
  /** Where: `column public.users.email`, `page pg_statistic`, `wal`. Never the value. */
  where: string;
  original: number;
}

const APP_SCHEMAS = `n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_(toast|temp_|toast_temp_)'`;
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Every column of every application table, as text. */
export async function scanColumns(client: Client, list: Needle[]): Promise<SqlFinding[]> {
  const { rows } = await client.query<{ schema: string; table: string; column: string }>(
    `select n.nspname as schema, c.relname as table, a.attname as column
       from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p', 'm') and a.attnum > 0 and not a.attisdropped and ${APP_SCHEMAS}`,
  );
  const findings: SqlFinding[] = [];
  for (const { schema, table, column } of rows) {
    const values = await client.query<{ v: string | null }>(
      `select ${quote(column)}::text as v from ${quote(schema)}.${quote(table)}`,
    );
    const text = Buffer.from(values.rows.map((r) => r.v ?? "").join("\u0000"), "utf8");
    for (const original of findIn(text, list))
      findings.push({ where: `column ${schema}.${table}.${column}`, original });
  }
  const stats = await client.query<{ v: string | null }>(
    "select concat_ws(chr(10), most_common_vals::text, histogram_bounds::text, most_common_elems::text) as v from pg_stats",
  );
  for (const original of findIn(
    Buffer.from(stats.rows.map((r) => r.v ?? "").join("\u0000"), "utf8"),
    list,
  ))
    findings.push({ where: "pg_stats", original });
  return findings;
}

/** Every page of every relation of this database (catalogs and shared catalogs too). */
export async function scanPages(client: Client, list: Needle[]): Promise<SqlFinding[]> {
  await client.query("create extension if not exists pageinspect");
  const { rows } = await client.query<{ oid: number; name: string; blocks: number }>(
    `select c.oid, c.oid::regclass::text as name, (pg_relation_size(c.oid) / current_setting('block_size')::int)::int as blocks
       from pg_class c where c.relkind in ('r', 'i', 't', 'm', 'S') and c.relpersistence = 'p'`,
  );
  const findings: SqlFinding[] = [];
  for (const relation of rows.filter((r) => r.blocks > 0)) {
    const pages = await client.query<{ page: Buffer }>(
      "select get_raw_page($1::regclass::text, 'main', g) as page from generate_series(0, $2::int - 1) g",
      [relation.oid, relation.blocks],
    );
    for (const original of findIn(Buffer.concat(pages.rows.map((p) => p.page)), list))
      findings.push({ where: `page ${relation.name}`, original });
  }
  return findings;
}

/** Every WAL record from the oldest segment on the instance to the end of WAL. */
export async function scanWal(
  client: Client,
  list: Needle[],
): Promise<{ findings: SqlFinding[]; records: number }> {
  await client.query("create extension if not exists pg_walinspect");
  const start = await client.query<{ lsn: string }>(
    `select (to_hex(('x' || substr(min(name), 9, 8))::bit(32)::bigint) || '/' ||
             to_hex(('x' || substr(min(name), 17, 8))::bit(32)::bigint * pg_size_bytes(current_setting('wal_segment_size'))))  as lsn
       from pg_ls_waldir() where name ~ '^[0-9A-F]{24}$'`,
  );
  const blocks = await client.query<{ fpi: Buffer | null; data: Buffer | null }>(
    "select block_fpi_data as fpi, block_data as data from pg_get_wal_block_info($1::pg_lsn, pg_current_wal_lsn(), true)",
    [start.rows[0].lsn],
  );
  const text = Buffer.concat(
    blocks.rows.flatMap((b) => [b.fpi ?? Buffer.alloc(0), b.data ?? Buffer.alloc(0)]),
  );
  return {
    findings: findIn(text, list).map((original) => ({ where: "wal", original })),
    records: blocks.rows.length,
  };
}
