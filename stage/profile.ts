/**
 * The stage profile: what each kind of stage gets when its stack file says nothing.
 * This is the profile table in the README ("Stages and their profile", generated from here
 * by `npm run docs:config`), as data. A stack file overrides any row.
 */

/** Every kind of stage a stack can be. Long-lived kinds are ordered lowest to highest. */
export const LONG_LIVED_KINDS = ["development", "testing", "staging", "production"] as const;
export const STAGE_KINDS = [...LONG_LIVED_KINDS, "feature"] as const;
export type LongLivedKind = (typeof LONG_LIVED_KINDS)[number];
export type StageKind = (typeof STAGE_KINDS)[number];
/**
 * The kind `npm run dev` runs the app as, on one machine against local services. Never
 * deployable: it is in no kind list above, and the stage model refuses a stack declaring it.
 */
export const LOCAL_STAGE_KIND = "local";

/** How a stage may be torn down. */
export const TEARDOWN_MODES = ["destroyable", "deletion-protection", "retain"] as const;
export type TeardownMode = (typeof TEARDOWN_MODES)[number];

export const NAT_MODES = ["single", "per-az"] as const;
export type NatMode = (typeof NAT_MODES)[number];

export interface NetworkSettings {
  /** VPC CIDR, a /16. Ignored by feature stacks, which borrow development's network. */
  cidr: string;
  nat: NatMode;
}

export interface DatabaseSettings {
  instanceClass: string;
  multiAz: boolean;
  backupRetentionDays: number;
  allocatedStorageGb: number;
  /** Daily backup window, `hh:mm-hh:mm` UTC; undefined lets RDS pick one. */
  backupWindow?: string;
}

/** Production's nightly refinery: when it runs, what it keeps, what of the bucket flows down. */
export interface RefinerySettings {
  /** EventBridge Scheduler expression; after production's backup window. */
  schedule: string;
  /** Sanitized snapshots kept, newest first. */
  keepSnapshots: number;
  /** Prefixes of production's bucket copied into the sanitized bucket. */
  bucketPrefixes: string[];
  /** Instance class of the short-lived sanitizer. */
  instanceClass: string;
  /** SNS topics the refinery's alarm notifies when a run fails (at most 5, CloudWatch's limit). */
  alarmTopicArns: string[];
}

export interface CacheSettings {
  nodeType: string;
  /** Number of cache nodes; two or more turns on automatic failover and multi-AZ. */
  nodes: number;
}

export interface AppSettings {
  cpu: number;
  memory: number;
  desiredCount: number;
}

export interface BucketSettings {
  versioning: boolean;
  noncurrentVersionExpirationDays: number;
}

export interface LogSettings {
  /** Days CloudWatch keeps the app's logs, and the log bucket keeps access logs. */
  retentionDays: number;
  /**
   * Load balancer access logs and S3 server access logs, written into the stage's own log
   * bucket (`multistage-<stage>-logs`) and expired after `retentionDays`: the audit trail of
   * who reached the stage and its data. Always on in production.
   */
  accessLogs: boolean;
}

/**
 * Where a stage's data comes from. Data only flows down from production, and only clean: a
 * lower stage's database is restored from the newest snapshot production's nightly refinery
 * sanitized, or, for staging only and on purpose, is a read replica of production's.
 * Production takes none.
 */
export const DATA_SOURCES = ["empty", "sanitized-snapshot", "production-replica"] as const;
export type DataSource = (typeof DATA_SOURCES)[number] | "none";

export interface DataSettings {
  source: DataSource;
  /** Bumped by `stagectl data resync` to re-create the database from the newest snapshot. */
  generation: number;
  /** When the bucket copy from production runs (EventBridge Scheduler expression). */
  syncSchedule: string;
}

/**
 * How feature stacks get their data stores and URL. `shared`: a database of their own on
 * development's feature host (created from its template in seconds), a serverless cache and a
 * rule on development's load balancer; `dedicated`: an RDS instance, replication group and load
 * balancer of their own, as long-lived stages have (10-15 minutes to create).
 */
export const FEATURE_ISOLATION_MODES = ["shared", "dedicated"] as const;
export type FeatureIsolation = (typeof FEATURE_ISOLATION_MODES)[number];
/**
 * A shared feature stack's cache: a Valkey container in its own app task (`sidecar`), its own
 * ElastiCache Serverless (Valkey) cache, or a user with its own key prefix on development's
 * replication group.
 */
export const FEATURE_CACHE_MODES = ["sidecar", "serverless", "shared"] as const;
export type FeatureCacheMode = (typeof FEATURE_CACHE_MODES)[number];

/** Development's PostgreSQL instance that holds every shared feature stack's database. */
export interface FeatureHostSettings {
  instanceClass: string;
  allocatedStorageGb: number;
  /** Feature databases the host holds at most; the next `feature up` is refused. */
  maxDatabases: number;
  /** When the template is rebuilt from the newest sanitized export (EventBridge Scheduler). */
  refreshSchedule: string;
}

/** What development's stack provides to the feature stacks that borrow its network. */
export interface FeatureStacksSettings {
  isolation: FeatureIsolation;
  cache: FeatureCacheMode;
  host: FeatureHostSettings;
  /**
   * Feature stacks answer at `<slug>.<previewDomain>` through a host-header rule on
   * development's HTTPS listener (with `previewCertificateArn`, a wildcard certificate for it);
   * without it each keeps a load balancer of its own.
   */
  previewDomain?: string;
  previewCertificateArn?: string;
}

