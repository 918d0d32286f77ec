/**
 * What `stagectl cost` cannot read from a render and assumes instead: usage (log volume, load
 * balancer capacity, NAT traffic, bucket sizes), how long the nightly jobs run, and how full a
 * database is. Each is one named number here, used by one pricer, listed in the output and the
 * README, so a team that knows its own figures changes them in one place.
 */
import type { StageKind } from "../../stage/profile";

/** Hours in a month, as the AWS Pricing Calculator counts them (365 × 24 / 12). */
export const HOURS_PER_MONTH = 730;
/** Hours in a day, for a feature stack's cost per day. */
export const HOURS_PER_DAY = 24;

/** Usage that differs with the stage's traffic. */
export interface StageUsage {
  /** GB a month the app writes to its CloudWatch log group. */
  appLogGb: number;
  /** Load balancer capacity units in use on average (1 LCU: 25 new connections/s, 3,000 active a minute, 1 GB an hour, 1,000 rule evaluations/s). */
  albLcu: number;
  /** GB a month each NAT gateway processes: image pulls (no VPC endpoints), AWS API calls, the app's outbound calls. */
  natGb: number;
  /** GB stored in the stage's buckets, by what the bucket is for (the last word of its name). */
  bucketGb: { assets: number; logs: number; sanitized: number };
}

/** Lower stages see test traffic; production real traffic. Feature stacks a reviewer or two. */
export const STAGE_USAGE: Readonly<Record<StageKind, StageUsage>> = {
  development: {
    appLogGb: 2,
    albLcu: 0.1,
    natGb: 10,
    bucketGb: { assets: 5, logs: 1, sanitized: 5 },
  },
  testing: { appLogGb: 2, albLcu: 0.1, natGb: 10, bucketGb: { assets: 5, logs: 1, sanitized: 5 } },
  staging: { appLogGb: 3, albLcu: 0.2, natGb: 10, bucketGb: { assets: 5, logs: 2, sanitized: 5 } },
  production: {
    appLogGb: 10,
    albLcu: 1,
    natGb: 25,
    bucketGb: { assets: 20, logs: 10, sanitized: 5 },
  },
  feature: {
    appLogGb: 0.5,
    albLcu: 0.05,
    natGb: 0,
    bucketGb: { assets: 5, logs: 1, sanitized: 5 },
  },
};

/**
 * ElastiCache Serverless for Valkey meters at least 100 MB of data per cache (ElastiCache
 * pricing page, "Minimum metered data stored"); a preview's sessions and cached pages stay below it.
 */
export const SERVERLESS_CACHE_MIN_GB = 0.1;
/** Data a serverless cache holds on average, GB: the metered minimum. */
export const SERVERLESS_CACHE_DATA_GB = SERVERLESS_CACHE_MIN_GB;
/**
 * Million ECPUs a serverless cache uses a month (1 ECPU per KB read or written): a reviewer or
 * two clicking a preview, a few requests a second at most, a few cache calls each.
 */
export const SERVERLESS_CACHE_MILLION_ECPU_PER_MONTH = 10;

/**
 * Feature stacks that share development's feature host at once, for its cost per feature-day:
 * a busy team's count, next to the host's own limit (featureStacks.host.maxDatabases).
 */
export const CONCURRENT_FEATURE_STACKS = 10;

/** GB a month written to a log group other than the app's (nightly tasks, the refinery). */
export const TASK_LOG_GB = 0.1;
/** GB stored in a bucket whose name says nothing the table knows. */
export const OTHER_BUCKET_GB = 1;
/** GB of images in a stack's own ECR repository (development and feature stacks build app/). */
export const ECR_IMAGES_GB = 1;

/** Hours one run of a task started by a schedule or a state machine takes (the bucket copy, the sanitize task). */
export const TASK_RUN_HOURS = 0.5;
/** Hours a state machine's restored database instance lives per run: production's sanitizer, about an hour a night. */
export const RESTORED_INSTANCE_HOURS = 1;
/** State transitions per run of a state machine (its states plus the polling loops). */
export const TRANSITIONS_PER_RUN = 100;

/**
 * How full a database's volume is, for backup and snapshot sizes: full, so the figure is the
 * most those backups can cost (an upper bound; scale it by your database's real size).
 */
