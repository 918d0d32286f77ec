/**
 * `create`: a feature's database, copied from the template, and its login role, which alone may
 * connect to it and owns what it holds. Idempotent: when the database exists, the role, its
 * password and its rights are made right and nothing else happens. A new database counts
 * against FEATURE_DB_MAX; a create refused or failed half-way leaves nothing behind.
 */
import { escapeIdentifier, type ClientBase } from "pg";
import { closeSharedDatabases, grantConnect, handOver } from "./access";
import { withClient } from "./connect";
import type { FeatureDbConfig } from "./config";
import { FEATURE_DB_EXIT, FeatureDbFailure, sqlState } from "./failure";
import { databaseExists, featureDatabases, withHostLock } from "./host";
import { belongsToAnother, markIncarnation, randomIncarnation } from "./incarnation";
import { templateNames } from "./names";
import { ensurePassword, ensureRole } from "./role";

export interface CreateRequest {
  database: string;
  role: string;
  password: string;
  /** The FeatureDatabase's incarnation (incarnation.ts), marked on the database; absent from old code. */
  incarnation?: string;
  /**
   * `new`: the resource's own create, which drops another incarnation's database (a destroyed
   * stack's whose drop has not run) first; `update`: never drops, marks only an unmarked one.
   */
  mode: "new" | "update";
}

export type CreateStrategy = "file_copy" | "wal_log";

/**
 * FILE_COPY: npm run bench:feature-db copies a 1,000,000-row template (189 MB) in 0.21 s with
 * FILE_COPY against 0.41 s with WAL_LOG (medians of 3), because WAL_LOG writes every block of
 * the copy to the WAL as well as to the new database, twice the bytes, while FILE_COPY copies
 * the files and pays two checkpoints, which on a small host holding a few mostly idle feature
 * databases have little to flush. WAL_LOG's advantage, no checkpoint spike for a busy server,
 * matters little on a host that exists only for feature stacks.
 */
export const CREATE_STRATEGY: CreateStrategy = "file_copy";

/**
 * "source database is being accessed by other users": someone sits in the template, briefly
 * (PostgreSQL itself has waited 5 s before saying so).
 */
const TEMPLATE_BUSY = "55006";
const BUSY_RETRIES = 10;

export interface CreateOutcome {
  created: boolean;
  /** A database of the same name but another incarnation (a destroyed stack's) was dropped first. */
  replacedAnother: boolean;
  roleCreated: boolean;
  passwordSet: boolean;
  objectsHandedOver: number;
  copyMs: number;
}

/** CREATE DATABASE ... TEMPLATE, retrying while the template is in use; resolves to its ms. */
export async function copyTemplate(
  admin: ClientBase,
  database: string,
  template: string,
  strategy: CreateStrategy = CREATE_STRATEGY,
  onBusy: (attempt: number) => void = () => undefined,
): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const started = Date.now();
    try {
      await admin.query(
        `create database ${escapeIdentifier(database)} template ${escapeIdentifier(template)} strategy ${strategy}`,
      );
      return Date.now() - started;
    } catch (error) {
      if (sqlState(error) !== TEMPLATE_BUSY || attempt >= BUSY_RETRIES) throw error;
      onBusy(attempt);
      await new Promise((resolve) => setTimeout(resolve, Math.min(250 * attempt, 2000)));
    }
  }
}

export async function createFeatureDatabase(
  config: FeatureDbConfig,
  request: CreateRequest,
  log: (line: string) => void = () => undefined,
): Promise<CreateOutcome> {
  const { database, role, password, incarnation, mode } = request;
  const template = templateNames(config.FEATURE_DB_TEMPLATE);
  return withClient(config, config.DB_NAME, (admin) =>
    withHostLock(admin, async () => {
      await closeSharedDatabases(admin, config.DB_NAME);
      // A destroyed stack of the same branch whose drop task has not run yet: its database goes
      // first, and the drop, when it runs, finds this incarnation's and leaves it alone.
      const another =
        (await databaseExists(admin, database)) &&
        (await belongsToAnother(admin, database, incarnation));
      const replacedAnother = another && mode === "new";
      if (another && !replacedAnother)
        log(
          `${database} is marked as another incarnation's; an update keeps its data and marks it as this resource's`,
        );
      if (replacedAnother) {
        log(`${database} belongs to another incarnation (a destroyed stack's): dropping it first`);
        await admin.query(`drop database if exists ${escapeIdentifier(database)} with (force)`);
      }
      if (await databaseExists(admin, database)) {
        const roleCreated = await ensureRole(admin, role, password);
        await grantConnect(admin, database, role);
        const objectsHandedOver = await handOver(config, database, role);
        const passwordSet =
          roleCreated || (await ensurePassword(admin, config, database, role, password));
        // Whatever marked it before, it is this resource's now: a late drop of the incarnation
        // that marked it (a destroyed stack's) must leave it alone. A caller from before
        // incarnations gets a fresh one it does not know: its own drop then leaves the database
        // to the nightly prune, never to another stack's drop.
        if (incarnation !== undefined) await markIncarnation(admin, database, incarnation);
        else if (another) await markIncarnation(admin, database, randomIncarnation());
        return {
          created: false,
          replacedAnother,
          roleCreated,
          passwordSet,
          objectsHandedOver,
          copyMs: 0,
        };
      }

      const existing = await featureDatabases(admin, template);
      if (existing.length >= config.FEATURE_DB_MAX)
        throw new FeatureDbFailure(
          FEATURE_DB_EXIT.full,
          `refusing to create ${database}: the host holds ${existing.length} feature databases, limit FEATURE_DB_MAX=${config.FEATURE_DB_MAX}; oldest first: ${existing.slice(0, 5).join(", ")}; destroy a finished feature's stack first`,
        );
      if (!(await databaseExists(admin, template.current)))
        throw new FeatureDbFailure(
          FEATURE_DB_EXIT.failed,
          `refusing to create ${database}: the template ${template.current} does not exist; run refresh-template first`,
        );

      const roleCreated = await ensureRole(admin, role, password);
      let copied = false;
      try {
        const copyMs = await copyTemplate(
          admin,
          database,
          template.current,
          CREATE_STRATEGY,
          (attempt) =>
            log(`${template.current} is in use; retrying the copy (attempt ${attempt + 1})`),
        );
        copied = true;
        await grantConnect(admin, database, role);
        const objectsHandedOver = await handOver(config, database, role);
        const passwordSet =
          roleCreated || (await ensurePassword(admin, config, database, role, password));
        if (incarnation !== undefined) await markIncarnation(admin, database, incarnation);
        return {
          created: true,
          replacedAnother,
          roleCreated,
          passwordSet,
          objectsHandedOver,
          copyMs,
        };
      } catch (error) {
        // Undo this run's work, so a retry starts clean and no orphan counts against the limit.
        if (copied)
          await admin
            .query(`drop database if exists ${escapeIdentifier(database)} with (force)`)
            .catch(() => undefined);
        if (roleCreated)
          await admin.query(`drop role if exists ${escapeIdentifier(role)}`).catch(() => undefined);
        throw error;
      }
    }),
  );
}
