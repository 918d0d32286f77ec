/**
 * ECS: a service's running tasks (desired count × task size × every hour of the month), and
 * the cluster's Container Insights, which bills the metrics and log events it publishes.
 */
import { z } from "zod";
import type { RenderedResource } from "../../render/harness";
import {
  CONTAINER_INSIGHTS_LOG_GB_PER_TASK,
  CONTAINER_INSIGHTS_METRICS,
  HOURS_PER_MONTH,
} from "../assumptions";
import type { Pricer, RenderIndex } from "../model";
import { lastSegment, plural, qty, readInputs } from "./common";
import { fargateLine, taskSize } from "./fargate";

const serviceInputs = z
  .object({
    cluster: z.string().optional(),
    // pulumi-aws leaves desiredCount at 0 when it is not set.
    desiredCount: z.number().int().nonnegative().default(0),
    launchType: z.string().optional(),
    taskDefinition: z.string(),
  })
  .passthrough();

export const priceService: Pricer = (service, index) => {
  const read = readInputs(service, serviceInputs);
  if ("problem" in read) return { lines: [], notPriced: [read.problem] };
  const { launchType, taskDefinition, desiredCount } = read.inputs;
  // Capacity providers (Fargate Spot, EC2) bill differently; only the Fargate launch type is in the table.
  if (launchType !== "FARGATE")
    return {
      lines: [],
      notPriced: [
        `launch type ${launchType ?? "(capacity providers)"}: only the FARGATE launch type is priced`,
      ],
    };
  const definition = index.taskDefinition(taskDefinition);
  if (!definition)
    return { lines: [], notPriced: [`its task definition ${taskDefinition} is not in the render`] };
  const size = taskSize(definition);
  if ("problem" in size) return { lines: [], notPriced: [size.problem] };
  return { lines: [fargateLine("app", "running tasks", size, desiredCount, HOURS_PER_MONTH)] };
};

const clusterInputs = z
  .object({
    name: z.string(),
    settings: z.array(z.object({ name: z.string(), value: z.string() }).passthrough()).default([]),
  })
  .passthrough();

export const priceCluster: Pricer = (cluster, index) => {
  const read = readInputs(cluster, clusterInputs);
  if ("problem" in read) return { lines: [], notPriced: [read.problem] };
  const insights =
    read.inputs.settings.find((s) => s.name === "containerInsights")?.value ?? "disabled";
  if (insights === "disabled")
    return {
      lines: [],
      free: "no charge for a cluster without Container Insights; its tasks are priced where they are started",
    };
  if (insights !== "enabled")
    return {
      lines: [],
      notPriced: [
        `Container Insights "${insights}" (enhanced observability publishes per-task metrics) is not estimated`,
      ],
    };

  const services = servicesIn(read.inputs.name, index);
  const families = new Set(
    services.map((s) => lastSegment(String(s.inputs.taskDefinition ?? "")).split(":")[0]),
  );
  const tasks = services.reduce(
    (sum, s) => sum + (typeof s.inputs.desiredCount === "number" ? s.inputs.desiredCount : 0),
    0,
  );
  const metrics =
    CONTAINER_INSIGHTS_METRICS.cluster +
    services.length * CONTAINER_INSIGHTS_METRICS.service +
    families.size * CONTAINER_INSIGHTS_METRICS.taskFamily;
  return {
    lines: [
      {
        category: "monitoring",
        what: `Container Insights: ${metrics} metrics (1 cluster, ${plural(services.length, "service")}, ${plural(families.size, "task family", "task families")})`,
        charges: [{ price: "metrics.custom-metric-month", quantity: metrics }],
        assumed: true,
      },
      {
        category: "monitoring",
        what: `Container Insights performance events: ${plural(tasks, "task")} × ${qty(CONTAINER_INSIGHTS_LOG_GB_PER_TASK)} GB ingested`,
        charges: [
          { price: "logs.ingest-gb", quantity: tasks * CONTAINER_INSIGHTS_LOG_GB_PER_TASK },
        ],
        assumed: true,
      },
    ],
  };
};

/** The render's services that run in the cluster of this name. */
function servicesIn(clusterName: string, index: RenderIndex): RenderedResource[] {
  return index.resources.filter(
    (r) =>
      r.type === "aws:ecs/service:Service" &&
      typeof r.inputs.cluster === "string" &&
      lastSegment(r.inputs.cluster) === clusterName,
  );
}
