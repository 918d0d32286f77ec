/**
 * A feature's login role: LOGIN, a connection limit, and none of the attributes that reach
 * beyond its own database (no SUPERUSER, CREATEDB, CREATEROLE, REPLICATION, BYPASSRLS). The
 * password is set as a SCRAM verifier, and only when the role cannot already log in with it,
 * so a second create changes nothing.
 */
import { escapeIdentifier, escapeLiteral, type ClientBase } from "pg";
import type { DatabaseSettings } from "../dependencies";
import { connectAs } from "./connect";
import { sqlState } from "./failure";
import { scramVerifier } from "./scram";

/** Enough for the app's pool (10) during a rolling deploy of two tasks, and a psql session or two. */
export const FEATURE_ROLE_CONNECTION_LIMIT = 20;

const ATTRIBUTES = `login nosuperuser nocreatedb nocreaterole noreplication nobypassrls inherit connection limit ${FEATURE_ROLE_CONNECTION_LIMIT}`;

/** Creates the role; returns false when it already existed (its attributes then made right). */
export async function ensureRole(
  admin: ClientBase,
  role: string,
  password: string,
): Promise<boolean> {
  const { rows } = await admin.query<{ right: boolean }>(
    `select rolcanlogin and not rolsuper and not rolcreatedb and not rolcreaterole
            and not rolreplication and not rolbypassrls and rolconnlimit = $2 as right
       from pg_roles where rolname = $1`,
    [role, FEATURE_ROLE_CONNECTION_LIMIT],
  );
  if (rows.length === 0) {
    await admin.query(
      `create role ${escapeIdentifier(role)} ${ATTRIBUTES} password ${escapeLiteral(scramVerifier(password))}`,
    );
    return true;
  }
  if (!rows[0].right) await admin.query(`alter role ${escapeIdentifier(role)} ${ATTRIBUTES}`);
  return false;
}

/** Sets the password unless the role already logs in to `database` with it; true when it was set. */
export async function ensurePassword(
  admin: ClientBase,
  settings: DatabaseSettings,
  database: string,
  role: string,
  password: string,
): Promise<boolean> {
  try {
    const client = await connectAs(settings, database, { name: role, password });
    await client.end().catch(() => undefined);
    return false;
  } catch (error) {
    // 28P01: wrong password; 28000: no such login. Anything else (the host unreachable) is not ours to fix.
    if (!["28P01", "28000"].includes(sqlState(error) ?? "")) throw error;
  }
  await admin.query(
    `alter role ${escapeIdentifier(role)} password ${escapeLiteral(scramVerifier(password))}`,
  );
  return true;
}
