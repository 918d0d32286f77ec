/**
 * How long AWS typically takes for each resource type this project registers: from the
 * provider's create (update, delete) call to its return, i.e. what `pulumi up` waits for. The
 * fake cloud sleeps a scaled-down copy of these times (aws-time.ts), so the real engine's own
 * parallelism turns them into a critical path (`stagectl eta`).
 *
 * Every entry says how we know: `documented` (AWS's or the provider's documentation fixes the
 * time or the mechanism that sets it), `measured` (public logs of real runs: terraform apply
 * output, acceptance tests, issue reports; pulumi-aws is bridged from terraform-provider-aws
 * and waits for the same states) or `estimate` (no public figure found; the reasoning is given).
 * Times are typical, not worst cases: AWS's own waiters allow far more (RDS 30 min, ElastiCache
 * 10 min, terraform-provider-aws's default timeouts 10-60 min).
 */

export type Basis = "documented" | "measured" | "estimate";

export interface TypeTime {
  /** Minutes from the create call to the provider's return. */
  create: number;
  /** Minutes for a delete, as the provider waits for it. */
  delete: number;
  /**
   * A delete whose time another resource's inputs set (an ECS service drains its tasks for its
   * target group's deregistration delay); undefined when that resource is not known.
   */
  deleteWith?: (related: RelatedInputs) => number | undefined;
  /** Minutes for an in-place update. @default API_CALL_MINUTES */
  update?: number;
  basis: Basis;
  source: string;
  /** Inputs that change the create time (a restore, Multi-AZ); the first that matches wins. */
  variants?: readonly TimeVariant[];
  /**
   * Minutes after create returns until the resource serves traffic, which `pulumi up` does not
   * wait for (an ECS service returns once ACTIVE; its tasks start and pass health checks later).
   */
  serving?: ServingTime;
}

/** Minutes from an ECS service's create until its tasks serve, and how we know. */
export interface ServingTime {
  minutes: number;
  basis: Basis;
  source: string;
  /**
   * Target groups that change it (health checks more often); the first that matches the
   * inputs of the target group the service registers with wins.
   */
  variants?: readonly ServingVariant[];
}

export interface ServingVariant {
  name: string;
  when: (targetGroupInputs: Record<string, unknown>) => boolean;
  minutes: number;
  basis: Basis;
  source: string;
}

/** Inputs of the resources a call's time depends on besides its own: what the caller found. */
export interface RelatedInputs {
  /** The target group an ECS service registers its tasks with. */
  targetGroup?: Record<string, unknown>;
}

export interface TimeVariant {
  name: string;
  when: (inputs: Record<string, unknown>) => boolean;
  create: number;
  basis: Basis;
  source: string;
}

/** One control-plane call with no waiter after it: a few seconds. */
export const API_CALL_MINUTES = 0.05;

/**
 * A Fargate task from RunTask until its container runs: a single-use host, the image pulled
 * whole (ECS Developer Guide, "Linux containers on Fargate container image pull behavior"; the
 * AWS Containers blog on Fargate launch times splits it into infrastructure ready, image pull and
 * task start), and, for the app, its start: ~2 min for a small image, an estimate. The app's
 * tasks and the feature database provisioner's take the same time (same image).
 */
export const FARGATE_TASK_START_MINUTES = 2;

/** What a load balancer's target needs before it is healthy: healthyThreshold checks, `interval` seconds apart. */
export function healthyAfterMinutes(healthyThreshold: number, intervalSeconds: number): number {
  return (healthyThreshold * intervalSeconds) / 60;
}

/**
 * Seconds a target stays draining when the target group sets no deregistration delay (ELB API
 * Reference, TargetGroupAttribute deregistration_delay.timeout_seconds: default 300).
 */
const ELB_DEFAULT_DEREGISTRATION_SECONDS = 300;

/** The target group's deregistration delay in seconds, as its inputs hold it. */
export function deregistrationSecondsOf(targetGroup: Record<string, unknown>): number {
  const delay = Number(targetGroup.deregistrationDelay ?? ELB_DEFAULT_DEREGISTRATION_SECONDS);
  return Number.isFinite(delay) ? delay : ELB_DEFAULT_DEREGISTRATION_SECONDS;
}

