/**
 * A feature stack's own database on the shared PostgreSQL host of development's stack. The
 * host is reachable only inside the VPC, so the database is created and dropped by the app's
 * image as a one-off Fargate task (`node app/dist/feature-db.js create|drop ...`), run by a
 * Pulumi dynamic provider: create runs `create`, delete starts `drop` (without waiting for it),
 * an update runs `create` again (it is idempotent), and a new database or role name is a
 * replacement. A new revision
 * of the task definition alone (every image deploy makes one) is no change: no task runs, and
 * `drop` later runs the family's latest ACTIVE revision, since the revision the state holds
 * may be deregistered by then.
 *
 * The provider is serialized with its closure (@pulumi/pulumi runtime/closure) and runs in the
 * engine's `pulumi-resource-pulumi-nodejs` process, with the ambient AWS credentials: the
 * functions below reference nothing but each other, lib/aws/ecs-task-run.ts (captured by value)
 * and the AWS SDK (required inside its functions, resolved from the program's node_modules).
 *
 * Secrets: the password is never an input here. The task gets the ARN of the Secrets Manager
 * secret that holds it and reads it there, so RunTask's overrides, the state and the journal
 * hold an ARN only.
 */
import * as pulumi from "@pulumi/pulumi";
import { stripUndefined } from "../lib/args";
import { runEcsTask, startEcsTask, TASK_TAGS, urnToTag } from "../lib/aws/ecs-task-run";

/** The dynamic resource's type (`pulumi-nodejs:dynamic/<module>:<type>`, @pulumi/pulumi dynamic). */
export const FEATURE_DATABASE_RESOURCE_TYPE = "pulumi-nodejs:dynamic/multistage:FeatureDatabase";

/** What a feature database and its role may be called: the provisioner refuses anything else. */
export const FEATURE_DATABASE_NAME = /^feature_[a-z0-9_]{1,40}$/;

/**
 * A feature stack's database and role on the feature host: `feature_<slug>`, one per data
 * generation (a resync copies the newest template into a new database and drops the old).
 */
export function featureDatabaseNames(
  stack: string,
  generation: number,
): { database: string; role: string } {
  const base = `${stack.replace(/-/g, "_")}${generation > 0 ? `_g${generation}` : ""}`;
  return { database: base, role: base };
}

/** The provisioner's entry point in the app's image (app/src/feature-db, built to app/dist). */
export const FEATURE_DB_SCRIPT = ["node", "app/dist/feature-db.js"] as const;

