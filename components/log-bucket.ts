import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { stripUndefined } from "../lib/args";
import { Namer } from "../lib/aws/naming";
import { denyInsecureTransport, lockDownBucket } from "../lib/aws/private-bucket";
import { TeardownMode } from "../stage/profile";
import { teardownPolicy } from "../stage/teardown";

/**
 * The service principal Elastic Load Balancing delivers access logs as. AWS recommends it in
 * every Region; the older grant to a per-Region ELB account (`aws.elb.getServiceAccount`) "is
 * still supported, but we recommend that you replace it with the newer policy", and Regions
 * opened since August 2022 never had such an account (Elastic Load Balancing user guide,
 * "Enable access logs for your Application Load Balancer", step 2:
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html;
 * the same text in "Enable connection logs" and the Classic Load Balancer guide). One
 * principal that works in every Region, and no lookup that fails in the newer ones.
 */
export const ELB_LOG_DELIVERY = "logdelivery.elasticloadbalancing.amazonaws.com";
/** The service principal S3 delivers server access logs as (S3 user guide, "Enabling Amazon S3 server access logging"). */
export const S3_LOG_DELIVERY = "logging.s3.amazonaws.com";
/** Where load balancer access logs go in the log bucket; ELB appends `/AWSLogs/<account>/...`. */
export const LOAD_BALANCER_LOG_PREFIX = "alb";

/** A bucket whose server access logs go into the log bucket. */
export interface LoggedBucket {
  /** Short purpose, used in logical names and the log prefix (`s3/<purpose>/`). */
  purpose: string;
  /** Name of the bucket whose requests are logged. */
  bucketName: pulumi.Input<string>;
  /** Its ARN: only S3 logging on behalf of this bucket may write (aws:SourceArn). */
  arn: pulumi.Input<string>;
}

/** Where a load balancer writes its access logs, and what it must wait for. */
export interface LoadBalancerLogTarget {
  /** The log bucket. */
  bucketName: pulumi.Output<string>;
  /** Key prefix of the load balancer's logs. */
  prefix: string;
  /** The bucket policy that lets ELB write: ELB test-writes when access logs are enabled. */
  writable: pulumi.Resource;
}

export interface LogBucketArgs {
  /** Names this stage's resources. */
  namer: Namer;
  /** The account of the stage's load balancer; ELB writes under `AWSLogs/<account>/`, and only there. */
  accountId: pulumi.Input<string>;
  /**
   * Days before a log object expires (the stage's log retention).
   * @default 7
   */
  retentionDays?: number;
  /**
   * Buckets whose S3 server access logs are delivered here, each under `s3/<purpose>/`.
   * @default [] (none)
   */
  loggedBuckets?: LoggedBucket[];
  /**
   * How the bucket may be destroyed; only "destroyable" lets destroy empty it.
   * @default "destroyable"
   */
  teardown?: TeardownMode;
}

type NormalizedLogBucketArgs = Required<LogBucketArgs>;

/** Every documented `@default` of LogBucketArgs, in one place: normalize() applies them, a test checks the TSDoc against them. */
export const LOG_BUCKET_DEFAULTS = {
  retentionDays: 7,
  loggedBuckets: [],
  teardown: "destroyable",
} as const satisfies Partial<LogBucketArgs>;

function normalize(args: LogBucketArgs): NormalizedLogBucketArgs {
  return { ...LOG_BUCKET_DEFAULTS, ...stripUndefined(args) } as NormalizedLogBucketArgs;
}

/**
 * The stage's own log bucket (`multistage-<stage>-logs`): the audit trail of the load balancer
 * and of the stage's buckets, private and TLS-only like the assets bucket, written only by the
 * two log deliverers, expired after the stage's log retention.
 */
export class LogBucket extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
  readonly loadBalancerTarget: LoadBalancerLogTarget;

  constructor(name: string, rawArgs: LogBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("multistage:storage:LogBucket", name, {}, opts);
    const args = normalize(rawArgs);
    const child = { parent: this };
    const teardown = teardownPolicy(args.teardown);

    const bucket = new aws.s3.Bucket(
      `${name}-bucket`,
      {
        bucket: args.namer.name("s3-bucket", "logs"),
        forceDestroy: teardown.forceDestroy,
      },
      { ...child, protect: teardown.protect, retainOnDelete: teardown.retainOnDelete },
    );
    const publicAccess = lockDownBucket(name, bucket, child);
    // No versioning: an expired log is gone, which is what a retention period means.
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        bucket: bucket.id,
        rules: [
          {
            id: "expire-logs",
            status: "Enabled",
            filter: {},
            expiration: { days: args.retentionDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
          },
        ],
      },
      child,
    );
    const policy = new aws.s3.BucketPolicy(
      `${name}-policy`,
      {
        bucket: bucket.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            denyInsecureTransport(bucket.arn),
            {
              Sid: "LoadBalancerAccessLogs",
              Effect: "Allow",
              Principal: { Service: ELB_LOG_DELIVERY },
              Action: "s3:PutObject",
              // AWS: "Always include the account ID of the account with the load balancer in the
              // resource path ... only load balancers from the specified account can write".
              Resource: pulumi.interpolate`${bucket.arn}/${LOAD_BALANCER_LOG_PREFIX}/AWSLogs/${args.accountId}/*`,
            },
            ...serverAccessLogStatements(bucket.arn, args),
          ],
        }),
      },
      { ...child, dependsOn: [publicAccess] },
    );

    for (const logged of args.loggedBuckets) {
      // Target grants are not used: with ACLs disabled (owner-enforced) S3 refuses them, and
      // the bucket policy above is what lets S3 deliver.
      new aws.s3.BucketLogging(
        `${name}-from-${logged.purpose}`,
        {
          bucket: logged.bucketName,
          targetBucket: bucket.bucket,
          targetPrefix: `s3/${logged.purpose}/`,
        },
        { ...child, dependsOn: [policy] },
      );
    }

    this.bucketName = bucket.bucket;
    this.arn = bucket.arn;
    this.loadBalancerTarget = {
      bucketName: bucket.bucket,
      prefix: LOAD_BALANCER_LOG_PREFIX,
      writable: policy,
    };
    this.registerOutputs({ bucketName: this.bucketName, arn: this.arn });
  }
}

/** S3 may write server access logs only on behalf of the named buckets of this account. */
function serverAccessLogStatements(
  logBucketArn: pulumi.Output<string>,
  args: NormalizedLogBucketArgs,
): Record<string, unknown>[] {
  if (args.loggedBuckets.length === 0) return [];
  return [
    {
      Sid: "BucketServerAccessLogs",
      Effect: "Allow",
      Principal: { Service: S3_LOG_DELIVERY },
      Action: "s3:PutObject",
      Resource: pulumi.interpolate`${logBucketArn}/s3/*`,
      Condition: {
        ArnLike: { "aws:SourceArn": args.loggedBuckets.map((b) => b.arn) },
        StringEquals: { "aws:SourceAccount": args.accountId },
      },
    },
  ];
}