/**
 * After a task's draining ends: the ECS agent moves it to STOPPING (seconds), and the provider's
 * next DescribeServices sees the service INACTIVE; terraform-provider-aws's waitServiceInactive
 * (internal/service/ecs/service.go) polls from 1 s with a backoff that grows to 10 s. An estimate.
 */
const TASK_TO_STOPPING_MINUTES = 0.2;

/**
 * An ECS service's delete as the provider waits for it: UpdateService to 0 tasks and
 * DeleteService (two calls), the tasks DEACTIVATING for the target group's deregistration delay
 * (ECS Developer Guide, task lifecycle: a task behind a load balancer is deregistered and drained
 * before it stops), then STOPPING, when ECS marks the service INACTIVE (ECS API Reference,
 * DeleteService: "After all tasks have transitioned to either STOPPING or STOPPED status, the
 * service status moves from DRAINING to INACTIVE"), which is what the provider waits for.
 */
export function serviceDeleteMinutes(deregistrationSeconds: number): number {
  return 2 * API_CALL_MINUTES + deregistrationSeconds / 60 + TASK_TO_STOPPING_MINUTES;
}

/** The target group's health check (components/app-service.ts), as its inputs hold it. */
function healthCheckOf(inputs: Record<string, unknown>): {
  interval: number;
  healthyThreshold: number;
} {
  const check = (inputs.healthCheck ?? {}) as { interval?: unknown; healthyThreshold?: unknown };
  // ELB's defaults for an HTTP target group with targetType ip (ELB API Reference, CreateTargetGroup).
  return {
    interval: Number(check.interval ?? 30),
    healthyThreshold: Number(check.healthyThreshold ?? 5),
  };
}

// Public terraform apply logs with per-resource times (terraform-provider-aws, which pulumi-aws bridges).
const LOG_STEAMPIPE =
  "terraform apply logs in turbot/steampipe-plugin-aws pull requests 184 and 246 (aws_vpc 20 s and 39 s, aws_subnet 5 s and 8 s, aws_elasticache_subnet_group 8 s and 2 s)";
const LOG_DEVOPSART =
  "terraform apply log in DevopsArtFactory/terraform-provisioning pull request 4 (aws_vpc 21 s, aws_eip 0 s, aws_internet_gateway 1 s, aws_route_table 1 s)";
const LOG_WORDPRESS =
  "terraform apply log in devbhusal/terraform-ec2-RDS-wordpress issue 1 (aws_subnet 12 s, aws_route_table_association 1 s)";
const LOG_SG_RULES =
  "terraform apply log in hashicorp-education/learn-terraform-variables pull request 6 (aws_security_group_rule 2-5 s each)";
const ISSUE_15 =
  "published timings gathered in this project's issue 15 (terraform logs, AWS docs and blogs): RDS create and snapshot restore 5-10 min, replication group 6-9 min, ALB ~2.5 min, NAT gateway ~1-2 min, ECS service ~3 min to steady state";
const API_ONLY = (call: string) =>
  `one ${call} call; terraform-provider-aws waits for no state after it`;

/**
 * The feature database provisioner's task, RunTask to STOPPED: ~1 min of host and image pull,
 * seconds of SQL, the runner's 6 s polls and the task's stop.
 */
export const FEATURE_DB_TASK_MINUTES = 1.5;

/**
 * A serverless cache's delete, which the provider waits for until the cache is gone. No figure
 * for the delete alone is published; terraform-provider-aws's acceptance test that creates one
 * Valkey serverless cache, reads it back and destroys it (TestAccElastiCacheServerlessCache_basicValkey)
 * passed in 341 s and 371 s in two published runs (pull requests 46134 and 48380), and the
 * basic Redis one in 301-333 s: with the create under a minute, the delete takes the rest.
 */
const SERVERLESS_CACHE_DELETE_MINUTES = 4.5;
const SERVERLESS_CACHE_DELETE_SOURCE =
  "derived: terraform-provider-aws's acceptance test TestAccElastiCacheServerlessCache_basicValkey (create, import check, destroy of one cache) passed in 341 s (pull request 46134) and 371 s (pull request 48380), basicRedis in 301-333 s; with the documented create under a minute and seconds of test overhead, about 4.5 min are the delete the provider waits for";

