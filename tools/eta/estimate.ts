/**
 * From a run's critical path to an estimate in real AWS minutes. Each operation's span is AWS's
 * time, slept scaled down, so it is scaled back up; the time between operations is the engine's
 * own (program, plugins, diffs, state writes) and counts as it was measured.
 */
import type { TimedOp } from "./critical-path";

export interface Link {
  urn: string;
  type: string;
  op: TimedOp["op"];
  /** Real seconds the engine spent before this operation started, after the one before it ended. */
  engineSeconds: number;
  /** AWS minutes of the operation itself (its span, scaled back up). */
  awsMinutes: number;
  /** Minutes since the run started when the operation ended, in estimated AWS time. */
  atMinutes: number;
}

export interface PathEstimate {
  links: Link[];
  /** Minutes from the command's start to the chain's end (plus `afterMinutes`). */
  minutes: number;
  /** The part that is AWS's time, in minutes. */
  awsMinutes: number;
  /** The part that is the engine's own time, in real seconds. */
  engineSeconds: number;
  /** What follows the chain's last operation, e.g. the service's tasks becoming healthy. */
  after?: { what: string; minutes: number };
}

export interface EstimateOptions {
  /** When the command started, ms since the epoch. */
  runStarted: number;
  /** Real seconds the fake cloud slept per AWS minute. */
  secondsPerMinute: number;
  /** Engine time after the chain's last operation (e.g. until `pulumi up` exits), ms. @default 0 */
  tailMs?: number;
  after?: PathEstimate["after"];
}

/** Turns a chain (first operation first) into minutes. */
export function estimatePath(chain: readonly TimedOp[], options: EstimateOptions): PathEstimate {
  if (!(options.secondsPerMinute > 0))
    throw new Error(
      `secondsPerMinute must be above 0 to scale times back up (got ${options.secondsPerMinute})`,
    );
  let previousEnd = options.runStarted;
  let minutes = 0;
  let awsMinutes = 0;
  let engineSeconds = 0;
  const links = chain.map((op): Link => {
    const wait = Math.max(0, op.started - previousEnd) / 1000;
    const aws = Math.max(0, op.ended - op.started) / 1000 / options.secondsPerMinute;
    previousEnd = op.ended;
    engineSeconds += wait;
    awsMinutes += aws;
    minutes += wait / 60 + aws;
    return {
      urn: op.urn,
      type: op.type,
      op: op.op,
      engineSeconds: wait,
      awsMinutes: aws,
      atMinutes: minutes,
    };
  });
  const tail = (options.tailMs ?? 0) / 1000;
  engineSeconds += tail;
  minutes += tail / 60 + (options.after?.minutes ?? 0);
  return {
    links,
    minutes,
    awsMinutes,
    engineSeconds,
    ...(options.after ? { after: options.after } : {}),
  };
}
