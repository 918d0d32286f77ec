/**
 * The IAM documents behind "who may deploy which stage". A stage's deployer may manage only
 * resources named `multistage-<stage>-...` or, for the untagged-by-name EC2 network, tagged
 * `stage=<stage>`; it may create roles only with its stage's boundary attached and change only
 * such roles; it can never touch the access/ project's own roles and policies
 * (`multistage-access-...`, outside every stage's prefix), re-tag anything's stage after
 * creation, or read production's data. The same document is the deployer's permissions and
 * its permissions boundary, the ceiling of every role the stage creates: a hostile program
 * running as the deployer (a pull request's CI job runs the pull request's code) gets exactly
 * this and cannot create anything that gets more. Pure functions, so tests can run them through
 * an IAM policy simulator and measure them against IAM's size quotas.
 */
import {
  ACCESS_STAGE,
  boundaryPolicyName,
  deployerRoleName,
  featureHostNames,
  productionDataNames,
  reviewerRoleName,
  sanitizedSnapshotPrefix,
  stagePrefix,
} from "../lib/aws/naming";
import { PROJECT } from "../stage/resolve";
import { FEATURE } from "./config";

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: Array<Record<string, unknown>>;
}

export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";

/** Everything a stage's documents depend on. */
export interface StageAccess {
  account: string;
  /** A long-lived stage kind, or `feature` for every feature stack. */
  stage: string;
  sharedRepositoryArn: string;
  /** The DIY state bucket and its KMS key, when the team keeps state in S3. */
  stateBucket?: { name: string; kmsKeyArn?: string };
  /** The Route 53 zone and the record names this stage may write. */
  dns?: { hostedZoneId: string; names: string[] };
  /** The stage whose network feature stacks borrow. */
  networkStage: string;
  /** Staging may read production's database as a replica (acknowledged in access/ config). */
  stagingReplica: boolean;
  /** The alias of the stage's stack-secrets key (access/ `secretsKeys: true`), if it has one. */
  secretsKeyAlias?: string;
}

const arn = (service: string, resource: string, account = "*", region = "*") =>
  `arn:aws:${service}:${region}:${account}:${resource}`;

/** The `stage` tag values of a stage's resources: its stacks are `<stage>` and `<stage>-<suffix>`. */
export function stageTagValues(stage: string): string[] {
  return stage === FEATURE ? [`${FEATURE}-*`] : [stage, `${stage}-*`];
}

/**
 * ARN patterns of everything a stage's stacks create, by the names lib/aws/naming.ts makes.
 * IAM takes no wildcard in an ARN's resource-type segment (IAM User Guide, "IAM ARNs":
 * incorrect wildcard usage), so each type the stacks create is listed.
 */
export function ownResourcePatterns(stage: string): string[] {
  const p = stagePrefix(PROJECT, stage);
  // The account is left open: a deployer acts only in the account it belongs to, and every
  // character counts against the boundary's 6,144 (IAM quota).
  const typed = (service: string, types: string[], separator: string, name: string) =>
    types.map((type) => arn(service, `${type}${separator}${name}`));
  return [
    `arn:aws:s3:::${p}-*`,
    // Final snapshots are named after the instance or group (multistage-<stage>-db-final).
    ...typed("rds", ["db", "pg", "subgrp", "snapshot"], ":", `${p}-*`),
    // A replication group's nodes are clusters named after it; feature stacks also make
    // serverless caches, their users and user groups; development, with `featureStacks.cache:
    // shared`, a user group and its default user for its replication group.
    ...typed(
      "elasticache",
      [
        "replicationgroup",
        "subnetgroup",
        "cluster",
        "snapshot",
        ...(stage === FEATURE ? ["serverlesscache"] : []),
        ...(stage === FEATURE || stage === "development" ? ["user", "usergroup"] : []),
      ],
      ":",
      `${p}-*`,
    ),
    arn("secretsmanager", `secret:${p}-*`),
    arn("logs", `log-group:/${PROJECT}/${stage}*`),
    // A service's and a task's ARN name the cluster first: service/<cluster>/<service>.
    ...typed("ecs", ["cluster", "service", "task-definition", "task"], "/", `${p}-*`),
    arn("ecr", `repository/${p}-*`),
    // The load balancer and target group are named `multistage-<stage>` (32 characters at most).
    // No stage puts rules on its own listeners: listener rules are shared feature stacks' alone,
    // on development's listener, theirs by tag ({@link previewRuleStatements}).
    ...typed(
      "elasticloadbalancing",
      ["loadbalancer/app", "targetgroup", "listener/app"],
      "/",
      `${p}*`,
    ),
    arn("scheduler", `schedule/default/${p}-*`),
    // Only production runs a state machine and its alarm: the nightly refinery.
    ...(stage === "production"
      ? [
          ...typed("states", ["stateMachine", "execution"], ":", `${p}-*`),
          arn("cloudwatch", `alarm:${p}-*`),
        ]
      : []),
  ];
}

