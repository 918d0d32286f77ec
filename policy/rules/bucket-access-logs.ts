import type { StackValidationPolicy } from "@pulumi/policy";
import {
  BUCKET,
  BUCKET_LOGGING_TYPES,
  logBucketNames,
  logDestinationProblems,
} from "../log-destinations";
import { ofType, ofTypes, stageKindOf } from "../resources";

/**
 * Production's buckets have S3 server access logging into a bucket of their own stack that
 * expires the logs. Mirrors AWS Guard's `s3-bucket-logging-enabled` (@pulumi/awsguard 0.3.1,
 * which reads the inline `loggings` of @pulumi/aws 4's bucket); @pulumi/aws 7 configures it
 * with the separate `aws.s3.BucketLogging` resource (the inline `logging` input is
 * deprecated), which is what this rule looks for.
 */
export const bucketAccessLogs: StackValidationPolicy = {
  name: "bucket-server-access-logs",
  description:
    "In production every bucket but a log bucket has S3 server access logging (aws.s3.BucketLogging) into a bucket of the stack that expires them (AWS Guard: s3-bucket-logging-enabled).",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    if (stageKindOf(args.resources) !== "production") return;
    const loggings = ofTypes(args.resources, BUCKET_LOGGING_TYPES);
    // A bucket that receives logs is exempt: logging it into itself never ends (each delivery
    // is a request that is logged), and logging it elsewhere needs a bucket for that one too.
    const logBuckets = logBucketNames(args.resources);
    for (const bucket of ofType(args.resources, BUCKET)) {
      const name = bucket.props.bucket as string;
      if (logBuckets.has(name)) continue;
      const own = loggings.filter((logging) => logging.props.bucket === name);
      if (own.length === 0) {
        reportViolation(
          `${bucket.name} (${name}) has no server access logging: add an aws.s3.BucketLogging into the stage's log bucket`,
          bucket.urn,
        );
        continue;
      }
      for (const logging of own) {
        for (const problem of logDestinationProblems(args.resources, logging.props.targetBucket))
          reportViolation(`${bucket.name} ${problem}`, bucket.urn);
      }
    }
  },
};
