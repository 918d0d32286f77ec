/**
 * Which feature stack's life a database belongs to. A stack's FeatureDatabase makes a random
 * incarnation when it is created and passes it to every create and drop; the database carries
 * it as its comment. `feature down` only starts the drop task (the stack is gone about a minute
 * and a half before the database is), so a new stack of the same branch can reach the host
 * first: its create replaces a database of another incarnation, and a late drop leaves a
 * database of another incarnation alone. Both run under the host lock (host.ts), one at a time.
 */
import { randomBytes } from "node:crypto";
import { escapeIdentifier, escapeLiteral, type ClientBase } from "pg";

/** An incarnation: 12 lowercase hex digits (6 random bytes). */
export const INCARNATION = /^[0-9a-f]{12}$/;

/** A fresh incarnation, as a FeatureDatabase's create makes one. */
export function randomIncarnation(): string {
  return randomBytes(6).toString("hex");
}

/** The marker: `multistage feature stack incarnation <hex> created <ISO time>`. */
const MARKER = /^multistage feature stack incarnation ([0-9a-f]{12}) created (\S+)$/;

export interface Marker {
  incarnation: string;
  /** When the provisioner first marked it (its create, or its adoption), ms since the epoch. */
  createdMs: number;
}

/** The database's marker, undefined when it carries none (made before incarnations). */
export async function markerOf(admin: ClientBase, database: string): Promise<Marker | undefined> {
  const { rows } = await admin.query<{ comment: string | null }>(
    "select shobj_description(oid, 'pg_database') as comment from pg_database where datname = $1",
    [database],
  );
  const match = MARKER.exec(rows[0]?.comment ?? "");
  if (!match) return undefined;
  return { incarnation: match[1], createdMs: Date.parse(match[2]) };
}

export async function incarnationOf(
  admin: ClientBase,
  database: string,
): Promise<string | undefined> {
  return (await markerOf(admin, database))?.incarnation;
}

/** Marks the database as the incarnation's, keeping the time of a marker it already carries. */
export async function markIncarnation(
  admin: ClientBase,
  database: string,
  incarnation: string,
  now = new Date(),
): Promise<void> {
  const existing = await markerOf(admin, database);
  if (existing?.incarnation === incarnation) return;
  const comment = `multistage feature stack incarnation ${incarnation} created ${now.toISOString()}`;
  await admin.query(
    `comment on database ${escapeIdentifier(database)} is ${escapeLiteral(comment)}`,
  );
}

/**
 * True when the database is marked as another incarnation's than `incarnation`; without one
 * (a caller from before incarnations), any marked database is another's.
 */
export async function belongsToAnother(
  admin: ClientBase,
  database: string,
  incarnation: string | undefined,
): Promise<boolean> {
  const marked = await incarnationOf(admin, database);
  return marked !== undefined && marked !== incarnation;
}