const MANAGED_SERVICES = [
  "s3:*",
  "rds:*",
  "elasticache:*",
  "secretsmanager:*",
  "logs:*",
  "ecs:*",
  "ecr:*",
  "elasticloadbalancing:*",
  "scheduler:*",
];
/** Only production runs the refinery: a state machine and its alarm. */
const REFINERY_SERVICES = ["states:*", "cloudwatch:*"];

/**
 * Reads AWS authorizes only against `*` (no resource-level permissions in the Service
 * Authorization Reference) that the stacks' deployments make. Reads of the stage's own
 * resources come with its own-resource grants; nothing else of another stage is readable.
 */
export const READS_ANYWHERE = [
  "ec2:Describe*",
  "elasticloadbalancing:Describe*",
  "logs:DescribeLogGroups",
  "ecs:DescribeTaskDefinition",
  "ecr:GetAuthorizationToken",
  "sts:GetCallerIdentity",
];

/** What a reviewer reads to preview a stage: configuration across services, never data. */
export const REVIEWER_READS = [
  ...READS_ANYWHERE,
  "rds:Describe*",
  "elasticache:Describe*",
  "ecs:Describe*",
  "ecs:List*",
  "logs:Describe*",
  "iam:Get*",
  "iam:List*",
  "route53:Get*",
  "route53:List*",
  "states:List*",
  "cloudwatch:Describe*",
];

/**
 * Role writes; every one of these supports the iam:PermissionsBoundary condition key
 * (`iam:PutRole*` is PutRolePolicy and PutRolePermissionsBoundary, `iam:Update*Role*`
 * UpdateRole, UpdateRoleDescription and UpdateAssumeRolePolicy: the SAR's every Update action
 * with Role in its name).
 */
const ROLE_WRITES = [
  "iam:CreateRole",
  "iam:DeleteRole",
  "iam:PutRole*",
  "iam:DeleteRolePolicy",
  "iam:Update*Role*",
];

/** Services whose service-linked role a fresh account gets on first use. */
const SERVICE_LINKED_ROLES = [
  "ecs.amazonaws.com",
  "rds.amazonaws.com",
  "elasticache.amazonaws.com",
  "elasticloadbalancing.amazonaws.com",
];
/** Services a stage's roles are passed to: tasks, the bucket-copy schedule and, in production only, the refinery. */
const passedTo = (stage: string): string[] => [
  "ecs-tasks.amazonaws.com",
  "scheduler.amazonaws.com",
  ...(stage === "production" ? ["states.amazonaws.com"] : []),
];

const SANITIZED_SNAPSHOTS = arn("rds", `snapshot:${sanitizedSnapshotPrefix(PROJECT)}*`);
/** Names of production's that lower stages and the refinery refer to, made by the naming module. */
const PRODUCTION_DATA = productionDataNames(PROJECT);
const SANITIZED_BUCKET = PRODUCTION_DATA.sanitizedBucket;

export function boundaryArn(account: string, stage: string): string {
  return `arn:aws:iam::${account}:policy/${boundaryPolicyName(PROJECT, stage)}`;
}

/**
 * What a stage's deployer may do, and the ceiling of every role the stage creates: the stage's
 * permissions boundary. The allow-list alone keeps every stage to itself; the deployer's own
 * permissions add explicit denies on top ({@link deployerPermissions}) for defense in depth.
 */
