import type { StackValidationPolicy } from "@pulumi/policy";
import { ofType } from "../resources";

/** Data is encrypted at rest and in transit everywhere. */
export const encryption: StackValidationPolicy = {
  name: "encryption-at-rest-and-in-transit",
  description:
    "RDS storage encrypted with TLS forced; ElastiCache encrypted at rest and in transit; every bucket has default encryption.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    for (const db of ofType(args.resources, "aws:rds/instance:Instance")) {
      if (db.props.storageEncrypted !== true)
        reportViolation(`${db.name} storage is not encrypted`, db.urn);
    }
    const parameterGroups = ofType(args.resources, "aws:rds/parameterGroup:ParameterGroup");
    for (const group of parameterGroups) {
      const parameters = (group.props.parameters ?? []) as Array<{ name: string; value: string }>;
      if (!parameters.some((p) => p.name === "rds.force_ssl" && p.value === "1"))
        reportViolation(`${group.name} does not force TLS (rds.force_ssl=1)`, group.urn);
    }
    for (const cache of ofType(
      args.resources,
      "aws:elasticache/replicationGroup:ReplicationGroup",
    )) {
      if (cache.props.atRestEncryptionEnabled !== true)
        reportViolation(`${cache.name} is not encrypted at rest`, cache.urn);
      if (cache.props.transitEncryptionEnabled !== true)
        reportViolation(`${cache.name} is not encrypted in transit`, cache.urn);
    }
    const encrypted = ofType(
      args.resources,
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    );
    for (const bucket of ofType(args.resources, "aws:s3/bucket:Bucket")) {
      const covered = encrypted.some(
        (e) =>
          e.props.bucket === bucket.props.bucket ||
          e.dependencies.includes(bucket) ||
          e.propertyDependencies.bucket?.includes(bucket),
      );
      if (!covered) reportViolation(`${bucket.name} has no default encryption`, bucket.urn);
    }
  },
};
