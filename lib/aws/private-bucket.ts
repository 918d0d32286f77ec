/**
 * What every bucket of a stage gets, whatever it holds: no public access, ACLs disabled
 * (owner-enforced), SSE-S3 by default, and a policy statement refusing plain HTTP. One place,
 * so the assets bucket and the log bucket cannot drift apart.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * Blocks public access, disables ACLs and turns on SSE-S3 for a bucket. SSE-S3 rather than
 * SSE-KMS: it is the only default encryption ALB access logs support ("The only server-side
 * encryption option that's supported is Amazon S3-managed keys (SSE-S3)", Elastic Load
 * Balancing user guide, "Enable access logs for your Application Load Balancer", step 1).
 * Returns the public access block: a bucket policy waits for it, since S3 answers a
 * PutBucketPolicy that races a PutPublicAccessBlock on the same bucket with OperationAborted.
 */
export function lockDownBucket(
  name: string,
  bucket: aws.s3.Bucket,
  opts: pulumi.CustomResourceOptions,
): aws.s3.BucketPublicAccessBlock {
  const publicAccess = new aws.s3.BucketPublicAccessBlock(
    `${name}-public-access`,
    {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    opts,
  );
  new aws.s3.BucketOwnershipControls(
    `${name}-ownership`,
    {
      bucket: bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    },
    opts,
  );
  new aws.s3.BucketServerSideEncryptionConfiguration(
    `${name}-encryption`,
    {
      bucket: bucket.id,
      rules: [
        { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true },
      ],
    },
    opts,
  );
  return publicAccess;
}

/** Refuses every request to the bucket and its objects that does not come over TLS. */
export function denyInsecureTransport(bucketArn: pulumi.Output<string>): Record<string, unknown> {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [bucketArn, pulumi.interpolate`${bucketArn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}
