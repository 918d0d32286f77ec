/**
 * The fake cloud's directory: `world.json`, which tests write to describe the account (what
 * exists outside any stack, e.g. production's automated snapshots), and `journal.jsonl`, which
 * the providers append every resource operation to. The providers find the directory through
 * MULTISTAGE_FAKE_CLOUD, which the engine passes on to every plugin it starts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { MOCK_ACCOUNT_ID } from "../render/mocks";

export const FAKE_CLOUD_ENV = "MULTISTAGE_FAKE_CLOUD";

export interface WorldSnapshot {
  /** DB snapshot identifier; automated ones look like `rds:<instance>-2025-01-31-03-10`. */
  identifier: string;
  dbInstanceIdentifier: string;
  /** @default "automated" */
  type?: "automated" | "manual";
  /** ISO time; `mostRecent` picks the newest. */
  createdAt: string;
  /** Size of the volume it was taken from; a restore needs at least this much. @default 20 */
  allocatedStorageGb?: number;
}

export interface World {
  /** @default the render's account, 123456789012 (the account the stack files' role ARNs name) */
  accountId?: string;
  /** Who the credentials belong to when a provider assumes no role. */
  callerArn?: string;
  /** RDS snapshots in the account (aws.rds.getSnapshot, restores from snapshotIdentifier). */
  snapshots?: WorldSnapshot[];
  /** Roles whose AssumeRole is denied to the caller: a provider configured with one fails to configure. */
  deniedRoles?: string[];
  /** Objects already in buckets, by bucket name (deleting a non-empty bucket needs forceDestroy). */
  bucketObjects?: Record<string, number>;
  /**
   * AWS's typical time per call (tools/fake-cloud/typical-times.ts), slept scaled down: this many
   * real seconds per AWS minute (read through aws-time.ts's schema). @default none: no call sleeps
   */
  timing?: { secondsPerMinute: number };
}

export function fakeCloudDir(): string {
  const dir = process.env[FAKE_CLOUD_ENV];
  if (!dir)
    throw new Error(
      `${FAKE_CLOUD_ENV} is not set: the fake cloud's providers need the directory of world.json and the journal`,
    );
  return dir;
}

export const worldPath = (dir: string) => path.join(dir, "world.json");
export const journalPath = (dir: string) => path.join(dir, "journal.jsonl");

/** Read on every call, so a test may change the world between two engine operations. */
export function loadWorld(dir = fakeCloudDir()): World {
  const file = worldPath(dir);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as World) : {};
}

export function writeWorld(dir: string, world: World): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(worldPath(dir), `${JSON.stringify(world, null, 2)}\n`);
}

export function accountOf(world: World): string {
  return world.accountId ?? MOCK_ACCOUNT_ID;
}