export function stagePolicy(access: StageAccess): PolicyDocument {
  const { account, stage } = access;
  // One value stays a string: every character counts against the boundary's 6,144.
  const values = stageTagValues(stage);
  const tags = values.length === 1 ? values[0] : values;
  // The account is left open, as in ownResourcePatterns: a deployer acts in its own account.
  const ownRoles = `arn:aws:iam::*:role/${stagePrefix(PROJECT, stage)}-*`;
  const statements: Array<Record<string, unknown>> = [
    {
      Sid: "OwnStage",
      Effect: "Allow",
      Action: [...MANAGED_SERVICES, ...(stage === "production" ? REFINERY_SERVICES : [])],
      Resource: ownResourcePatterns(stage),
    },
    {
      // EC2 authorizes a few reads per resource (DescribeVpcAttribute on a VPC): those only on
      // the stage's own (or untagged) resources. The reads authorized only against "*" carry no
      // resource tag, so IfExists lets them through; `ec2:Describe*` stays one short entry.
      Sid: "Read",
      Effect: "Allow",
      Action: READS_ANYWHERE,
      Resource: "*",
      Condition: { StringLikeIfExists: { "aws:ResourceTag/stage": tags } },
    },
    {
      // Creating an instance or replication group also authorizes against the default option
      // and parameter groups (Service Authorization Reference: og, parametergroup required).
      // AWS's own groups, which nobody may change: instance and replication group calls on them
      // reach nothing of any stage (a replica still needs its source: ProductionReplica).
      Sid: "DefaultGroups",
      Effect: "Allow",
      Action: ["rds:*DBInstance*", "elasticache:*ReplicationGroup"],
      Resource: [arn("rds", "og:default:*"), arn("elasticache", "parametergroup:default.*")],
    },
    {
      // Feature stacks' listener rules on development's listener are theirs by this tag too
      // (created with it only: featureHostStatements), whatever the call on them: ModifyRule,
      // DeleteRule, SetRulePriorities, AddTags, RemoveTags.
      Sid: "OwnNetwork",
      Effect: "Allow",
      Action: stage === FEATURE ? ["ec2:*", "elasticloadbalancing:*"] : "ec2:*",
      Resource: "*",
      Condition: { StringLike: { "aws:ResourceTag/stage": tags } },
    },
    {
      // New resources carry the stage's tag; an existing parent (the VPC of a subnet) must be the stage's too.
      Sid: "NewNetwork",
      Effect: "Allow",
      // A security group rule is a resource of its own (security-group-rule/*), tagged at creation.
      // AuthorizeSecurityGroup* is exactly Ingress and Egress (Service Authorization Reference).
      Action: ["ec2:Create*", "ec2:AllocateAddress", "ec2:AuthorizeSecurityGroup*"],
      Resource: "*",
      Condition: {
        StringLike: { "aws:RequestTag/stage": tags },
        StringLikeIfExists: { "aws:ResourceTag/stage": tags },
      },
    },
    {
      Sid: "OwnRoles",
      Effect: "Allow",
      Action: ROLE_WRITES,
      Resource: ownRoles,
      Condition: { StringEquals: { "iam:PermissionsBoundary": boundaryArn(account, stage) } },
    },
    // Tags (no boundary condition key) and reads of the stage's own roles: TagRole and
    // UntagRole, the Get calls on a role (GetRole, GetRolePolicy) and its List calls (its
    // policies, attached policies, instance profiles and tags).
    {
      Sid: "TagAndReadOwnRoles",
      Effect: "Allow",
      Action: ["iam:*TagRole", "iam:GetRole*", "iam:List*"],
      Resource: ownRoles,
    },
    {
      Sid: "PassOwnRoles",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: ownRoles,
      Condition: { StringEquals: { "iam:PassedToService": passedTo(stage) } },
    },
    {
      Sid: "ServiceLinkedRoles",
      Effect: "Allow",
      Action: "iam:CreateServiceLinkedRole",
      // Service-linked roles are all under aws-service-role/; the service name decides which.
      Resource: "*",
      Condition: { StringEquals: { "iam:AWSServiceName": SERVICE_LINKED_ROLES } },
    },
    {
      Sid: "SharedImages",
      Effect: "Allow",
      // CI builds the one image per commit as development's or a feature stack's deployer and
      // pushes it. ECR's *Layer* actions are exactly GetDownloadUrlForLayer and
      // BatchCheckLayerAvailability (pull) and Initiate/Complete LayerUpload and UploadLayerPart (push).
      Action:
        stage === FEATURE || stage === "development"
          ? ["ecr:BatchGetImage", "ecr:DescribeImages", "ecr:*Layer*", "ecr:PutImage"]
          : [
              "ecr:BatchGetImage",
              "ecr:GetDownloadUrlForLayer",
              "ecr:BatchCheckLayerAvailability",
              "ecr:DescribeImages",
            ],
      Resource: access.sharedRepositoryArn,
    },
  ];
  if (stage === FEATURE) {
    // Feature stacks put their security groups into the network stage's VPC, and nothing else of it.
    statements.push({
      Sid: "BorrowedVpc",
      Effect: "Allow",
      // Only the VPC carries development's tag: the new group's is the request's (NewNetwork).
      Action: "ec2:CreateSecurityGroup",
      Resource: "*",
      Condition: { StringEquals: { "aws:ResourceTag/stage": access.networkStage } },
    });
    statements.push(...featureHostStatements(access.networkStage, tags));
  } else {
    // A stage's own listener rules (development's, which keep its own host name ahead of every
    // feature stack's rule): untagged while CreateRule tags them, its own by tag after. Feature
    // stacks' rules on the same listener carry their own stage tag, so they stay out of reach.
    statements.push({
      Sid: "OwnRules",
      Effect: "Allow",
      Action: "elasticloadbalancing:*",
      Resource: arn("elasticloadbalancing", `listener-rule/app/${stagePrefix(PROJECT, stage)}/*`),
      // Tagged its own at creation too: the tags CreateRule brings are authorized as AddTags.
      Condition: {
        StringLikeIfExists: { "aws:ResourceTag/stage": tags, "aws:RequestTag/stage": tags },
      },
    });
  }
  if (stage !== "production") {
    // Lower stages restore production's sanitized snapshots and copy its sanitized bucket; raw production data never.
    statements.push(
      {
        Sid: "SanitizedSnapshots",
        Effect: "Allow",
        Action: ["rds:DescribeDBSnapshots", "rds:RestoreDBInstanceFromDBSnapshot"],
        Resource: SANITIZED_SNAPSHOTS,
      },
      // The newest is looked up among the sanitizer's snapshots; a restore names its new instance
      // as a db resource too, so the sanitizer's name is granted for the lookup only (a lower
      // stage that could restore into it could take the name the refinery needs every night).
      {
        Sid: "FindSanitized",
        Effect: "Allow",
        Action: "rds:DescribeDBSnapshots",
        Resource: arn("rds", `db:${PRODUCTION_DATA.sanitizer}`),
      },
      {
        Sid: "SanitizedBucket",
        Effect: "Allow",
        // Every read of its objects (GetObject, GetObjectTagging the copy needs, their versions,
        // attributes and ACLs): only the sanitized objects are here.
        Action: ["s3:ListBucket", "s3:GetObject*"],
        Resource: [`arn:aws:s3:::${SANITIZED_BUCKET}`, `arn:aws:s3:::${SANITIZED_BUCKET}/*`],
      },
    );
  }
  if (stage === "staging" && access.stagingReplica) {
    statements.push({
      Sid: "ProductionReplica",
      Effect: "Allow",
      Action: "rds:CreateDBInstanceReadReplica",
      Resource: arn("rds", `db:${PRODUCTION_DATA.database}*`),
    });
  }
  if (stage === "production") {
    statements.push(
      // The refinery snapshots the sanitizer and keeps the last few; its snapshots are production's to manage.
      {
        Sid: "SanitizedSnapshots",
        Effect: "Allow",
        Action: "rds:*",
        Resource: SANITIZED_SNAPSHOTS,
      },
      // It restores production's newest automated backup (`rds:<instance>-<date>`), which the
      // own-resource patterns do not cover: automated snapshots are named by RDS, not by us.
      {
        Sid: "Backups",
        Effect: "Allow",
        Action: ["rds:DescribeDBSnapshots", "rds:RestoreDBInstanceFromDBSnapshot"],
        Resource: arn("rds", `snapshot:rds:${stagePrefix(PROJECT, "production")}-*`),
      },
      // Step Functions' ecs:runTask.sync watches the task through this managed EventBridge rule
      // (Step Functions developer guide, "IAM policies for Amazon ECS/AWS Fargate": events:PutTargets,
      // PutRule, DescribeRule on rule/StepFunctionsGetEventsForECSTaskRule).
      {
        Sid: "SyncTaskEvents",
        Effect: "Allow",
        Action: ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
        Resource: arn("events", "rule/StepFunctionsGetEventsForECSTaskRule"),
      },
    );
  }
  if (access.secretsKeyAlias) {
    // The stage's stack-secrets key: its key policy names the deployer, and a boundary still
    // caps a principal a resource policy names by its role ARN (IAM policy evaluation logic).
    // Pulumi's awskms secrets provider encrypts and decrypts its data key with it.
    statements.push({
      Sid: "SecretsKey",
      Effect: "Allow",
      Action: ["kms:Encrypt", "kms:Decrypt"],
      Resource: "*",
      Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": access.secretsKeyAlias } },
    });
  }
  if (access.dns) statements.push(dnsStatement(access.dns), dnsReads(access.dns));
  if (access.stateBucket) statements.push(...stateStatements(access.stateBucket, [stage], true));
  // IAM counts every character of the boundary against its 6,144 (about 350 of them would be
  // Sids): the Sids above name the statements for a reader of this file, the documents omit them.
  return {
    Version: "2012-10-17",
    Statement: mergeByService(statements, BY_SERVICE).map(
      ({ Sid: _sid, ...statement }) => statement,
    ),
  };
}

