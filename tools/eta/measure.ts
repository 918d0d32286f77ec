/**
 * One timed engine command's journal and its stack's state, turned into estimates: until the
 * command's last operation (and its exit), and until the URL serves (the service's tasks healthy
 * behind the load balancer, which `pulumi up` does not wait for); next to each, the table's own
 * longest path (table-path.ts), which the measured chain is checked against.
 */
import type { JournalEntry } from "../fake-cloud/journal";
import { servingMinutes, TYPICAL_TIMES } from "../fake-cloud/typical-times";
import { awsMinutes } from "../fake-cloud/aws-time";
import { chainTo, lastToFinish, TimedOp } from "./critical-path";
import { DependencyGraph, dependencyGraph, relatedOf, StateNode } from "./dependency-graph";
import { estimatePath, type EstimateOptions, PathEstimate } from "./estimate";
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
const SERVING =
  "its tasks, placed when the service was created, start and pass the load balancer's health checks";

/**
 * Resources the app's /readyz waits for that the service does not: a shared feature stack's
 * database, which the provisioner copies while the service starts (components/environment.ts).
 * The URL serves once the later of the two is done.
 */
const READINESS_TYPES: ReadonlySet<string> = new Set([
  "pulumi-nodejs:dynamic/multistage:FeatureDatabase",
]);

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

/** The journal's successful, timed calls of one stack that their caller waited for, as operations. */
export function timedOps(entries: readonly JournalEntry[], stack: string): TimedOp[] {
  return detachedOrNot(entries, stack, false);
}

function detachedOrNot(
  entries: readonly JournalEntry[],
  stack: string,
  detached: boolean,
): TimedOp[] {
  return entries
    .filter(
      (e) =>
        e.stack === stack &&
        !e.error &&
        e.started !== undefined &&
        (e.detached === true) === detached,
    )
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
  const finished = longestEstimate(ops, last, graph, walk, {
    ...scale,
    tailMs: Math.max(0, window.ended - last.ended),
  });
  const serving = lastServing(ops, graph, options.secondsPerMinute);
  const readiness = lastReadiness(ops);
  // The URL serves when the service's tasks are healthy, or later, when the app still waits for
  // a dependency the service was not made to wait for. Compared as estimates: AWS's time is
  // scaled back up there, the engine's counts as measured.
  const viaService = serving
    ? estimatePath(chainTo(serving.op, ops, graph, walk), {
        ...scale,
        after: { what: SERVING, minutes: servingAfterReturn(serving, options.secondsPerMinute) },
      })
    : undefined;
  const viaReadiness =
    viaService && readiness ? estimatePath(chainTo(readiness, ops, graph, walk), scale) : undefined;
  const url =
    viaService && viaReadiness && viaReadiness.minutes > viaService.minutes
      ? viaReadiness
      : viaService;
  const tableUrl = serving ? tableUrlPath(state, graph, serving.op) : undefined;
  return {
    operations: ops.length,
    finished,
    ...(url ? { url } : {}),
    table: {
      finished: tablePath(state, graph, "create"),
      ...(tableUrl ? { url: tableUrl } : {}),
      serialMinutes: serialMinutes(state, "create", graph),
    },
  };
}

/** A destroy (`feature down`): until its last delete and the command's exit, and the table's delete path. */
export interface TeardownMeasurement {
  operations: number;
  finished: PathEstimate;
  /**
   * Tasks the destroy only started and did not wait for (a feature database's drop): when the
   * last of them ended, in estimated minutes since the command started.
   */
  detached?: { what: string; minutes: number };
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
  // What ended before the command did: a task the destroy only started (a feature database's
  // drop) runs on after it and is no part of it.
  const ops = timedOps(entries, stack).filter((o) => o.op === "delete" && o.ended <= window.ended);
  const last = lastToFinish(ops);
  if (!last)
    throw new Error(
      `The destroy of ${stack} made no timed delete in the cloud: nothing to measure (was world.json's timing set?)`,
    );
  const graph = dependencyGraph(stateBefore);
  const finished = longestEstimate(
    ops,
    last,
    graph,
    { parallel: options.parallel },
    {
      runStarted: window.started,
      secondsPerMinute: options.secondsPerMinute,
      tailMs: Math.max(0, window.ended - last.ended),
    },
  );
  const detached = lastDetached(entries, stack, window, options.secondsPerMinute);
  return {
    operations: ops.length,
    finished,
    ...(detached ? { detached } : {}),
    table: {
      finished: tablePath(stateBefore, graph, "delete"),
      serialMinutes: serialMinutes(stateBefore, "delete", graph),
    },
  };
}

