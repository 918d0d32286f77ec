import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { stripUndefined } from "./args";
import { Namer } from "./naming";
import { TeardownMode } from "./stage-profile";
import { teardownPolicy } from "./teardown";

export interface BucketArgs {
  /** Names this stage's resources. */
  namer: Namer;
  /**
   * What the bucket holds; the last part of its name (`multistage-<stage>-<purpose>`).
   * @default "assets"
   */
  purpose?: string;
  /**
   * Keep old versions of overwritten or deleted objects.
   * @default false
   */
  versioning?: boolean;
  /**
   * Days before a noncurrent object version is deleted.
   * @default 7
   */
  noncurrentVersionExpirationDays?: number;
  /**
   * How the bucket may be destroyed; only "destroyable" lets destroy empty it.
   * @default "destroyable"
   */
  teardown?: TeardownMode;
}

function normalize(args: BucketArgs): Required<BucketArgs> {
  return {
    purpose: "assets",
    versioning: false,
    noncurrentVersionExpirationDays: 7,
    teardown: "destroyable",
    ...stripUndefined(args),
  } as Required<BucketArgs>;
}

/** The stage's private S3 bucket: no public access, owner-enforced, encrypted, TLS only. */
export class Bucket extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;

  constructor(name: string, rawArgs: BucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("multistage:storage:Bucket", name, {}, opts);
    const args = normalize(rawArgs);
    const child = { parent: this };
    const teardown = teardownPolicy(args.teardown);

    const bucket = new aws.s3.Bucket(`${name}-bucket`, {
      bucket: args.namer.name("s3-bucket", args.purpose),
      forceDestroy: teardown.forceDestroy,
    }, { ...child, protect: teardown.protect, retainOnDelete: teardown.retainOnDelete });

    const publicAccess = new aws.s3.BucketPublicAccessBlock(`${name}-public-access`, {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    }, child);
    new aws.s3.BucketOwnershipControls(`${name}-ownership`, {
      bucket: bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    }, child);
    new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-encryption`, {
      bucket: bucket.id,
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
    }, child);
    // Without versioning there is no versioning resource at all: a new bucket stays
    // unversioned (PutBucketVersioning can only enable or suspend, and a suspended bucket is
    // not the same as one never versioned). Removing the resource from a bucket that had it
    // suspends versioning, which is all S3 allows once a bucket was versioned.
    const versioning = args.versioning
      ? new aws.s3.BucketVersioning(`${name}-versioning`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, child)
      : undefined;
    new aws.s3.BucketLifecycleConfiguration(`${name}-lifecycle`, {
      bucket: bucket.id,
      rules: [{
        id: "expire-noncurrent-versions",
        status: "Enabled",
        filter: {},
        noncurrentVersionExpiration: { noncurrentDays: args.noncurrentVersionExpirationDays },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
      }],
    }, { ...child, dependsOn: versioning ? [versioning] : [] });
    new aws.s3.BucketPolicy(`${name}-policy`, {
      bucket: bucket.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [{
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        }],
      }),
    }, { ...child, dependsOn: [publicAccess] });

    this.bucketName = bucket.bucket;
    this.arn = bucket.arn;
    this.registerOutputs({ bucketName: this.bucketName, arn: this.arn });
  }
}
