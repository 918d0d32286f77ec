/**
 * What AWS itself refuses, for the types this project uses, each with the API's own error code
 * and message (from the AWS API references named). A refusal fails the engine's step exactly
 * as the real call would, and is journaled with the error.
 */
import type { JournalEntry, LiveResource } from "./journal";
import type { Props } from "./values";
import type { World, WorldSnapshot } from "./world";

/** Types whose name is unique in its scope; the scope key is undefined when the inputs carry no name. */
const UNIQUE_NAMES: Record<
  string,
  { key: (i: Props) => string | undefined; error: (name: string) => string }
> = {
  "aws:s3/bucket:Bucket": {
    key: (i) => str(i.bucket),
    error: (n) =>
      `BucketAlreadyOwnedByYou: Your previous request to create the named bucket succeeded and you already own it (${n}) [S3 CreateBucket]`,
  },
  "aws:rds/instance:Instance": {
    key: (i) => str(i.identifier),
    error: (n) =>
      `DBInstanceAlreadyExists: DB instance already exists: ${n} [RDS CreateDBInstance]`,
  },
  "aws:rds/subnetGroup:SubnetGroup": {
    key: (i) => str(i.name),
    error: (n) =>
      `DBSubnetGroupAlreadyExists: The DB subnet group '${n}' already exists [RDS CreateDBSubnetGroup]`,
  },
  "aws:rds/parameterGroup:ParameterGroup": {
    key: (i) => str(i.name),
    error: (n) =>
      `DBParameterGroupAlreadyExists: Parameter group ${n} already exists [RDS CreateDBParameterGroup]`,
  },
  "aws:elasticache/replicationGroup:ReplicationGroup": {
    key: (i) => str(i.replicationGroupId),
    error: (n) =>
      `ReplicationGroupAlreadyExists: Replication group ${n} already exists [ElastiCache CreateReplicationGroup]`,
  },
  "aws:elasticache/subnetGroup:SubnetGroup": {
    key: (i) => str(i.name),
    error: (n) =>
      `CacheSubnetGroupAlreadyExists: Cache subnet group ${n} already exists [ElastiCache CreateCacheSubnetGroup]`,
  },
  "aws:iam/role:Role": {
    key: (i) => str(i.name),
    error: (n) => `EntityAlreadyExists: Role with name ${n} already exists [IAM CreateRole]`,
  },
  "aws:ecr/repository:Repository": {
    key: (i) => str(i.name),
    error: (n) =>
      `RepositoryAlreadyExistsException: The repository with name '${n}' already exists [ECR CreateRepository]`,
  },
  "aws:cloudwatch/logGroup:LogGroup": {
    key: (i) => str(i.name),
    error: (n) =>
      `ResourceAlreadyExistsException: The specified log group already exists: ${n} [CloudWatch Logs CreateLogGroup]`,
  },
  "aws:lb/targetGroup:TargetGroup": {
    key: (i) => str(i.name),
    error: (n) =>
      `DuplicateTargetGroupName: A target group with the same name '${n}' exists, but with different settings [ELBv2 CreateTargetGroup]`,
  },
  "aws:ec2/securityGroup:SecurityGroup": {
    // Unique per VPC.
    key: (i) => (str(i.name) ? `${str(i.vpcId)}/${str(i.name)}` : undefined),
    error: (n) =>
      `InvalidGroup.Duplicate: The security group '${n.split("/").pop()}' already exists for VPC '${n.split("/")[0]}' [EC2 CreateSecurityGroup]`,
  },
  "aws:secretsmanager/secret:Secret": {
    key: (i) => str(i.name),
    error: (n) =>
      `ResourceExistsException: The operation failed because the secret ${n} already exists [Secrets Manager CreateSecret]`,
  },
  "aws:scheduler/schedule:Schedule": {
    key: (i) => (str(i.name) ? `${str(i.groupName) ?? "default"}/${str(i.name)}` : undefined),
    error: (n) =>
      `ConflictException: Schedule ${n} already exists [EventBridge Scheduler CreateSchedule]`,
  },
};

