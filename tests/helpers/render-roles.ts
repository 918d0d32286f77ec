/**
 * The IAM documents each role of a render carries, as IAM stores them: its trust policy, its
 * inline policies (RolePolicy resources naming it, and the role's own inlinePolicies), and the
 * managed policies attached to it (RolePolicyAttachment). The permissions boundary is access/'s
 * managed policy, measured with access/'s render.
 */
import type { RoleDocuments } from "../../access/iam-limits";
import type { Render } from "../../tools/render/harness";

const parsed = (document: unknown): unknown =>
  typeof document === "string" ? JSON.parse(document) : document;

export function renderRoleDocuments(render: Render): RoleDocuments[] {
  const roles = render.resources.filter((r) => r.type === "aws:iam/role:Role");
  return roles.map((role) => {
    const names = new Set([role.physicalName, role.name].filter((n): n is string => Boolean(n)));
    const inline = render.resources
      .filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && names.has(String(r.inputs.role)))
      .map((r) => parsed(r.inputs.policy));
    const ownInline = ((role.inputs.inlinePolicies ?? []) as Array<{ policy?: unknown }>).map((p) =>
      parsed(p.policy),
    );
    const managed = render.resources
      .filter(
        (r) =>
          r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" &&
          names.has(String(r.inputs.role)),
      )
      .map((r) => ({ name: String(r.inputs.policyArn), document: {} }));
    return {
      role: role.physicalName ?? role.name,
      trust: parsed(role.inputs.assumeRolePolicy),
      inline: [...inline, ...ownInline],
      managed,
    };
  });
}
