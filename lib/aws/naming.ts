/**
 * The only place that makes physical (AWS) names. Every name is
 * `<project>-<stage>-<purpose>`, fits its resource type's rules (NAME_RULES, each from the
 * owning service's documentation),
 * and gets a deterministic hash suffix when it had to be shortened, so two stages or
 * branches whose names share a long prefix never collide.
 */
import { createHash } from "node:crypto";

export interface NameRule {
  maxLength: number;
  /** Characters allowed anywhere in the name. */
  allowed: RegExp;
  /** Extra checks that the whole name must pass, each with the reason it exists. */
  checks: ReadonlyArray<{ test: (name: string) => boolean; rule: string }>;
}

const startsWithLetter = { test: (n: string) => /^[a-z]/.test(n), rule: "begins with a letter" };
const noEdgeHyphen = {
  test: (n: string) => !n.startsWith("-") && !n.endsWith("-"),
  rule: "no leading or trailing hyphen",
};
const noDoubleHyphen = { test: (n: string) => !n.includes("--"), rule: "no double hyphen" };
const hyphenRules = [startsWithLetter, noEdgeHyphen, noDoubleHyphen];

/**
 * Per-type rules, as each service documents them: S3 User Guide "General purpose bucket naming
 * rules"; RDS User Guide "Naming constraints in Amazon RDS"; ElastiCache API
 * CreateReplicationGroup (ReplicationGroupId); ELB API CreateLoadBalancer and CreateTargetGroup
 * (Name, 32 characters); ECS API CreateCluster, CreateService, RegisterTaskDefinition (family);
 * ECR repository names; IAM User Guide "IAM and AWS STS quotas" (role 64, policy 128); Secrets
 * Manager CreateSecret; CloudWatch Logs CreateLogGroup; EC2 CreateSecurityGroup (GroupName);
 * EventBridge Scheduler CreateSchedule; Step Functions CreateStateMachine; CloudWatch
 * PutMetricAlarm. Everything is kept lowercase for one look.
 */
