/**
 * The access/ project's render and the IAM policy simulator, for the rights tests: each stage's
 * deployer (its inline permissions, its boundary, its trust) and reviewer, found through the
 * render's outputs, and one simulate() over any combination of policies.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { simulateRequest } from "../../policy/iam-simulation";
import { parse } from "yaml";
import { PROJECT_ROOT } from "../../stage/stack-files";
import { RenderedResource, renderStack, RenderWithSecrets } from "../../tools/render/harness";
import { once, tempStackFile } from "./renders";

export const ACCESS_DIR = path.join(PROJECT_ROOT, "access");
export const ACCOUNT = "123456789012";
export const OIDC = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
export const exampleAccessConfig = (
  parse(fs.readFileSync(path.join(ACCESS_DIR, "Pulumi.account.yaml"), "utf8")) as {
    config: Record<string, unknown>;
  }
).config;

export interface Document {
  Version: string;
  Statement: unknown[];
}

export function renderAccessWith(config: Record<string, unknown>): Promise<RenderWithSecrets> {
  const { dir } = tempStackFile("account", config);
  fs.copyFileSync(path.join(ACCESS_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  return renderStack("account", { programDir: ACCESS_DIR, configDir: dir });
}

/** The example account's render, rendered once per test run. */
export const exampleAccess = once(() => renderAccessWith(exampleAccessConfig));

export interface StageRoles {
  deployerArn: string;
  reviewerArn: string;
  boundaryArn: string;
  permissions: Document;
  boundary: Document;
  trust: Document;
  reviewerPermissions: Document;
  reviewerTrust: Document;
}

function policyOfRole(resources: RenderedResource[], roleName: string): Document {
  const policy = resources.find(
    (r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.inputs.role === roleName,
  );
  assert.ok(policy, `no inline policy on ${roleName}`);
  return policy.inputs.policy as Document;
}

/** A stage's roles and documents, found through the access render's outputs. */
export function stageRoles(render: RenderWithSecrets, stage: string): StageRoles {
  const output = (key: string) => (render.outputs[key].value as Record<string, string>)[stage];
  const deployerArn = output("deployerRoleArns");
  const reviewerArn = output("reviewerRoleArns");
  const boundaryArn = output("permissionsBoundaryArns");
  assert.ok(deployerArn && reviewerArn && boundaryArn, `access/ exports no roles for ${stage}`);
  const roleNamed = (arn: string) => {
    const role = render.resources.find(
      (r) => r.type === "aws:iam/role:Role" && arn.endsWith(`:role/${r.physicalName}`),
    );
    assert.ok(role, `no role ${arn}`);
    return role;
  };
  const deployer = roleNamed(deployerArn);
  const reviewer = roleNamed(reviewerArn);
  const boundary = render.resources.find(
    (r) => r.type === "aws:iam/policy:Policy" && boundaryArn.endsWith(`:policy/${r.physicalName}`),
  );
  assert.ok(boundary, `no boundary ${boundaryArn}`);
  assert.equal(
    deployer.inputs.permissionsBoundary,
    boundaryArn,
    "the deployer carries its stage's boundary",
  );
  return {
    deployerArn,
    reviewerArn,
    boundaryArn,
    permissions: policyOfRole(render.resources, deployer.physicalName as string),
    boundary: boundary.inputs.policy as Document,
    trust: deployer.inputs.assumeRolePolicy as Document,
    reviewerPermissions: policyOfRole(render.resources, reviewer.physicalName as string),
    reviewerTrust: reviewer.inputs.assumeRolePolicy as Document,
  };
}

export interface Request {
  principal: string;
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
}

/** The simulator's verdict ("Allowed", "ExplicitlyDenied", "ImplicitlyDenied") for one request. */
export function simulate(
  request: Request,
  policies: { identity?: Document; boundary?: Document; resource?: Document },
): Promise<string> {
  return simulateRequest(
    { ...request, account: ACCOUNT },
    {
      identity: policies.identity ? [{ name: "permissions", policy: policies.identity }] : [],
      boundary: policies.boundary,
      resource: policies.resource,
    },
  );
}

/** What a stage's deployer may do: its permissions within its boundary. */
export function asDeployer(
  roles: StageRoles,
  action: string,
  resource: string,
  context: Record<string, string | string[]> = {},
): Promise<string> {
  return simulate(
    { principal: roles.deployerArn, action, resource, context },
    { identity: roles.permissions, boundary: roles.boundary },
  );
}
