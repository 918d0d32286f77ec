/**
 * What a stage reads from outside itself, resolved before it registers a single resource of its
 * own: a feature stack's borrowed network (development's stack outputs), and, for stages that
 * take production's data, production's database and bucket and its newest snapshot. A missing
 * stack output stops the program here, naming every missing output and what to deploy first,
 * instead of failing halfway through an update with dozens of resources already registered.
 *
 * Production is found by its physical names (the naming module makes them the same way for
 * every stack), not through its stack: a lower stage deploys before production exists (a fresh
 * account deploys development first) and simply starts empty until production has a backup.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Namer } from "./naming";
import type { Stage } from "./stage-resolve";

/** The one production stack every lower stage takes its data from. */
const PRODUCTION_STACK = "production";

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
export interface BorrowedNetwork {
  /** The stack the network comes from, fully qualified. */
  stack: string;
  vpcId: string;
  publicSubnetIds: string[];
  privateSubnetIds: string[];
}

/** What a lower stage may know of production: names and ARNs to read from, never to write to. */
export interface ProductionOutputs {
  dbIdentifier: string;
  dbArn: string;
  bucketName: string;
  bucketArn: string;
  /** Newest automated snapshot, or undefined when production has none yet. */
  latestSnapshot?: RestoreSource;
}

export interface StageReferences {
  network?: BorrowedNetwork;
  production?: ProductionOutputs;
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
  return stack.includes("/") ? stack : `${pulumi.getOrganization()}/${pulumi.getProject()}/${stack}`;
}

/** Reads the named outputs of a stack now, failing before anything else exists if any is missing. */
async function readOutputs<K extends string>(name: string, stack: string, keys: readonly K[], hint: string): Promise<Record<K, unknown>> {
  const reference = new pulumi.StackReference(name, { name: stack });
  const values = await Promise.all(keys.map(async (key) => (await reference.getOutputDetails(key)).value));
  const missing = keys.filter((_, i) => values[i] === undefined || values[i] === null || values[i] === "");
  if (missing.length > 0) throw new MissingStackOutputsError(stack, missing, hint);
  return Object.fromEntries(keys.map((key, i) => [key, values[i]])) as Record<K, unknown>;
}

/** Resolves everything the stage takes from other stacks. Registers only StackReferences. */
export async function resolveStageReferences(stage: Stage, name: string, provider: aws.Provider): Promise<StageReferences> {
  const references: StageReferences = {};
  if (stage.kind === "feature" && stage.feature) {
    const stack = qualifiedStack(stage.feature.networkStack);
    const outputs = await readOutputs(`${name}-network-source`, stack, ["vpcId", "publicSubnetIds", "privateSubnetIds"] as const, "deploy it before any feature stack");
    references.network = {
      stack,
      vpcId: String(outputs.vpcId),
      publicSubnetIds: outputs.publicSubnetIds as string[],
      privateSubnetIds: outputs.privateSubnetIds as string[],
    };
  }
  if (stage.data.source === "production-snapshot" || stage.data.source === "production-replica") {
    // All stages live in one account and region (access/ is one account's); ask the provider which.
    const [{ accountId }, { partition }] = await Promise.all([aws.getCallerIdentity({}, { provider }), aws.getPartition({}, { provider })]);
    const production = new Namer(stage.project, PRODUCTION_STACK);
    const dbIdentifier = production.name("rds-instance", "db");
    const bucketName = production.name("s3-bucket", "assets");
    references.production = {
      dbIdentifier,
      dbArn: `arn:${partition}:rds:${stage.region}:${accountId}:db:${dbIdentifier}`,
      bucketName,
      bucketArn: `arn:${partition}:s3:::${bucketName}`,
      ...(stage.data.source === "production-snapshot" ? { latestSnapshot: await newestSnapshot(dbIdentifier, provider) } : {}),
    };
  }
  return references;
}

async function newestSnapshot(dbInstanceIdentifier: string, provider: aws.Provider): Promise<RestoreSource | undefined> {
  try {
    // Through the stage's provider: the lookup runs as the stage's deployer, in its region.
    const snapshot = await aws.rds.getSnapshot({ dbInstanceIdentifier, snapshotType: "automated", mostRecent: true }, { provider });
    if (!snapshot.dbSnapshotIdentifier) throw new Error("the lookup returned no snapshot identifier");
    return { snapshotIdentifier: snapshot.dbSnapshotIdentifier, allocatedStorageGb: snapshot.allocatedStorage };
  } catch {
    // A brand-new production has no nightly backup yet: start empty, and say so.
    pulumi.log.warn(`Production database ${dbInstanceIdentifier} has no automated snapshot yet; this stage's database starts empty`);
    return undefined;
  }
}