export const NAME_RULES = {
  "s3-bucket": {
    maxLength: 63,
    allowed: /^[a-z0-9-]+$/,
    checks: [
      ...hyphenRules,
      { test: (n: string) => n.length >= 3, rule: "at least 3 characters" },
      { test: (n: string) => !/^xn--|^sthree-/.test(n), rule: "no xn-- or sthree- prefix" },
      { test: (n: string) => !/-s3alias$|--ol-s3$/.test(n), rule: "no -s3alias or --ol-s3 suffix" },
    ],
  },
  "rds-instance": { maxLength: 63, allowed: /^[a-z0-9-]+$/, checks: hyphenRules },
  "rds-subnet-group": {
    maxLength: 255,
    allowed: /^[a-z0-9-]+$/,
    checks: [...hyphenRules, { test: (n: string) => n !== "default", rule: "not default" }],
  },
  "rds-parameter-group": { maxLength: 255, allowed: /^[a-z0-9-]+$/, checks: hyphenRules },
  "elasticache-replication-group": { maxLength: 40, allowed: /^[a-z0-9-]+$/, checks: hyphenRules },
  "elasticache-subnet-group": { maxLength: 255, allowed: /^[a-z0-9-]+$/, checks: hyphenRules },
  // CreateServerlessCache, CreateUser and CreateUserGroup document no length; they are kept to
  // the replication group's 40, the tightest ElastiCache identifier rule, letters, digits and
  // hyphens as UserId's pattern [a-zA-Z][a-zA-Z0-9\-]* allows.
  "elasticache-serverless-cache": {
    maxLength: 40,
    allowed: /^[a-z0-9-]+$/,
    checks: hyphenRules,
  },
  "elasticache-user": { maxLength: 40, allowed: /^[a-z0-9-]+$/, checks: hyphenRules },
  "elasticache-user-group": { maxLength: 40, allowed: /^[a-z0-9-]+$/, checks: hyphenRules },
  alb: {
    maxLength: 32,
    allowed: /^[a-z0-9-]+$/,
    checks: [
      ...hyphenRules,
      { test: (n: string) => !n.startsWith("internal-"), rule: "no internal- prefix" },
    ],
  },
  "target-group": { maxLength: 32, allowed: /^[a-z0-9-]+$/, checks: hyphenRules },
  "ecs-cluster": { maxLength: 255, allowed: /^[a-z0-9_-]+$/, checks: hyphenRules },
  "ecs-service": { maxLength: 255, allowed: /^[a-z0-9_-]+$/, checks: hyphenRules },
  "ecs-task-family": { maxLength: 255, allowed: /^[a-z0-9_-]+$/, checks: hyphenRules },
  "ecr-repository": {
    maxLength: 256,
    allowed: /^[a-z0-9-]+$/,
    checks: [...hyphenRules, { test: (n: string) => n.length >= 2, rule: "at least 2 characters" }],
  },
  "iam-role": { maxLength: 64, allowed: /^[a-z0-9+=,.@_-]+$/, checks: hyphenRules },
  "iam-policy": { maxLength: 128, allowed: /^[a-z0-9+=,.@_-]+$/, checks: hyphenRules },
  secret: {
    maxLength: 512,
    allowed: /^[a-z0-9/_+=.@-]+$/,
    checks: [
      ...hyphenRules,
      // Secrets Manager appends "-" and 6 random characters to ARNs; a name ending the same
      // way makes partial-ARN lookups ambiguous.
      {
        test: (n: string) => !/-[a-z0-9]{6}$/.test(n),
        rule: "does not end with a hyphen and 6 characters",
      },
    ],
  },
  "log-group": {
    maxLength: 512,
    allowed: /^[a-z0-9._/#-]+$/,
    checks: [
      {
        test: (n: string) => !n.startsWith("aws/") && !n.startsWith("/aws/"),
        rule: "no aws/ prefix",
      },
      noDoubleHyphen,
    ],
  },
  "security-group": {
    maxLength: 255,
    allowed: /^[a-z0-9 ._:/()#,@[\]+=&;{}!$*-]+$/,
    checks: [...hyphenRules, { test: (n: string) => !n.startsWith("sg-"), rule: "no sg- prefix" }],
  },
  schedule: { maxLength: 64, allowed: /^[a-z0-9._-]+$/, checks: hyphenRules },
  // Step Functions CreateStateMachine: 1-80 characters, no white space, brackets, wildcards or
  // special characters (letters, digits, hyphen and underscore are safe).
  "state-machine": { maxLength: 80, allowed: /^[a-z0-9_-]+$/, checks: hyphenRules },
  // CloudWatch PutMetricAlarm AlarmName: 1-255 printable ASCII; kept to the same safe set.
  alarm: { maxLength: 255, allowed: /^[a-z0-9_-]+$/, checks: hyphenRules },
} satisfies Record<string, NameRule>;

export type NamedResourceType = keyof typeof NAME_RULES;

/** Length of the hex hash appended to shortened names (8: also dodges the secret rule). */
export const HASH_LENGTH = 8;

/** A deterministic short hash of any text. */
export function shortHash(text: string, length = HASH_LENGTH): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/** Returns every rule a name breaks for a resource type; empty when it is valid. */
export function nameViolations(type: NamedResourceType, name: string): string[] {
  const rule: NameRule = NAME_RULES[type];
  const violations: string[] = [];
  if (name.length > rule.maxLength) violations.push(`longer than ${rule.maxLength} characters`);
  if (!rule.allowed.test(name)) violations.push(`has characters outside ${rule.allowed.source}`);
  for (const check of rule.checks) if (!check.test(name)) violations.push(check.rule);
  return violations;
}

/**
 * Builds the physical name of one resource: `<project>-<stage>-<purpose>`, lowercased,
 * cleaned to the type's characters and shortened with a hash of the full name if needed.
 * Throws if the result would still break a rule (only a bad purpose string can do that).
 */
export function physicalName(
  project: string,
  stage: string,
  type: NamedResourceType,
  purpose: string,
): string {
  const rule: NameRule = NAME_RULES[type];
  // An empty purpose names the stage's one resource of a type whose names are tight (ALB: 32).
  const full = (purpose ? `${project}-${stage}-${purpose}` : `${project}-${stage}`).toLowerCase();
  let name = full
    .split("")
    .map((ch) => (rule.allowed.test(ch) ? ch : "-"))
    .join("")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "");
  const lostInformation = name !== full;
  if (lostInformation || name.length > rule.maxLength || nameViolations(type, name).length > 0) {
    name = withHash(name, full, rule.maxLength, stagePrefix(project, stage), type);
  }
  const violations = nameViolations(type, name);
  if (violations.length > 0) {
    throw new Error(
      `Physical name "${name}" for ${type} (purpose "${purpose}") breaks: ${violations.join("; ")}`,
    );
  }
  return name;
}

/**
 * Shortens a name to fit, ending it with a hash of the full name. The stage's whole prefix
 * always survives: deployers may create only names under it (access/), and the stage name
 * guard refuses anything else. A stage name too long to leave room is the stage model's to
 * refuse (maxStageNameLength); reaching here with one is a bug, so it throws.
 */
function withHash(
  cleaned: string,
  original: string,
  maxLength: number,
  prefix: string,
  type: NamedResourceType,
): string {
  const suffix = `-${shortHash(original)}`;
  const room = maxLength - suffix.length;
  if (room < prefix.length) {
    throw new Error(
      `No ${type} name for "${original}": ${prefix} leaves no room for a hash within ${maxLength} characters`,
    );
  }
  const head = cleaned.slice(0, room).replace(/-+$/, "");
  return `${head}${suffix}`;
}

/** The prefix every physical name of a stage starts with: `<project>-<stage>`. */
export function stagePrefix(project: string, stage: string): string {
  return `${project}-${stage}`;
}

/** Log groups read best as paths: `/<project>/<stage>/`, then the purpose. */
export function logGroupPrefix(project: string, stage: string): string {
  return `/${project}/${stage}/`;
}

/**
 * The longest stage name whose names of `type` can still be shortened with a hash and keep the
 * whole stage prefix: `<project>-<stage>-<8 hex>`.
 */
export function maxHashedStageNameLength(project: string, type: NamedResourceType): number {
  return NAME_RULES[type].maxLength - `${project}-`.length - `-${"0".repeat(HASH_LENGTH)}`.length;
}

/**
 * The longest stage name whose one resource of `type` (named by the prefix alone, e.g. the
 * load balancer) still fits the type's rule: what a feature stack's slug may use.
 */
export function maxStageNameLength(project: string, type: NamedResourceType): number {
  return NAME_RULES[type].maxLength - `${project}-`.length;
}

/**
 * Purposes of the names that another stack or access/ must find: production's database, its
 * refinery's sanitizer instance and its sanitized bucket. Components name them with these, and
 * lower stages and access/ look them up with the same, so the two cannot drift apart.
 */
export const SHARED_PURPOSES = {
  database: "db",
  sanitizer: "sanitizer",
  sanitizedBucket: "sanitized",
} as const;

/** Production's names that lower stages and access/ refer to. */
export function productionDataNames(project: string): {
  database: string;
  sanitizer: string;
  sanitizedBucket: string;
} {
  const production = new Namer(project, "production");
  return {
    database: production.name("rds-instance", SHARED_PURPOSES.database),
    sanitizer: production.name("rds-instance", SHARED_PURPOSES.sanitizer),
    sanitizedBucket: production.name("s3-bucket", SHARED_PURPOSES.sanitizedBucket),
  };
}

/**
 * Purposes of the names of development's feature host that feature stacks' deployer is granted
 * (access/) and that the host is built with (components/feature-host.ts): the provisioner's
 * task family and its two roles, and the cluster it runs in.
 */
export const FEATURE_HOST_PURPOSES = {
  taskFamily: "feature-db",
  executionRole: "feature-db-execution",
  taskRole: "feature-db-task",
  cluster: "cluster",
  cacheUserGroup: "cache",
} as const;

/** Names of the host stage's (development's) feature host that feature stacks use. */
export function featureHostNames(
  project: string,
  hostStage: string,
): {
  taskFamily: string;
  executionRole: string;
  taskRole: string;
  cluster: string;
  loadBalancer: string;
  /** The user group of its cache that shared-cache feature stacks add their users to. */
  cacheUserGroup: string;
} {
  const host = new Namer(project, hostStage);
  return {
    taskFamily: host.name("ecs-task-family", FEATURE_HOST_PURPOSES.taskFamily),
    executionRole: host.name("iam-role", FEATURE_HOST_PURPOSES.executionRole),
    taskRole: host.name("iam-role", FEATURE_HOST_PURPOSES.taskRole),
    cluster: host.name("ecs-cluster", FEATURE_HOST_PURPOSES.cluster),
    loadBalancer: host.name("alb", ""),
    cacheUserGroup: host.name("elasticache-user-group", FEATURE_HOST_PURPOSES.cacheUserGroup),
  };
}

/**
 * Every ECR repository of the project: the shared one and each lower stage's own, as an IAM
 * resource pattern for pulling images.
 */
export function projectRepositoriesPattern(project: string): string {
  return `${project}-*`;
}

/** The image repository access/ creates and every stage pulls from: one image per commit. */
export function sharedRepositoryName(project: string): string {
  return `${project}-app`;
}

/** Binds project and stage so components only say what a name is for. */
export class Namer {
  constructor(
    readonly project: string,
    readonly stage: string,
  ) {}

  /** The prefix every physical name of this stage starts with. */
  get prefix(): string {
    return stagePrefix(this.project, this.stage);
  }

  /** An EC2 `Name` tag (what the console shows for a VPC, subnet or route table): the prefix and the purpose. */
  tagName(purpose: string): string {
    return `${this.prefix}-${purpose}`;
  }

  name(type: NamedResourceType, purpose: string): string {
    return physicalName(this.project, this.stage, type, purpose);
  }

  /** CloudWatch log groups read best as paths; they still start with project and stage. */
  logGroup(purpose: string): string {
    const name = `${logGroupPrefix(this.project, this.stage)}${purpose}`;
    const violations = nameViolations("log-group", name);
    if (violations.length > 0)
      throw new Error(`Log group name "${name}" breaks: ${violations.join("; ")}`);
    return name;
  }
}

/**
 * The access/ project's own names. They carry the stage `access` (`multistage-access-staging-
 * deployer`), so they sit outside every stage's `multistage-<stage>-` prefix: no deployer's
 * "manage your own stage's roles" permission can ever match a deployer role or a boundary.
 */
export const ACCESS_STAGE = "access";

export function deployerRoleName(project: string, stage: string): string {
  return physicalName(project, ACCESS_STAGE, "iam-role", `${stage}-deployer`);
}

/** The read-only role that previews a stage (promotion reviews). */
export function reviewerRoleName(project: string, stage: string): string {
  return physicalName(project, ACCESS_STAGE, "iam-role", `${stage}-reviewer`);
}

export function boundaryPolicyName(project: string, stage: string): string {
  return physicalName(project, ACCESS_STAGE, "iam-policy", `${stage}-boundary`);
}

/** The KMS alias of a stage's stack-secrets key (`pulumi stack change-secrets-provider awskms://<alias>`). */
export function secretsKeyAlias(project: string, stage: string): string {
  return `alias/${physicalName(project, ACCESS_STAGE, "iam-policy", `${stage}-secrets`)}`;
}

/**
 * The refinery's sanitized snapshots, `multistage-sanitized-<yyyy-mm-dd>`: production's
 * artifacts that every lower stage may restore (and nothing else of production).
 */
export function sanitizedSnapshotPrefix(project: string): string {
  return `${project}-sanitized-`;
}
