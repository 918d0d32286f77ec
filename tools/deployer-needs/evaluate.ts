/**
 * Decides authorization requests (derive.ts) for a stage's deployer as IAM would: its
 * permission policies and its permissions boundary, both taken from the access/ render, run
 * through `@cloud-copilot/iam-simulate`.
 */
import { createValidatedPolicy, validateIdentityPolicy } from "@cloud-copilot/iam-policy";
import {
  getDenialReasons,
  isConditionKeyArray,
  runSimulation,
  runUnsafeSimulation,
  typeForContextKey,
} from "@cloud-copilot/iam-simulate";
import type { Render, RenderedResource } from "../render/harness";
import { resourceId, type AuthorizationRequest } from "./derive";
import { IAM_DATA_GAPS } from "./required-calls";

export interface NamedPolicy {
  name: string;
  policy: unknown;
}

/** A stage's deployer as access/ renders it. */
export interface Deployer {
  stage: string;
  roleArn: string;
  /** Inline and attached permission policies of the role. */
  permissions: NamedPolicy[];
  /** The boundary the role itself carries (undefined: none, which the tests flag). */
  boundary?: NamedPolicy;
  boundaryArn?: string;
  /** The boundary access/ hands to the stage's stacks for the roles they create. */
  stackBoundaryArn?: string;
}

function outputMap(render: Render, key: string): Record<string, string> {
  const value = render.outputs[key]?.value;
  if (!value || typeof value !== "object")
    throw new Error(`the access render has no ${key} output`);
  return value as Record<string, string>;
}

const lastSegment = (arn: string) => arn.split("/").pop() as string;

/** The managed policy with this ARN in the render, found by its name. */
function policyByArn(resources: RenderedResource[], arn: string): RenderedResource | undefined {
  return resources.find(
    (r) => r.type === "aws:iam/policy:Policy" && r.physicalName === lastSegment(arn),
  );
}

/**
 * Finds a stage's deployer in an access/ render through its outputs (`deployerRoleArns[stage]`,
 * `permissionsBoundaryArns[stage]`), not by name: the role, every policy attached to it
 * (inline RolePolicy, RolePolicyAttachment, inline_policy, managed_policy_arns) and its boundary.
 */
export function findDeployer(access: Render, stage: string): Deployer {
  const roleArn = outputMap(access, "deployerRoleArns")[stage];
  if (!roleArn)
    throw new Error(
      `access/ exports no deployer role for ${stage} (deployerRoleArns: ${Object.keys(outputMap(access, "deployerRoleArns")).join(", ")})`,
    );
  const role = access.resources.find(
    (r) => r.type === "aws:iam/role:Role" && r.physicalName === lastSegment(roleArn),
  );
  if (!role) throw new Error(`the access render has no role for ${roleArn}`);
  const roleIds = new Set([role.physicalName as string, resourceId(role)]);
  const permissions: NamedPolicy[] = [];
  for (const r of access.resources) {
    if (r.type === "aws:iam/rolePolicy:RolePolicy" && roleIds.has(String(r.inputs.role))) {
      permissions.push({ name: String(r.inputs.name ?? r.name), policy: r.inputs.policy });
    }
    if (
      r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" &&
      roleIds.has(String(r.inputs.role))
    ) {
      const policy = policyByArn(access.resources, String(r.inputs.policyArn));
      if (!policy)
        throw new Error(
          `${roleArn} has ${String(r.inputs.policyArn)} attached, which the access render does not create`,
        );
      permissions.push({ name: String(policy.physicalName), policy: policy.inputs.policy });
    }
  }
  for (const inline of (role.inputs.inlinePolicies as
    Array<{ name?: string; policy?: unknown }> | undefined) ?? []) {
    if (inline.policy)
      permissions.push({ name: String(inline.name ?? "inline"), policy: inline.policy });
  }
  for (const arn of (role.inputs.managedPolicyArns as string[] | undefined) ?? []) {
    const policy = policyByArn(access.resources, arn);
    if (policy)
      permissions.push({ name: String(policy.physicalName), policy: policy.inputs.policy });
  }
  const boundaryArn = role.inputs.permissionsBoundary as string | undefined;
  const boundaryResource = boundaryArn ? policyByArn(access.resources, boundaryArn) : undefined;
  return {
    stage,
    roleArn,
    permissions,
    boundary: boundaryResource
      ? { name: String(boundaryResource.physicalName), policy: boundaryResource.inputs.policy }
      : undefined,
    boundaryArn,
    stackBoundaryArn: outputMap(access, "permissionsBoundaryArns")[stage],
  };
}

export type Result = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

