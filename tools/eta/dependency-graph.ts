/**
 * The engine's own dependency graph of a stack, from its state (`pulumi stack export`): what each
 * resource waited for on create, and, reversed, what it waits for on delete.
 */
import type { RelatedInputs } from "../fake-cloud/typical-times";

/** A resource as the state holds it: the fields the graph needs. */
export interface StateNode {
  urn: string;
  type: string;
  custom: boolean;
  inputs?: Record<string, unknown>;
  parent?: string;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
}

export interface DependencyGraph {
  /** Custom resources the resource waits for before it is created. */
  dependenciesOf(urn: string): readonly string[];
  /** Custom resources that must be deleted before the resource is. */
  dependentsOf(urn: string): readonly string[];
  node(urn: string): StateNode | undefined;
}

/**
 * Dependencies as the engine schedules them (pkg/resource/graph/dependency_graph.go): explicit
 * and property dependencies, and a custom parent. A dependency on a component stands for its
 * custom descendants (the SDK expands it so); a component parent is no wait at all.
 */
export function dependencyGraph(resources: readonly StateNode[]): DependencyGraph {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const children = new Map<string, string[]>();
  for (const r of resources)
    if (r.parent) children.set(r.parent, [...(children.get(r.parent) ?? []), r.urn]);

  const customsUnder = (urn: string, seen = new Set<string>()): string[] => {
    if (seen.has(urn)) return [];
    seen.add(urn);
    const node = byUrn.get(urn);
    if (node?.custom) return [urn];
    return (children.get(urn) ?? []).flatMap((child) => customsUnder(child, seen));
  };

  const dependencies = new Map<string, string[]>();
  const dependents = new Map<string, string[]>();
  for (const r of resources) {
    const direct = [
      ...(r.dependencies ?? []),
      ...Object.values(r.propertyDependencies ?? {}).flat(),
    ];
    const parent = r.parent && byUrn.get(r.parent)?.custom ? [r.parent] : [];
    const expanded = [
      ...new Set([...direct.flatMap((urn) => customsUnder(urn)), ...parent]),
    ].filter((urn) => urn !== r.urn);
    dependencies.set(r.urn, expanded);
    for (const dep of expanded) dependents.set(dep, [...(dependents.get(dep) ?? []), r.urn]);
  }
  return {
    dependenciesOf: (urn) => dependencies.get(urn) ?? [],
    dependentsOf: (urn) => dependents.get(urn) ?? [],
    node: (urn) => byUrn.get(urn),
  };
}

const TARGET_GROUP = "aws:lb/targetGroup:TargetGroup";

/**
 * The inputs a resource's times depend on besides its own, from its dependencies in the state:
 * the target group an ECS service registers with (its health checks and deregistration delay).
 */
export function relatedOf(urn: string, graph: DependencyGraph): RelatedInputs {
  const targetGroup = graph
    .dependenciesOf(urn)
    .map((u) => graph.node(u))
    .find((n) => n?.type === TARGET_GROUP);
  return targetGroup?.inputs ? { targetGroup: targetGroup.inputs } : {};
}
