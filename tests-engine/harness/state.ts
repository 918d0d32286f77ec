/**
 * A stack's resources as the backend holds them (`pulumi stack export`), for comparing what
 * the engine believes with what the fake cloud journaled.
 */
import type { EngineSuite } from "./engine";
import { expectSuccess } from "./engine";
import type { Checkout } from "./checkout";

export interface StateResource {
  urn: string;
  type: string;
  custom: boolean;
  id?: string;
  protect?: boolean;
  retainOnDelete?: boolean;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  parent?: string;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
}

/**
 * The URNs a resource depends on, transitively: its dependencies, property dependencies and
 * parent, as the engine's dependency graph counts them (pkg/resource/graph/dependency_graph.go,
 * DependenciesOf).
 */
export function transitiveDependencies(
  resources: readonly StateResource[],
  urn: string,
): Set<string> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const seen = new Set<string>();
  const visit = (current: string) => {
    const r = byUrn.get(current);
    if (!r) return;
    for (const next of [
      ...(r.dependencies ?? []),
      ...Object.values(r.propertyDependencies ?? {}).flat(),
      ...(r.parent ? [r.parent] : []),
    ]) {
      if (!seen.has(next)) {
        seen.add(next);
        visit(next);
      }
    }
  };
  visit(urn);
  return seen;
}

export async function exportStack(
  engine: EngineSuite,
  stack: string,
  cwd: Checkout | string,
): Promise<StateResource[]> {
  const result = expectSuccess(await engine.pulumi(["stack", "export", "-s", stack], { cwd }));
  const exported = JSON.parse(result.stdout) as { deployment: { resources?: StateResource[] } };
  return exported.deployment.resources ?? [];
}

/** Resources a provider plugin manages in the cloud: not the stack, components, providers or stack references. */
export function cloudResources(resources: readonly StateResource[]): StateResource[] {
  return resources.filter((r) => r.custom && !r.type.startsWith("pulumi:"));
}