export interface StageProfile {
  network: NetworkSettings;
  database: DatabaseSettings;
  cache: CacheSettings;
  app: AppSettings;
  bucket: BucketSettings;
  logs: LogSettings;
  teardown: TeardownMode;
  data: DataSettings;
  /** Production only: the refinery that turns its backups into sanitized snapshots. */
  refinery?: RefinerySettings;
  /** Development only: the feature host and how feature stacks are isolated. */
  featureStacks?: FeatureStacksSettings;
}

const smallDatabase: DatabaseSettings = {
  instanceClass: "db.t4g.micro",
  multiAz: false,
  backupRetentionDays: 1,
  allocatedStorageGb: 20,
};
const smallCache: CacheSettings = { nodeType: "cache.t4g.micro", nodes: 1 };
const smallApp: AppSettings = { cpu: 256, memory: 512, desiredCount: 1 };
/**
 * The night, in UTC: production backs up at 01:00 (its backup window), the refinery starts at
 * 02:30 and takes about an hour, lower stages copy the sanitized bucket at 06:00.
 */
const PRODUCTION_BACKUP_WINDOW = "01:00-01:30";
const REFINERY_SCHEDULE = "cron(30 2 * * ? *)";
const NIGHTLY = "cron(0 6 * * ? *)";
const fromSanitizedSnapshot: DataSettings = {
  source: "sanitized-snapshot",
  generation: 0,
  syncSchedule: NIGHTLY,
};
const unversionedBucket: BucketSettings = { versioning: false, noncurrentVersionExpirationDays: 7 };

/**
 * Default settings per kind. CIDRs differ per stage so that stages could later be peered
 * or reached over one VPN without overlapping.
 */
export const STAGE_PROFILES: Readonly<Record<StageKind, StageProfile>> = {
  development: {
    network: { cidr: "10.10.0.0/16", nat: "single" },
    database: smallDatabase,
    cache: smallCache,
    app: smallApp,
    bucket: unversionedBucket,
    logs: { retentionDays: 7, accessLogs: false },
    teardown: "destroyable",
    data: fromSanitizedSnapshot,
    featureStacks: {
      // Shared by default: a feature stack is ready in minutes and costs cents a day; a team
      // that needs production-like isolation per pull request sets `dedicated`.
      isolation: "shared",
      // A sidecar by default: a cache of its own per feature stack, in its app's task, so it is
      // ready with the app and gone with it; an ElastiCache Serverless cache takes about a minute
      // to create and minutes to delete, and a user on development's cache shares its nodes
      // with every other stack (see README).
      cache: "sidecar",
      host: {
        // Burstable: feature databases idle most of the day; 2 GiB holds ~40 small databases' buffers.
        instanceClass: "db.t4g.small",
        allocatedStorageGb: 50,
        maxDatabases: 40,
        // After production's refinery (02:30, about an hour) has written the night's export.
        refreshSchedule: "cron(0 5 * * ? *)",
      },
    },
  },
  testing: {
    network: { cidr: "10.20.0.0/16", nat: "single" },
    database: smallDatabase,
    cache: smallCache,
    app: smallApp,
    bucket: unversionedBucket,
    logs: { retentionDays: 14, accessLogs: false },
    teardown: "destroyable",
    data: fromSanitizedSnapshot,
  },
  staging: {
    network: { cidr: "10.30.0.0/16", nat: "single" },
    database: {
      instanceClass: "db.t4g.small",
      multiAz: false,
      backupRetentionDays: 7,
      allocatedStorageGb: 20,
    },
    cache: { nodeType: "cache.t4g.small", nodes: 1 },
    app: { cpu: 512, memory: 1024, desiredCount: 2 },
    bucket: { versioning: true, noncurrentVersionExpirationDays: 30 },
    logs: { retentionDays: 30, accessLogs: true },
    teardown: "deletion-protection",
    // Production data in staging only when a team asks for it knowingly.
    data: { source: "empty", generation: 0, syncSchedule: NIGHTLY },
  },
  production: {
    network: { cidr: "10.40.0.0/16", nat: "per-az" },
    database: {
      instanceClass: "db.t4g.medium",
      multiAz: true,
      backupRetentionDays: 14,
      allocatedStorageGb: 50,
      backupWindow: PRODUCTION_BACKUP_WINDOW,
    },
    cache: { nodeType: "cache.t4g.small", nodes: 2 },
    app: { cpu: 1024, memory: 2048, desiredCount: 2 },
    bucket: { versioning: true, noncurrentVersionExpirationDays: 90 },
    logs: { retentionDays: 90, accessLogs: true },
    teardown: "retain",
    data: { source: "none", generation: 0, syncSchedule: NIGHTLY },
    refinery: {
      schedule: REFINERY_SCHEDULE,
      keepSnapshots: 7,
      bucketPrefixes: ["public/"],
      instanceClass: "db.t4g.medium",
      alarmTopicArns: [],
    },
  },
  feature: {
    // Feature stacks never create a network; the value only keeps the shape uniform.
    network: { cidr: "10.10.0.0/16", nat: "single" },
    database: { ...smallDatabase, backupRetentionDays: 0 },
    cache: smallCache,
    app: smallApp,
    bucket: unversionedBucket,
    logs: { retentionDays: 3, accessLogs: false },
    teardown: "destroyable",
    data: fromSanitizedSnapshot,
  },
};

/** Fargate's valid cpu -> memory (MiB) pairs (Amazon ECS Developer Guide, "Task CPU and memory" for Fargate). */
export const FARGATE_MEMORY_BY_CPU: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

function range(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let v = from; v <= to; v += step) values.push(v);
  return values;
}

/** Retention periods CloudWatch Logs accepts (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;
