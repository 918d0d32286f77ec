/**
 * `stagectl data status`: is the data lower stages restore fresh? The newest sanitized
 * snapshot and its age, and the refinery's last run (result and duration), from production's
 * stack outputs and AWS. Exits 1 when the newest snapshot is older than `--max-age` or the last
 * run did not succeed, so a scheduled job can alert on it.
 */
import { productionDataNames, sanitizedSnapshotPrefix } from "../../lib/aws/naming";
import { PROJECT } from "../../stage/resolve";
import { CommandContext } from "../commands/context";
import { RefusalError } from "../commands/run-command";
import { loadStackConfig } from "../../stage/stack-files";
import { RefineryObserver } from "./refinery-observer";
import { CONFIG_KEYS } from "../../stage/keys";

export const PRODUCTION = "production";

export interface DataStatus {
  newestSnapshot?: {
    identifier: string;
    createdAt: string;
    ageHours: number;
    allocatedStorageGb: number;
  };
  sanitizedSnapshots: number;
  lastRun?: { name: string; status: string; startedAt: string; durationMinutes?: number };
  /** Why the data is not fresh, when it is not. */
  problems: string[];
}

export async function dataStatus(
  context: CommandContext,
  options: { maxAgeMs: number },
): Promise<DataStatus> {
  const workspace = await context.openWorkspace();
  if (!(await workspace.stackExists(PRODUCTION)))
    throw new RefusalError(`The ${PRODUCTION} stack does not exist; the refinery lives in it`);
  const stateMachineArn = (await workspace.outputs(PRODUCTION)).refineryStateMachineArn?.value;
  if (typeof stateMachineArn !== "string")
    throw new RefusalError(
      `${PRODUCTION} exports no refineryStateMachineArn; deploy production with this version first`,
    );
  const region = loadStackConfig(PRODUCTION).values[CONFIG_KEYS.region] ?? "us-east-1";
  const observer: RefineryObserver = context.refineryObserver(region);
  const sanitizer = productionDataNames(PROJECT).sanitizer;
  const now = context.now().getTime();

  const snapshots = await observer.sanitizedSnapshots(sanitizer, sanitizedSnapshotPrefix(PROJECT));
  const newest = [...snapshots].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
  const run = await observer.lastRun(stateMachineArn);
  const status: DataStatus = { sanitizedSnapshots: snapshots.length, problems: [] };
  if (newest) {
    const ageHours = Math.round(((now - newest.createdAt.getTime()) / 3_600_000) * 10) / 10;
    status.newestSnapshot = {
      identifier: newest.identifier,
      createdAt: newest.createdAt.toISOString(),
      ageHours,
      allocatedStorageGb: newest.allocatedStorageGb,
    };
    if (now - newest.createdAt.getTime() > options.maxAgeMs)
      status.problems.push(
        `the newest sanitized snapshot is ${ageHours} h old, older than --max-age`,
      );
  } else {
    status.problems.push(
      "there is no sanitized snapshot yet: lower stages start empty until the refinery has run",
    );
  }
  if (run) {
    status.lastRun = {
      name: run.name,
      status: run.status,
      startedAt: run.startedAt.toISOString(),
      ...(run.stoppedAt
        ? {
            durationMinutes:
              Math.round((run.stoppedAt.getTime() - run.startedAt.getTime()) / 6000) / 10,
          }
        : {}),
    };
    if (run.status !== "SUCCEEDED" && run.status !== "RUNNING")
      status.problems.push(
        `the refinery's last run ${run.name} ended ${run.status}; see it in the Step Functions console`,
      );
  } else {
    status.problems.push("the refinery has never run");
  }
  return status;
}

export function dataStatusToText(status: DataStatus): string {
  const lines = [
    status.newestSnapshot
      ? `newest sanitized snapshot: ${status.newestSnapshot.identifier} (${status.newestSnapshot.ageHours} h old, ${status.newestSnapshot.allocatedStorageGb} GiB; ${status.sanitizedSnapshots} kept)`
      : "newest sanitized snapshot: none",
    status.lastRun
      ? `last refinery run: ${status.lastRun.name} ${status.lastRun.status}, started ${status.lastRun.startedAt}${status.lastRun.durationMinutes !== undefined ? `, ${status.lastRun.durationMinutes} min` : ""}`
      : "last refinery run: never",
    ...status.problems.map((p) => `PROBLEM: ${p}`),
  ];
  return `${lines.join("\n")}\n`;
}
