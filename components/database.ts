import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { stripUndefined } from "../lib/args";
import { jsonSecret } from "../lib/aws/json-secret";
import { Namer, SHARED_PURPOSES } from "../lib/aws/naming";
import type { NetworkRef } from "../lib/aws/network-ref";
import type { RestoreSource } from "../stage/references";
import { clientOnlySecurityGroup } from "./security-groups";
import { TeardownMode } from "../stage/profile";
import { teardownPolicy } from "../stage/teardown";

export const POSTGRES_PORT = 5432;

export interface DatabaseArgs {
  /** Names this stage's resources. */
  namer: Namer;
  /** The network the instance lives in, in its private subnets (at least two zones). */
  network: NetworkRef;
  /** The only security group admitted on the PostgreSQL port: the app's. */
  clientSecurityGroupId: pulumi.Input<string>;
  /**
   * RDS instance class.
   * @default "db.t4g.micro"
   */
  instanceClass?: string;
  /**
   * PostgreSQL version; the parameter group family follows its major version.
   * @default "16"
   */
  engineVersion?: string;
  /**
   * Standby in a second zone.
   * @default false
   */
  multiAz?: boolean;
  /**
   * Days of automated backups (0 turns them off).
   * @default 1
   */
  backupRetentionDays?: number;
  /**
   * Storage size in GiB (gp3, encrypted).
   * @default 20
   */
  allocatedStorageGb?: number;
  /**
   * Daily backup window, `hh:mm-hh:mm` UTC (production's refinery runs after it).
   * @default undefined (RDS picks one)
   */
  backupWindow?: string;
  /**
   * How the database may be destroyed.
   * @default "destroyable"
   */
  teardown?: TeardownMode;
  /**
   * Name of the database the app uses. A restored database keeps its snapshot's name (RDS
   * ignores it on a PostgreSQL restore), so stages restored from production rely on
   * production using this same default.
   * @default "app"
   */
  databaseName?: string;
  /**
   * Master user name (`postgres`, `admin` and `rdsadmin` are reserved or risky on RDS). A
   * restore keeps the snapshot's master user, as with the database name.
   * @default "app_owner"
   */
  username?: string;
  /**
   * Restore the database from this snapshot when it is created (the newest one). Later
   * snapshots never replace it: the identifier is ignored after creation, until the next data
   * generation. The volume is at least the snapshot's size, whatever `allocatedStorageGb` says,
   * and is sized once, at creation: a newer snapshot of another size changes nothing, and a
   * larger `allocatedStorageGb` takes effect with the next data generation.
   * @default undefined (start empty)
   */
  restoreFrom?: pulumi.Input<RestoreSource | undefined>;
  /**
   * Make the database a read replica of this instance (ARN) instead of its own primary.
   * @default undefined (a primary)
   */
  replicaOf?: pulumi.Input<string>;
  /**
   * Data generation: each bump re-creates the database (a new identifier), on purpose.
   * @default 0
   */
  generation?: number;
  /**
   * What the instance is for, in its physical names (`multistage-<stage>-<purpose>`): the
   * stage's own database, or development's feature host.
   * @default "db"
   */
  purpose?: string;
}

type NormalizedDatabaseArgs = Required<
  Omit<DatabaseArgs, "restoreFrom" | "replicaOf" | "backupWindow">
> &
  Pick<DatabaseArgs, "restoreFrom" | "replicaOf" | "backupWindow">;

/** Every documented `@default` of DatabaseArgs, in one place: normalize() applies them, a test checks the TSDoc against them. */
export const DATABASE_DEFAULTS = {
  instanceClass: "db.t4g.micro",
  engineVersion: "16",
  multiAz: false,
  backupRetentionDays: 1,
  allocatedStorageGb: 20,
  teardown: "destroyable",
  databaseName: "app",
  username: "app_owner",
  generation: 0,
  purpose: SHARED_PURPOSES.database,
} as const satisfies Partial<DatabaseArgs>;

function normalize(args: DatabaseArgs): NormalizedDatabaseArgs {
  return { ...DATABASE_DEFAULTS, ...stripUndefined(args) } as NormalizedDatabaseArgs;
}

/** RDS PostgreSQL reachable only from the app, TLS enforced, credentials in Secrets Manager. */
export class Database extends pulumi.ComponentResource {
  readonly address: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly endpoint: pulumi.Output<string>;
  readonly databaseName: string;
  readonly username: string;
  readonly secretArn: pulumi.Output<string>;
  readonly identifier: string;
  readonly arn: pulumi.Output<string>;
  /** The subnet and parameter groups, which a restore of this database's backups reuses (the refinery). */
  readonly subnetGroupName: pulumi.Output<string>;
  readonly parameterGroupName: pulumi.Output<string>;

