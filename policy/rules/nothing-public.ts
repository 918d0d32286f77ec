import type { StackValidationPolicy } from "@pulumi/policy";
import { ofType, statementsOf } from "../resources";

const PUBLIC_PORTS = [80, 443];

/** No public bucket, no public database or cache: only the load balancer faces the internet. */
export const nothingPublic: StackValidationPolicy = {
  name: "nothing-public-but-the-load-balancer",
  description:
    "Buckets block all public access and grant nothing to everyone; databases are private; only HTTP(S) is open to the internet.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const blocks = ofType(args.resources, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
    for (const bucket of ofType(args.resources, "aws:s3/bucket:Bucket")) {
      const covered = blocks.some(
        (b) =>
          (b.props.bucket === bucket.props.bucket ||
            b.props.bucket === bucket.props.id ||
            b.dependencies.includes(bucket) ||
            b.propertyDependencies.bucket?.includes(bucket)) &&
          [
            "blockPublicAcls",
            "blockPublicPolicy",
            "ignorePublicAcls",
            "restrictPublicBuckets",
          ].every((flag) => b.props[flag] === true),
      );
      if (!covered)
        reportViolation(
          `${bucket.name} has no public access block with all four flags on`,
          bucket.urn,
        );
    }
    for (const policy of ofType(args.resources, "aws:s3/bucketPolicy:BucketPolicy")) {
      for (const statement of statementsOf(policy.props.policy)) {
        const everyone =
          statement.Principal === "*" ||
          (statement.Principal as { AWS?: unknown } | undefined)?.AWS === "*";
        if (statement.Effect === "Allow" && everyone)
          reportViolation(`${policy.name} allows everyone`, policy.urn);
      }
    }
    for (const db of ofType(args.resources, "aws:rds/instance:Instance")) {
      if (db.props.publiclyAccessible === true)
        reportViolation(`${db.name} is publicly accessible`, db.urn);
    }
    for (const rule of ofType(
      args.resources,
      "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    )) {
      const open = rule.props.cidrIpv4 === "0.0.0.0/0" || rule.props.cidrIpv6 === "::/0";
      const web =
        PUBLIC_PORTS.includes(rule.props.fromPort) && rule.props.fromPort === rule.props.toPort;
      if (open && !web)
        reportViolation(
          `${rule.name} opens port ${rule.props.fromPort}-${rule.props.toPort} to the internet`,
          rule.urn,
        );
    }
  },
};
