/**
 * What the restored database holds, read from pg_catalog rather than information_schema:
 * information_schema shows only what the current user has privileges on, and an object the
 * sanitizer cannot see must still fail the run.
 */
import type { ClientBase } from "pg";

/** relkinds that are data or look like it: tables, partitioned tables, views, materialized views, foreign tables. */
export type RelationKind =
  "table" | "partitioned table" | "view" | "materialized view" | "foreign table";
const RELKINDS: Record<string, RelationKind> = {
  r: "table",
  p: "partitioned table",
  v: "view",
  m: "materialized view",
  f: "foreign table",
};

export interface CatalogColumn {
  name: string;
  /** As format_type prints it, e.g. `character varying(20)`. */
  type: string;
  /** `COLLATE "x"` when the column's collation is not its type's default, else "". */
  collate: string;
  notNull: boolean;
  /** A stored generated column: computed from the others, cannot be updated. */
  generated: boolean;
  /** PostgreSQL keeps statistics (sample values) for it. */
  hasStatistics: boolean;
}

export interface CatalogRelation {
  /** `schema.name` */
  name: string;
  schema: string;
  relation: string;
  kind: RelationKind;
  columns: CatalogColumn[];
  primaryKey: string[];
  /** Qualified names of the tables this one's foreign keys point at. */
  references: string[];
}

export interface Catalog {
  relations: Map<string, CatalogRelation>;
  largeObjects: number;
  replicationSlots: number;
}

/** Schemas PostgreSQL itself owns; everything else is the application's (or an extension's) and is checked. */
export const SYSTEM_SCHEMAS_SQL = `n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_(toast|temp_|toast_temp_)'`;

export async function readCatalog(client: ClientBase): Promise<Catalog> {
  const relations = await client.query<{
    oid: number;
    schema: string;
    relation: string;
    relkind: string;
  }>(
    `select c.oid, n.nspname as schema, c.relname as relation, c.relkind
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p', 'v', 'm', 'f') and ${SYSTEM_SCHEMAS_SQL}`,
  );
  const columns = await client.query<{
    oid: number;
    name: string;
    type: string;
    collate: string;
    not_null: boolean;
    generated: boolean;
    has_statistics: boolean;
  }>(
    `select a.attrelid as oid, a.attname as name, format_type(a.atttypid, a.atttypmod) as type,
            case when a.attcollation <> 0 and a.attcollation <> t.typcollation
                 then 'COLLATE ' || quote_ident(cn.nspname) || '.' || quote_ident(co.collname) else '' end as collate,
            a.attnotnull as not_null, a.attgenerated <> '' as generated,
            -- pg_stats, not pg_statistic: the catalog is the superuser's, the view shows the tables we may read.
            exists (select 1 from pg_stats s where s.schemaname = n.nspname and s.tablename = c.relname and s.attname = a.attname) as has_statistics
       from pg_attribute a
       join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
       join pg_type t on t.oid = a.atttypid
       left join pg_collation co on co.oid = a.attcollation left join pg_namespace cn on cn.oid = co.collnamespace
      where a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'p', 'v', 'm', 'f') and ${SYSTEM_SCHEMAS_SQL}
      order by a.attrelid, a.attnum`,
  );
  const keys = await client.query<{ oid: number; columns: string[] }>(
    `select k.conrelid as oid, array_agg(a.attname::text order by u.ord) as columns
       from pg_constraint k cross join unnest(k.conkey) with ordinality u(attnum, ord)
       join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.attnum
      where k.contype = 'p' group by k.conrelid`,
  );
  const foreignKeys = await client.query<{ oid: number; target: string }>(
    `select k.conrelid as oid, n.nspname || '.' || c.relname as target
       from pg_constraint k join pg_class c on c.oid = k.confrelid join pg_namespace n on n.oid = c.relnamespace
      where k.contype = 'f'`,
  );
  const counts = await client.query<{ large_objects: number; slots: number }>(
    "select (select count(*) from pg_largeobject_metadata)::int as large_objects, (select count(*) from pg_replication_slots)::int as slots",
  );

  const byOid = new Map<number, CatalogRelation>();
  for (const row of relations.rows) {
    byOid.set(row.oid, {
      name: `${row.schema}.${row.relation}`,
      schema: row.schema,
      relation: row.relation,
      kind: RELKINDS[row.relkind],
      columns: [],
      primaryKey: [],
      references: [],
    });
  }
  for (const row of columns.rows) {
    byOid.get(row.oid)?.columns.push({
      name: row.name,
      type: row.type,
      collate: row.collate,
      notNull: row.not_null,
      generated: row.generated,
      hasStatistics: row.has_statistics,
    });
  }
  for (const row of keys.rows) {
    const relation = byOid.get(row.oid);
    if (relation) relation.primaryKey = row.columns;
  }
  for (const row of foreignKeys.rows) byOid.get(row.oid)?.references.push(row.target);
  return {
    relations: new Map([...byOid.values()].map((r) => [r.name, r])),
    largeObjects: counts.rows[0].large_objects,
    replicationSlots: counts.rows[0].slots,
  };
}
