/**
 * Decides authorization requests (derive.ts) for a stage's deployer as IAM would: its
 * permission policies and its permissions boundary, both taken from the access/ render, run
 * through `@cloud-copilot/iam-simulate`.
 */
import { createValidatedPolicy, validateIdentityPolicy } from "@cloud-copilot/iam-policy";
import { getDenialReasons, runSimulation, runUnsafeSimulation } from "@cloud-copilot/iam-simulate";
import type { Render, RenderedResource } from "../../tools/render/harness";
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
  if (!value || typeof value !== "object") throw new Error(`the access render has no ${key} output`);
  return value as Record<string, string>;
}

const lastSegment = (arn: string) => arn.split("/").pop() as string;

/** The managed policy with this ARN in the render, found by its name. */
function policyByArn(resources: RenderedResource[], arn: string): RenderedResource | undefined {
  return resources.find((r) => r.type === "aws:iam/policy:Policy" && r.physicalName === lastSegment(arn));
}

/**
 * Finds a stage's deployer in an access/ render through its outputs (`deployerRoleArns[stage]`,
 * `permissionsBoundaryArns[stage]`), not by name: the role, every policy attached to it
 * (inline RolePolicy, RolePolicyAttachment, inline_policy, managed_policy_arns) and its boundary.
 */
export function findDeployer(access: Render, stage: string): Deployer {
  const roleArn = outputMap(access, "deployerRoleArns")[stage];
  if (!roleArn) throw new Error(`access/ exports no deployer role for ${stage} (deployerRoleArns: ${Object.keys(outputMap(access, "deployerRoleArns")).join(", ")})`);
  const role = access.resources.find((r) => r.type === "aws:iam/role:Role" && r.physicalName === lastSegment(roleArn));
  if (!role) throw new Error(`the access render has no role for ${roleArn}`);
  const roleIds = new Set([role.physicalName as string, resourceId(role)]);
  const permissions: NamedPolicy[] = [];
  for (const r of access.resources) {
    if (r.type === "aws:iam/rolePolicy:RolePolicy" && roleIds.has(String(r.inputs.role))) {
      permissions.push({ name: String(r.inputs.name ?? r.name), policy: r.inputs.policy });
    }
    if (r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" && roleIds.has(String(r.inputs.role))) {
      const policy = policyByArn(access.resources, String(r.inputs.policyArn));
      if (!policy) throw new Error(`${roleArn} has ${String(r.inputs.policyArn)} attached, which the access render does not create`);
      permissions.push({ name: String(policy.physicalName), policy: policy.inputs.policy });
    }
  }
  for (const inline of (role.inputs.inlinePolicies as Array<{ name?: string; policy?: unknown }> | undefined) ?? []) {
    if (inline.policy) permissions.push({ name: String(inline.name ?? "inline"), policy: inline.policy });
  }
  for (const arn of (role.inputs.managedPolicyArns as string[] | undefined) ?? []) {
    const policy = policyByArn(access.resources, arn);
    if (policy) permissions.push({ name: String(policy.physicalName), policy: policy.inputs.policy });
  }
  const boundaryArn = role.inputs.permissionsBoundary as string | undefined;
  const boundaryResource = boundaryArn ? policyByArn(access.resources, boundaryArn) : undefined;
  return {
    stage,
    roleArn,
    permissions,
    boundary: boundaryResource ? { name: String(boundaryResource.physicalName), policy: boundaryResource.inputs.policy } : undefined,
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
  return policies.map(({ name, policy }) => ({ name, policy: createValidatedPolicy(policy, validateIdentityPolicy, { name }) }));
}

async function simulate(principal: string, request: AuthorizationRequest, identity: NamedPolicy[], boundary: NamedPolicy | undefined): Promise<Simulated> {
  const simulation = {
    identityPolicies: identity,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(boundary ? { permissionBoundaryPolicies: [boundary] } : {}),
    request: {
      principal,
      action: request.action,
      resource: { accountId: ACCOUNT_OF(request.arn) ?? ACCOUNT_OF(principal) ?? "123456789012", resource: request.arn },
      contextVariables: request.context,
    },
  };
  const response = await runSimulation(simulation, {});
  if (response.resultType === "single") {
    const result = response.overallResult as Result;
    if (result !== "ExplicitlyDenied") return { result, unchecked: false };
    const explicitlyBy = getDenialReasons(response.result.analysis)
      .filter((d) => d.denialType === "Explicit")
      .map((d) => (d.denialType === "Explicit" ? `${d.policyIdentifier ?? d.policyType}:${d.statementId ?? `#${d.statementIndex}`}` : ""));
    return { result, unchecked: false, explicitlyBy: [...new Set(explicitlyBy)].sort() };
  }
  if (response.resultType !== "error") return { result: response.overallResult as Result, unchecked: false };
  // iam-data does not know these (action, resource type) pairs; the SAR's ELBv2 page does.
  const gap = IAM_DATA_GAPS[request.action];
  if (gap && (response.errors as { message?: string }).message === "no.resource.types") {
    const raw = (policies: NamedPolicy[]) => policies.map(({ name, policy }) => ({ name, policy: (policy as { policyDocument?: unknown }).policyDocument ?? policy }));
    const unsafe = { ...simulation, identityPolicies: raw(identity), ...(boundary ? { permissionBoundaryPolicies: raw([boundary]) } : {}) };
    return { result: runUnsafeSimulation(unsafe, {}) as Result, unchecked: true };
  }
  throw new Error(`the simulator refused ${request.action} on ${request.arn}: ${JSON.stringify(response.errors)}`);
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
    const both = await this.combined(request);
    const unchecked = both.unchecked ? { unchecked: true } : {};
    if (both.result === "Allowed") return { result: "Allowed", ...unchecked };
    // Which document refuses it: the permissions alone, and the boundary read as permissions.
    const byPermissions = (await simulate(roleArn, request, permissions, undefined)).result !== "Allowed";
    const byBoundary = boundary ? (await simulate(roleArn, request, [boundary], undefined)).result !== "Allowed" : false;
    const deniedBy = byPermissions && byBoundary ? "permissions and boundary" : byBoundary ? "boundary" : "permissions";
    return { result: both.result, deniedBy, ...unchecked, ...(both.explicitlyBy?.length ? { explicitlyBy: both.explicitlyBy } : {}) };
  }

  private combined(request: AuthorizationRequest): Promise<Simulated> {
    const key = JSON.stringify([request.action, request.arn, request.context]);
    let answer = this.cache.get(key);
    if (!answer) {
      answer = simulate(this.deployer.roleArn, request, this.permissions, this.boundary);
      this.cache.set(key, answer);
    }
    return answer;
  }
}