/**
 * Statements of other stages' resources a stage uses by exact name, each of one service's
 * actions on that service's resources and without conditions, which one statement carries
 * (each saves the boundary its frame, about 36 of its 6,144 characters).
 */
const BY_SERVICE = ["SharedImages", "FindSanitized", "SanitizedBucket", "CacheUserGroup"];

/**
 * Merges the named statements into one, in place of the first. An action is authorized only
 * against resources of its own service (the Service Authorization Reference lists no resource
 * type of another service for any of these), so when no two statements share a service, the
 * merged statement allows exactly what they allowed apart: every action of one never matches
 * a resource of another. Throws if the statements do not keep to that.
 */
export function mergeByService(
  statements: Array<Record<string, unknown>>,
  sids: readonly string[],
): Array<Record<string, unknown>> {
  const list = (value: unknown) => (Array.isArray(value) ? (value as string[]) : [value as string]);
  const merged = statements.filter((s) => sids.includes(s.Sid as string));
  if (merged.length < 2) return statements;
  const services = new Set<string>();
  for (const statement of merged) {
    const actions = list(statement.Action);
    const service = actions[0].split(":")[0];
    const apart =
      statement.Effect === "Allow" &&
      statement.Condition === undefined &&
      !services.has(service) &&
      actions.every((a) => a.split(":")[0] === service) &&
      list(statement.Resource).every((r) => r.split(":")[2] === service);
    if (!apart)
      throw new Error(
        `Statement ${String(statement.Sid)} is no unconditioned allow of one service's actions on its own resources, apart from the others: it cannot be merged`,
      );
    services.add(service);
  }
  const combined = {
    Sid: merged.map((s) => s.Sid).join(""),
    Effect: "Allow",
    Action: merged.flatMap((s) => list(s.Action)),
    Resource: merged.flatMap((s) => list(s.Resource)),
  };
  return statements.flatMap((s) => (s === merged[0] ? [combined] : merged.includes(s) ? [] : [s]));
}

