import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { Namer } from "../../lib/aws/naming";
import { PROJECT } from "../../stage/resolve";
import { PolicyDocumentLike, simulateRequest } from "../iam-simulation";
import { ofType, parseJson, stageKindOf } from "../resources";

/**
 * No principal of a lower stage may change production or read its data: data flows down only
 * as the refinery's sanitized copies. Every role the stack creates (inline policies, role
 * policies, attached policies of the stack or AWS-managed ones) is asked, through an IAM policy
 * simulator, whether it may make each request below on production's resources; matching
 * strings would miss `NotAction`, `NotResource`, wildcards like `multistage-prod*` and a
 * `GetSecretValue` that reads rather than writes.
 */
export const productionUntouchable: StackValidationPolicy = {
  name: "no-lower-stage-writes-to-production",
  description:
    "Outside production, no IAM principal the stack creates may change production's resources or read its data (IAM policy simulation).",
  enforcementLevel: "mandatory",
  validateStack: async (args, reportViolation) => {
    const kind = stageKindOf(args.resources);
    if (kind === undefined || kind === "production") return;
    const region = regionOf(args.resources);
    for (const principal of principalsOf(args.resources)) {
      for (const problem of principal.unevaluable)
        reportViolation(`${principal.name}: ${problem}`, principal.urn);
      for (const account of accountsOf(principal)) {
        for (const probe of productionProbes(region, account)) {
          const verdict = await simulateRequest(
            {
              principal: `arn:aws:iam::${account}:role/${principal.name}`,
              account,
              action: probe.action,
              resource: probe.resource,
              context: { "aws:SecureTransport": "true", ...probe.context },
            },
            { identity: principal.policies },
          );
          if (verdict === "Allowed")
            reportViolation(
              `${principal.name} lets a ${kind} principal ${probe.action} on ${probe.resource} (${probe.why})`,
              principal.urn,
            );
        }
      }
    }
  },
};

interface Probe {
  action: string;
  resource: string;
  why: string;
  context?: Record<string, string>;
}

/** Requests against production that no lower stage may make, on the names production's stack gives its resources. */
function productionProbes(region: string, account: string): Probe[] {
  const production = new Namer(PROJECT, "production");
  const bucket = `arn:aws:s3:::${production.name("s3-bucket", "assets")}`;
  const db = `arn:aws:rds:${region}:${account}:db:${production.name("rds-instance", "db")}`;
  const snapshot = `arn:aws:rds:${region}:${account}:snapshot:rds:${production.name("rds-instance", "db")}-2026-01-01-03-10`;
  // Secrets Manager appends six random characters to a secret's ARN.
  const secret = (purpose: string) =>
    `arn:aws:secretsmanager:${region}:${account}:secret:${production.name("secret", purpose)}-AbCdEf`;
  const cluster = production.name("ecs-cluster", "cluster");
  const role = (purpose: string) =>
    `arn:aws:iam::${account}:role/${production.name("iam-role", purpose)}`;
  return [
    {
      action: "s3:GetObject",
      resource: `${bucket}/users/export.csv`,
      why: "reads production's objects",
    },
    {
      action: "s3:PutObject",
      resource: `${bucket}/index.html`,
      why: "writes production's objects",
    },
    {
      action: "s3:DeleteObject",
      resource: `${bucket}/index.html`,
      why: "deletes production's objects",
    },
    { action: "s3:PutBucketPolicy", resource: bucket, why: "opens production's bucket" },
    { action: "rds:DeleteDBInstance", resource: db, why: "deletes production's database" },
    { action: "rds:ModifyDBInstance", resource: db, why: "changes production's database" },
    {
      action: "rds:RestoreDBInstanceFromDBSnapshot",
      resource: snapshot,
      why: "restores production's raw data",
    },
    { action: "rds:CopyDBSnapshot", resource: snapshot, why: "copies production's raw data" },
    {
      action: "rds:CreateDBInstanceReadReplica",
      resource: db,
      why: "replicates production's raw data",
    },
    {
      action: "secretsmanager:GetSecretValue",
      resource: secret("db-credentials"),
      why: "reads production's database password",
    },
    {
      action: "secretsmanager:PutSecretValue",
      resource: secret("db-credentials"),
      why: "replaces production's database password",
    },
    {
      action: "elasticache:DeleteReplicationGroup",
      resource: `arn:aws:elasticache:${region}:${account}:replicationgroup:${production.name("elasticache-replication-group", "cache")}`,
      why: "deletes production's cache",
    },
    {
      action: "ecs:UpdateService",
      resource: `arn:aws:ecs:${region}:${account}:service/${cluster}/${production.name("ecs-service", "app")}`,
      why: "changes what production runs",
    },
    {
      action: "logs:GetLogEvents",
      resource: `arn:aws:logs:${region}:${account}:log-group:${production.logGroup("app")}:log-stream:app/1`,
      why: "reads production's logs",
    },
    {
      action: "iam:PassRole",
      resource: role("app-task"),
      why: "runs code as production's app",
      context: { "iam:PassedToService": "ecs-tasks.amazonaws.com" },
    },
    {
      action: "iam:PutRolePolicy",
      resource: role("app-task"),
      why: "rewrites production's app role",
    },
    {
      action: "ec2:DeleteSecurityGroup",
      resource: `arn:aws:ec2:${region}:${account}:security-group/sg-0123456789abcdef0`,
      why: "removes production's firewall",
      context: { "aws:ResourceTag/stage": "production" },
    },
  ];
}

