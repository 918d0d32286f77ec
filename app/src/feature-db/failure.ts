/**
 * How a provisioner command ends: its exit code, and a one-line reason safe to log. The reason
 * names arguments, databases, roles and counts, never a password or a row's value.
 */
export const FEATURE_DB_EXIT = {
  done: 0,
  /** PostgreSQL, S3 or Secrets Manager failed us, or something unforeseen happened. */
  failed: 1,
  /** Bad arguments or environment: nothing was run against the host. */
  invalid: 2,
  /** The host already holds FEATURE_DB_MAX feature databases: nothing was created. */
  full: 3,
  /** The export does not match the app's schema or its own manifest: the template is unchanged. */
  badExport: 4,
} as const;

export class FeatureDbFailure extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** SQLSTATE classes whose messages name objects or settings, never row data (as the sanitizer's). */
const MESSAGE_IS_SAFE = /^(08|0A|25|28|3D|3F|40|42|53|54|55|57|58)/;

/** One line for the log about any error; PostgreSQL's messages only when they cannot quote data. */
export function describeError(error: unknown): string {
  if (error instanceof FeatureDbFailure) return error.message;
  const fields = (typeof error === "object" && error !== null ? error : {}) as {
    code?: unknown;
    message?: unknown;
  };
  if (typeof fields.code === "string" && /^[0-9A-Z]{5}$/.test(fields.code))
    return MESSAGE_IS_SAFE.test(fields.code) && typeof fields.message === "string"
      ? `PostgreSQL ${fields.code}: ${fields.message}`
      : `PostgreSQL ${fields.code} (message withheld: it may quote data)`;
  if (error instanceof Error) return error.message.split("\n")[0];
  return "unknown error";
}

/** The SQLSTATE of a PostgreSQL error, if it is one. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}
