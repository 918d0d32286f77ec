import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { stripUndefined } from "./args";
import { jsonSecret } from "./json-secret";
import { Namer } from "./naming";
import { clientOnlySecurityGroup } from "./security-groups";
import { TeardownMode } from "./stage-profile";
import { teardownPolicy } from "./teardown";

export const POSTGRES_PORT = 5432;

export interface DatabaseArgs {
  /** Names this stage's resources. */
  namer: Namer;
  /** VPC of the database's security group. */
  vpcId: pulumi.Input<string>;
  /** Private subnets the instance may live in (at least two zones). */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
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
   * How the database may be destroyed.
   * @default "destroyable"
   */
  teardown?: TeardownMode;
  /**
   * Name of the database the app uses.
   * @default "app"
   */
  databaseName?: string;
  /**
   * Master user name (`postgres`, `admin` and `rdsadmin` are reserved or risky on RDS).
   * @default "app_owner"
   */
  username?: string;
  /**
   * Restore the database from this snapshot when it is created (production's latest). Later
   * snapshots never replace it: the identifier is ignored after creation.
   * @default undefined (start empty)
   */
  restoreFromSnapshot?: pulumi.Input<string | undefined>;
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
}

type NormalizedDatabaseArgs = Required<Omit<DatabaseArgs, "restoreFromSnapshot" | "replicaOf">> & Pick<DatabaseArgs, "restoreFromSnapshot" | "replicaOf">;

function normalize(args: DatabaseArgs): NormalizedDatabaseArgs {
  return {
    instanceClass: "db.t4g.micro",
    engineVersion: "16",
    multiAz: false,
    backupRetentionDays: 1,
    allocatedStorageGb: 20,
    teardown: "destroyable",
    databaseName: "app",
    username: "app_owner",
    generation: 0,
    ...stripUndefined(args),
  } as NormalizedDatabaseArgs;
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

  constructor(name: string, rawArgs: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("multistage:data:Database", name, {}, opts);
    const args = normalize(rawArgs);
    const child = { parent: this };
    const teardown = teardownPolicy(args.teardown);
    const keep = { ...child, protect: teardown.protect, retainOnDelete: teardown.retainOnDelete };
    const major = args.engineVersion.split(".")[0];

    const group = clientOnlySecurityGroup(name, {
      namer: args.namer,
      purpose: "db",
      vpcId: args.vpcId,
      port: POSTGRES_PORT,
      clientGroupId: args.clientSecurityGroupId,
    }, this);
    const subnets = new aws.rds.SubnetGroup(`${name}-subnets`, {
      name: args.namer.name("rds-subnet-group", "db"),
      subnetIds: args.subnetIds,
    }, child);
    const parameters = new aws.rds.ParameterGroup(`${name}-params`, {
      name: args.namer.name("rds-parameter-group", `db-pg${major}`),
      family: `postgres${major}`,
      description: `PostgreSQL ${major} settings of ${args.namer.prefix}`,
      parameters: [{ name: "rds.force_ssl", value: "1" }],
    }, child);
    const password = new random.RandomPassword(`${name}-password`, {
      length: 32,
      // RDS forbids / @ " and space in master passwords; letters and digits are plenty at 32.
      special: false,
    }, child);

    // A new generation is a new instance; the old one is deleted after the new one exists.
    this.identifier = args.namer.name("rds-instance", args.generation > 0 ? `db-g${args.generation}` : "db");
    const replica = args.replicaOf !== undefined;
    const instance = new aws.rds.Instance(`${name}-instance`, {
      identifier: this.identifier,
      engine: "postgres",
      engineVersion: args.engineVersion,
      instanceClass: args.instanceClass,
      allocatedStorage: args.allocatedStorageGb,
      storageType: "gp3",
      storageEncrypted: true,
      // A replica inherits database, user and password from its source.
      dbName: replica ? undefined : args.databaseName,
      username: replica ? undefined : args.username,
      password: replica ? undefined : password.result,
      replicateSourceDb: args.replicaOf,
      snapshotIdentifier: replica ? undefined : args.restoreFromSnapshot,
      port: POSTGRES_PORT,
      dbSubnetGroupName: subnets.name,
      vpcSecurityGroupIds: [group.id],
      parameterGroupName: parameters.name,
      publiclyAccessible: false,
      multiAz: args.multiAz,
      backupRetentionPeriod: replica ? 0 : args.backupRetentionDays,
      copyTagsToSnapshot: true,
      autoMinorVersionUpgrade: true,
      deletionProtection: teardown.deletionProtection,
      skipFinalSnapshot: !teardown.finalSnapshot || replica,
      finalSnapshotIdentifier: teardown.finalSnapshot && !replica ? args.namer.name("rds-instance", `${args.generation > 0 ? `db-g${args.generation}` : "db"}-final`) : undefined,
      // Lower stages take changes now; protected stages wait for the maintenance window.
      applyImmediately: !teardown.deletionProtection,
    }, {
      ...keep,
      // The nightly snapshot changes every day; only `stagectl data resync` may re-create the database.
      ignoreChanges: args.restoreFromSnapshot !== undefined ? ["snapshotIdentifier"] : undefined,
      deleteBeforeReplace: false,
    });

    const credentials = jsonSecret(name, {
      secretName: args.namer.name("secret", "db-credentials"),
      description: `PostgreSQL credentials of ${args.namer.prefix}`,
      value: {
        host: instance.address,
        port: instance.port,
        dbname: args.databaseName,
        username: args.username,
        password: password.result,
      },
      recoveryDays: teardown.secretRecoveryDays,
    }, this);

    this.address = instance.address;
    this.arn = instance.arn;
    this.port = instance.port;
    this.endpoint = instance.endpoint;
    this.databaseName = args.databaseName;
    this.username = args.username;
    this.secretArn = credentials.secret.arn;
    this.registerOutputs({ address: this.address, port: this.port, secretArn: this.secretArn });
  }
}
