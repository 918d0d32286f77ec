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
}

export async function exportStack(engine: EngineSuite, stack: string, cwd: Checkout | string): Promise<StateResource[]> {
  const result = expectSuccess(await engine.pulumi(["stack", "export", "-s", stack], { cwd }));
  const exported = JSON.parse(result.stdout) as { deployment: { resources?: StateResource[] } };
  return exported.deployment.resources ?? [];
}

/** Resources a provider plugin manages in the cloud: not the stack, components, providers or stack references. */
export function cloudResources(resources: readonly StateResource[]): StateResource[] {
  return resources.filter((r) => r.custom && !r.type.startsWith("pulumi:"));
}
