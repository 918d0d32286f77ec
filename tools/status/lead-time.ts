/**
 * Lead time for changes: from a commit landing to it running in each stage, and the median over
 * production's last deployments. Pure: it reads each stack's update history (which records the
 * config each update ran with, so `multistage:imageCommit` says which commit it deployed) and
 * commit times from git.
 */
import type { StackUpdate } from "../engine/workspace";
import { IMAGE_COMMIT_KEY } from "../promote/apply-image";
import { Field, hoursBetween, known, unknown } from "./fields";
import type { CommitInfo } from "./git-history";
import type { CommitRef, LeadTime, LeadTimeSample, StageArrival } from "./model";

export interface StageHistory {
  stack: string;
  /** Newest first, as the backend lists it; a Field because the stack may be missing or unreadable. */
  history: Field<StackUpdate[]>;
}

const succeeded = (u: StackUpdate) =>
  u.kind === "update" && u.result === "succeeded" && u.endTime !== undefined;

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return Math.round(value * 10) / 10;
}

/** When a stage first ran `commit`: its oldest successful update with that commit in its config. */
export function arrival(stage: StageHistory, commit: CommitInfo): StageArrival {
  if ("unknown" in stage.history)
    return { stack: stage.stack, reached: unknown(stage.history.unknown) };
  const first = [...stage.history.value]
    .reverse()
    .find((u) => succeeded(u) && u.config[IMAGE_COMMIT_KEY] === commit.id);
  if (!first?.endTime) {
    return {
      stack: stage.stack,
      reached: unknown(
        `no successful update of ${stage.stack} in its last ${stage.history.value.length} history entries ran ${commit.id.slice(0, 12)} (${IMAGE_COMMIT_KEY})`,
      ),
    };
  }
  return {
    stack: stage.stack,
    reached: known({
      at: first.endTime,
      hours: hoursBetween(new Date(commit.committedAt), new Date(first.endTime)),
    }),
  };
}

/**
 * Production's deployments of a new commit, oldest first: each successful update whose commit
 * differs from the one before it (a re-run of the same commit is not a deployment of a change).
 */
export function commitDeployments(
  history: readonly StackUpdate[],
): Array<{ commit: string; at: string }> {
  const deployments: Array<{ commit: string; at: string }> = [];
  let previous: string | undefined;
  for (const update of [...history].reverse().filter(succeeded)) {
    const commit = update.config[IMAGE_COMMIT_KEY];
    if (commit !== undefined && commit !== previous)
      deployments.push({ commit, at: update.endTime as string });
    previous = commit;
  }
  return deployments;
}

export function leadTime(input: {
  production: StageHistory;
  productionCommit: Field<CommitRef>;
  stages: StageHistory[];
  commitInfo: (id: string) => CommitInfo | undefined;
  window: number;
  where: string;
}): LeadTime {
  const { production, productionCommit, window } = input;
  let stages: StageArrival[];
  if ("unknown" in productionCommit) {
    stages = input.stages.map((s) => ({
      stack: s.stack,
      reached: unknown(`production's commit is unknown (${productionCommit.unknown})`),
    }));
  } else {
    const info = input.commitInfo(productionCommit.value.id);
    stages = info
      ? input.stages.map((s) => arrival(s, info))
      : input.stages.map((s) => ({
          stack: s.stack,
          reached: unknown(`${productionCommit.value.id.slice(0, 12)} is not in ${input.where}`),
        }));
  }
  return {
    commit: productionCommit,
    stages,
    median: medianLeadTime(production, input.commitInfo, window, input.where),
  };
}

function medianLeadTime(
  production: StageHistory,
  commitInfo: (id: string) => CommitInfo | undefined,
  window: number,
  where: string,
): LeadTime["median"] {
  if ("unknown" in production.history) return unknown(production.history.unknown);
  const deployments = commitDeployments(production.history.value).slice(-window);
  if (deployments.length === 0) {
    return unknown(
      `production's last ${production.history.value.length} history entries hold no successful update with ${IMAGE_COMMIT_KEY}`,
    );
  }
  const samples: LeadTimeSample[] = [];
  const missing: string[] = [];
  for (const d of deployments) {
    const info = commitInfo(d.commit);
    if (info)
      samples.push({
        commit: d.commit,
        deployedAt: d.at,
        hours: hoursBetween(new Date(info.committedAt), new Date(d.at)),
      });
    else missing.push(d.commit.slice(0, 12));
  }
  const hours = median(samples.map((s) => s.hours));
  if (hours === undefined)
    return unknown(
      `the commits of production's deployments (${missing.join(", ")}) are not in ${where}`,
    );
  return known({ hours, window, samples });
}