export const TYPICAL_TIMES: Readonly<Record<string, TypeTime>> = {
  "aws:rds/instance:Instance": {
    create: 8,
    delete: 5,
    update: 1,
    basis: "measured",
    source: `${ISSUE_15}; hashicorp/terraform issue 1097 (creating or destroying an RDS instance "sometimes may take even half an hour"; the endpoint appears at backing-up, ~10 min before available); the AWS SDK's DBInstanceAvailable waiter polls every 30 s up to 60 times. Delete (skip final snapshot): estimate, the provider waits until the instance is gone`,
    variants: [
      {
        name: "restore from a snapshot",
        when: (inputs) =>
          typeof inputs.snapshotIdentifier === "string" && inputs.snapshotIdentifier !== "",
        create: 10,
        basis: "measured",
        source: `${ISSUE_15} (upper end: a restore also loads the volume from S3 and, with backups on, takes a first backup before available)`,
      },
      {
        name: "Multi-AZ",
        when: (inputs) => inputs.multiAz === true,
        create: 12,
        basis: "estimate",
        source:
          "single-AZ create plus a synchronous standby in a second Availability Zone built from a snapshot of the primary (RDS User Guide, Multi-AZ DB instance deployments); no public figure found",
      },
    ],
  },
  "aws:rds/subnetGroup:SubnetGroup": {
    create: API_CALL_MINUTES,
    delete: API_CALL_MINUTES,
    basis: "estimate",
    source: API_ONLY("CreateDBSubnetGroup"),
  },
  "aws:rds/parameterGroup:ParameterGroup": {
    create: API_CALL_MINUTES,
    delete: API_CALL_MINUTES,
    basis: "estimate",
    source: API_ONLY("CreateDBParameterGroup (+ ModifyDBParameterGroup)"),
  },
  "aws:elasticache/replicationGroup:ReplicationGroup": {
    create: 7,
    delete: 5,
    update: 1,
    basis: "measured",
    source: `${ISSUE_15}; hashicorp/terraform pull request 8275 (TestAccAWSElasticacheCluster_basic, VPC included: 395 s); the AWS SDK's ReplicationGroupAvailable waiter polls every 15 s up to 40 times. Delete: estimate`,
    variants: [
      {
        name: "primary with replicas",
        when: (inputs) => Number(inputs.numCacheClusters ?? 1) > 1,
        create: 9,
        basis: "measured",
        source: `${ISSUE_15} (upper end: replicas sync from the primary before the group is available)`,
      },
    ],
  },
  "aws:elasticache/subnetGroup:SubnetGroup": {
    create: 0.1,
    delete: API_CALL_MINUTES,
    basis: "measured",
    source: LOG_STEAMPIPE,
  },
  "aws:lb/loadBalancer:LoadBalancer": {
    create: 2.5,
    delete: 0.5,
    basis: "measured",
    source: `${ISSUE_15}; kubernetes/kubernetes issue 44695 ("it is very normal that it takes > 2 minutes to be created"); the provider waits for the active state (hashicorp/terraform pull request 11333). Delete: estimate`,
  },
  "aws:lb/targetGroup:TargetGroup": {
    create: API_CALL_MINUTES,
    delete: API_CALL_MINUTES,
    basis: "estimate",
    source: API_ONLY("CreateTargetGroup"),
  },
  "aws:lb/listener:Listener": {
    create: API_CALL_MINUTES,
    delete: API_CALL_MINUTES,
    basis: "estimate",
    source: API_ONLY("CreateListener"),
  },
  "aws:lb/listenerRule:ListenerRule": {
    create: API_CALL_MINUTES,
    delete: API_CALL_MINUTES,
    basis: "estimate",
    source: `${API_ONLY("CreateRule")} (the provider retries CreateRule on PriorityInUse when a stack created at the same moment took the priority: seconds)`,
  },
  "aws:lb/listenerCertificate:ListenerCertificate": {
    create: API_CALL_MINUTES,
    delete: API_CALL_MINUTES,
    basis: "estimate",
    source: API_ONLY("AddListenerCertificates"),
  },
  "aws:elasticache/serverlessCache:ServerlessCache": {
    create: 1,
    delete: SERVERLESS_CACHE_DELETE_MINUTES,
    update: 0.5,
    // The create is AWS's own figure; the delete is derived from measured runs, not measured.
    basis: "estimate",
    source: `Create: AWS Database Blog, "Unlock on-demand, cost-optimized performance with Amazon ElastiCache Serverless" (2023): "you can create a cache in under a minute by just providing a name"; AWS's re:Invent 2023 session on ElastiCache Serverless: creating one "takes under a minute" (new capacity comes from warm pools); the provider waits for the cache to be available (terraform-provider-aws aws_elasticache_serverless_cache, waitServerlessCacheAvailable). Delete: ${SERVERLESS_CACHE_DELETE_SOURCE}`,
  },
  "aws:elasticache/user:User": {
    create: 0.1,
    delete: 0.1,
    update: 0.1,
    basis: "estimate",
    source:
      "CreateUser, then the provider waits for the user to be active (terraform-provider-aws aws_elasticache_user, waitUserCreated; and deleted on delete): a user is metadata with no node to build, seconds",
  },
  "aws:elasticache/userGroup:UserGroup": {
    create: 0.25,
    delete: 0.25,
    update: 0.25,
    basis: "estimate",
    source:
      "CreateUserGroup, then the provider waits for the group to be active (terraform-provider-aws aws_elasticache_user_group, waitUserGroupCreated; and deleted on delete); no cache holds it yet when it is created, so nothing is pushed to nodes: an estimate of seconds, rounded up",
  },
  "aws:ecs/service:Service": {
    create: 0.5,
    // A service whose target group is not known: the deregistration delay AppService sets
    // outside previews (components/app-service.ts STOP_TIMEOUT_SECONDS, 30 s).
    delete: serviceDeleteMinutes(30),
    deleteWith: ({ targetGroup }) =>
      targetGroup ? serviceDeleteMinutes(deregistrationSecondsOf(targetGroup)) : undefined,
    update: 0.5,
    basis: "estimate",
    source:
      "the provider waits for the service to be ACTIVE, not steady (wait_for_steady_state is off here). Delete: serviceDeleteMinutes, the tasks' draining for the target group's deregistration delay (30 s, 5 s for previews: components/app-service.ts) and their move to STOPPING, when ECS marks the service INACTIVE",
    serving: {
      minutes: FARGATE_TASK_START_MINUTES + healthyAfterMinutes(2, 15),
      basis: "estimate",
      source: `${ISSUE_15}; Fargate provisions a single-use host and pulls the image for every task (element7.io, "Two ways to improve AWS Fargate container launch times", 2022; the AWS Containers blog on Fargate launch times splits it into infrastructure ready, image pull and task start): ~2 min until a small image's app listens (FARGATE_TASK_START_MINUTES), an estimate, then the load balancer needs healthyThreshold x interval = 2 x 15 s of passing checks (components/app-service.ts; ELB User Guide, target group health checks)`,
      variants: [
        {
          name: "preview-tuned target group (health checks every 5 s)",
          when: (targetGroup) => healthCheckOf(targetGroup).interval <= 5,
          minutes: FARGATE_TASK_START_MINUTES + healthyAfterMinutes(2, 5),
          basis: "estimate",
          source:
            "the same task start (FARGATE_TASK_START_MINUTES), then healthyThreshold x interval = 2 x 5 s of passing checks: a shared feature stack's target group checks every 5 s, the least ELB allows (components/app-service.ts previewTuning; ELB API Reference, CreateTargetGroup: HealthCheckIntervalSeconds 5-300)",
        },
      ],
    },
  },
  "aws:ecs/cluster:Cluster": {
    create: 0.1,
    delete: 0.1,
    basis: "estimate",
    source: "CreateCluster; the provider waits for ACTIVE (seconds)",
  },
  "aws:ecs/taskDefinition:TaskDefinition": {
    create: API_CALL_MINUTES,
    delete: API_CALL_MINUTES,
    basis: "estimate",
    source: API_ONLY("RegisterTaskDefinition"),
  },
  "aws:ec2/vpc:Vpc": {
    create: 0.4,
    delete: 0.1,
    basis: "measured",
    source: `${LOG_STEAMPIPE}; ${LOG_DEVOPSART}`,
  },
  "aws:ec2/subnet:Subnet": {
    create: 0.15,
    delete: 0.1,
    basis: "measured",
    source: `${LOG_STEAMPIPE}; ${LOG_WORDPRESS}`,
  },
  "aws:ec2/internetGateway:InternetGateway": {
    create: API_CALL_MINUTES,
    delete: 0.1,
    basis: "measured",
    source: LOG_DEVOPSART,
  },
  "aws:ec2/routeTable:RouteTable": {
    create: API_CALL_MINUTES,
    delete: API_CALL_MINUTES,
    basis: "measured",
    source: LOG_DEVOPSART,
  },
  "aws:ec2/routeTableAssociation:RouteTableAssociation": {
    create: API_CALL_MINUTES,
    delete: API_CALL_MINUTES,
    basis: "measured",
    source: LOG_WORDPRESS,
  },
  "aws:ec2/eip:Eip": {
    create: API_CALL_MINUTES,
    delete: API_CALL_MINUTES,
    basis: "measured",
    source: LOG_DEVOPSART,
  },
  "aws:ec2/natGateway:NatGateway": {
    create: 1.5,
    delete: 1,
    basis: "measured",
    source: `${ISSUE_15}; kubernetes/kops pull request 944 (2016: "up to 10 min" from pending to available in us-east-1, the slow end); the provider waits for available, and for deleted on delete (delete: estimate)`,
  },
  "aws:ec2/securityGroup:SecurityGroup": {
    create: API_CALL_MINUTES,
    delete: 0.1,
    basis: "estimate",
    source: `${API_ONLY("CreateSecurityGroup")}; a delete retries while network interfaces of just-deleted load balancers or tasks still use the group`,
  },
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {
    create: API_CALL_MINUTES,
    delete: API_CALL_MINUTES,
    basis: "measured",
    source: LOG_SG_RULES,
  },
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": {
    create: API_CALL_MINUTES,
    delete: API_CALL_MINUTES,
    basis: "measured",
    source: LOG_SG_RULES,
  },
  "aws:iam/role:Role": {
    create: 0.15,
    delete: API_CALL_MINUTES,
    basis: "documented",
    source:
      "CreateRole returns at once, but IAM is eventually consistent (IAM User Guide, troubleshooting: changes are not always immediately visible); hashicorp/terraform issue 2869: a new role is usable by ECS only after a few seconds, so its users retry (terraform-provider-aws's IAM propagation timeout is 2 min)",
  },
  "aws:iam/rolePolicy:RolePolicy": {
    create: API_CALL_MINUTES,
    delete: API_CALL_MINUTES,
    basis: "estimate",
    source: API_ONLY("PutRolePolicy"),
  },
  "aws:s3/bucket:Bucket": {
    create: API_CALL_MINUTES,
    delete: API_CALL_MINUTES,
    basis: "estimate",
    source: API_ONLY("CreateBucket"),
  },
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": {
    create: API_CALL_MINUTES,
    delete: API_CALL_MINUTES,
    basis: "estimate",
    source: API_ONLY("PutPublicAccessBlock"),
  },
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": {
    create: API_CALL_MINUTES,
    delete: API_CALL_MINUTES,
    basis: "estimate",
    source: API_ONLY("PutBucketOwnershipControls"),
  },
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": {
    create: API_CALL_MINUTES,
    delete: API_CALL_MINUTES,
    basis: "estimate",
    source: API_ONLY("PutBucketEncryption"),
  },
  "aws:s3/bucketVersioning:BucketVersioning": {
    create: API_CALL_MINUTES,
    delete: API_CALL_MINUTES,
    basis: "estimate",
    source: API_ONLY("PutBucketVersioning"),
  },
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": {
    create: API_CALL_MINUTES,
    delete: API_CALL_MINUTES,
    basis: "estimate",
    source: API_ONLY("PutBucketLifecycleConfiguration"),
  },
  "aws:s3/bucketLogging:BucketLogging": {
    create: API_CALL_MINUTES,
    delete: API_CALL_MINUTES,
    basis: "estimate",
    source: API_ONLY("PutBucketLogging"),
  },
  "aws:s3/bucketPolicy:BucketPolicy": {
    create: API_CALL_MINUTES,
    delete: API_CALL_MINUTES,
    basis: "estimate",
    source: API_ONLY("PutBucketPolicy"),
  },
  "aws:secretsmanager/secret:Secret": {
    create: API_CALL_MINUTES,
    delete: API_CALL_MINUTES,
    basis: "estimate",
    source: `${API_ONLY("CreateSecret")}; a delete only schedules the deletion (its recovery window), so it returns at once`,
  },
  "aws:secretsmanager/secretVersion:SecretVersion": {
    create: API_CALL_MINUTES,
    delete: API_CALL_MINUTES,
    basis: "estimate",
    source: API_ONLY("PutSecretValue"),
  },
  "aws:cloudwatch/logGroup:LogGroup": {
    create: API_CALL_MINUTES,
    delete: API_CALL_MINUTES,
    basis: "estimate",
    source: API_ONLY("CreateLogGroup"),
  },
  "aws:cloudwatch/metricAlarm:MetricAlarm": {
    create: API_CALL_MINUTES,
    delete: API_CALL_MINUTES,
    basis: "estimate",
    source: API_ONLY("PutMetricAlarm"),
  },
  "aws:ecr/repository:Repository": {
    create: API_CALL_MINUTES,
    delete: API_CALL_MINUTES,
    basis: "estimate",
    source: API_ONLY("CreateRepository"),
  },
  "aws:scheduler/schedule:Schedule": {
    create: API_CALL_MINUTES,
    delete: API_CALL_MINUTES,
    basis: "estimate",
    source: API_ONLY("CreateSchedule"),
  },
  "aws:sfn/stateMachine:StateMachine": {
    create: 0.1,
    delete: 0.1,
    basis: "estimate",
    source:
      "CreateStateMachine returns at once; the provider retries while its new role is not yet assumable (IAM propagation) and waits for a delete to finish",
  },
  "aws:route53/record:Record": {
    create: 1,
    delete: 1,
    basis: "documented",
    source:
      'Route 53 Developer Guide, editing records: "Changes generally propagate to all Route 53 name servers within 60 seconds"; the provider waits for the change to be INSYNC',
  },
  // The fake ECS endpoint (fake-ecs.ts) sleeps this entry for the provisioner task it runs and
  // journals it under the FeatureDatabase's URN: the one source of the task's time.
  "pulumi-nodejs:dynamic/multistage:FeatureDatabase": {
    create: FEATURE_DB_TASK_MINUTES,
    // The provider starts the drop task and returns once ECS accepted it (RunTask).
    delete: API_CALL_MINUTES,
    update: FEATURE_DB_TASK_MINUTES,
    basis: "estimate",
    source:
      "components/feature-database.ts's dynamic provider runs one Fargate task per create and update (lib/aws/ecs-task-run.ts) and waits for it to stop: the task's start as the app's (FARGATE_TASK_START_MINUTES: a single-use host and the whole image pulled for every task, ECS Developer Guide, \"Linux containers on Fargate container image pull behavior\"), minus the app's own start, ~1 min for the image pull and host (an estimate); the command itself (CREATE DATABASE ... TEMPLATE, a file copy of the template on the host) takes seconds; the runner polls DescribeTasks every 6 s (the SDK's TasksStopped waiter's minDelay) and the task takes a few more seconds through DEPROVISIONING to STOPPED. A delete is one RunTask call: the provider does not wait for the drop task, which takes FEATURE_DB_TASK_MINUTES after it",
  },
  "docker:index/image:Image": {
    create: 1.5,
    delete: API_CALL_MINUTES,
    update: 1.5,
    basis: "estimate",
    source:
      "docker build of app/ (npm ci of a small Express app) and a push to ECR on a CI runner; not measured here (no Docker engine on this machine), and only where a stack builds its own image",
  },
};

