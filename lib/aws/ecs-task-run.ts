/**
 * Runs one ECS Fargate task to its end and says whether its container succeeded: RunTask, then
 * DescribeTasks until the task is STOPPED, then the named container's exit code.
 *
 * Written to be captured by Pulumi's closure serialization (a dynamic provider runs it in the
 * engine's `pulumi-resource-pulumi-nodejs` process, not in the program): every function here
 * is self-contained, and the AWS SDK is loaded with `require` inside the function bodies, so the
 * serialized text carries `require("@aws-sdk/client-ecs")`, resolved from the program's
 * node_modules where the provider runs. No other module of ours is referenced.
 *
 * Endpoints: the SDK honours AWS_ENDPOINT_URL_ECS, then AWS_ENDPOINT_URL ("Service-specific
 * endpoints", AWS SDKs and Tools Reference Guide); in this SDK version the lookup is
 * @smithy/core dist-cjs/submodules/endpoints/index.js, getEndpointUrlConfig, which builds
 * `AWS_ENDPOINT_URL_` + the service id ("ECS", @aws-sdk/client-ecs's serviceId) upper-cased.
 * The engine suite points it at tools/fake-cloud/fake-ecs.ts that way.
 */
import type { ECSClient } from "@aws-sdk/client-ecs";

export interface EcsTaskRun {
  region: string;
  clusterArn: string;
  /** A task definition ARN (with revision) or family:revision. */
  taskDefinitionArn: string;
  /** The container whose command is overridden and whose exit code decides success. */
  containerName: string;
  /** Private subnets for the task's network interface (awsvpc). */
  subnetIds: string[];
  securityGroupIds: string[];
  command: string[];
  /** Extra environment of the container: never a secret (RunTask's overrides are visible in the task). */
  environment?: Record<string, string>;
  /** RunTask's startedBy (at most 36 characters). */
  startedBy: string;
  /** Tags of the task (propagated to it by RunTask). */
  tags?: Record<string, string>;
  /** Assume this role with the ambient credentials first (the stage's deployer role). */
  assumeRoleArn?: string;
  /** The task definition's awslogs group and stream prefix, to say where the log is. */
  logGroup?: string;
  logStreamPrefix?: string;
  /** How often DescribeTasks is asked. @default 6000, the SDK's TasksStopped waiter's minDelay */
  pollIntervalMs?: number;
  /** How long to wait for STOPPED before giving up. @default 600000 (10 min) */
  timeoutMs?: number;
}

export interface EcsTaskOutcome {
  taskArn: string;
  exitCode: number;
  /** Where the container's log is, when the log group was given. */
  log?: string;
}

/** A task ECS accepted: RunTask placed it (PROVISIONING), and where its log will be. */
export interface StartedEcsTask {
  taskArn: string;
  log?: string;
  client: ECSClient;
}

/**
 * Starts the task: resolves once ECS has accepted it (RunTask returned it, no failures), before
 * it runs; throws an Error that says why when ECS could not place it.
 */
export async function startEcsTask(run: EcsTaskRun, client?: ECSClient): Promise<StartedEcsTask> {
  const ecs = require("@aws-sdk/client-ecs") as typeof import("@aws-sdk/client-ecs");
  let ecsClient = client;
  if (!ecsClient) {
    let credentials;
    if (run.assumeRoleArn) {
      const providers =
        require("@aws-sdk/credential-providers") as typeof import("@aws-sdk/credential-providers");
      credentials = providers.fromTemporaryCredentials({
        params: { RoleArn: run.assumeRoleArn, RoleSessionName: "feature-database" },
        clientConfig: { region: run.region },
      });
    }
    ecsClient = new ecs.ECSClient({ region: run.region, ...(credentials ? { credentials } : {}) });
  }

  const started = await ecsClient.send(
    new ecs.RunTaskCommand({
      cluster: run.clusterArn,
      taskDefinition: run.taskDefinitionArn,
      launchType: "FARGATE",
      count: 1,
      startedBy: run.startedBy,
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: run.subnetIds,
          securityGroups: run.securityGroupIds,
          assignPublicIp: "DISABLED",
        },
      },
      overrides: {
        containerOverrides: [
          {
            name: run.containerName,
            command: run.command,
            environment: Object.entries(run.environment ?? {}).map(([name, value]) => ({
              name,
              value,
            })),
          },
        ],
      },
      tags: Object.entries(run.tags ?? {}).map(([key, value]) => ({ key, value })),
    }),
  );
  // RunTask answers 200 with `failures` when it could not place the task (ECS API Reference,
  // RunTask, "failures"; API failure reasons in the ECS Developer Guide), e.g. no capacity.
  if (started.failures && started.failures.length > 0) {
    const reasons = started.failures
      .map((f) => [f.reason, f.detail, f.arn].filter(Boolean).join(" "))
      .join("; ");
    throw new Error(
      `ECS could not start the task ${run.command.join(" ")} on ${run.clusterArn}: ${reasons}`,
    );
  }
  const taskArn = started.tasks?.[0]?.taskArn;
  if (!taskArn)
    throw new Error(`ECS RunTask on ${run.clusterArn} returned neither a task nor a failure`);
  const taskId = taskArn.split("/").pop() ?? taskArn;
  const log = run.logGroup
    ? `CloudWatch log group ${run.logGroup}, stream ${[run.logStreamPrefix, run.containerName, taskId].filter(Boolean).join("/")}`
    : undefined;
  return { taskArn, ...(log ? { log } : {}), client: ecsClient };
}

