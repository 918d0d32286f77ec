/**
 * Verify: after the apply has committed, in a fresh read-only snapshot, every covered column
 * holds only what its rule produces and every deleted table is empty. One scan per table.
 * A failure names table, column, rule and how many rows differ, never a value.
 */
import type { ClientBase } from "pg";
import type { PlannedTable } from "./coverage";
import { Parameters, tableSql, violationSql } from "./expressions";
import { EXIT, RefineryFailure } from "./failure";
import { describeRule } from "./rules";

export interface VerifyCounts {
  tablesChecked: number;
  columnsChecked: number;
  rowsChecked: number;
}

export async function verifyRules(
  client: ClientBase,
  tables: PlannedTable[],
): Promise<VerifyCounts> {
  const problems: string[] = [];
  const counts: VerifyCounts = { tablesChecked: 0, columnsChecked: 0, rowsChecked: 0 };
  await client.query("begin isolation level repeatable read read only");
  try {
    for (const table of tables) {
      const params = new Parameters();
      const checks = table.columns.flatMap((planned) => {
        const violation = violationSql(table, planned, params);
        return violation === undefined ? [] : [{ planned, violation }];
      });
      const select = [
        "count(*)::bigint as rows",
        ...checks.map((check, i) => `count(*) filter (where ${check.violation})::bigint as c${i}`),
      ];
      const { rows } = await client.query<Record<string, string>>(
        `select ${select.join(", ")} from ${tableSql(table)}`,
        params.values,
      );
      const total = Number(rows[0].rows);
      counts.tablesChecked += 1;
      counts.columnsChecked += checks.length;
      counts.rowsChecked += total;
      if (table.delete && total > 0)
        problems.push(`${table.relation.name}: ${total} rows remain; rule delete`);
      checks.forEach((check, i) => {
        const differ = Number(rows[0][`c${i}`]);
        if (differ > 0)
          problems.push(
            `${table.relation.name}.${check.planned.column.name}: ${differ} of ${total} rows differ from rule ${describeRule(check.planned.rule)}`,
          );
      });
    }
    await client.query("commit");
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    throw error;
  }
  if (problems.length > 0)
    throw new RefineryFailure(
      "verify",
      EXIT.unverified,
      problems,
      "verification failed: covered columns hold values their rules do not produce",
    );
  return counts;
}
