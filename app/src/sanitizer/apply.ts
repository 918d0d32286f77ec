/**
 * Apply: every rule, set-based, in one transaction. One UPDATE per table rewrites all its
 * sanitized columns in one pass; deleted tables are truncated last, so rows a trigger might
 * have copied on the way are gone too. User triggers are switched off for the transaction
 * (an audit trigger would otherwise copy each original into another table) and restored as
 * they were before commit.
 */
import type { ClientBase } from "pg";
import type { PlannedTable } from "./coverage";
import { assignmentSql, Parameters, tableSql } from "./expressions";
import { quoteIdent } from "./fakes";
import type { HmacPads } from "./hmac";

export interface ApplyCounts {
  rowsUpdated: number;
  tablesUpdated: number;
  tablesTruncated: number;
  columnsRewritten: number;
}

const ENABLE: Record<string, string> = {
  O: "enable trigger",
  A: "enable always trigger",
  R: "enable replica trigger",
};

export async function applyRules(
  client: ClientBase,
  tables: PlannedTable[],
  pads: HmacPads | undefined,
): Promise<ApplyCounts> {
  const counts: ApplyCounts = {
    rowsUpdated: 0,
    tablesUpdated: 0,
    tablesTruncated: 0,
    columnsRewritten: 0,
  };
  await client.query("begin");
  try {
    for (const table of tables.filter((t) => !t.delete)) {
      const params = new Parameters();
      const assignments = table.columns.flatMap((planned) => {
        const value = assignmentSql(table, planned, params, pads);
        return value === undefined ? [] : [`${quoteIdent(planned.column.name)} = ${value}`];
      });
      if (assignments.length === 0) continue;
      const target = tableSql(table);
      const triggers = await client.query<{ name: string; enabled: string }>(
        "select tgname as name, tgenabled as enabled from pg_trigger where tgrelid = $1::regclass and not tgisinternal and tgenabled <> 'D'",
        [`${quoteIdent(table.relation.schema)}.${quoteIdent(table.relation.relation)}`],
      );
      const relation = target.replace(/^only /, "");
      for (const trigger of triggers.rows)
        await client.query(`alter table ${relation} disable trigger ${quoteIdent(trigger.name)}`);
      const result = await client.query(
        `update ${target} set ${assignments.join(", ")}`,
        params.values,
      );
      for (const trigger of triggers.rows)
        await client.query(
          `alter table ${relation} ${ENABLE[trigger.enabled]} ${quoteIdent(trigger.name)}`,
        );
      counts.rowsUpdated += result.rowCount ?? 0;
      counts.tablesUpdated += 1;
      counts.columnsRewritten += assignments.length;
    }
    const deleted = tables.filter((t) => t.delete);
    if (deleted.length > 0) {
      // One statement, so deleted tables that reference each other go together.
      await client.query(`truncate ${deleted.map(tableSql).join(", ")}`);
      counts.tablesTruncated = deleted.length;
    }
    await client.query("commit");
    return counts;
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    throw error;
  }
}
