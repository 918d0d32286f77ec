/**
 * A fake ECS endpoint (and the one STS call the task runner needs) on 127.0.0.1, for the code
 * that runs one-off Fargate tasks (lib/aws/ecs-task-run.ts) to talk to as it would to AWS. A
 * task "runs" by calling an injected executor with the container's command and environment,
 * after AWS's typical time for a Fargate task (typical-times.ts) scaled by the fake cloud's
 * world.json `timing`; each finished task that carries a resource's URN tag is a journal line
 * (journal.ts), so `stagectl eta` times it like any other operation.
 *
 *   const ecs = await FakeEcs.start({ cloudDir, executor: (argv, env) => 0 });
 *   ecs.registerTaskDefinition(arn, ["app"]);
 *   spawn("pulumi", [...], { env: { ...process.env, ...ecs.env() } });
 *   ecs.runs;   // every task, in order
 *   await ecs.close();
 *
 * What it copies from AWS, and where that is written down:
 * - The wire protocol: AWS JSON 1.1, `POST /` with `X-Amz-Target:
 *   AmazonEC2ContainerServiceV20141113.<Operation>` (the ECS service model's protocol and
 *   targetPrefix, as @aws-sdk/client-ecs dist-cjs/index.js serializes them: se_RunTaskCommand
 *   sends `sharedHeaders("RunTask")`); errors are HTTP 400 with `{"__type": ..., "message": ...}`,
 *   which the SDK turns into ClientException, InvalidParameterException, ... by `__type`.
 * - RunTask (ECS API Reference, RunTask): the task comes back PROVISIONING with its ARN
 *   `arn:aws:ecs:<region>:<account>:task/<cluster name>/<32 hex id>`; placement problems are no
 *   error but a 200 with `failures: [{ arn, reason, detail }]`. Refusals kept here: an unknown
 *   task definition (ClientException "TaskDefinition not found."), a container override naming
 *   a container the task definition lacks (InvalidParameterException "Override for container
 *   named X is not a container in the TaskDefinition."), no awsvpc subnets for Fargate
 *   (InvalidParameterException), a startedBy over 36 characters.
 * - DescribeTasks (ECS API Reference, DescribeTasks; task lifecycle in the ECS Developer Guide):
 *   lastStatus PROVISIONING, RUNNING, then STOPPED with `stopCode` EssentialContainerExited and
 *   `stoppedReason` "Essential container in task exited", or TaskFailedToStart when the
 *   container never ran; the container's `exitCode` and `reason`. Unknown ARNs are `failures`
 *   with reason MISSING.
 * - STS AssumeRole (STS API Reference; awsQuery protocol: form body, XML answer), so a runner
 *   given a role acts as that role's session; the session ARN is the run's `caller`.
 * - The task definitions the stacks registered: with a cloud directory, a task definition not
 *   registered by hand is looked up among the fake cloud's `aws:ecs/taskDefinition` creates, by
 *   ARN, family:revision or family (its latest revision), each create of a family being its next
 *   revision as aws-model.ts numbers them. The container's environment is its definition's
 *   `environment` overlaid by the override's (ECS API Reference, ContainerOverride: "You can
 *   override the existing environment variables ... or add new"); its `secrets` are named in the
 *   run (`secretRefs`) but not resolved, since the journal holds no secret's value.
 */
import { randomBytes } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { TASK_TAGS, urnFromTag } from "../../lib/aws/ecs-task-run";
import { awsMinutes, timingOf } from "./aws-time";
import { appendEntry, JournalOp, readJournal } from "./journal";
import { parseJsonString } from "./values";
import { accountOf, loadWorld } from "./world";

/** Runs a task's container: its command and environment in, its exit code out. */
export type TaskExecutor = (
  argv: readonly string[],
  env: Readonly<Record<string, string>>,
) => number | Promise<number>;

/**
 * An executor for tasks that run one of the app image's node entry points, from the function
 * that entry point exports, e.g. the feature database provisioner's
 * `runFeatureDbCommand(argv, env, deps?)` (app/src/feature-db): the container's command
 * `node <script> ...args` becomes `run(args, env)`, with `env` on top of the container's own
 * (e.g. the embedded PostgreSQL's address, which the task definition would carry). Any other
 * command fails as a container would whose entry point is missing (exit 127).
 */
