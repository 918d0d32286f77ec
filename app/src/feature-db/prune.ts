/**
 * `prune --keep <names>`: the backstop for drops that never ran. `feature down` only starts a
 * feature database's drop task (components/feature-database.ts); should that task fail to
 * start or to finish, the database would hold a place under FEATURE_DB_MAX until someone
 * noticed. The nightly `stagectl feature reap` runs this with the base names of every feature
 * stack the backend still lists: a feature database that belongs to none of them (its name is
 * not `<base>` or `<base>_g<n>`) and was marked more than PRUNE_MIN_AGE_MINUTES ago is dropped
 * with its role. A younger one may be a stack's whose `feature up` began after the listing.
 */
import { escapeIdentifier } from "pg";
import { withClient } from "./connect";
import type { FeatureDbConfig } from "./config";
import { FEATURE_DB_EXIT, FeatureDbFailure } from "./failure";
import { featureDatabases, roleExists, withHostLock } from "./host";
import { markerOf } from "./incarnation";
import { templateNames } from "./names";

/** A feature database younger than this is never pruned: a create may be under way. */
export const PRUNE_MIN_AGE_MINUTES = 60;

/**
 * More unowned databases than this at once is not a few drops that never ran but a keep list
 * that is wrong (a backend that lists fewer stacks): nothing is dropped and the run fails.
 */
export const PRUNE_MAX_DROPS = 10;

export interface PruneOutcome {
  dropped: string[];
  kept: string[];
  /** Nobody's, but too young to drop yet. */
  young: string[];
}

/** True when `database` is one of a live stack's: its base name, or a data generation of it. */
function ownedBy(database: string, keep: readonly string[]): boolean {
  return keep.some((base) => database === base || new RegExp(`^${base}_g\\d+$`).test(database));
}

export async function pruneFeatureDatabases(
  config: FeatureDbConfig,
  keep: readonly string[],
  log: (line: string) => void = () => undefined,
  now = new Date(),
): Promise<PruneOutcome> {
  return withClient(config, config.DB_NAME, (admin) =>
    withHostLock(admin, async () => {
      const outcome: PruneOutcome = { dropped: [], kept: [], young: [] };
      const unowned: string[] = [];
      const template = templateNames(config.FEATURE_DB_TEMPLATE);
      for (const database of await featureDatabases(admin, template)) {
        const marker = ownedBy(database, keep) ? undefined : await markerOf(admin, database);
        if (ownedBy(database, keep)) outcome.kept.push(database);
        else if (marker && now.getTime() - marker.createdMs < PRUNE_MIN_AGE_MINUTES * 60_000)
          outcome.young.push(database);
        else unowned.push(database);
      }
      if (unowned.length > PRUNE_MAX_DROPS)
        throw new FeatureDbFailure(
          FEATURE_DB_EXIT.failed,
          `refusing to prune ${unowned.length} feature databases at once (at most ${PRUNE_MAX_DROPS}): is the keep list of ${keep.length} stacks complete? Unowned: ${unowned.join(", ")}`,
        );
      for (const database of unowned) {
        log(`${database}: no live stack owns it; dropping it and its role`);
        await admin.query(`drop database if exists ${escapeIdentifier(database)} with (force)`);
        if (await roleExists(admin, database))
          await admin.query(`drop role if exists ${escapeIdentifier(database)}`);
        outcome.dropped.push(database);
      }
      return outcome;
    }),
  );
}
