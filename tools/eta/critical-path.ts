/**
 * The critical path of one engine run, from the fake cloud's journal: each operation's start and
 * end, and the engine's dependency graph. Walking back from the operation that finished last,
 * each step goes to what it waited for: the dependency (on delete: the dependent) that finished
 * last before it started, or, when every one of the engine's parallel slots was taken until
 * then, the operation whose end freed one. The chain covers the whole run without gaps, so its
 * times (AWS's and the engine's between them) add up to the run's wall time.
 */
import type { JournalOp } from "../fake-cloud/journal";
import type { DependencyGraph } from "./dependency-graph";

/** One journaled call, its times in milliseconds since the epoch. */
export interface TimedOp {
  urn: string;
  type: string;
  op: JournalOp;
  started: number;
  ended: number;
}

export interface WalkOptions {
  /** The engine's --parallel: how many operations run at once. @default Infinity */
  parallel?: number;
}

/**
 * What an operation waits for before it can start, by the engine's rules. A resource the run
 * made no call for (a task definition kept on destroy, skipDestroy: its delete is the engine's
 * alone) is passed through: what waited for it waited for what it waited for.
 */
function waitsFor(op: TimedOp, graph: DependencyGraph, called: ReadonlySet<string>): Set<string> {
  // A create or update waits for its dependencies; a delete for its dependents. Either may wait
  // for its own URN's other half of a replacement: delete-before-replace deletes first, and
  // create-before-delete deletes the old resource after its replacement exists.
  const next = (urn: string) =>
    op.op === "delete" ? graph.dependentsOf(urn) : graph.dependenciesOf(urn);
  const related = new Set<string>([op.urn]);
  const seen = new Set<string>([op.urn]);
  const queue = [...next(op.urn)];
  while (queue.length > 0) {
    const urn = queue.shift() as string;
    if (seen.has(urn)) continue;
    seen.add(urn);
    if (called.has(urn)) related.add(urn);
    else queue.push(...next(urn));
  }
  return related;
}

/** Operations running at `at`, other than `except`. */
function inFlight(ops: readonly TimedOp[], at: number, except: TimedOp): number {
  return ops.filter((o) => o !== except && o.started <= at && o.ended > at).length;
}

const latest = (ops: readonly TimedOp[]) =>
  ops.reduce<TimedOp | undefined>(
    (best, o) => (!best || o.ended > best.ended ? o : best),
    undefined,
  );

/** The operation `op` waited for, or undefined when it waited for nothing but the engine. */
export function predecessorOf(
  op: TimedOp,
  ops: readonly TimedOp[],
  graph: DependencyGraph,
  options: WalkOptions = {},
): TimedOp | undefined {
  const related = waitsFor(op, graph, new Set(ops.map((o) => o.urn)));
  const before = ops.filter((o) => o !== op && o.ended <= op.started);
  const dependency = latest(before.filter((o) => related.has(o.urn)));
  const parallel = options.parallel ?? Infinity;
  if (parallel === Infinity) return dependency;
  // Free to run once its last dependency ended (or from the start); if it started later, the
  // operation that ended last in between may have given back the slot it waited for.
  const freeFrom = dependency?.ended ?? Math.min(...ops.map((o) => o.started));
  const freer = latest(before.filter((o) => o.ended >= freeFrom));
  if (!freer || freer === dependency) return dependency;
  // Every slot taken until that one ended: the engine held `op` back for it
  // (pkg/resource/deploy/step_executor.go:758-759 at v3.248.0 starts --parallel workers).
  return inFlight(ops, freer.ended - 1, op) >= parallel ? freer : dependency;
}

/** The chain of operations that ends with `last`, first operation first. */
export function chainTo(
  last: TimedOp,
  ops: readonly TimedOp[],
  graph: DependencyGraph,
  options: WalkOptions = {},
): TimedOp[] {
  const chain = [last];
  for (
    let current = predecessorOf(last, ops, graph, options);
    current;
    current = predecessorOf(current, ops, graph, options)
  ) {
    if (chain.includes(current)) break;
    chain.unshift(current);
  }
  return chain;
}

/** The operation that finished last. */
export function lastToFinish(ops: readonly TimedOp[]): TimedOp | undefined {
  return latest(ops);
}
