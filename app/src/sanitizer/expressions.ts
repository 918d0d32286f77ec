/**
 * The SQL each rule becomes: what apply writes into a column, and what verify accepts in it.
 * One place for both, so verification checks exactly what apply was meant to produce.
 */
import type { PlannedColumn, PlannedTable } from "./coverage";
import { fakeSql, quoteIdent, seedSql } from "./fakes";
import { HMAC_PATTERN, hmacSql, type HmacPads } from "./hmac";

/** Bind parameters of one statement: values travel outside the SQL text. */
export class Parameters {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export function tableSql(table: PlannedTable): string {
  return `only ${quoteIdent(table.relation.schema)}.${quoteIdent(table.relation.relation)}`;
}

function keyColumns(table: PlannedTable) {
  return table.key.map((name) => {
    const column = table.relation.columns.find((c) => c.name === name);
    if (!column) throw new Error(`${table.relation.name}: key column ${name} does not exist`);
    return column;
  });
}

function cast(expression: string, planned: PlannedColumn): string {
  return `(${expression})::${planned.column.type}`;
}

/** The new value of a column under its rule; undefined for keep. */
export function assignmentSql(
  table: PlannedTable,
  planned: PlannedColumn,
  params: Parameters,
  pads: HmacPads | undefined,
): string | undefined {
  const column = quoteIdent(planned.column.name);
  const rule = planned.rule;
  switch (rule.kind) {
    case "keep":
      return undefined;
    case "null":
      return "null";
    case "constant":
      return cast(params.add(rule.value), planned);
    case "fake":
      // NULL stays NULL: whether a phone number was given is kept, the number is not.
      return `case when ${column} is null then null else ${cast(fakeSql(rule.fake, seedSql(keyColumns(table))), planned)} end`;
    case "hash": {
      if (!pads) throw new Error("a hash rule needs the HMAC key");
      return `case when ${column} is null then null else ${cast(hmacSql(column, params.add(pads.inner), params.add(pads.outer)), planned)} end`;
    }
  }
}

/** A condition true for rows whose column does not hold what the rule produces; undefined for keep. */
export function violationSql(
  table: PlannedTable,
  planned: PlannedColumn,
  params: Parameters,
): string | undefined {
  const column = quoteIdent(planned.column.name);
  const rule = planned.rule;
  switch (rule.kind) {
    case "keep":
      return undefined;
    case "null":
      return `${column} is not null`;
    case "constant":
      return `${column} is distinct from ${cast(params.add(rule.value), planned)}`;
    case "fake":
      return `${column} is not null and ${column} is distinct from ${cast(fakeSql(rule.fake, seedSql(keyColumns(table))), planned)}`;
    case "hash":
      // The original is gone, so the HMAC cannot be recomputed; its shape can be checked.
      return `${column} is not null and ${column}::text !~ ${params.add(HMAC_PATTERN)}`;
  }
}
