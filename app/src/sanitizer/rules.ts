/**
 * The sanitize rules (app/sql/sanitize-rules.yaml): one rule per column of every table, or
 * `delete` for a whole table. Parsed strictly: an unknown key or rule is an error naming its
 * path, because a typo in this file would otherwise leave a column as it came from production.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { z } from "zod";

export const FAKE_KINDS = [
  "email",
  "name",
  "phone",
  "address_line",
  "city",
  "postal_code",
  "text",
] as const;
export type FakeKind = (typeof FAKE_KINDS)[number];

export type ColumnRule =
  | { kind: "keep" }
  | { kind: "null" }
  | { kind: "hash" }
  | { kind: "fake"; fake: FakeKind }
  | { kind: "constant"; value: string };

const columnRule = z.union([
  z.enum(["keep", "null", "hash"]).transform((kind): ColumnRule => ({ kind })),
  // YAML reads a bare `null` (and an empty value) as null, not as the word: both mean the null rule.
  z.null().transform((): ColumnRule => ({ kind: "null" })),
  z
    .object({ fake: z.enum(FAKE_KINDS) })
    .strict()
    .transform(({ fake }): ColumnRule => ({ kind: "fake", fake })),
  z
    .object({ constant: z.union([z.string(), z.number(), z.boolean()]) })
    .strict()
    .transform(({ constant }): ColumnRule => ({ kind: "constant", value: String(constant) })),
]);

const identifier = z.string().regex(/^[a-z_][a-z0-9_$]*$/, "a lower-case SQL identifier");
/** `table` (in public) or `schema.table`. */
const qualifiedName = z
  .string()
  .regex(/^([a-z_][a-z0-9_$]*\.)?[a-z_][a-z0-9_$]*$/, "a table name like users or audit.events");

const tableRules = z.union([
  z.literal("delete"),
  z
    .object({
      key: z.array(identifier).min(1).optional(),
      columns: z
        .record(identifier, columnRule)
        .refine((columns) => Object.keys(columns).length > 0, "at least one column"),
    })
    .strict(),
]);

const rulesFile = z
  .object({
    version: z.literal(1),
    tables: z.record(qualifiedName, tableRules),
    views: z.array(qualifiedName).default([]),
  })
  .strict();

export interface TableRules {
  /** `schema.table`, always qualified. */
  name: string;
  schema: string;
  table: string;
  /** Every row goes. */
  delete: boolean;
  /** The columns fakes derive from; undefined: the primary key. */
  key?: string[];
  columns: Map<string, ColumnRule>;
}

export interface Rules {
  tables: Map<string, TableRules>;
  /** Qualified names of the views the schema is known to have. */
  views: Set<string>;
}

export const DEFAULT_RULES_FILE = path.join(__dirname, "..", "..", "sql", "sanitize-rules.yaml");

export class RulesError extends Error {}

export function qualify(name: string): string {
  return name.includes(".") ? name : `public.${name}`;
}

/** Parses the rules document; every problem is named with its path. */
export function parseRules(text: string, source = "sanitize rules"): Rules {
  const document = parseDocument(text, { uniqueKeys: true });
  if (document.errors.length > 0)
    throw new RulesError(`${source}: not valid YAML: ${document.errors[0].message.split("\n")[0]}`);
  let data: unknown;
  try {
    // No aliases: the file is short and hand-written, and an alias bomb is not.
    data = document.toJS({ maxAliasCount: 0 });
  } catch (error) {
    throw new RulesError(`${source}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = rulesFile.safeParse(data);
  if (!parsed.success) {
    const problems = specific(parsed.error.issues).map(
      (issue) => `${issue.path.join(".") || "(document)"}: ${issue.message}`,
    );
    throw new RulesError(`${source}: ${problems.join("; ")}`);
  }
  const tables = new Map<string, TableRules>();
  for (const [name, rules] of Object.entries(parsed.data.tables)) {
    const qualified = qualify(name);
    if (tables.has(qualified))
      throw new RulesError(`${source}: tables.${name}: ${qualified} is named twice`);
    const [schema, table] = qualified.split(".");
    tables.set(
      qualified,
      rules === "delete"
        ? { name: qualified, schema, table, delete: true, columns: new Map() }
        : {
            name: qualified,
            schema,
            table,
            delete: false,
            key: rules.key,
            columns: new Map(Object.entries(rules.columns)),
          },
    );
  }
  return { tables, views: new Set(parsed.data.views.map(qualify)) };
}

/**
 * A union that matched no branch reports "Invalid input" at the table; the branch that got
 * furthest says what is wrong (`tables.users.columns.email.fake: expected 'email' | ...`).
 */
function specific(issues: z.ZodIssue[]): z.ZodIssue[] {
  return issues.flatMap((issue) => {
    if (issue.code !== z.ZodIssueCode.invalid_union) return [issue];
    const nested = specific(issue.unionErrors.flatMap((error) => error.issues));
    const deepest = Math.max(...nested.map((n) => n.path.length));
    return deepest > issue.path.length ? nested.filter((n) => n.path.length === deepest) : [issue];
  });
}

export function loadRules(file = DEFAULT_RULES_FILE): Rules {
  return parseRules(fs.readFileSync(file, "utf8"), path.basename(file));
}

export function describeRule(rule: ColumnRule): string {
  switch (rule.kind) {
    case "fake":
      return `fake ${rule.fake}`;
    case "constant":
      return "constant";
    default:
      return rule.kind;
  }
}
