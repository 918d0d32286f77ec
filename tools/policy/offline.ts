/**
 * Runs the policy pack's rules against an offline render, the way `pulumi preview
 * --policy-pack policy` runs them against a real preview: the same validateStack functions,
 * fed the render's resources in the shape policies receive.
 */
import type { PolicyResource, StackValidationArgs } from "@pulumi/policy";
import { MANDATORY_POLICIES } from "../../policy/rules";
import type { Render } from "../render/harness";

export interface Violation {
  policy: string;
  message: string;
  urn?: string;
}

export function policyResources(render: Render): PolicyResource[] {
  const urnOf = (key: string) => {
    const [type, name] = key.split("::");
    return `urn:pulumi:${render.stack}::${render.project}::${type}::${name}`;
  };
  const resources = render.resources.map((r): PolicyResource => ({
    type: r.type,
    props: r.inputs,
    urn: urnOf(r.key),
    name: r.name,
    opts: {
      protect: r.options.protect,
      ignoreChanges: r.options.ignoreChanges,
      deleteBeforeReplace: r.options.deleteBeforeReplace,
      aliases: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
      additionalSecretOutputs: [],
      parent: r.parent ? urnOf(r.parent) : undefined,
    },
    dependencies: [],
    propertyDependencies: {},
    isType: () => false,
    asType: () => undefined,
  }));
  const byKey = new Map(render.resources.map((r, i) => [r.key, resources[i]]));
  render.resources.forEach((r, i) => {
    resources[i].dependencies = r.options.dependsOn
      .map((key) => byKey.get(key))
      .filter((d): d is PolicyResource => d !== undefined);
  });
  return resources;
}

/** Every violation of every mandatory rule in a render. */
export async function checkPolicies(
  render: Render,
  stackTags: ReadonlyMap<string, string> = new Map(),
): Promise<Violation[]> {
  const violations: Violation[] = [];
  const args: StackValidationArgs = {
    resources: policyResources(render),
    stackTags,
    getConfig: <T extends object>() => ({}) as T,
    notApplicable: (reason?: string): never => {
      throw new Error(`not applicable: ${reason ?? ""}`);
    },
  };
  for (const policy of MANDATORY_POLICIES) {
    await policy.validateStack(args, (message, urn) =>
      violations.push({ policy: policy.name, message, urn }),
    );
  }
  return violations;
}
