/**
 * What a stage reads from outside itself, resolved before it registers a single resource of its
 * own: a feature stack's borrowed network (development's stack outputs), and, for stages that
 * take production's data, the refinery's newest sanitized snapshot and its sanitized bucket
 * (or, for an acknowledged staging replica, production's database). A missing stack output
 * stops the program here, naming every missing output and what to deploy first, instead of
 * failing halfway through an update with dozens of resources already registered.
 *
 * Production's artifacts are found by their physical names (the naming module makes them the
 * same way for every stack), not through its stack: a lower stage deploys before production
 * exists (a fresh account deploys development first) and simply starts empty until the
 * refinery has sanitized a first snapshot.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { productionDataNames, sanitizedSnapshotPrefix } from "../lib/aws/naming";
import type { NetworkRef } from "../lib/aws/network-ref";
import type { Stage } from "./resolve";

/** A snapshot a database can be restored from, and the volume size the restore must at least have. */
export interface RestoreSource {
  snapshotIdentifier: string;
  /**
   * The snapshot's allocated storage in GiB. RDS restores into at least this much: it cannot
   * shrink a volume (RestoreDBInstanceFromDBSnapshot takes AllocatedStorage, and
   * ModifyDBInstance refuses to reduce it; Amazon RDS API Reference).
   */
  allocatedStorageGb: number;
}

/** A network another stack owns (development's, for feature stacks). */
export interface BorrowedNetwork extends NetworkRef {
  /** The stack the network comes from, fully qualified. */
  stack: string;
  vpcId: string;
  publicSubnetIds: string[];
  privateSubnetIds: string[];
}

/** What a lower stage takes from production: only what the refinery sanitized. */
export interface SanitizedData {
  /** The newest sanitized snapshot, or undefined before the refinery's first run. */
  latestSnapshot?: RestoreSource;
  /** Production's sanitized bucket: the allowed prefixes of production's bucket, copied nightly. */
  bucketName: string;
  bucketArn: string;
}

/**
 * What a shared feature stack uses of development's feature host, as development exports it
 * (`featureHost`): where the host is, and the provisioner task that creates and drops the
 * stack's database on it.
 */
export interface FeatureHostRef {
  address: string;
  port: number;
  clusterArn: string;
  taskDefinitionArn: string;
  containerName: string;
  /** Development's group for feature tasks: the host admits it alone. */
  clientSecurityGroupId: string;
  logGroupName: string;
  maxDatabases: number;
}

/** Development's HTTPS listener and preview domain (`featurePreview`), when it has one. */
export interface PreviewRoutingRef {
  listenerArn: string;
  domain: string;
}

/**
 * Development's cache as feature stacks with `cache: shared` use it (`featureCache`): where it
 * is, and the user group its replication group authenticates with, which each such stack adds
 * a user of its own to.
 */
export interface FeatureCacheRef {
  address: string;
  port: number;
  userGroupId: string;
}

export interface StageReferences {
  network?: BorrowedNetwork;
  /** A shared feature stack's host on development. */
  featureHost?: FeatureHostRef;
  /** A shared feature stack's user on development's cache, with `cache: shared`. */
  featureCache?: FeatureCacheRef;
  /** A shared feature stack's way in through development's load balancer, when it has a preview domain. */
  previewRouting?: PreviewRoutingRef;
  sanitized?: SanitizedData;
  /** Production's database ARN, for an acknowledged staging replica (unsanitized, on purpose). */
  replicaOf?: string;
}

/** Outputs another stack must export and does not: one message for all of them. */
export class MissingStackOutputsError extends pulumi.RunError {
  constructor(stack: string, missing: readonly string[], hint: string) {
    super(`Stack ${stack} has no output ${missing.map((k) => `"${k}"`).join(", ")}; ${hint}`);
    this.name = "MissingStackOutputsError";
  }
}

/** StackReference needs `<org>/<project>/<stack>`; a bare stack name means this project's. */
export function qualifiedStack(stack: string): string {
  return stack.includes("/")
    ? stack
    : `${pulumi.getOrganization()}/${pulumi.getProject()}/${stack}`;
}

/** Reads the named outputs of a stack now, failing before anything else exists if any is missing. */
async function readOutputs<K extends string>(
  reference: pulumi.StackReference,
  stack: string,
  keys: readonly K[],
  hint: string,
): Promise<Record<K, unknown>> {
  const values = await Promise.all(
    keys.map(async (key) => (await reference.getOutputDetails(key)).value),
  );
  const missing = keys.filter(
    (_, i) => values[i] === undefined || values[i] === null || values[i] === "",
  );
  if (missing.length > 0) throw new MissingStackOutputsError(stack, missing, hint);
  return Object.fromEntries(keys.map((key, i) => [key, values[i]])) as Record<K, unknown>;
}