export function nodeScriptExecutor(
  script: string,
  run: (argv: string[], env: Record<string, string | undefined>) => Promise<number>,
  env: Record<string, string | undefined> = {},
): TaskExecutor {
  return (argv, containerEnv) => {
    if (argv[0] !== "node" || argv[1] !== script) return 127;
    return run(argv.slice(2), { ...env, ...containerEnv });
  };
}

export interface FakeEcsOptions {
  /** Runs each task's container. @default records the call and exits 0 */
  executor?: TaskExecutor;
  /** The fake cloud's directory: world.json (account, timing) and the journal. @default none: no journal, no sleep */
  cloudDir?: string;
  /** Real seconds slept per AWS minute; overrides world.json's timing. @default world.json's, else 0 */
  secondsPerMinute?: number;
  /** Task definitions it knows (ARN or family:revision) and their container names. */
  taskDefinitions?: Record<string, string[]>;
  /** When true, any task definition is known and has every container. @default false */
  anyTaskDefinition?: boolean;
}

export type TaskStatus = "PROVISIONING" | "RUNNING" | "STOPPED";

export interface FakeTaskRun {
  taskArn: string;
  cluster: string;
  taskDefinition: string;
  containerName: string;
  argv: string[];
  /** The container's environment: its task definition's, overlaid by the RunTask override's. */
  env: Record<string, string>;
  /** The container's secrets by variable, as `valueFrom` (an ARN): ECS would inject their values. */
  secretRefs: Record<string, string>;
  tags: Record<string, string>;
  startedBy?: string;
  subnets: string[];
  securityGroups: string[];
  assignPublicIp?: string;
  /** Who made the RunTask call: an assumed role's session ARN, or the access key id. */
  caller: string;
  status: TaskStatus;
  exitCode?: number;
  /** The container's reason (the executor threw). */
  reason?: string;
  stoppedReason?: string;
  stopCode?: string;
  startedAt: string;
  stoppedAt?: string;
}

/** A container of a task definition: what ECS starts it with unless RunTask overrides it. */
export interface FakeContainer {
  name: string;
  environment: Record<string, string>;
  secrets: Record<string, string>;
}

class EcsError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113.";

/** `[{ name, <field> }]` (a container's environment or secrets) as a record by name. */
function pairs(list: unknown, field: "value" | "valueFrom"): Record<string, string> {
  if (!Array.isArray(list)) return {};
  return Object.fromEntries(
    (list as Array<Record<string, unknown>>).map((e) => [String(e.name), String(e[field])]),
  );
}