export function refuseCreate(
  type: string,
  inputs: Props,
  live: Map<string, LiveResource>,
  journal: readonly JournalEntry[],
  world: World,
): string | undefined {
  const unique = UNIQUE_NAMES[type];
  const name = unique?.key(inputs);
  if (
    unique &&
    name !== undefined &&
    [...live.values()].some((r) => r.type === type && unique.key(r.inputs) === name)
  )
    return unique.error(name);

  if (
    type === "aws:secretsmanager/secret:Secret" &&
    name !== undefined &&
    scheduledForDeletion(name, journal)
  ) {
    // Secrets Manager CreateSecret: a deleted secret keeps its name for its recovery window.
    return `InvalidRequestException: You can't create this secret because a secret with this name is already scheduled for deletion (${name}) [Secrets Manager CreateSecret]`;
  }
  if (
    type === "aws:rds/instance:Instance" &&
    typeof inputs.snapshotIdentifier === "string" &&
    inputs.snapshotIdentifier !== ""
  ) {
    const snapshot = availableSnapshots(world, journal).find(
      (s) => s.identifier === inputs.snapshotIdentifier,
    );
    if (!snapshot)
      return `DBSnapshotNotFound: DBSnapshot not found: ${inputs.snapshotIdentifier} [RDS RestoreDBInstanceFromDBSnapshot]`;
    // RestoreDBInstanceFromDBSnapshot, AllocatedStorage: a restored volume can grow, never shrink.
    const needed = snapshot.allocatedStorageGb ?? DEFAULT_STORAGE_GB;
    if (inputs.allocatedStorage !== undefined && Number(inputs.allocatedStorage) < needed) {
      return `InvalidParameterCombination: ${String(inputs.identifier)} restores ${snapshot.identifier} (${needed} GiB) into ${String(inputs.allocatedStorage)} GiB; a restored volume must be at least the snapshot's size [RDS RestoreDBInstanceFromDBSnapshot]`;
    }
  }
  return undefined;
}

export function refuseDelete(
  type: string,
  id: string,
  state: Props,
  world: World,
): string | undefined {
  if (type === "aws:rds/instance:Instance") {
    if (state.deletionProtection === true) {
      return `InvalidParameterCombination: Cannot delete protected DB Instance, please disable deletion protection and try again. [RDS DeleteDBInstance ${id}]`;
    }
    if (state.skipFinalSnapshot !== true && !state.finalSnapshotIdentifier) {
      return `InvalidParameterCombination: FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified. [RDS DeleteDBInstance ${id}]`;
    }
  }
  if (type === "aws:lb/loadBalancer:LoadBalancer" && state.enableDeletionProtection === true) {
    return `OperationNotPermitted: Load balancer '${String(state.arn ?? id)}' cannot be deleted because deletion protection is enabled [ELBv2 DeleteLoadBalancer]`;
  }
  if (
    type === "aws:s3/bucket:Bucket" &&
    (world.bucketObjects?.[String(state.bucket)] ?? 0) > 0 &&
    state.forceDestroy !== true
  ) {
    // The provider empties a bucket first only with force_destroy (terraform-provider-aws s3/bucket.go, resourceBucketDelete).
    return `BucketNotEmpty: The bucket you tried to delete is not empty (${String(state.bucket)}) [S3 DeleteBucket]`;
  }
  return undefined;
}

export function refuseUpdate(
  type: string,
  id: string,
  olds: Props,
  news: Props,
): string | undefined {
  if (
    type === "aws:rds/instance:Instance" &&
    olds.allocatedStorage !== undefined &&
    news.allocatedStorage !== undefined &&
    Number(news.allocatedStorage) < Number(olds.allocatedStorage)
  ) {
    // ModifyDBInstance, AllocatedStorage: "the new value must be at least 10% greater than the
    // current value"; storage can never be decreased (RDS User Guide, "Increasing DB instance
    // storage capacity").
    return `InvalidParameterCombination: Invalid storage size for ${id}: ${String(news.allocatedStorage)} GiB is less than the current ${String(olds.allocatedStorage)} GiB; allocated storage cannot be decreased [RDS ModifyDBInstance]`;
  }
  return undefined;
}

/** A snapshot's volume size when the world does not say. */
export const DEFAULT_STORAGE_GB = 20;

/** The world's snapshots and the final snapshots AWS took when instances were deleted. */
export function availableSnapshots(
  world: World,
  journal: readonly JournalEntry[],
): WorldSnapshot[] {
  const finals = journal
    .filter(
      (e) =>
        e.type === "aws:rds/instance:Instance" &&
        e.op === "delete" &&
        !e.error &&
        e.inputs.skipFinalSnapshot !== true,
    )
    .map((e) => ({
      identifier: String(e.inputs.finalSnapshotIdentifier),
      dbInstanceIdentifier: String(e.inputs.identifier),
      type: "manual" as const,
      createdAt: e.time,
      allocatedStorageGb: Number(e.inputs.allocatedStorage ?? DEFAULT_STORAGE_GB),
    }));
  return [...(world.snapshots ?? []), ...finals];
}

function scheduledForDeletion(name: string, journal: readonly JournalEntry[]): boolean {
  let scheduled = false;
  for (const e of journal) {
    if (e.type !== "aws:secretsmanager/secret:Secret" || e.error || e.inputs.name !== name)
      continue;
    if (e.op === "delete") scheduled = Number(e.inputs.recoveryWindowInDays ?? 30) > 0;
    else if (e.op === "create" || e.op === "replace") scheduled = false;
  }
  return scheduled;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
