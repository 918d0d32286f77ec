/**
 * What the access-log rules ask of the bucket a log goes into: that it is one of the stack's
 * own buckets (a stage's audit trail stays with the stage) and that it expires what it holds
 * (a retention period, not a pile that grows forever).
 */
import type { PolicyResource } from "@pulumi/policy";
import { ofType, ofTypes } from "./resources";

export const BUCKET = "aws:s3/bucket:Bucket";
/** S3 server access logging as its own resource (v7), and its deprecated alias. */
export const BUCKET_LOGGING_TYPES = [
  "aws:s3/bucketLogging:BucketLogging",
  "aws:s3/bucketLoggingV2:BucketLoggingV2",
] as const;
const LIFECYCLE_TYPES = [
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
];
/** Load balancers in @pulumi/aws 7: `aws.lb` and its `aws.alb` alias, and the Classic Load Balancer. */
export const LOAD_BALANCER_TYPES = [
  "aws:lb/loadBalancer:LoadBalancer",
  "aws:alb/loadBalancer:LoadBalancer",
  "aws:elb/loadBalancer:LoadBalancer",
] as const;

interface LifecycleRule {
  status?: string;
  expiration?: { days?: number };
}

/** Why a bucket name is not a fit place for logs; empty when it is. */
export function logDestinationProblems(
  resources: readonly PolicyResource[],
  bucketName: unknown,
): string[] {
  const bucket = ofType(resources, BUCKET).find(
    (b) => typeof bucketName === "string" && b.props.bucket === bucketName,
  );
  if (!bucket)
    return [`logs into ${JSON.stringify(bucketName ?? null)}, which is not a bucket of this stack`];
  const expires = ofTypes(resources, LIFECYCLE_TYPES).some(
    (lifecycle) =>
      lifecycle.props.bucket === bucketName &&
      ((lifecycle.props.rules ?? []) as LifecycleRule[]).some(
        (rule) => rule.status === "Enabled" && (rule.expiration?.days ?? 0) > 0,
      ),
  );
  return expires
    ? []
    : [
        `logs into ${bucketName}, which never expires them (no enabled lifecycle rule with expiration days)`,
      ];
}

/** Names of the buckets that receive logs (server access logs or load balancer access logs). */
export function logBucketNames(resources: readonly PolicyResource[]): Set<string> {
  const names = new Set<string>();
  for (const logging of ofTypes(resources, BUCKET_LOGGING_TYPES))
    names.add(String(logging.props.targetBucket));
  for (const lb of ofTypes(resources, LOAD_BALANCER_TYPES)) {
    const logs = lb.props.accessLogs as { bucket?: string } | undefined;
    if (logs?.bucket) names.add(logs.bucket);
  }
  return names;
}