export interface Decision {
  result: Result;
  /** When not allowed: which of the deployer's documents refuses it. */
  deniedBy?: "permissions" | "boundary" | "permissions and boundary";
  /** The simulator ran without iam-data's resource-type check (IAM_DATA_GAPS). */
  unchecked?: boolean;
  /** Statements that deny it explicitly, as `<policy>:<Sid or #index>`. */
  explicitlyBy?: string[];
}

type Simulated = { result: Result; unchecked: boolean; explicitlyBy?: string[] };

const ACCOUNT_OF = (arn: string) => /^arn:aws[a-z-]*:[^:]*:[^:]*:(\d{12}):/.exec(arn)?.[1];

/** Validated once, so the simulator does not validate the same documents for every request. */
function validated(policies: NamedPolicy[]): NamedPolicy[] {
  return policies.map(({ name, policy }) => ({
    name,
    policy: createValidatedPolicy(policy, validateIdentityPolicy, { name }),
  }));
}

async function simulate(
  principal: string,
  request: AuthorizationRequest,
  identity: NamedPolicy[],
  boundary: NamedPolicy | undefined,
): Promise<Simulated> {
  const simulation = {
    identityPolicies: identity,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(boundary ? { permissionBoundaryPolicies: [boundary] } : {}),
    request: {
      principal,
      action: request.action,
      resource: {
        accountId: ACCOUNT_OF(request.arn) ?? ACCOUNT_OF(principal) ?? "123456789012",
        resource: request.arn,
      },
      contextVariables: request.context,
    },
  };
  const response = await runSimulation(simulation, {});
  if (response.resultType === "single") {
    const result = response.overallResult as Result;
    if (result !== "ExplicitlyDenied") return { result, unchecked: false };
    const explicitlyBy = getDenialReasons(response.result.analysis)
      .filter((d) => d.denialType === "Explicit")
      .map((d) =>
        d.denialType === "Explicit"
          ? `${d.policyIdentifier ?? d.policyType}:${d.statementId ?? `#${d.statementIndex}`}`
          : "",
      );
    return { result, unchecked: false, explicitlyBy: [...new Set(explicitlyBy)].sort() };
  }
  if (response.resultType !== "error")
    return { result: response.overallResult as Result, unchecked: false };
  // iam-data does not know these (action, resource type) pairs; the SAR's ELBv2 page does.
  const gap = IAM_DATA_GAPS[request.action];
  if (gap && (response.errors as { message?: string }).message === "no.resource.types") {
    return { result: runUnsafeSimulation(simulation, {}) as Result, unchecked: true };
  }
  throw new Error(
    `the simulator refused ${request.action} on ${request.arn}: ${JSON.stringify(response.errors)}`,
  );
}

/**
 * The simulator spends most of its time working out which resource type an ARN is and which
 * context keys apply to it (ec2:CreateTags has over a hundred types), for every request. That
 * depends only on the action, the resource type and the context keys, so it is done once per
 * such shape with `runSimulation` (which validates the action, the ARN and the keys), and each
 * request is then evaluated on the same normalized input without repeating it. Every refusal is
 * decided again on the validated path (DeployerCheck.decide), and a test compares both paths.
 */
interface Shape {
  /** Context keys the simulator keeps for this action and resource type (the others it ignores). */
  keep: Set<string>;
  /** Kept keys whose condition type is a list. */
  lists: Set<string>;
  /** iam-data does not know the resource type (IAM_DATA_GAPS): keys are kept as they are. */
  unchecked: boolean;
}

const ALLOW_ALL: NamedPolicy = {
  name: "shape",
  policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
};
const shapes = new Map<string, Promise<Shape>>();

function shapeOf(request: AuthorizationRequest): Promise<Shape> {
  const keys = Object.keys(request.context).sort();
  const key = JSON.stringify([request.action, request.resourceType, keys]);
  let shape = shapes.get(key);
  if (!shape) {
    shape = (async (): Promise<Shape> => {
      const response = await runSimulation(
        {
          identityPolicies: [ALLOW_ALL],
          serviceControlPolicies: [],
          resourceControlPolicies: [],
          request: {
            principal: "arn:aws:iam::123456789012:role/shape",
            action: request.action,
            resource: {
              accountId: ACCOUNT_OF(request.arn) ?? "123456789012",
              resource: request.arn,
            },
            contextVariables: request.context,
          },
        },
        {},
      );
      if (response.resultType === "error") {
        if (
          IAM_DATA_GAPS[request.action] &&
          (response.errors as { message?: string }).message === "no.resource.types"
        ) {
          return {
            keep: new Set(keys),
            lists: new Set(keys.filter((k) => Array.isArray(request.context[k]))),
            unchecked: true,
          };
        }
        throw new Error(
          `the simulator refused ${request.action} on ${request.arn}: ${JSON.stringify(response.errors)}`,
        );
      }
      const ignored = new Set(
        (response.resultType === "single" ? response.result.ignoredContextKeys : undefined) ?? [],
      );
      const keep = new Set(keys.filter((k) => !ignored.has(k)));
      const lists = new Set<string>();
      for (const k of keep) if (isConditionKeyArray(await typeForContextKey(k))) lists.add(k);
      return { keep, lists, unchecked: false };
    })();
    shapes.set(key, shape);
  }
  return shape;
}

