/**
 * Failures of the refinery's run, safe to log: they name steps, tables, columns and counts,
 * never a value. PostgreSQL's own errors can quote data ("Key (email)=(...) already exists",
 * "Failing row contains (...)", "invalid input syntax for type ...: \"...\""), so only their
 * code and the names of the objects involved are kept.
 */
export const EXIT = {
  done: 0,
  /** The database failed us, or something unforeseen happened. */
  failed: 1,
  /** The environment or the rules file is invalid. */
  invalid: 2,
  /** Not the sanitizer: nothing was changed. */
  refused: 3,
  /** Something in the database has no rule: nothing was changed. */
  uncovered: 4,
  /** A covered column does not hold what its rule produces: no snapshot may be taken. */
  unverified: 5,
} as const;

export type Step = "environment" | "guard" | "coverage" | "apply" | "verify" | "scrub";

export class RefineryFailure extends Error {
  constructor(
    readonly step: Step,
    readonly exitCode: number,
    readonly problems: string[],
    summary: string,
  ) {
    super(summary);
  }
}

/** SQLSTATE classes whose messages name objects or settings, never row data. */
const MESSAGE_IS_SAFE = /^(08|0A|25|28|3D|3F|40|42|53|54|55|57|58)/;

interface PgErrorFields {
  code?: string;
  message?: string;
  schema?: string;
  table?: string;
  column?: string;
  constraint?: string;
  dataType?: string;
  routine?: string;
}

/** The loggable fields of any error thrown during a run. */
export function safeError(error: unknown): Record<string, string> {
  if (error instanceof RefineryFailure) return { message: error.message };
  const fields = (typeof error === "object" && error !== null ? error : {}) as PgErrorFields;
  if (typeof fields.code === "string" && /^[0-9A-Z]{5}$/.test(fields.code)) {
    const safe: Record<string, string> = { code: fields.code };
    for (const key of ["schema", "table", "column", "constraint", "dataType", "routine"] as const) {
      if (fields[key]) safe[key] = String(fields[key]);
    }
    safe.message =
      MESSAGE_IS_SAFE.test(fields.code) && fields.message
        ? fields.message
        : "PostgreSQL error (message withheld: it may quote data)";
    return safe;
  }
  // Node's own errors (a refused connection, a DNS failure) carry no data from the database.
  if (error instanceof Error)
    return { message: error.message, ...(fields.code ? { code: String(fields.code) } : {}) };
  return { message: "unknown error" };
}