/**
 * Minutes after an ECS service's create until it serves: its entry's `serving`, or the variant
 * the target group it registers with picks (undefined when the type has no serving time).
 */
export function servingMinutes(
  type: string,
  targetGroupInputs: Record<string, unknown> | undefined,
): number | undefined {
  const serving = TYPICAL_TIMES[type]?.serving;
  if (!serving) return undefined;
  const variant = targetGroupInputs
    ? serving.variants?.find((v) => v.when(targetGroupInputs))
    : undefined;
  return variant?.minutes ?? serving.minutes;
}

/**
 * Types that take no measurable time, each with why. `stagectl eta` and the fake cloud treat
 * them as instant; a test fails on a rendered type that is in neither table.
 */
export const INSTANT: ReadonlyArray<readonly [prefix: string, reason: string]> = [
  ["random:", "generated by the provider plugin itself; no cloud call"],
  ["pulumi:providers:", "a provider's configuration, registered by the engine; no cloud call"],
  ["pulumi:pulumi:", "the stack itself and stack references, read from the backend; no cloud call"],
  ["multistage:", "a component; only its children are created"],
];

/** Why a type is instant, or undefined. */
export function instantReason(type: string): string | undefined {
  return INSTANT.find(([prefix]) => type.startsWith(prefix))?.[1];
}