/** Resolves everything the stage takes from other stacks. Registers only StackReferences. */
export async function resolveStageReferences(
  stage: Stage,
  name: string,
  provider: aws.Provider,
): Promise<StageReferences> {
  const references: StageReferences = {};
  if (stage.kind === "feature" && stage.feature) {
    const stack = qualifiedStack(stage.feature.networkStack);
    const development = new pulumi.StackReference(`${name}-network-source`, { name: stack });
    const outputs = await readOutputs(
      development,
      stack,
      ["vpcId", "publicSubnetIds", "privateSubnetIds"] as const,
      "deploy it before any feature stack",
    );
    references.network = {
      stack,
      vpcId: String(outputs.vpcId),
      publicSubnetIds: outputs.publicSubnetIds as string[],
      privateSubnetIds: outputs.privateSubnetIds as string[],
    };
    if (stage.feature.isolation === "shared") {
      const shared = await readOutputs(
        development,
        stack,
        ["featureHost"] as const,
        `feature stacks with isolation "shared" need its feature host: deploy it with multistage:featureStacks.isolation shared (the default), or deploy this stack with isolation "dedicated"`,
      );
      references.featureHost = shared.featureHost as FeatureHostRef;
      if (stage.feature.cache === "shared") {
        const cache = await readOutputs(
          development,
          stack,
          ["featureCache"] as const,
          `feature stacks with cache "shared" need a user group on its cache: deploy it with multistage:featureStacks.cache shared, or deploy this stack with cache "sidecar" (the default)`,
        );
        references.featureCache = cache.featureCache as FeatureCacheRef;
      }
      const preview = await development.getOutputDetails("featurePreview");
      if (preview.value) references.previewRouting = preview.value as PreviewRoutingRef;
    }
  }
  if (stage.data.source === "sanitized-snapshot" || stage.data.source === "production-replica") {
    // All stages live in one account and region (access/ is one account's); ask the provider which.
    const [{ accountId }, { partition }] = await Promise.all([
      aws.getCallerIdentity({}, { provider }),
      aws.getPartition({}, { provider }),
    ]);
    const production = productionDataNames(stage.project);
    const bucketName = production.sanitizedBucket;
    references.sanitized = {
      bucketName,
      bucketArn: `arn:${partition}:s3:::${bucketName}`,
      ...(stage.data.source === "sanitized-snapshot"
        ? {
            latestSnapshot: await newestSanitizedSnapshot(
              stage.project,
              production.sanitizer,
              provider,
            ),
          }
        : {}),
    };
    if (stage.data.source === "production-replica")
      references.replicaOf = `arn:${partition}:rds:${stage.region}:${accountId}:db:${production.database}`;
  }
  return references;
}

/**
 * The newest snapshot the refinery took of its sanitizer instance. Only a snapshot named as the
 * refinery names them counts: a lower stage never restores anything else of production's.
 *
 * The sanitizer itself is deleted every night: the lookup relies on DescribeDBSnapshots listing
 * the manual snapshots of a deleted instance by its identifier (the provider passes
 * dbInstanceIdentifier straight through: terraform-provider-aws rds/snapshot_data_source.go).
 */
async function newestSanitizedSnapshot(
  project: string,
  sanitizer: string,
  provider: aws.Provider,
): Promise<RestoreSource | undefined> {
  let snapshot: aws.rds.GetSnapshotResult;
  try {
    // Through the stage's provider: the lookup runs as the stage's deployer, in its region.
    snapshot = await aws.rds.getSnapshot(
      { dbInstanceIdentifier: sanitizer, snapshotType: "manual", mostRecent: true },
      { provider },
    );
  } catch (error) {
    // The data source's own "nothing matched" (snapshot_data_source.go): before the refinery's
    // first night there is nothing clean to restore, so start empty and say so. Anything else
    // (access denied, throttling) must not pass for "none yet": the database would start empty
    // for good, since the snapshot is read only at its creation.
    if (!/returned no results/.test(String(error)))
      throw new Error(
        `looking up the newest sanitized snapshot of ${sanitizer} failed: ${String(error)}`,
      );
    pulumi.log.warn(
      `No sanitized snapshot of production yet (the refinery's nightly run makes them); this stage's database starts empty`,
    );
    return undefined;
  }
  if (snapshot.status !== "available") {
    // Only a database created now restores it, and RDS refuses a snapshot still being made; one
    // that exists ignores the snapshot after its creation, so its update goes on.
    pulumi.log.warn(
      `The newest sanitized snapshot ${String(snapshot.dbSnapshotIdentifier)} is ${snapshot.status}, not yet available: a database created by this update cannot restore it until the refinery's snapshot finishes`,
    );
  }
  // Outside the try: a snapshot of the sanitizer that is not the refinery's must stop the
  // update, not be mistaken for "none yet".
  if (!snapshot.dbSnapshotIdentifier?.startsWith(sanitizedSnapshotPrefix(project))) {
    throw new Error(
      `the newest snapshot of ${sanitizer} is ${String(snapshot.dbSnapshotIdentifier)}, not a sanitized one (${sanitizedSnapshotPrefix(project)}*): only the refinery's snapshots are restored below production`,
    );
  }
  return {
    snapshotIdentifier: snapshot.dbSnapshotIdentifier,
    allocatedStorageGb: snapshot.allocatedStorage,
  };
}
