/**
 * IAM's size quotas (IAM User Guide, "IAM and AWS STS quotas": managed policy 6,144
 * characters, inline policies 10,240 in total per role, role trust policy 2,048 by default,
 * 10 managed policies per role), and the check that every document access/ makes fits them.
 * IAM does not count white space, so neither does this.
 */
import type { ConfigProblem } from "../stage/errors";

export const IAM_LIMITS = {
  managedPolicy: 6144,
  inlinePerRole: 10240,
  trustPolicy: 2048,
  managedPoliciesPerRole: 10,
} as const;

export function policySize(document: unknown): number {
  return JSON.stringify(document).replace(/\s/g, "").length;
}

/** The documents one role carries, as IAM stores them. */
export interface RoleDocuments {
  role: string;
  trust: unknown;
  inline: unknown[];
  /** Managed policies attached to the role or set as its boundary. */
  managed: Array<{ name: string; document: unknown }>;
}

/** Every quota a role's documents break, as config problems naming role, document and sizes. */
export function limitProblems(roles: readonly RoleDocuments[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const over = (what: string, size: number, limit: number) =>
    problems.push({
      key: what,
      value: `${size} characters`,
      expected: `at most ${limit} (IAM quota); trim the access/ configuration (fewer principals, names or stages)`,
    });
  for (const role of roles) {
    const trust = policySize(role.trust);
    if (trust > IAM_LIMITS.trustPolicy)
      over(`${role.role} trust policy`, trust, IAM_LIMITS.trustPolicy);
    const inline = role.inline.reduce<number>((sum, document) => sum + policySize(document), 0);
    if (inline > IAM_LIMITS.inlinePerRole)
      over(`${role.role} inline policies`, inline, IAM_LIMITS.inlinePerRole);
    for (const policy of role.managed) {
      const size = policySize(policy.document);
      if (size > IAM_LIMITS.managedPolicy)
        over(`${policy.name} managed policy`, size, IAM_LIMITS.managedPolicy);
    }
    if (role.managed.length > IAM_LIMITS.managedPoliciesPerRole) {
      problems.push({
        key: `${role.role} managed policies`,
        value: String(role.managed.length),
        expected: `at most ${IAM_LIMITS.managedPoliciesPerRole}`,
      });
    }
  }
  return problems;
}