export interface FeatureDatabaseArgs {
  /** The region of the cluster (the provider process has no stack config to read it from). */
  region: pulumi.Input<string>;
  /** The ECS cluster the provisioner task runs in. */
  clusterArn: pulumi.Input<string>;
  /** The app's task definition (the image with app/dist/feature-db.js). */
  taskDefinitionArn: pulumi.Input<string>;
  /** The container of that task definition whose command is replaced. */
  containerName: pulumi.Input<string>;
  /** Private subnets that reach the PostgreSQL host. */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Security groups the host admits (the app's). */
  securityGroupIds: pulumi.Input<pulumi.Input<string>[]>;
  /** The database to create, `feature_` and at most 40 of [a-z0-9_]. */
  database: string;
  /** The role that owns it, named like the database. */
  role: string;
  /** The Secrets Manager secret holding the role's password, which the task reads itself. */
  passwordSecretArn: pulumi.Input<string>;
  /**
   * A role to assume for RunTask and DescribeTasks (the stage's deployer role), since the
   * provider runs with the ambient credentials, not the stage's provider.
   * @default undefined (the ambient credentials)
   */
  assumeRoleArn?: pulumi.Input<string>;
  /**
   * The task definition's awslogs group, named in errors so a failure says where its log is.
   * @default undefined (errors name no log)
   */
  logGroup?: pulumi.Input<string>;
  /**
   * The task definition's awslogs stream prefix (the stream is `<prefix>/<container>/<task id>`).
   * @default "app"
   */
  logStreamPrefix?: pulumi.Input<string>;
  /**
   * Seconds between two DescribeTasks calls while the task runs.
   * @default 6 (the AWS SDK's TasksStopped waiter's minimum delay)
   */
  pollIntervalSeconds?: number;
  /**
   * Minutes to wait for the task to stop before the operation fails.
   * @default 10
   */
  timeoutMinutes?: number;
}

/** Every documented `@default` of FeatureDatabaseArgs, in one place. */
export const FEATURE_DATABASE_DEFAULTS = {
  logStreamPrefix: "app",
  pollIntervalSeconds: 6,
  timeoutMinutes: 10,
} as const satisfies Partial<FeatureDatabaseArgs>;

/** The provider's inputs: the args with defaults applied, plus the resource's own URN. */
interface ProvisionerInputs {
  region: string;
  clusterArn: string;
  taskDefinitionArn: string;
  containerName: string;
  subnetIds: string[];
  securityGroupIds: string[];
  database: string;
  role: string;
  passwordSecretArn: string;
  assumeRoleArn?: string;
  logGroup?: string;
  logStreamPrefix: string;
  pollIntervalSeconds: number;
  timeoutMinutes: number;
  /**
   * The dynamic resource's URN, tagged on its tasks (the provider is not told it); not `urn`,
   * which the SDK reserves for the resource's own URN output.
   */
  resourceUrn: string;
}

/**
 * The provider's state: its inputs and the incarnation its create made (12 random hex digits),
 * which every later create and drop of the resource passes on (app/src/feature-db/incarnation.ts).
 * Absent in the state of a resource made before incarnations, until its next update.
 */
interface ProvisionerState extends ProvisionerInputs {
  incarnation?: string;
}

/** Inputs whose change makes a new database: the old one is dropped after the new one exists. */
const REPLACE_ON = ["database", "role"] as const;

/**
 * A task definition's family (`arn:...:task-definition/<family>:<revision>` or
 * `<family>:<revision>`): RunTask runs the family's latest ACTIVE revision when given no
 * revision (ECS API Reference, RunTask, taskDefinition).
 */
export function taskFamily(taskDefinition: string): string {
  const familyRevision = taskDefinition.split("task-definition/").pop() ?? taskDefinition;
  return familyRevision.replace(/:\d+$/, "");
}

/** Why the names are unusable, or nothing. */
function nameProblems(inputs: { database?: unknown; role?: unknown }): string[] {
  const valid = /^feature_[a-z0-9_]{1,40}$/;
  const problems: string[] = [];
  for (const key of ["database", "role"] as const) {
    const value = inputs[key];
    if (typeof value !== "string" || !valid.test(value))
      problems.push(
        `${key} ${JSON.stringify(value)} is not a feature database name (feature_ and 1-40 of a-z, 0-9, _)`,
      );
  }
  return problems;
}

/**
 * Runs the provisioner task for one operation of the resource. A create or update waits for the
 * task to end, so `pulumi up` fails with the task's error and the app's database exists when it
 * succeeds. A delete returns once ECS has accepted the drop task: `feature down` does not wait
 * the task's minute and a half of Fargate start for a database nothing uses any more; the drop
 * names the incarnation, so a new stack of the same branch is never the one it drops.
 */
async function provision(
  inputs: ProvisionerState,
  operation: "create" | "update" | "delete",
): Promise<void> {
  const incarnation = inputs.incarnation ? ["--incarnation", inputs.incarnation] : [];
  const command =
    operation === "delete"
      ? [
          "node",
          "app/dist/feature-db.js",
          "drop",
          "--database",
          inputs.database,
          "--role",
          inputs.role,
          ...incarnation,
        ]
      : [
          "node",
          "app/dist/feature-db.js",
          "create",
          "--database",
          inputs.database,
          "--role",
          inputs.role,
          "--password-secret-arn",
          inputs.passwordSecretArn,
          ...incarnation,
          // Only the resource's own create may replace another incarnation's database.
          "--mode",
          operation === "create" ? "new" : "update",
        ];
  const run = {
    region: inputs.region,
    clusterArn: inputs.clusterArn,
    taskDefinitionArn:
      operation === "delete" ? taskFamily(inputs.taskDefinitionArn) : inputs.taskDefinitionArn,
    containerName: inputs.containerName,
    subnetIds: inputs.subnetIds,
    securityGroupIds: inputs.securityGroupIds,
    command,
    startedBy: "feature-database",
    tags: {
      [TASK_TAGS.resource]: inputs.database,
      [TASK_TAGS.operation]: operation,
      [TASK_TAGS.urn]: urnToTag(inputs.resourceUrn),
    },
    ...(inputs.assumeRoleArn ? { assumeRoleArn: inputs.assumeRoleArn } : {}),
    ...(inputs.logGroup
      ? { logGroup: inputs.logGroup, logStreamPrefix: inputs.logStreamPrefix }
      : {}),
    pollIntervalMs: inputs.pollIntervalSeconds * 1000,
    timeoutMs: inputs.timeoutMinutes * 60_000,
  };
  if (operation === "delete") await startEcsTask(run);
  else await runEcsTask(run);
}

/**
 * A new incarnation: 6 random bytes as hex, as app/src/feature-db/incarnation.ts makes one; not
 * imported from there, since the serialized provider references nothing of the app.
 */
function newIncarnation(): string {
  const crypto = require("node:crypto") as typeof import("node:crypto");
  return crypto.randomBytes(6).toString("hex");
}

/** The resource's outputs: what the provider ran with (ARNs and names only, no secret). */
function outputsOf(inputs: ProvisionerState): ProvisionerState {
  const { __provider: _provider, ...outs } = inputs as ProvisionerState & { __provider?: string };
  return outs;
}

/** The dynamic provider; see the file's comment for what it may reference. */
export const featureDatabaseProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: ProvisionerInputs, news: ProvisionerInputs) {
    return {
      inputs: news,
      failures: nameProblems(news).map((reason) => ({
        property: reason.split(" ")[0],
        reason,
      })),
    };
  },
  async diff(_id: string, olds: ProvisionerInputs, news: ProvisionerInputs) {
    // The incarnation is the provider's own output, never an input.
    const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])].filter(
      (k) => k !== "__provider" && k !== "incarnation",
    );
    const changed = keys.filter(
      (k) =>
        JSON.stringify((olds as unknown as Record<string, unknown>)[k]) !==
        JSON.stringify((news as unknown as Record<string, unknown>)[k]),
    );
    const replaces = changed.filter((k) => (REPLACE_ON as readonly string[]).includes(k));
    const newRevisionOnly =
      changed.length === 1 &&
      changed[0] === "taskDefinitionArn" &&
      taskFamily(olds.taskDefinitionArn) === taskFamily(news.taskDefinitionArn);
    return {
      changes: changed.length > 0 && !newRevisionOnly,
      replaces,
      deleteBeforeReplace: false,
    };
  },
  async create(inputs: ProvisionerInputs) {
    const problems = nameProblems(inputs);
    if (problems.length > 0) throw new Error(problems.join("; "));
    const state = { ...inputs, incarnation: newIncarnation() };
    await provision(state, "create");
    return { id: inputs.database, outs: outputsOf(state) };
  },
  async update(_id: string, olds: ProvisionerState, news: ProvisionerInputs) {
    // Keeps the incarnation; one made before incarnations gets its first here.
    const state = { ...news, incarnation: olds.incarnation ?? newIncarnation() };
    await provision(state, "update");
    return { outs: outputsOf(state) };
  },
  async delete(_id: string, props: ProvisionerState) {
    await provision(props, "delete");
  },
  async read(id: string, props: ProvisionerInputs) {
    const problems = nameProblems(props ?? { database: id, role: undefined });
    if (problems.length > 0)
      throw new Error(`cannot read feature database ${id}: ${problems.join("; ")}`);
    return { id, props };
  },
};