/**
 * The run's longest chain in AWS minutes. The operation that ended last in real time ends the
 * run's wall time (and the engine's exit follows it, `tailMs`), but AWS's time is slept scaled
 * down while the engine's counts as measured: a chain that ended earlier here, with more of
 * AWS's time on it, can be the longer one once scaled back up (a load balancer's 2.5 min beside
 * a task's 1.5 min, behind seconds of engine start).
 */
function longestEstimate(
  ops: readonly TimedOp[],
  last: TimedOp,
  graph: DependencyGraph,
  walk: { parallel: number },
  options: EstimateOptions & { tailMs: number },
): PathEstimate {
  const { tailMs, ...scale } = options;
  return ops
    .filter((op) => op !== last)
    .map((op) => estimatePath(chainTo(op, ops, graph, walk), scale))
    .reduce(
      (best, path) => (path.minutes > best.minutes ? path : best),
      estimatePath(chainTo(last, ops, graph, walk), { ...scale, tailMs }),
    );
}

/**
 * The table's path until the URL serves: to the service's create, whose tasks then take the
 * serving time counted from the create call (ECS places them as soon as the service exists,
 * while the provider still waits for ACTIVE), or to a readiness dependency that ends later.
 */
function tableUrlPath(
  state: readonly StateNode[],
  graph: DependencyGraph,
  service: TimedOp,
): TablePath {
  const toService = tablePath(state, graph, "create", service.urn);
  const node = graph.node(service.urn);
  const createMinutes = node ? awsMinutes(node.type, "create", node.inputs ?? {}) : 0;
  const serving = servingMinutesOf(service.urn, service.type, graph);
  const viaService = {
    minutes: toService.minutes - createMinutes + Math.max(serving, createMinutes),
    urns: toService.urns,
  };
  return state
    .filter((r) => READINESS_TYPES.has(r.type))
    .map((r) => tablePath(state, graph, "create", r.urn))
    .reduce((a, b) => (b.minutes > a.minutes ? b : a), viaService);
}

/**
 * Minutes until a service's tasks serve, counted from its create call, by the target group it
 * registers with (a dependency in the state): a preview-tuned group checks every 5 s, not 15 s.
 */
export function servingMinutesOf(urn: string, type: string, graph: DependencyGraph): number {
  return servingMinutes(type, relatedOf(urn, graph).targetGroup) ?? 0;
}

interface Serving {
  op: TimedOp;
  /** From the create call until the tasks serve. */
  minutes: number;
}

/** When a service's tasks serve: the serving time after its create call, not before it returned. */
function servesAtMs(serving: Serving, secondsPerMinute: number): number {
  return Math.max(serving.op.ended, serving.op.started + serving.minutes * secondsPerMinute * 1000);
}

/** What is left of the serving time once the create call has returned, in AWS minutes. */
function servingAfterReturn(serving: Serving, secondsPerMinute: number): number {
  const createMinutes = (serving.op.ended - serving.op.started) / 1000 / secondsPerMinute;
  return Math.max(0, serving.minutes - createMinutes);
}

/** The service whose tasks serve last. */
function lastServing(
  ops: readonly TimedOp[],
  graph: DependencyGraph,
  secondsPerMinute: number,
): Serving | undefined {
  return ops
    .filter((o) => o.op !== "delete" && TYPICAL_TIMES[o.type]?.serving)
    .map((op) => ({ op, minutes: servingMinutesOf(op.urn, op.type, graph) }))
    .reduce<Serving | undefined>(
      (best, s) =>
        !best || servesAtMs(s, secondsPerMinute) > servesAtMs(best, secondsPerMinute) ? s : best,
      undefined,
    );
}

/**
 * The detached task that ended last: the engine's time until it started counts as measured,
 * its own span as AWS's, scaled back up.
 */
function lastDetached(
  entries: readonly JournalEntry[],
  stack: string,
  window: RunWindow,
  secondsPerMinute: number,
): TeardownMeasurement["detached"] {
  const tasks = detachedOrNot(entries, stack, true);
  if (tasks.length === 0) return undefined;
  const endsAt = (t: TimedOp) =>
    Math.max(0, t.started - window.started) / 60_000 +
    (t.ended - t.started) / 1000 / secondsPerMinute;
  const last = tasks.reduce((a, b) => (endsAt(b) > endsAt(a) ? b : a));
  return {
    what: `the ${last.urn.split("::").pop()} task the destroy started and did not wait for`,
    minutes: endsAt(last),
  };
}

/** The readiness dependency (READINESS_TYPES) created or updated last, if any. */
function lastReadiness(ops: readonly TimedOp[]): TimedOp | undefined {
  return lastToFinish(ops.filter((o) => o.op !== "delete" && READINESS_TYPES.has(o.type)));
}