/**
 * What a shared feature stack uses of the network stage's (development's) feature host, and
 * nothing else of that stage: its database provisioner, run as a task in development's cluster
 * (any revision of the one family; RunTask authorizes the task definition, with the cluster as
 * ecs:cluster), the provisioner's two roles passed to that task, and host-header rules on
 * development's listeners that are feature stacks' by their `stage` tag: created only with it
 * (aws:RequestTag on CreateRule, and elasticloadbalancing:CreateAction on the tags it brings),
 * changed and deleted only with it (aws:ResourceTag), so development's own listeners, rules,
 * certificates and load balancer stay out of reach. The Service Authorization Reference lists
 * aws:RequestTag/aws:TagKeys for CreateRule and aws:ResourceTag for ModifyRule, DeleteRule,
 * SetRulePriorities, AddTags and RemoveTags on listener-rule/app.
 */
function featureHostStatements(
  hostStage: string,
  tags: string | string[],
): Array<Record<string, unknown>> {
  const host = featureHostNames(PROJECT, hostStage);
  return [
    {
      Sid: "Provisioner",
      Effect: "Allow",
      // Both carry ecs:cluster, which keeps them (tasks too) to development's cluster.
      Action: ["ecs:RunTask", "ecs:DescribeTasks"],
      Resource: [arn("ecs", `task-definition/${host.taskFamily}:*`), arn("ecs", "task/*")],
      Condition: { ArnLike: { "ecs:cluster": arn("ecs", `cluster/${host.cluster}`) } },
    },
    {
      // RunTask's tags (which resource a task works for) are authorized on the new task: only
      // ever a task of a RunTask allowed above (or of the stage's own task definitions).
      Sid: "ProvisionerTags",
      Effect: "Allow",
      Action: "ecs:TagResource",
      Resource: arn("ecs", "task/*"),
      Condition: { StringEquals: { "ecs:CreateAction": "RunTask" } },
    },
    {
      // Exactly the execution and task roles: no other role of development's ends so.
      Sid: "ProvisionerRoles",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: `arn:aws:iam::*:role/${commonPrefix(host.executionRole, host.taskRole)}*`,
      Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
    },
    {
      // A shared-cache feature stack's user joins development's cache user group and leaves it
      // (elasticache/user_group_association.go: ModifyUserGroup with UserIdsToAdd, then
      // UserIdsToRemove; DescribeUserGroups). The SAR authorizes ModifyUserGroup against the
      // group and every user it names, so the users added or removed must be the stage's own too
      // (OwnStage): development's default user stays in, and no other group is reachable.
      Sid: "CacheUserGroup",
      Effect: "Allow",
      Action: ["elasticache:ModifyUserGroup", "elasticache:DescribeUserGroups"],
      Resource: arn("elasticache", `usergroup:${host.cacheUserGroup}`),
    },
    {
      Sid: "NewPreviewRule",
      Effect: "Allow",
      Action: "elasticloadbalancing:CreateRule",
      Resource: arn("elasticloadbalancing", `listener/app/${host.loadBalancer}/*`),
      Condition: { StringLike: { "aws:RequestTag/stage": tags } },
    },
    {
      // The tags CreateRule brings, which NewPreviewRule requires to say a feature stack's.
      Sid: "TagNewPreviewRule",
      Effect: "Allow",
      Action: "elasticloadbalancing:AddTags",
      Resource: arn("elasticloadbalancing", `listener-rule/app/${host.loadBalancer}/*`),
      // StringLike on a value without wildcards is StringEquals: one operator block is shorter.
      Condition: {
        StringLike: {
          "elasticloadbalancing:CreateAction": "CreateRule",
          "aws:RequestTag/stage": tags,
        },
      },
    },
  ];
}