/** The dynamic resource itself (dynamic.Resource is abstract). */
class FeatureDatabaseResource extends pulumi.dynamic.Resource {}

/**
 * A database and its owning role on the shared PostgreSQL host, made and dropped by a Fargate
 * task. Renaming this component or its parent changes the resource's URN, which Pulumi carries
 * out as a new resource's create (a fresh copy of the template, replacing the database) and the
 * old one's delete: give the renamed one `aliases` to keep the stack's data.
 */
export class FeatureDatabase extends pulumi.ComponentResource {
  readonly database: pulumi.Output<string>;
  readonly role: pulumi.Output<string>;

  constructor(name: string, rawArgs: FeatureDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    const problems = nameProblems(rawArgs);
    if (problems.length > 0) throw new Error(`FeatureDatabase ${name}: ${problems.join("; ")}`);
    super("multistage:data:FeatureDatabase", name, {}, opts);
    const args = { ...FEATURE_DATABASE_DEFAULTS, ...stripUndefined(rawArgs) };

    const resource = new FeatureDatabaseResource(
      featureDatabaseProvider,
      name,
      {
        region: args.region,
        clusterArn: args.clusterArn,
        taskDefinitionArn: args.taskDefinitionArn,
        containerName: args.containerName,
        subnetIds: args.subnetIds,
        securityGroupIds: args.securityGroupIds,
        database: args.database,
        role: args.role,
        passwordSecretArn: args.passwordSecretArn,
        assumeRoleArn: args.assumeRoleArn,
        logGroup: args.logGroup,
        logStreamPrefix: args.logStreamPrefix,
        pollIntervalSeconds: args.pollIntervalSeconds,
        timeoutMinutes: args.timeoutMinutes,
        resourceUrn: pulumi.createUrn(name, FEATURE_DATABASE_RESOURCE_TYPE, this),
      },
      { parent: this },
      "multistage",
      "FeatureDatabase",
    );
    // A custom resource has an output for each key of its props (@pulumi/pulumi resource.js).
    const outputs = resource as unknown as Record<"database" | "role", pulumi.Output<string>>;
    this.database = outputs.database;
    this.role = outputs.role;
    this.registerOutputs({ database: this.database, role: this.role });
  }
}
