import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { stripUndefined } from "../lib/args";
import { Namer } from "../lib/aws/naming";
import { denyInsecureTransport, lockDownBucket } from "../lib/aws/private-bucket";
import { TeardownMode } from "../stage/profile";
import { teardownPolicy } from "../stage/teardown";

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
  /**
   * Object prefixes whose objects expire, with their age in days (production's sanitized
   * bucket: the nightly database exports, of which only the newest is read).
   * @default undefined (nothing expires but noncurrent versions)
   */
  expiringPrefixes?: Record<string, number>;
}

/** Every documented `@default` of BucketArgs, in one place: normalize() applies them, a test checks the TSDoc against them. */
export const BUCKET_DEFAULTS = {
  purpose: "assets",
  versioning: false,
  noncurrentVersionExpirationDays: 7,
  teardown: "destroyable",
} as const satisfies Partial<BucketArgs>;

type NormalizedBucketArgs = Required<Omit<BucketArgs, "expiringPrefixes">> &
  Pick<BucketArgs, "expiringPrefixes">;

function normalize(args: BucketArgs): NormalizedBucketArgs {
  return { ...BUCKET_DEFAULTS, ...stripUndefined(args) } as NormalizedBucketArgs;
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

    const bucket = new aws.s3.Bucket(
      `${name}-bucket`,
      {
        bucket: args.namer.name("s3-bucket", args.purpose),
        forceDestroy: teardown.forceDestroy,
      },
      { ...child, protect: teardown.protect, retainOnDelete: teardown.retainOnDelete },
    );

    const publicAccess = lockDownBucket(name, bucket, child);
    // Without versioning there is no versioning resource at all: a new bucket stays
    // unversioned (PutBucketVersioning can only enable or suspend, and a suspended bucket is
    // not the same as one never versioned). Removing the resource from a bucket that had it
    // suspends versioning, which is all S3 allows once a bucket was versioned.
    const versioning = args.versioning
      ? new aws.s3.BucketVersioning(
          `${name}-versioning`,
          { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
          child,
        )
      : undefined;
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        bucket: bucket.id,
        rules: [
          {
            id: "expire-noncurrent-versions",
            status: "Enabled",
            filter: {},
            noncurrentVersionExpiration: { noncurrentDays: args.noncurrentVersionExpirationDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
          },
          ...Object.entries(args.expiringPrefixes ?? {}).map(([prefix, days]) => ({
            id: `expire-${prefix.replace(/[^A-Za-z0-9-]/g, "")}`,
            status: "Enabled",
            filter: { prefix },
            expiration: { days },
          })),
        ],
      },
      { ...child, dependsOn: versioning ? [versioning] : [] },
    );
    new aws.s3.BucketPolicy(
      `${name}-policy`,
      {
        bucket: bucket.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [denyInsecureTransport(bucket.arn)],
        }),
      },
      { ...child, dependsOn: [publicAccess] },
    );

    this.bucketName = bucket.bucket;
    this.arn = bucket.arn;
    this.registerOutputs({ bucketName: this.bucketName, arn: this.arn });
  }
}