/** The longest prefix two names share (the provisioner's roles: `<prefix>-feature-db-`). */
function commonPrefix(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return a.slice(0, i);
}

/**
 * The deployer's own permissions: the stage's allow-list, and denies that hold even if an
 * allow is added by mistake: a resource's stage is fixed at creation (re-tagging another
 * stage's network as one's own was a way in), access/'s roles and policies are out of reach,
 * and no boundary is ever removed.
 */
export function deployerPermissions(access: StageAccess): PolicyDocument {
  const { account } = access;
  return {
    Version: "2012-10-17",
    Statement: [
      ...stagePolicy(access).Statement,
      {
        Sid: "NoRetagging",
        Effect: "Deny",
        Action: ["ec2:CreateTags", "ec2:DeleteTags"],
        Resource: "*",
        Condition: {
          "ForAnyValue:StringEquals": { "aws:TagKeys": ["stage", "stage-kind", "project"] },
          Null: { "ec2:CreateAction": "true" },
        },
      },
      {
        Sid: "NeverAccess",
        Effect: "Deny",
        Action: [
          "iam:Create*",
          "iam:Delete*",
          "iam:Put*",
          "iam:Update*",
          "iam:Attach*",
          "iam:Detach*",
          "iam:Tag*",
          "iam:Untag*",
          "iam:Set*",
          "iam:PassRole",
        ],
        Resource: [
          `arn:aws:iam::${account}:role/${stagePrefix(PROJECT, ACCESS_STAGE)}-*`,
          `arn:aws:iam::${account}:policy/${stagePrefix(PROJECT, ACCESS_STAGE)}-*`,
        ],
      },
      {
        Sid: "KeepBoundaries",
        Effect: "Deny",
        Action: "iam:DeleteRolePermissionsBoundary",
        Resource: "*",
      },
    ],
  };
}

