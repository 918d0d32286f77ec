/**
 * One timed engine command's journal and its stack's state, turned into estimates: until the
 * command's last operation (and its exit), and until the URL serves (the service's tasks healthy
 * behind the load balancer, which `pulumi up` does not wait for); next to each, the table's own
 * longest path (table-path.ts), which the measured chain is checked against.
 */
import type { JournalEntry } from "../fake-cloud/journal";
import { servingMinutes, TYPICAL_TIMES } from "../fake-cloud/typical-times";
import { chainTo, lastToFinish, TimedOp } from "./critical-path";
import { DependencyGraph, dependencyGraph, StateNode } from "./dependency-graph";
import { estimatePath, PathEstimate } from "./estimate";
import { serialMinutes, TablePath, tablePath } from "./table-path";

export interface RunWindow {
  /** When the command started and ended, ms since the epoch. */
  started: number;
  ended: number;
}

export interface MeasureOptions {
  /** Real seconds the fake cloud slept per AWS minute. */
  secondsPerMinute: number;
  /** The engine's --parallel during the run. */
  parallel: number;
}

/** What follows `pulumi up` before the URL serves. */
const SERVING = "its tasks start and pass the load balancer's health checks";

export interface Measurement {
  /** Operations the cloud carried out for the stack. */
  operations: number;
  /** Until the command finished. */
  finished: PathEstimate;
  /** Until the URL serves; only when the run created or updated a service. */
  url?: PathEstimate;
  /** The table's longest path through the state's graph: AWS minutes alone, unlimited parallelism. */
  table: { finished: TablePath; url?: TablePath; serialMinutes: number };
}

/** The journal's successful, timed calls of one stack, as operations. */
export function timedOps(entries: readonly JournalEntry[], stack: string): TimedOp[] {
  return entries
    .filter((e) => e.stack === stack && !e.error && e.started !== undefined)
    .map((e) => ({
      urn: e.urn,
      type: e.type,
      op: e.op,
      started: Date.parse(String(e.started)),
      ended: Date.parse(e.time),
    }));
}

/** Measures a run of creates and updates (`pulumi up`) from its journal lines and the stack's state after it. */
export function measureUp(
  entries: readonly JournalEntry[],
  stack: string,
  state: readonly StateNode[],
  window: RunWindow,
  options: MeasureOptions,
): Measurement {
  const ops = timedOps(entries, stack);
  const last = lastToFinish(ops);
  if (!last)
    throw new Error(
      `The run of ${stack} made no timed call to the cloud: nothing to measure (was world.json's timing set?)`,
    );
  const graph = dependencyGraph(state);
  const walk = { parallel: options.parallel };
  const scale = { runStarted: window.started, secondsPerMinute: options.secondsPerMinute };
  const finished = estimatePath(chainTo(last, ops, graph, walk), {
    ...scale,
    tailMs: Math.max(0, window.ended - last.ended),
  });
  const serving = lastServing(ops, graph, options.secondsPerMinute);
  const url = serving
    ? estimatePath(chainTo(serving.op, ops, graph, walk), {
        ...scale,
        after: { what: SERVING, minutes: serving.minutes },
      })
    : undefined;
  const tableUrl = serving
    ? withServing(tablePath(state, graph, "create", serving.op.urn), serving.minutes)
    : undefined;
  return {
    operations: ops.length,
    finished,
    ...(url ? { url } : {}),
    table: {
      finished: tablePath(state, graph, "create"),
      ...(tableUrl ? { url: tableUrl } : {}),
      serialMinutes: serialMinutes(state, "create"),
    },
  };
}

/** A destroy (`feature down`): until its last delete and the command's exit, and the table's delete path. */
export interface TeardownMeasurement {
  operations: number;
  finished: PathEstimate;
  table: { finished: TablePath; serialMinutes: number };
}

/**
 * Measures a run of deletes from its journal lines and the stack's state before it (the state
 * is gone afterwards): each delete waits for its dependents, as the engine orders a destroy.
 */
export function measureDown(
  entries: readonly JournalEntry[],
  stack: string,
  stateBefore: readonly StateNode[],
  window: RunWindow,
  options: MeasureOptions,
): TeardownMeasurement {
  const ops = timedOps(entries, stack).filter((o) => o.op === "delete");
  const last = lastToFinish(ops);
  if (!last)
    throw new Error(
      `The destroy of ${stack} made no timed delete in the cloud: nothing to measure (was world.json's timing set?)`,
    );
  const graph = dependencyGraph(stateBefore);
  const finished = estimatePath(chainTo(last, ops, graph, { parallel: options.parallel }), {
    runStarted: window.started,
    secondsPerMinute: options.secondsPerMinute,
    tailMs: Math.max(0, window.ended - last.ended),
  });
  return {
    operations: ops.length,
    finished,
    table: {
      finished: tablePath(stateBefore, graph, "delete"),
      serialMinutes: serialMinutes(stateBefore, "delete"),
    },
  };
}

function withServing(path: TablePath, minutes: number): TablePath {
  return { minutes: path.minutes + minutes, urns: path.urns };
}

const TARGET_GROUP = "aws:lb/targetGroup:TargetGroup";

/**
 * Minutes until a service's tasks serve, by the target group it registers with (a dependency
 * in the state): a preview-tuned group checks every 5 s instead of 15 s.
 */
export function servingMinutesOf(urn: string, type: string, graph: DependencyGraph): number {
  const targetGroup = graph
    .dependenciesOf(urn)
    .map((u) => graph.node(u))
    .find((n) => n?.type === TARGET_GROUP);
  return servingMinutes(type, targetGroup?.inputs) ?? 0;
}

/** The service whose tasks serve last: its create's end plus the serving time, scaled. */
function lastServing(
  ops: readonly TimedOp[],
  graph: DependencyGraph,
  secondsPerMinute: number,
): { op: TimedOp; minutes: number } | undefined {
  const servesAt = (s: { op: TimedOp; minutes: number }) =>
    s.op.ended + s.minutes * secondsPerMinute * 1000;
  return ops
    .filter((o) => o.op !== "delete" && TYPICAL_TIMES[o.type]?.serving)
    .map((op) => ({ op, minutes: servingMinutesOf(op.urn, op.type, graph) }))
    .reduce<{ op: TimedOp; minutes: number } | undefined>(
      (best, s) => (!best || servesAt(s) > servesAt(best) ? s : best),
      undefined,
    );
}