/** The context as runSimulation would hand it to the engine: known keys only, lists as lists, single values single. */
function normalized(
  context: Record<string, string | string[]>,
  shape: Shape,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of shape.keep) {
    const value = context[key];
    out[key] = shape.lists.has(key) ? [value].flat() : Array.isArray(value) ? value[0] : value;
  }
  return out;
}

async function simulateFast(
  principal: string,
  request: AuthorizationRequest,
  identity: NamedPolicy[],
  boundary: NamedPolicy | undefined,
): Promise<Simulated> {
  // Actions without resource-level permissions need the validated path's wildcard handling; they are cheap there.
  if (request.arn === "*") return simulate(principal, request, identity, boundary);
  const shape = await shapeOf(request);
  const result = runUnsafeSimulation(
    {
      identityPolicies: identity,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(boundary ? { permissionBoundaryPolicies: [boundary] } : {}),
      request: {
        principal,
        action: request.action,
        resource: {
          accountId: ACCOUNT_OF(request.arn) ?? ACCOUNT_OF(principal) ?? "123456789012",
          resource: request.arn,
        },
        contextVariables: normalized(request.context, shape),
      },
    },
    {},
  ) as Result;
  return { result, unchecked: shape.unchecked };
}

/** Decides requests for one deployer, remembering answers (many requests repeat). */
export class DeployerCheck {
  private readonly cache = new Map<string, Promise<Simulated>>();
  private readonly decisions = new Map<string, Promise<Decision>>();
  private readonly permissions: NamedPolicy[];
  private readonly boundary: NamedPolicy | undefined;

  constructor(readonly deployer: Deployer) {
    this.permissions = validated(deployer.permissions);
    this.boundary = deployer.boundary ? validated([deployer.boundary])[0] : undefined;
  }

  /** The validated path's answer alone (for the test that compares both paths). */
  async validated(request: AuthorizationRequest): Promise<Result> {
    return (await simulate(this.deployer.roleArn, request, this.permissions, this.boundary)).result;
  }

  /** The fast path's answer (what allowed() uses). */
  async fast(request: AuthorizationRequest): Promise<Result> {
    return (await this.combined(request)).result;
  }

  /** Whether IAM would allow the request (permissions and boundary together). */
  async allowed(request: AuthorizationRequest): Promise<boolean> {
    return (await this.combined(request)).result === "Allowed";
  }

  /** The decision, and for a refusal which of the deployer's documents refuses. */
  decide(request: AuthorizationRequest): Promise<Decision> {
    const key = JSON.stringify([request.action, request.arn, request.context]);
    let decision = this.decisions.get(key);
    if (!decision) {
      decision = this.explain(request);
      this.decisions.set(key, decision);
    }
    return decision;
  }

  private async explain(request: AuthorizationRequest): Promise<Decision> {
    const { roleArn } = this.deployer;
    const { permissions, boundary } = this;
    const fast = await this.combined(request);
    const unchecked = fast.unchecked ? { unchecked: true } : {};
    if (fast.result === "Allowed") return { result: "Allowed", ...unchecked };
    const both = await simulate(roleArn, request, permissions, boundary);
    if (both.result !== fast.result)
      throw new Error(
        `the simulator's two paths disagree on ${request.action} on ${request.arn}: ${both.result} validated, ${fast.result} fast`,
      );
    // Which document refuses it: the permissions alone, and the boundary read as permissions.
    const byPermissions =
      (await simulate(roleArn, request, permissions, undefined)).result !== "Allowed";
    const byBoundary = boundary
      ? (await simulate(roleArn, request, [boundary], undefined)).result !== "Allowed"
      : false;
    const deniedBy =
      byPermissions && byBoundary
        ? "permissions and boundary"
        : byBoundary
          ? "boundary"
          : "permissions";
    return {
      result: both.result,
      deniedBy,
      ...unchecked,
      ...(both.explicitlyBy?.length ? { explicitlyBy: both.explicitlyBy } : {}),
    };
  }

  private combined(request: AuthorizationRequest): Promise<Simulated> {
    const key = JSON.stringify([request.action, request.arn, request.context]);
    let answer = this.cache.get(key);
    if (!answer) {
      answer = simulateFast(this.deployer.roleArn, request, this.permissions, this.boundary);
      this.cache.set(key, answer);
    }
    return answer;
  }
}