/** Route 53: only the stage's own record names in the one zone. */
function dnsStatement(dns: { hostedZoneId: string; names: string[] }): Record<string, unknown> {
  return {
    Sid: "OwnRecords",
    Effect: "Allow",
    Action: "route53:ChangeResourceRecordSets",
    Resource: `arn:aws:route53:::hostedzone/${dns.hostedZoneId}`,
    Condition: {
      "ForAllValues:StringLike": {
        "route53:ChangeResourceRecordSetsNormalizedRecordNames": dns.names.map((n) =>
          n.toLowerCase(),
        ),
      },
    },
  };
}

/** Reading the zone's records back and waiting for a change to be in sync. */
function dnsReads(dns: { hostedZoneId: string }): Record<string, unknown> {
  return {
    Sid: "ZoneReads",
    Effect: "Allow",
    Action: ["route53:ListResourceRecordSets", "route53:GetHostedZone", "route53:GetChange"],
    Resource: [`arn:aws:route53:::hostedzone/${dns.hostedZoneId}`, "arn:aws:route53:::change/*"],
  };
}

/**
 * The stage's own stacks in the DIY state bucket: their checkpoints, tags, history, backups and
 * locks (`.pulumi/stacks/<project>/<stack>.json|.pulumi-tags`, `.pulumi/history|backups/<project>/<stack>/`,
 * `.pulumi/locks/<org>/<project>/<stack>/`: pkg/backend/diy/store.go, lock.go in pulumi/pulumi).
 * Feature stacks also read development's checkpoint, whose outputs they borrow.
 */
export function stateStatements(
  bucket: { name: string; kmsKeyArn?: string },
  stages: readonly string[],
  write: boolean,
): Array<Record<string, unknown>> {
  const object = (key: string) => `arn:aws:s3:::${bucket.name}/.pulumi/${key}`;
  // `<stage>*` covers the stage's suffixed stacks (staging-us); no stage kind begins another's name.
  const stacks = stages.map((stage) => (stage === FEATURE ? `${FEATURE}-*` : `${stage}*`));
  // One pattern per stage reaches stacks/, history/, backups/ (`<prefix>/<project>/<stack>`) and
  // locks/ (`locks/<org>/<project>/<stack>/`): the `*` before the project spans `locks/<org>`.
  const own = stacks.map((stack) => object(`*/${PROJECT}/${stack}`));
  const readable = [
    object("meta.yaml"),
    ...(stages.includes(FEATURE) ? [object(`stacks/${PROJECT}/development.*`)] : []),
  ];
  const statements: Array<Record<string, unknown>> = [
    {
      Sid: "StateList",
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: `arn:aws:s3:::${bucket.name}`,
      Condition: { StringLike: { "s3:prefix": [".pulumi/*"] } },
    },
    {
      Sid: "StateOwn",
      Effect: "Allow",
      Action: write ? ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"] : ["s3:GetObject"],
      Resource: own,
    },
    { Sid: "StateRead", Effect: "Allow", Action: "s3:GetObject", Resource: readable },
  ];
  if (!write)
    statements.push({
      Sid: "StateLocks",
      Effect: "Allow",
      Action: ["s3:PutObject", "s3:DeleteObject"],
      Resource: stacks.map((stack) => object(`locks/*/${PROJECT}/${stack}`)),
    });
  if (bucket.kmsKeyArn) {
    statements.push({
      Sid: "StateKey",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: bucket.kmsKeyArn,
      Condition: { StringLike: { "kms:ViaService": "s3.*.amazonaws.com" } },
    });
  }
  return statements;
}

/** A stage's read-only reviewer: what a `pulumi preview` of the stage reads, and no write. */
export function reviewerPolicy(access: StageAccess): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "Read", Effect: "Allow", Action: REVIEWER_READS, Resource: "*" },
      ...(access.stateBucket ? stateStatements(access.stateBucket, [access.stage], false) : []),
    ],
  };
}

