/**
 * `drop`: a feature's database and role gone, for the feature stack's `pulumi destroy`, unless
 * the database is marked as another incarnation's (incarnation.ts): then both stay.
 * Idempotent (already gone is success). DROP DATABASE ... WITH (FORCE) terminates the sessions
 * still in it (the feature's app tasks may outlive the stack's last update by a few seconds);
 * the admin needs pg_signal_backend for that, which RDS's master has through rds_superuser.
 */
import { escapeIdentifier } from "pg";
import { withClient } from "./connect";
import type { FeatureDbConfig } from "./config";
import { FEATURE_DB_EXIT, FeatureDbFailure } from "./failure";
import { withHostLock } from "./host";
import { belongsToAnother } from "./incarnation";

export interface DropOutcome {
  databaseDropped: boolean;
  roleDropped: boolean;
  /** The database is a newer stack's of the same name (another incarnation): left alone. */
  anotherIncarnation: boolean;
}

export async function dropFeatureDatabase(
  config: FeatureDbConfig,
  request: { database: string; role: string; incarnation?: string },
): Promise<DropOutcome> {
  const { database, role } = request;
  return withClient(config, config.DB_NAME, (admin) =>
    withHostLock(admin, async () => {
      const { rows } = await admin.query<{ datistemplate: boolean }>(
        "select datistemplate from pg_database where datname = $1",
        [database],
      );
      // The name check has passed already; a database marked as a template is never a feature's.
      if (rows[0]?.datistemplate)
        throw new FeatureDbFailure(
          FEATURE_DB_EXIT.invalid,
          `--database: ${database} is a template database; refusing to drop it`,
        );
      // A new stack of the same branch created its database before this late drop ran.
      if (rows.length === 1 && (await belongsToAnother(admin, database, request.incarnation)))
        return { databaseDropped: false, roleDropped: false, anotherIncarnation: true };
      if (rows.length === 1)
        await admin.query(`drop database if exists ${escapeIdentifier(database)} with (force)`);
      const roleRow = await admin.query("select 1 from pg_roles where rolname = $1", [role]);
      if (roleRow.rowCount === 1)
        await admin.query(`drop role if exists ${escapeIdentifier(role)}`);
      return {
        databaseDropped: rows.length === 1,
        roleDropped: roleRow.rowCount === 1,
        anotherIncarnation: false,
      };
    }),
  );
}