interface Principal {
  name: string;
  urn: string;
  policies: Array<{ name: string; policy: PolicyDocumentLike }>;
  /** Why some of its permissions cannot be evaluated offline (each one a violation: fail closed). */
  unevaluable: string[];
}

/** AWS-managed policies whose whole effect is known: they allow every action anywhere. */
const ADMINISTRATOR_POLICIES =
  /^arn:aws[a-z-]*:iam::aws:policy\/(AdministratorAccess|PowerUserAccess)$/;
const ALLOW_EVERYTHING: PolicyDocumentLike = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
};

function document(value: unknown): PolicyDocumentLike | undefined {
  const parsed = parseJson(value) as PolicyDocumentLike | undefined;
  return parsed && typeof parsed === "object" && "Statement" in parsed ? parsed : undefined;
}

/** Every role in the stack with every policy that grants it something. */
function principalsOf(resources: readonly PolicyResource[]): Principal[] {
  const stackPolicies = new Map<string, PolicyDocumentLike>();
  for (const policy of ofType(resources, "aws:iam/policy:Policy")) {
    const doc = document(policy.props.policy);
    if (!doc) continue;
    for (const key of [policy.props.arn, policy.props.name, policy.name])
      if (typeof key === "string") stackPolicies.set(key, doc);
  }
  const attached = (principal: Principal, policyArn: unknown) => {
    const arn = String(policyArn);
    const own =
      stackPolicies.get(arn) ??
      [...stackPolicies.entries()].find(([key]) => arn.endsWith(`/${key}`))?.[1];
    if (own) principal.policies.push({ name: arn, policy: own });
    else if (ADMINISTRATOR_POLICIES.test(arn))
      principal.policies.push({ name: arn, policy: ALLOW_EVERYTHING });
    else
      principal.unevaluable.push(
        `attaches ${arn}, a managed policy the pack cannot read; attach nothing but the stack's own inline policies`,
      );
  };
  const principals = new Map<string, Principal>();
  for (const role of ofType(resources, "aws:iam/role:Role")) {
    const name = String(role.props.name ?? role.name);
    const principal: Principal = { name, urn: role.urn, policies: [], unevaluable: [] };
    for (const inline of (role.props.inlinePolicies ?? []) as Array<{
      name?: string;
      policy?: unknown;
    }>) {
      const doc = document(inline.policy);
      if (doc) principal.policies.push({ name: inline.name ?? "inline", policy: doc });
    }
    for (const arn of (role.props.managedPolicyArns ?? []) as unknown[]) attached(principal, arn);
    principals.set(name, principal);
  }
  const roleNamed = (value: unknown, fallbackUrn: string) => {
    const name = String(value);
    const known = principals.get(name) ?? principals.get(name.split("/").pop() ?? name);
    if (known) return known;
    // A policy on a role this stack does not create (or whose name is not known yet) is judged on its own.
    const stranger: Principal = { name, urn: fallbackUrn, policies: [], unevaluable: [] };
    principals.set(name, stranger);
    return stranger;
  };
  for (const rolePolicy of ofType(resources, "aws:iam/rolePolicy:RolePolicy")) {
    const doc = document(rolePolicy.props.policy);
    if (doc)
      roleNamed(rolePolicy.props.role, rolePolicy.urn).policies.push({
        name: String(rolePolicy.props.name ?? rolePolicy.name),
        policy: doc,
      });
  }
  for (const attachment of ofType(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")) {
    attached(roleNamed(attachment.props.role, attachment.urn), attachment.props.policyArn);
  }
  for (const attachment of ofType(resources, "aws:iam/policyAttachment:PolicyAttachment")) {
    for (const role of (attachment.props.roles ?? []) as unknown[])
      attached(roleNamed(role, attachment.urn), attachment.props.policyArn);
  }
  return [...principals.values()];
}

/** The accounts a principal's policies name (and one stand-in), so account-specific ARNs are probed as written. */
function accountsOf(principal: Principal): string[] {
  const text = JSON.stringify(principal.policies.map((p) => p.policy));
  return [...new Set([...(text.match(/(?<=:)\d{12}(?=:)/g) ?? []), "123456789012"])];
}

function regionOf(resources: readonly PolicyResource[]): string {
  const region = ofType(resources, "pulumi:providers:aws")[0]?.props.region;
  return typeof region === "string" ? region : "us-east-1";
}
