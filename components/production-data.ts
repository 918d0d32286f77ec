import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { qualifiedStack, requiredOutput } from "./stack-outputs";

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

export interface ProductionDataArgs {
  /**
   * Production stack whose outputs name its database and bucket: a name in this project, or `<org>/<project>/<stack>`.
   * @default "production"
   */
  stack?: string;
  /**
   * Look up production's latest automated snapshot (for restores).
   * @default true
   */
  findLatestSnapshot?: boolean;
}

/**
 * What a lower stage may know about production: its database and bucket, from the production
 * stack's outputs, and the newest automated snapshot of that database. Read-only by design:
 * nothing here can change production.
 */
export class ProductionData extends pulumi.ComponentResource {
  readonly dbIdentifier: pulumi.Output<string>;
  readonly dbArn: pulumi.Output<string>;
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;
  /** Newest automated snapshot and its size, or undefined when production has none yet. */
  readonly latestSnapshot: pulumi.Output<RestoreSource | undefined>;

  constructor(name: string, args: ProductionDataArgs, opts?: pulumi.ComponentResourceOptions) {
    super("multistage:data:ProductionData", name, {}, opts);
    const stack = qualifiedStack(args.stack ?? "production");
    const production = new pulumi.StackReference(`${name}-production`, { name: stack }, { parent: this });
    const required = (key: string) => requiredOutput<string>(production, stack, key, "deploy production before a stage that takes its data");
    this.dbIdentifier = required("dbIdentifier");
    this.dbArn = required("dbArn");
    this.bucketName = required("bucketName");
    this.bucketArn = required("bucketArn");

    const invokeOptions = { parent: this };
    this.latestSnapshot =
      args.findLatestSnapshot === false
        ? pulumi.output(undefined)
        : this.dbIdentifier.apply(async (dbInstanceIdentifier): Promise<RestoreSource | undefined> => {
            try {
              const snapshot = await aws.rds.getSnapshot({ dbInstanceIdentifier, snapshotType: "automated", mostRecent: true }, invokeOptions);
              if (!snapshot.dbSnapshotIdentifier) throw new Error("the lookup returned no snapshot identifier");
              return { snapshotIdentifier: snapshot.dbSnapshotIdentifier, allocatedStorageGb: snapshot.allocatedStorage };
            } catch {
              // A brand-new production has no nightly backup yet: start empty, and say so.
              pulumi.log.warn(`Production database ${dbInstanceIdentifier} has no automated snapshot yet; this stage's database starts empty`, this);
              return undefined;
            }
          });
    this.registerOutputs({ dbIdentifier: this.dbIdentifier, bucketName: this.bucketName, latestSnapshot: this.latestSnapshot });
  }
}
