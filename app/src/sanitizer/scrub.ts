/**
 * Scrub: leave no original value where a later reader can reach it. The snapshot the refinery
 * takes next is a block copy of this instance's volume, and a lower stage's rds_superuser can
 * read any page of any relation (pageinspect) and the WAL still on the instance
 * (pg_walinspect). After apply, originals are still in:
 *
 * - dead row versions and the old index entries of every updated table, and free space inside
 *   pages: VACUUM FULL writes each table, its TOAST and its indexes into new files and drops
 *   the old ones (plain VACUUM only marks the space free; the bytes stay);
 * - pg_statistic, whose sample values (pg_stats) came with production's snapshot: ANALYZE
 *   replaces them from the sanitized rows, except for empty tables, which ANALYZE skips, so a
 *   deleted table's statistics are dropped first (ALTER COLUMN ... TYPE to its own type drops
 *   a column's statistics without rewriting anything); then pg_statistic itself is rewritten,
 *   because the replaced rows are dead versions in it;
 * - WAL: every change since production's last checkpoint, including full-page images of the
 *   pages as they were. CHECKPOINT, pg_switch_wal() and a second CHECKPOINT move the redo
 *   point into a segment begun after the rewrite, so every older segment is removed or
 *   recycled; then no segment older than the redo point may remain. A recycled segment is
 *   only renamed for reuse (wal_recycle, on by default): its old bytes stay in the volume,
 *   unreadable through SQL but in every block copy, until WAL is written over them. So the
 *   run writes that much WAL (pg_logical_emit_message, no table touched) through the rest of
 *   the current segment and every recycled one, and checkpoints and switches once more.
 *
 * Each of these is checked, not assumed: a table whose file did not change, a statistics value
 * that is not in its column, or an old WAL segment fails the run.
 */
import type { ClientBase } from "pg";
import type { PlannedTable } from "./coverage";
import { quoteIdent } from "./fakes";
import { EXIT, RefineryFailure } from "./failure";

export interface ScrubCounts {
  tablesRewritten: number;
  statisticsDropped: number;
  statisticsValuesChecked: number;
  walSegmentsRemaining: number;
  walBytesOverwritten: number;
}

/** Written per message while overwriting recycled WAL. */
const WASH_CHUNK = 4 * 1024 * 1024;

function relationSql(table: PlannedTable): string {
  return `${quoteIdent(table.relation.schema)}.${quoteIdent(table.relation.relation)}`;
}

async function filenode(client: ClientBase, relation: string): Promise<string> {
  const { rows } = await client.query<{ node: string }>(
    "select pg_relation_filenode($1::regclass)::text as node",
    [relation],
  );
  return rows[0].node;
}

async function statisticsColumns(client: ClientBase, table: PlannedTable): Promise<string[]> {
  const { rows } = await client.query<{ column: string }>(
    "select attname as column from pg_stats where schemaname = $1 and tablename = $2",
    [table.relation.schema, table.relation.relation],
  );
  return rows.map((r) => r.column);
}

/** Drops the statistics of tables with no rows left, which ANALYZE would leave as they came. */
async function dropStatisticsOfEmptyTables(
  client: ClientBase,
  tables: PlannedTable[],
): Promise<number> {
  let dropped = 0;
  for (const table of tables) {
    const { rows } = await client.query<{ empty: boolean }>(
      `select not exists (select 1 from only ${relationSql(table)}) as empty`,
    );
    if (!rows[0].empty) continue;
    const columns = await statisticsColumns(client, table);
    if (columns.length === 0) continue;
    const alters = columns.map((name) => {
      const column = table.relation.columns.find((c) => c.name === name);
      if (!column)
        throw new Error(
          `${table.relation.name}.${name}: statistics for a column the catalog did not list`,
        );
      return `alter column ${quoteIdent(name)} type ${column.type} ${column.collate}`;
    });
    await client.query(`alter table ${relationSql(table)} ${alters.join(", ")}`);
    dropped += columns.length;
  }
  return dropped;
}

async function rewrite(
  client: ClientBase,
  relation: string,
  analyze: boolean,
  problems: string[],
): Promise<void> {
  const before = await filenode(client, relation);
  await client.query(`vacuum (full${analyze ? ", analyze" : ""}) ${relation}`);
  // VACUUM skips (with a warning, not an error) a table it may not rewrite: check it did.
  if ((await filenode(client, relation)) === before)
    problems.push(
      `${relation}: VACUUM FULL did not rewrite it (is the sanitizer's user its owner, or the database's?)`,
    );
}