  constructor(name: string, rawArgs: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("multistage:data:Database", name, {}, opts);
    const args = normalize(rawArgs);
    const child = { parent: this };
    const teardown = teardownPolicy(args.teardown);
    const keep = { ...child, protect: teardown.protect, retainOnDelete: teardown.retainOnDelete };
    const major = args.engineVersion.split(".")[0];

    const group = clientOnlySecurityGroup(
      name,
      {
        namer: args.namer,
        purpose: args.purpose,
        vpcId: args.network.vpcId,
        port: POSTGRES_PORT,
        clientGroupId: args.clientSecurityGroupId,
      },
      this,
    );
    const subnets = new aws.rds.SubnetGroup(
      `${name}-subnets`,
      {
        name: args.namer.name("rds-subnet-group", args.purpose),
        subnetIds: args.network.privateSubnetIds,
      },
      child,
    );
    const parameters = new aws.rds.ParameterGroup(
      `${name}-params`,
      {
        name: args.namer.name("rds-parameter-group", `${args.purpose}-pg${major}`),
        family: `postgres${major}`,
        description: `PostgreSQL ${major} settings of ${args.namer.prefix}`,
        parameters: [{ name: "rds.force_ssl", value: "1" }],
      },
      child,
    );
    const password = new random.RandomPassword(
      `${name}-password`,
      {
        length: 32,
        // RDS forbids / @ " and space in master passwords; letters and digits are plenty at 32.
        special: false,
      },
      child,
    );

    const generationSuffix = args.generation > 0 ? `-g${args.generation}` : "";
    this.identifier = args.namer.name("rds-instance", `${args.purpose}${generationSuffix}`);
    const replica = args.replicaOf !== undefined;
    const restoring = !replica && args.restoreFrom !== undefined;
    const source = pulumi.output(args.restoreFrom);
    const instance = new aws.rds.Instance(
      // Each data generation is a resource of its own (a new URN), not a replacement of the old
      // one: on a replacement the engine copies ignored properties from the old state into the
      // new inputs (processIgnoreChanges in pulumi/pulumi pkg/resource/deploy/step_generator.go),
      // so a replaced instance would restore the snapshot recorded at first creation. A new
      // resource has no old state and restores the newest snapshot; the old generation is
      // deleted at the end of the update, after the new one exists.
      `${name}-instance${generationSuffix}`,
      {
        identifier: this.identifier,
        engine: "postgres",
        engineVersion: args.engineVersion,
        instanceClass: args.instanceClass,
        allocatedStorage: restoring
          ? source.apply((s) => Math.max(args.allocatedStorageGb, s?.allocatedStorageGb ?? 0))
          : args.allocatedStorageGb,
        storageType: "gp3",
        storageEncrypted: true,
        // A replica inherits database, user and password from its source. A restore keeps the
        // snapshot's database name and master user: RDS ignores DBName on a PostgreSQL restore
        // (RestoreDBInstanceFromDBSnapshot, "doesn't apply to the MySQL, PostgreSQL, or MariaDB
        // engines"), so it is not sent; the master password is set after the restore.
        dbName: replica || restoring ? undefined : args.databaseName,
        username: replica || restoring ? undefined : args.username,
        password: replica ? undefined : password.result,
        replicateSourceDb: args.replicaOf,
        snapshotIdentifier: restoring ? source.apply((s) => s?.snapshotIdentifier) : undefined,
        port: POSTGRES_PORT,
        dbSubnetGroupName: subnets.name,
        vpcSecurityGroupIds: [group.id],
        parameterGroupName: parameters.name,
        publiclyAccessible: false,
        multiAz: args.multiAz,
        backupRetentionPeriod: replica ? 0 : args.backupRetentionDays,
        backupWindow: replica ? undefined : args.backupWindow,
        copyTagsToSnapshot: true,
        autoMinorVersionUpgrade: true,
        deletionProtection: teardown.deletionProtection,
        skipFinalSnapshot: !teardown.finalSnapshot || replica,
        finalSnapshotIdentifier:
          teardown.finalSnapshot && !replica
            ? args.namer.name("rds-instance", `${args.purpose}${generationSuffix}-final`)
            : undefined,
        // Lower stages take changes now; protected stages wait for the maintenance window.
        applyImmediately: !teardown.deletionProtection,
      },
      {
        ...keep,
        // The newest snapshot changes every night; only a new data generation restores again.
        // The size follows the snapshot restored at creation: the next night's snapshot may be
        // smaller, and RDS never shrinks a volume (ModifyDBInstance refuses it).
        ignoreChanges: restoring ? ["snapshotIdentifier", "allocatedStorage"] : undefined,
      },
    );

    const credentials = jsonSecret(
      name,
      {
        secretName: args.namer.name("secret", `${args.purpose}-credentials`),
        description: `PostgreSQL credentials of ${args.namer.prefix}`,
        value: {
          host: instance.address,
          port: instance.port,
          dbname: args.databaseName,
          username: args.username,
          password: password.result,
        },
        recoveryDays: teardown.secretRecoveryDays,
      },
      this,
    );

    this.address = instance.address;
    this.arn = instance.arn;
    this.subnetGroupName = subnets.name;
    this.parameterGroupName = parameters.name;
    this.port = instance.port;
    this.endpoint = instance.endpoint;
    this.databaseName = args.databaseName;
    this.username = args.username;
    this.secretArn = credentials.secret.arn;
    this.registerOutputs({ address: this.address, port: this.port, secretArn: this.secretArn });
  }
}
