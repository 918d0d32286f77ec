/**
 * CloudWatch: a log group costs what is written into it (ingest, assumed per stage) and what it
 * keeps (its retention's worth of that); an alarm costs each metric it watches.
 */
import { z } from "zod";
import { HOURS_PER_MONTH, TASK_LOG_GB } from "../assumptions";
import type { LineSpec, Pricer } from "../model";
import { plural, qty, readInputs } from "./common";

const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;

const logGroupInputs = z
  .object({ name: z.string(), retentionInDays: z.number().int().positive().optional() })
  .passthrough();

export const priceLogGroup: Pricer = (group, index) => {
  const read = readInputs(group, logGroupInputs);
  if ("problem" in read) return { lines: [], notPriced: [read.problem] };
  const { name, retentionInDays } = read.inputs;
  // The app's group (`/<project>/<stage>/app`) grows with traffic; the others hold a nightly task's lines.
  const isApp = name.endsWith("/app");
  if (isApp && !index.usage)
    return {
      lines: [],
      notPriced: [`ingest: no usage assumption for stage kind ${index.stageKind ?? "(unknown)"}`],
    };
  const gb = isApp && index.usage ? index.usage.appLogGb : TASK_LOG_GB;
  const lines: LineSpec[] = [
    {
      category: "monitoring",
      what: `${isApp ? "app logs" : "task logs"}: ${qty(gb)} GB ingested`,
      charges: [{ price: "logs.ingest-gb", quantity: gb }],
      assumed: true,
    },
  ];
  if (retentionInDays === undefined)
    return {
      lines,
      notPriced: ["storage: the group never expires its logs, so what it keeps grows every month"],
    };
  // At steady state the group holds its retention's worth of what is written.
  const stored = (gb * retentionInDays) / DAYS_PER_MONTH;
  lines.push({
    category: "monitoring",
    what: `kept ${retentionInDays} days ≈ ${qty(stored)} GB`,
    charges: [{ price: "logs.storage-gb-month", quantity: stored }],
    assumed: true,
  });
  return { lines };
};

const alarmInputs = z
  .object({
    metricName: z.string().optional(),
    metricQueries: z.array(z.object({ metric: z.unknown().optional() }).passthrough()).optional(),
  })
  .passthrough();

export const priceAlarm: Pricer = (alarm) => {
  const read = readInputs(alarm, alarmInputs);
  if ("problem" in read) return { lines: [], notPriced: [read.problem] };
  // A metric-math alarm is billed per metric it reads, not per expression.
  const metrics = read.inputs.metricQueries
    ? read.inputs.metricQueries.filter((q) => q.metric !== undefined).length
    : read.inputs.metricName
      ? 1
      : 0;
  return {
    lines: [
      {
        category: "monitoring",
        what: `alarm: ${plural(metrics, "metric")} watched`,
        charges: [{ price: "alarms.metric-month", quantity: metrics }],
      },
    ],
  };
};