/** Every value pg_stats keeps for a sanitized column must occur in the column now. */
async function checkStatistics(
  client: ClientBase,
  tables: PlannedTable[],
  problems: string[],
): Promise<number> {
  let checked = 0;
  for (const table of tables) {
    if (table.delete) {
      const left = await statisticsColumns(client, table);
      if (left.length > 0)
        problems.push(
          `${table.relation.name}: statistics remain for ${left.join(", ")} of a deleted table`,
        );
      continue;
    }
    for (const planned of table.columns.filter((p) => p.rule.kind !== "keep")) {
      const { rows } = await client.query<{ values: number; stale: number }>(
        `with stats as (
           select distinct v from pg_stats s,
             unnest(coalesce(s.most_common_vals::text::text[], '{}') || coalesce(s.histogram_bounds::text::text[], '{}') || coalesce(s.most_common_elems::text::text[], '{}')) v
            where s.schemaname = $1 and s.tablename = $2 and s.attname = $3)
         select (select count(*) from stats)::int as values,
                (select count(*) from stats where not exists (select 1 from only ${relationSql(table)} t where t.${quoteIdent(planned.column.name)}::text = stats.v))::int as stale`,
        [table.relation.schema, table.relation.relation, planned.column.name],
      );
      checked += rows[0].values;
      if (rows[0].stale > 0)
        problems.push(
          `${table.relation.name}.${planned.column.name}: ${rows[0].stale} statistics values are not in the column (stale sample values)`,
        );
    }
  }
  return checked;
}

/** WAL segments older than the last checkpoint's redo segment: pg_walinspect could read them. */
async function oldWalSegments(client: ClientBase): Promise<{ old: number; remaining: number }> {
  const { rows } = await client.query<{ old: number; remaining: number }>(
    `with redo as (select pg_walfile_name(redo_lsn) as segment from pg_control_checkpoint()),
          segments as (select name from pg_ls_waldir() where name ~ '^[0-9A-F]{24}$')
     select (select count(*) from segments, redo where segments.name < redo.segment)::int as old,
            (select count(*) from segments)::int as remaining`,
  );
  return rows[0];
}

/** Bytes of WAL files that lie ahead of the insert position: the current segment's rest and every recycled segment. */
async function walAhead(client: ClientBase): Promise<number> {
  const { rows } = await client.query<{ ahead: string }>(
    `with here as (select file_name, file_offset from pg_walfile_name_offset(pg_current_wal_insert_lsn()))
     select (pg_size_bytes(current_setting('wal_segment_size')) - (select file_offset from here)
             + coalesce((select sum(size) from pg_ls_waldir() where name ~ '^[0-9A-F]{24}$' and name > (select file_name from here)), 0))::text as ahead`,
  );
  return Number(rows[0].ahead);
}

async function checkpointAndSwitch(client: ClientBase): Promise<void> {
  await client.query("checkpoint");
  try {
    await client.query("select pg_switch_wal()");
  } catch (error) {
    // Whether a managed service grants pg_switch_wal() to its administrator varies; writing one
    // segment's worth of WAL moves into the next segment just the same.
    if ((error as { code?: string }).code !== "42501") throw error;
    await client.query(
      "select pg_logical_emit_message(false, 'multistage-scrub', repeat('0', pg_size_bytes(current_setting('wal_segment_size'))::int))",
    );
  }
  await client.query("checkpoint");
}

/** Writes WAL over every byte ahead of the insert position, so recycled segments hold only what was written after the rewrite. */
async function overwriteRecycledWal(client: ClientBase): Promise<number> {
  const ahead = await walAhead(client);
  let written = 0;
  while (written < ahead) {
    await client.query(
      "select pg_logical_emit_message(false, 'multistage-scrub', repeat('0', $1::int))",
      [WASH_CHUNK],
    );
    written += WASH_CHUNK;
  }
  return written;
}

export async function scrub(client: ClientBase, tables: PlannedTable[]): Promise<ScrubCounts> {
  const problems: string[] = [];
  const statisticsDropped = await dropStatisticsOfEmptyTables(client, tables);
  for (const table of tables) await rewrite(client, relationSql(table), true, problems);
  const statisticsValuesChecked = await checkStatistics(client, tables, problems);
  await rewrite(client, "pg_catalog.pg_statistic", false, problems);
  if (problems.length > 0)
    throw new RefineryFailure(
      "scrub",
      EXIT.failed,
      problems,
      "scrub failed: originals may remain in the database's files",
    );

  await checkpointAndSwitch(client);
  const walBytesOverwritten = await overwriteRecycledWal(client);
  await checkpointAndSwitch(client);
  const wal = await oldWalSegments(client);
  if (wal.old > 0) {
    throw new RefineryFailure(
      "scrub",
      EXIT.failed,
      [
        `pg_wal: ${wal.old} segments older than the last checkpoint remain (wal_keep_size, a slow archiver or a replication slot keeps them); they hold the original rows`,
      ],
      "scrub failed: WAL from before the sanitizing remains",
    );
  }
  return {
    tablesRewritten: tables.length,
    statisticsDropped,
    statisticsValuesChecked,
    walSegmentsRemaining: wal.remaining,
    walBytesOverwritten,
  };
}
