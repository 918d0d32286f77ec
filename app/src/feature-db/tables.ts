/**
 * The app's tables as the export and the template see them: plain tables (partitions included,
 * each holds its own rows) in the application's schemas, with the columns COPY carries
 * (stored generated columns are computed again on load, so they are left out).
 */
import type { ClientBase } from "pg";

export interface ExportTable {
  /** `schema.table` */
  name: string;
  /** The quoted, qualified name for SQL. */
  sql: string;
  columns: string[];
}

export async function readTables(client: ClientBase): Promise<ExportTable[]> {
  const { rows } = await client.query<{ name: string; sql: string; columns: string[] }>(
    `select n.nspname || '.' || c.relname as name, c.oid::regclass::text as sql,
            array_agg(a.attname::text order by a.attnum) as columns
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
       join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
      where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_'
      group by 1, 2 order by 1`,
  );
  return rows;
}

export function columnList(columns: readonly string[]): string {
  return columns.map((column) => `"${column.replace(/"/g, '""')}"`).join(", ");
}
