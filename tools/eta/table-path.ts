/**
 * The table's own arithmetic: the longest chain of typical times through a stack's dependency
 * graph, with unlimited parallelism and no engine time. A run through the engine can only take
 * longer, so this is the lower bound of every estimate (and a check that the engine's chain is
 * the one the table predicts).
 */
import { awsMinutes } from "../fake-cloud/aws-time";
import { relatedOf, type DependencyGraph, type StateNode } from "./dependency-graph";

export interface TablePath {
  minutes: number;
  /** URNs, first first. */
  urns: string[];
}

/**
 * Longest path of `op`s through the graph, ending at `end` when given (else anywhere).
 * Creates follow dependencies, deletes follow dependents.
 */
export function tablePath(
  resources: readonly StateNode[],
  graph: DependencyGraph,
  op: "create" | "delete",
  end?: string,
): TablePath {
  const memo = new Map<string, TablePath>();
  const timed = resources.filter((r) => r.custom);
  const weight = (r: StateNode) => awsMinutes(r.type, op, r.inputs ?? {}, relatedOf(r.urn, graph));
  const longestTo = (urn: string, visiting = new Set<string>()): TablePath => {
    const known = memo.get(urn);
    if (known) return known;
    const node = graph.node(urn);
    if (!node || visiting.has(urn)) return { minutes: 0, urns: [] };
    visiting.add(urn);
    const before = (op === "create" ? graph.dependenciesOf(urn) : graph.dependentsOf(urn)).map(
      (u) => longestTo(u, visiting),
    );
    visiting.delete(urn);
    const best = before.reduce((a, b) => (b.minutes > a.minutes ? b : a), {
      minutes: 0,
      urns: [] as string[],
    });
    const path = { minutes: best.minutes + weight(node), urns: [...best.urns, urn] };
    memo.set(urn, path);
    return path;
  };
  if (end) return longestTo(end);
  return timed
    .map((r) => longestTo(r.urn))
    .reduce((a, b) => (b.minutes > a.minutes ? b : a), { minutes: 0, urns: [] });
}

/** Every operation's typical time added up: the stack built one resource at a time. */
export function serialMinutes(
  resources: readonly StateNode[],
  op: "create" | "delete",
  graph: DependencyGraph,
): number {
  return resources
    .filter((r) => r.custom)
    .reduce((sum, r) => sum + awsMinutes(r.type, op, r.inputs ?? {}, relatedOf(r.urn, graph)), 0);
}
