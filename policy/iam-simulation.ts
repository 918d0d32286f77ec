/**
 * One question to AWS's evaluation logic, answered offline by @cloud-copilot/iam-simulate (it
 * evaluates identity, boundary and resource policies with their conditions, NotAction and
 * NotResource the way IAM does): may this principal make this request?
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";

export interface PolicyDocumentLike {
  Version?: string;
  Statement: unknown;
}

export interface SimulatedRequest {
  principal: string;
  action: string;
  resource: string;
  /** The request's account; defaults to the principal's. */
  account?: string;
  context?: Record<string, string | string[]>;
}

export interface SimulatedPolicies {
  identity?: ReadonlyArray<{ name: string; policy: PolicyDocumentLike }>;
  boundary?: PolicyDocumentLike;
  resource?: PolicyDocumentLike;
}

/** "Allowed", "ExplicitlyDenied" or "ImplicitlyDenied"; throws when the simulator cannot evaluate. */
export async function simulateRequest(
  request: SimulatedRequest,
  policies: SimulatedPolicies,
): Promise<string> {
  const account = request.account ?? /::(\d{12}):/.exec(request.principal)?.[1] ?? "123456789012";
  const response = await runSimulation(
    {
      identityPolicies: [...(policies.identity ?? [])],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(policies.boundary
        ? { permissionBoundaryPolicies: [{ name: "boundary", policy: policies.boundary }] }
        : {}),
      ...(policies.resource ? { resourcePolicy: policies.resource } : {}),
      request: {
        principal: request.principal,
        action: request.action,
        resource: { accountId: account, resource: request.resource },
        contextVariables: request.context ?? {},
      },
    } as Parameters<typeof runSimulation>[0],
    {},
  );
  if (response.resultType === "error")
    throw new Error(
      `cannot simulate ${request.action} on ${request.resource}: ${JSON.stringify(response.errors)}`,
    );
  return response.overallResult;
}