/** Runs the task; resolves once its container exited 0, else throws an Error that says why. */
export async function runEcsTask(run: EcsTaskRun, client?: ECSClient): Promise<EcsTaskOutcome> {
  const ecs = require("@aws-sdk/client-ecs") as typeof import("@aws-sdk/client-ecs");
  const pollIntervalMs = run.pollIntervalMs ?? 6000;
  const timeoutMs = run.timeoutMs ?? 600_000;
  const { taskArn, log, client: ecsClient } = await startEcsTask(run, client);
  const where = log ? ` (log: ${log})` : "";

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, Math.min(pollIntervalMs, deadline - Date.now()))),
    );
    const described = await ecsClient.send(
      new ecs.DescribeTasksCommand({ cluster: run.clusterArn, tasks: [taskArn] }),
    );
    const task = described.tasks?.find((t) => t.taskArn === taskArn);
    if (!task) {
      const missing = described.failures?.map((f) => f.reason).join("; ") ?? "not found";
      throw new Error(`ECS task ${taskArn} could not be described: ${missing}${where}`);
    }
    if (task.lastStatus === "STOPPED") {
      const container = task.containers?.find((c) => c.name === run.containerName);
      const exitCode = container?.exitCode;
      if (exitCode === 0) return { taskArn, exitCode, ...(log ? { log } : {}) };
      const parts = [
        `ECS task ${taskArn} (${run.command.join(" ")}) failed:`,
        `container ${run.containerName} ${exitCode === undefined ? "has no exit code" : `exited ${exitCode}`}`,
        container?.reason ? `(${container.reason})` : "",
        `; task stopped: ${task.stoppedReason ?? "no reason given"}${task.stopCode ? ` [${task.stopCode}]` : ""}`,
        log ? `; log: ${log}` : "",
      ];
      throw new Error(parts.filter(Boolean).join(" ").replace(/ ;/g, ";"));
    }
    if (Date.now() >= deadline)
      throw new Error(
        `ECS task ${taskArn} (${run.command.join(" ")}) did not stop within ${Math.round(timeoutMs / 1000)} s; it is ${task.lastStatus ?? "in an unknown state"} and still running${where}`,
      );
  }
}

/**
 * RunTask tags that say which Pulumi resource a task works for (ECS keeps them on the task, so
 * `aws ecs list-tasks --started-by` plus DescribeTasks shows what a task was for; the engine
 * suite's fake ECS journals the task as that resource's operation).
 */
export const TASK_TAGS = {
  /** The resource's URN, each `$` written as a space (see urnToTag). */
  urn: "multistage:urn",
  /** The resource's own id (its database name), independent of where the URN puts it. */
  resource: "multistage:resource",
  /** create, update or delete: which operation of the resource the task carries out. */
  operation: "multistage:operation",
} as const;

/**
 * A URN as a tag value: tag values allow letters, digits, spaces and `+ - = . _ : / @` (AWS
 * General Reference, "Tagging your AWS resources", tag naming limits), and a URN's `$`
 * (parent type separator, sdk/go/common/resource/urn.go) is none of them; type tokens hold no
 * spaces, so the space stands for it unambiguously.
 */
export function urnToTag(urn: string): string {
  return urn.replace(/\$/g, " ");
}

export function urnFromTag(tag: string): string {
  return tag.replace(/ /g, "$");
}