export class FakeEcs {
  /** Every RunTask the endpoint accepted, in order. */
  readonly runs: FakeTaskRun[] = [];
  /** Roles assumed through the fake STS, in order. */
  readonly assumedRoles: string[] = [];
  executor: TaskExecutor;
  private readonly taskDefinitions = new Map<string, FakeContainer[]>();
  private readonly sessions = new Map<string, string>();
  private refusals: Array<{ reason: string; detail?: string }> = [];
  private readonly pending = new Set<Promise<void>>();

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    private readonly options: FakeEcsOptions,
  ) {
    this.executor = options.executor ?? (() => 0);
    for (const [arn, containers] of Object.entries(options.taskDefinitions ?? {}))
      this.registerTaskDefinition(arn, containers);
  }

  static async start(options: FakeEcsOptions = {}): Promise<FakeEcs> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new FakeEcs(server, `http://127.0.0.1:${port}`, options);
    server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => void fake.handle(req, Buffer.concat(chunks).toString("utf8"), res));
    });
    return fake;
  }

  /**
   * What a process needs to reach this endpoint through the AWS SDK: the service-specific
   * endpoints (AWS SDKs and Tools Reference Guide, "Service-specific endpoints"), a region and
   * dummy credentials (the SDK signs every request; nothing here checks the signature).
   */
  env(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL_ECS: this.url,
      AWS_ENDPOINT_URL_STS: this.url,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "AKIAFAKEECSCALLER000",
      AWS_SECRET_ACCESS_KEY: "fake-ecs-secret",
    };
  }

  /**
   * A task definition RunTask may name, by ARN, by family:revision and by family alone (its
   * latest revision: the one registered last), with its containers.
   */
  registerTaskDefinition(arn: string, containers: Array<string | FakeContainer>): void {
    const defined = containers.map((c) =>
      typeof c === "string" ? { name: c, environment: {}, secrets: {} } : c,
    );
    this.taskDefinitions.set(arn, defined);
    const familyRevision = arn.split("task-definition/")[1];
    if (familyRevision) {
      this.taskDefinitions.set(familyRevision, defined);
      this.taskDefinitions.set(familyRevision.replace(/:\d+$/, ""), defined);
    }
  }

  /** A task definition by ARN, family:revision or family: registered here, else the fake cloud's. */
  private taskDefinition(name: string): FakeContainer[] | undefined {
    return this.taskDefinitions.get(name) ?? this.cloudTaskDefinition(name);
  }

  /**
   * A task definition a stack registered in the fake cloud: the journal's creates of its
   * family, numbered as aws-model.ts numbers revisions (1, 2, ... in the order they were made).
   */
  private cloudTaskDefinition(name: string): FakeContainer[] | undefined {
    if (!this.options.cloudDir) return undefined;
    const wanted = name.split("task-definition/").pop() ?? name;
    const [family, revision] = wanted.split(":");
    const revisions = readJournal(this.options.cloudDir).filter(
      (e) =>
        e.type === "aws:ecs/taskDefinition:TaskDefinition" &&
        !e.error &&
        (e.op === "create" || e.op === "replace") &&
        e.inputs.family === family,
    );
    const found = revision === undefined ? revisions.at(-1) : revisions[Number(revision) - 1];
    if (!found) return undefined;
    const definitions = parseJsonString(found.inputs.containerDefinitions);
    if (!Array.isArray(definitions)) return undefined;
    return (definitions as Array<Record<string, unknown>>).map((d) => ({
      name: String(d.name),
      environment: pairs(d.environment, "value"),
      secrets: pairs(d.secrets, "valueFrom"),
    }));
  }

  /** Set by stop(): tasks still running finish without a journal line. */
  private stopped = false;

  /** The next RunTask places no task and answers with this failure (e.g. no Fargate capacity). */
  refuseNextRunTask(reason: string, detail?: string): void {
    this.refusals.push({ reason, ...(detail ? { detail } : {}) });
  }

  /** Waits for every task still running. */
  async settle(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  /** Stops listening at once, leaving running tasks to finish unobserved (a suite's dispose). */
  stop(): void {
    // Unobserved: their journal may be gone with the suite's directory.
    this.stopped = true;
    this.server.close();
    this.server.closeAllConnections();
  }

  async close(): Promise<void> {
    await this.settle();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, body: string, res: http.ServerResponse) {
    const caller = this.callerOf(req.headers.authorization);
    const target = String(req.headers["x-amz-target"] ?? "");
    try {
      if (!target && /(^|&)Action=AssumeRole(&|$)/.test(body)) {
        const xml = this.assumeRole(new URLSearchParams(body));
        res.writeHead(200, { "content-type": "text/xml" }).end(xml);
        return;
      }
      if (!target.startsWith(TARGET_PREFIX))
        throw new EcsError("UnknownOperationException", `unknown target ${target || "(none)"}`);
      const input = JSON.parse(body || "{}") as Record<string, unknown>;
      const operation = target.slice(TARGET_PREFIX.length);
      let output: unknown;
      if (operation === "RunTask") output = this.runTask(input, caller);
      else if (operation === "DescribeTasks") output = this.describeTasks(input);
      else throw new EcsError("UnknownOperationException", `the fake ECS has no ${operation}`);
      res
        .writeHead(200, { "content-type": "application/x-amz-json-1.1" })
        .end(JSON.stringify(output));
    } catch (error) {
      const e = error instanceof EcsError ? error : new EcsError("ServerException", String(error));
      res
        .writeHead(e.type === "ServerException" ? 500 : 400, {
          "content-type": "application/x-amz-json-1.1",
          "x-amzn-errortype": e.type,
        })
        .end(JSON.stringify({ __type: e.type, message: e.message }));
    }
  }

  /** The access key id of a SigV4 Authorization header, or the session it belongs to. */
  private callerOf(authorization: string | undefined): string {
    const key = /Credential=([^/]+)\//.exec(authorization ?? "")?.[1] ?? "anonymous";
    return this.sessions.get(key) ?? key;
  }

  private account(): string {
    return accountOf(this.options.cloudDir ? loadWorld(this.options.cloudDir) : {});
  }

  private assumeRole(params: URLSearchParams): string {
    const roleArn = params.get("RoleArn") ?? "";
    const session = params.get("RoleSessionName") ?? "session";
    this.assumedRoles.push(roleArn);
    const keyId = `ASIA${randomBytes(8).toString("hex").toUpperCase()}`;
    const roleName = roleArn.split("/").pop() ?? roleArn;
    const account = roleArn.split(":")[4] ?? this.account();
    const sessionArn = `arn:aws:sts::${account}:assumed-role/${roleName}/${session}`;
    this.sessions.set(keyId, sessionArn);
    const expiration = new Date(Date.now() + 3600_000).toISOString();
    return [
      `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>`,
      `<Credentials><AccessKeyId>${keyId}</AccessKeyId><SecretAccessKey>fake</SecretAccessKey>`,
      `<SessionToken>fake-session</SessionToken><Expiration>${expiration}</Expiration></Credentials>`,
      `<AssumedRoleUser><Arn>${sessionArn}</Arn><AssumedRoleId>AROAFAKE:${session}</AssumedRoleId></AssumedRoleUser>`,
      `</AssumeRoleResult><ResponseMetadata><RequestId>${randomBytes(8).toString("hex")}</RequestId></ResponseMetadata></AssumeRoleResponse>`,
    ].join("");
  }

  private runTask(input: Record<string, unknown>, caller: string) {
    const cluster = String(input.cluster ?? "default");
    const taskDefinition = String(input.taskDefinition ?? "");
    const containers = this.options.anyTaskDefinition
      ? undefined
      : this.taskDefinition(taskDefinition);
    if (!this.options.anyTaskDefinition && !containers)
      throw new EcsError("ClientException", "TaskDefinition not found.");
    const startedBy = input.startedBy as string | undefined;
    if (startedBy !== undefined && startedBy.length > 36)
      throw new EcsError("InvalidParameterException", "startedBy must be 36 characters or fewer.");
    const vpc = (input.networkConfiguration as { awsvpcConfiguration?: Record<string, unknown> })
      ?.awsvpcConfiguration;
    const subnets = (vpc?.subnets as string[] | undefined) ?? [];
    if (input.launchType === "FARGATE" && subnets.length === 0)
      throw new EcsError(
        "InvalidParameterException",
        "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
      );
    const overrides =
      (input.overrides as { containerOverrides?: Array<Record<string, unknown>> })
        ?.containerOverrides ?? [];
    for (const o of overrides) {
      const name = o.name as string | undefined;
      if (!name)
        throw new EcsError("InvalidParameterException", "Container override must have a name.");
      if (containers && !containers.some((c) => c.name === name))
        throw new EcsError(
          "InvalidParameterException",
          `Override for container named ${name} is not a container in the TaskDefinition.`,
        );
    }
    const clusterName = cluster.split("/").pop() ?? cluster;
    const region = cluster.split(":")[3] || "us-east-1";
    const refusal = this.refusals.shift();
    if (refusal)
      return {
        tasks: [],
        failures: [
          { arn: `arn:aws:ecs:${region}:${this.account()}:cluster/${clusterName}`, ...refusal },
        ],
      };

    const override = overrides[0] ?? {};
    const containerName = String(override.name ?? containers?.[0]?.name ?? "app");
    const container = containers?.find((c) => c.name === containerName);
    const tags = Object.fromEntries(
      ((input.tags as Array<{ key: string; value: string }> | undefined) ?? []).map((t) => [
        t.key,
        t.value,
      ]),
    );
    const run: FakeTaskRun = {
      taskArn: `arn:aws:ecs:${region}:${this.account()}:task/${clusterName}/${randomBytes(16).toString("hex")}`,
      cluster,
      taskDefinition,
      containerName,
      argv: (override.command as string[] | undefined) ?? [],
      env: { ...container?.environment, ...pairs(override.environment, "value") },
      secretRefs: { ...container?.secrets },
      tags,
      ...(startedBy !== undefined ? { startedBy } : {}),
      subnets,
      securityGroups: (vpc?.securityGroups as string[] | undefined) ?? [],
      ...(vpc?.assignPublicIp ? { assignPublicIp: String(vpc.assignPublicIp) } : {}),
      caller,
      status: "PROVISIONING",
      startedAt: new Date().toISOString(),
    };
    this.runs.push(run);
    const done = this.execute(run).finally(() => this.pending.delete(done));
    this.pending.add(done);
    return { tasks: [this.describe(run)], failures: [] };
  }

  /** The resource the task works for, from its tags, when it names one. */
  private resourceOf(run: FakeTaskRun) {
    const urnTag = run.tags[TASK_TAGS.urn];
    if (!urnTag) return undefined;
    const urn = urnFromTag(urnTag);
    // urn:pulumi:<stack>::<project>::<parent type>$<type>::<name> (sdk/go/common/resource/urn.go)
    const [stackPart = "", , typeChain = ""] = urn.split("::");
    const stack = stackPart.replace(/^urn:pulumi:/, "");
    const type = typeChain.split("$").pop() ?? "";
    const op = (run.tags[TASK_TAGS.operation] ?? "create") as JournalOp;
    return { urn, stack, type, op, id: run.tags[TASK_TAGS.resource] ?? run.taskArn };
  }

  private sleepMs(run: FakeTaskRun): number {
    const resource = this.resourceOf(run);
    if (!resource) return 0;
    const world = this.options.cloudDir ? loadWorld(this.options.cloudDir) : {};
    const perMinute = this.options.secondsPerMinute ?? timingOf(world)?.secondsPerMinute ?? 0;
    // A task takes its time whether or not the provider waits for it: a drop runs as long as a
    // create's task, though the provider's delete returns at RunTask (typical-times.ts).
    const op = resource.op === "delete" ? "create" : resource.op;
    return Math.round(awsMinutes(resource.type, op, {}) * perMinute * 1000);
  }

  private async execute(run: FakeTaskRun): Promise<void> {
    const started = new Date().toISOString();
    // Provisioning and the image pull: AWS's typical time, scaled.
    const ms = this.sleepMs(run);
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
    run.status = "RUNNING";
    try {
      run.exitCode = await this.executor(run.argv, run.env);
      run.stopCode = "EssentialContainerExited";
      run.stoppedReason = "Essential container in task exited";
    } catch (error) {
      run.reason = (error as Error).message;
      run.stopCode = "TaskFailedToStart";
      run.stoppedReason = `CannotStartContainerError: ${run.reason}`;
    }
    run.status = "STOPPED";
    run.stoppedAt = new Date().toISOString();
    const resource = this.resourceOf(run);
    if (resource && this.options.cloudDir && !this.stopped) {
      appendEntry(this.options.cloudDir, {
        started,
        op: resource.op,
        provider: "pulumi-nodejs",
        type: resource.type,
        urn: resource.urn,
        stack: resource.stack,
        id: resource.id,
        inputs: { command: run.argv, taskDefinition: run.taskDefinition, cluster: run.cluster },
        caller: run.caller,
        // A FeatureDatabase's delete returns at RunTask (components/feature-database.ts).
        ...(resource.op === "delete" ? { detached: true } : {}),
        ...(run.exitCode === 0
          ? {}
          : {
              error: `task ${run.taskArn} ${run.exitCode === undefined ? run.stoppedReason : `exited ${run.exitCode}`}`,
            }),
      });
    }
  }

  private describeTasks(input: Record<string, unknown>) {
    const wanted = (input.tasks as string[] | undefined) ?? [];
    const tasks = [];
    const failures = [];
    for (const arn of wanted) {
      const run = this.runs.find((r) => r.taskArn === arn || r.taskArn.endsWith(`/${arn}`));
      if (run) tasks.push(this.describe(run));
      else failures.push({ arn, reason: "MISSING" });
    }
    return { tasks, failures };
  }

  /** A task as DescribeTasks and RunTask return it (the fields the SDK's Task shape names). */
  private describe(run: FakeTaskRun) {
    const epoch = (iso: string | undefined) => (iso ? Date.parse(iso) / 1000 : undefined);
    return {
      taskArn: run.taskArn,
      clusterArn: run.cluster,
      taskDefinitionArn: run.taskDefinition,
      launchType: "FARGATE",
      lastStatus: run.status,
      desiredStatus: run.status === "STOPPED" ? "STOPPED" : "RUNNING",
      ...(run.startedBy !== undefined ? { startedBy: run.startedBy } : {}),
      createdAt: epoch(run.startedAt),
      ...(run.stoppedAt ? { stoppedAt: epoch(run.stoppedAt) } : {}),
      ...(run.stopCode ? { stopCode: run.stopCode } : {}),
      ...(run.stoppedReason ? { stoppedReason: run.stoppedReason } : {}),
      tags: Object.entries(run.tags).map(([key, value]) => ({ key, value })),
      containers: [
        {
          name: run.containerName,
          taskArn: run.taskArn,
          lastStatus: run.status === "PROVISIONING" ? "PENDING" : run.status,
          ...(run.exitCode !== undefined ? { exitCode: run.exitCode } : {}),
          ...(run.reason ? { reason: run.reason } : {}),
        },
      ],
    };
  }
}