export function deployerRoleArn(account: string, stage: string): string {
  return `arn:aws:iam::${account}:role/${deployerRoleName(PROJECT, stage)}`;
}

export function reviewerRoleArn(account: string, stage: string): string {
  return `arn:aws:iam::${account}:role/${reviewerRoleName(PROJECT, stage)}`;
}

/** One way a GitHub Actions job may qualify: claims of its OIDC token that must all match. */
export interface GithubRoute {
  /** `refs/heads/release/*`-style patterns the job's ref must match. */
  refs: string[];
  /** The GitHub environment the job runs in (environments carry required reviewers). */
  environment?: string;
  /** The workflow file (and branch) the job must come from, e.g. promote.yml on the default branch. */
  workflow?: string;
}

export interface GithubTrust {
  providerArn: string;
  repository: string;
  defaultBranch: string;
  promoteWorkflow: string;
  featureWorkflow: string;
}

/**
 * Which GitHub Actions jobs may deploy each stage. Every route pins a ref, so neither a pull
 * request nor a tag push reaches a long-lived stage by declaring an environment; promotions
 * come only from the promote workflow on the default branch, in the target's environment.
 */
export function githubRoutes(stage: string, github: GithubTrust): GithubRoute[] {
  const main = [`refs/heads/${github.defaultBranch}`];
  const promote = `${github.repository}/${github.promoteWorkflow}@refs/heads/${github.defaultBranch}`;
  switch (stage) {
    case FEATURE:
      // Pull requests deploy their own stack; the nightly reaper runs the feature workflow on the default branch.
      return [
        { refs: ["refs/pull/*"] },
        {
          refs: main,
          workflow: `${github.repository}/${github.featureWorkflow}@refs/heads/${github.defaultBranch}`,
        },
      ];
    case "development":
      return [
        { refs: ["refs/heads/develop"] },
        { refs: main, environment: "development", workflow: promote },
      ];
    case "staging":
      return [
        { refs: ["refs/heads/release/*", "refs/heads/hotfix/*"] },
        { refs: main, environment: "staging", workflow: promote },
      ];
    default:
      // testing and production: only promotions, each in its environment (production's carries required reviewers).
      return [{ refs: main, environment: stage, workflow: promote }];
  }
}

/** The promote workflow's review job: previews any stage from the default branch, in no environment. */
export function reviewerRoutes(github: GithubTrust): GithubRoute[] {
  return [
    {
      refs: [`refs/heads/${github.defaultBranch}`],
      workflow: `${github.repository}/${github.promoteWorkflow}@refs/heads/${github.defaultBranch}`,
    },
  ];
}

/** Who may assume a role: the configured principals and the GitHub routes given. */
export function trustPolicy(
  what: string,
  principals: readonly string[],
  github?: { trust: GithubTrust; routes: GithubRoute[] },
): PolicyDocument {
  const statements: Array<Record<string, unknown>> = [];
  if (principals.length > 0) {
    statements.push({
      Sid: "People",
      Effect: "Allow",
      Principal: { AWS: [...principals] },
      Action: ["sts:AssumeRole", "sts:TagSession"],
    });
  }
  // The OIDC provider's client id list pins the audience (sts.amazonaws.com); these conditions
  // use GitHub's repository, ref, environment and job_workflow_ref claims, which IAM evaluates
  // for GitHub's provider (the Service Authorization Reference lists them for sts).
  github?.routes.forEach((route, i) => {
    statements.push({
      Sid: `GitHub${i}`,
      Effect: "Allow",
      Principal: { Federated: github.trust.providerArn },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: {
        StringEquals: {
          [`${GITHUB_OIDC_HOST}:repository`]: github.trust.repository,
          ...(route.environment ? { [`${GITHUB_OIDC_HOST}:environment`]: route.environment } : {}),
          ...(route.workflow ? { [`${GITHUB_OIDC_HOST}:job_workflow_ref`]: route.workflow } : {}),
        },
        StringLike: { [`${GITHUB_OIDC_HOST}:ref`]: route.refs },
      },
    });
  });
  if (statements.length === 0)
    throw new Error(`Nobody may assume the ${what} role: name a tier for it or configure GitHub`);
  return { Version: "2012-10-17", Statement: statements };
}