export const DATABASE_FILL = 1;
/** Share of the database that changes a day: each automated backup after the first adds this much. */
export const DAILY_CHANGE = 0.05;

/**
 * Memory of an ElastiCache node type in GB (ElastiCache's "Supported node types" table): a
 * backup is at most the data in memory.
 */
export const CACHE_NODE_MEMORY_GB: Readonly<Record<string, number>> = {
  "cache.t4g.micro": 0.5,
  "cache.t4g.small": 1.37,
  "cache.t4g.medium": 3.09,
};

/**
 * Container Insights (standard) publishes about this many custom metrics (the names listed in
 * CloudWatch's "Amazon ECS Container Insights metrics") per cluster, per service and per task
 * family that runs all month; tasks that run for minutes a night add a few minutes' worth.
 */
export const CONTAINER_INSIGHTS_METRICS = { cluster: 11, service: 13, taskFamily: 9 } as const;
/** GB a month of Container Insights performance log events per running task. */
export const CONTAINER_INSIGHTS_LOG_GB_PER_TASK = 0.05;

/** What no line estimates, said once under every table. */
export const NOT_ESTIMATED = [
  "data transfer out to the internet and between zones",
  "S3, Secrets Manager and CloudWatch API requests",
  "noncurrent object versions in versioned buckets",
  "the Route 53 hosted zone (not part of any stack)",
  "free tiers (not subtracted) and taxes",
] as const;

/** The assumptions as sentences, for the output and the README. */
export function assumptionLines(): string[] {
  const usage = (pick: (u: StageUsage) => number | string) =>
    (Object.entries(STAGE_USAGE) as Array<[StageKind, StageUsage]>)
      .map(([kind, u]) => `${kind} ${pick(u)}`)
      .join(", ");
  return [
    `A month is ${HOURS_PER_MONTH} hours; a feature stack's day is ${HOURS_PER_DAY} of them. On-demand list prices, no free tier, no savings plans.`,
    `App logs ingested a month (GB): ${usage((u) => u.appLogGb)}; other log groups ${TASK_LOG_GB} GB; stored for the group's retention.`,
    `Load balancer capacity units on average: ${usage((u) => u.albLcu)}.`,
    `GB each NAT gateway processes a month: ${usage((u) => u.natGb)}.`,
    `Bucket contents (GB, assets/logs/sanitized): ${usage((u) => `${u.bucketGb.assets}/${u.bucketGb.logs}/${u.bucketGb.sanitized}`)}; any other bucket ${OTHER_BUCKET_GB} GB; an ECR repository ${ECR_IMAGES_GB} GB.`,
    `Databases are full (upper bound for backups): automated backups are one full copy plus ${DAILY_CHANGE * 100}% of it per further day kept, free up to the allocated storage; Multi-AZ doubles instance hours and storage.`,
    `Nightly jobs: each task a schedule or state machine starts runs ${TASK_RUN_HOURS} h; a restored instance (production's sanitizer) lives ${RESTORED_INSTANCE_HOURS} h; ${TRANSITIONS_PER_RUN} state transitions a run; runs a month from the schedule's expression.`,
    `Sanitized snapshots: each a full copy of the restored volume (the sanitize rewrites every table and its WAL), kept as many as the refinery keeps, at backup-storage price.`,
    `A serverless cache (Valkey) holds ${SERVERLESS_CACHE_DATA_GB} GB (the ${SERVERLESS_CACHE_MIN_GB * 1000} MB metered minimum) and uses ${SERVERLESS_CACHE_MILLION_ECPU_PER_MONTH} million ECPUs a month. Development's feature host is shared by ${CONCURRENT_FEATURE_STACKS} feature stacks at once, or by as many as its limit.`,
    `Cache backups beyond the first (free) are the node's memory each. Container Insights: about ${CONTAINER_INSIGHTS_METRICS.cluster} metrics per cluster, ${CONTAINER_INSIGHTS_METRICS.service} per service, ${CONTAINER_INSIGHTS_METRICS.taskFamily} per task family, and ${CONTAINER_INSIGHTS_LOG_GB_PER_TASK} GB of performance events per task a month.`,
  ];
}
