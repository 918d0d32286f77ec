/**
 * What runs at night: a schedule that starts an ECS task (the lower stages' bucket copy), and a
 * state machine a schedule starts (production's refinery). Each is priced per run, times the
 * runs a month its schedule expression makes: the Fargate tasks it runs, the database instance
 * it restores for about an hour, the snapshots it keeps, and its state transitions.
 */
import { z } from "zod";
import {
  DATABASE_FILL,
  RESTORED_INSTANCE_HOURS,
  TASK_RUN_HOURS,
  TRANSITIONS_PER_RUN,
} from "../assumptions";
import type { LineSpec, Pricer, Pricing, RenderIndex } from "../model";
import { runsPerMonth } from "../schedule-runs";
import { qty, readInputs } from "./common";
import { instanceLine, storageLine } from "./database";
import { fargateLine, taskSize } from "./fargate";

const scheduleInputs = z
  .object({
    scheduleExpression: z.string(),
    state: z.string().default("ENABLED"),
    target: z
      .object({
        arn: z.string(),
        ecsParameters: z
          .object({
            taskDefinitionArn: z.string(),
            taskCount: z.number().int().positive().default(1),
          })
          .passthrough()
          .optional(),
      })
      .passthrough(),
  })
  .passthrough();

export const priceSchedule: Pricer = (schedule, index) => {
  const read = readInputs(schedule, scheduleInputs);
  if ("problem" in read) return { lines: [], notPriced: [read.problem] };
  const { scheduleExpression, state, target } = read.inputs;
  if (state === "DISABLED") return { lines: [], free: "a disabled schedule starts nothing" };
  if (!target.ecsParameters) {
    if (target.arn.includes(":stateMachine:"))
      return {
        lines: [],
        free: "starts a state machine, whose runs are priced on it; Scheduler's first 14 million invocations a month are free",
      };
    return {
      lines: [],
      notPriced: [`target ${target.arn}: only ECS tasks and state machines are priced`],
    };
  }
  const runs = runsPerMonth(scheduleExpression);
  if (runs === undefined)
    return {
      lines: [],
      notPriced: [
        `runs a month of ${scheduleExpression} are not counted (tools/cost/schedule-runs.ts)`,
      ],
    };
  const definition = index.taskDefinition(target.ecsParameters.taskDefinitionArn);
  if (!definition)
    return {
      lines: [],
      notPriced: [
        `its task definition ${target.ecsParameters.taskDefinitionArn} is not in the render`,
      ],
    };
  const size = taskSize(definition);
  if ("problem" in size) return { lines: [], notPriced: [size.problem] };
  return {
    lines: [
      fargateLine(
        "nightly jobs",
        `scheduled task (${scheduleExpression})`,
        size,
        runs * target.ecsParameters.taskCount,
        TASK_RUN_HOURS,
        { unit: "run", assumed: true },
      ),
    ],
  };
};

const machineInputs = z
  .object({
    name: z.string(),
    type: z.string().default("STANDARD"),
    definition: z.object({ States: z.record(z.unknown()) }).passthrough(),
  })
  .passthrough();

/** A Task state as far as pricing reads it. */
const taskState = z
  .object({
    Type: z.literal("Task"),
    Resource: z.string(),
    // JSONata definitions pass Arguments, JSONPath ones Parameters.
    Arguments: z.record(z.unknown()).optional(),
    Parameters: z.record(z.unknown()).optional(),
  })
  .passthrough();

export const priceStateMachine: Pricer = (machine, index) => {
  const read = readInputs(machine, machineInputs);
  if ("problem" in read) return { lines: [], notPriced: [read.problem] };
  const { name, type, definition } = read.inputs;
  if (type !== "STANDARD")
    return {
      lines: [],
      notPriced: [
        `a ${type} workflow: only Standard workflows (per transition) are in the price table`,
      ],
    };
  const schedules = index.schedulesStarting(name);
  if (schedules.length === 0)
    return {
      lines: [],
      free: "no schedule in the stack starts it; each run would cost its tasks and transitions",
    };
  let runs = 0;
  for (const schedule of schedules) {
    const expression = String(schedule.inputs.scheduleExpression);
    const count = runsPerMonth(expression);
    if (count === undefined)
      return {
        lines: [],
        notPriced: [`runs a month of ${expression} are not counted (tools/cost/schedule-runs.ts)`],
      };
    runs += count;
  }
  const pricing: Pricing = {
    lines: [
      {
        category: "nightly jobs",
        what: `state transitions: ${qty(runs)} runs × ${TRANSITIONS_PER_RUN}`,
        charges: [{ price: "sfn.standard.transition", quantity: runs * TRANSITIONS_PER_RUN }],
        assumed: true,
      },
    ],
    notPriced: [],
  };
  for (const [stateName, value] of tasksOf(definition.States)) {
    const state = taskState.safeParse(value);
    if (!state.success) continue;
    const args = state.data.Arguments ?? state.data.Parameters ?? {};
    const add = (part: Pricing) => {
      pricing.lines.push(...part.lines);
      pricing.notPriced?.push(...(part.notPriced ?? []));
    };
    if (state.data.Resource.startsWith("arn:aws:states:::ecs:runTask"))
      add(runTaskLines(stateName, args, runs, index));
    else if (/:rds:restoreDBInstance(FromDBSnapshot|ToPointInTime)$/.test(state.data.Resource))
      add(restoreLines(stateName, args, runs, index));
    else if (state.data.Resource.endsWith(":rds:createDBSnapshot"))
      add(snapshotLines(stateName, definition, index));
  }
  return pricing;
};

/** Every state of a definition, nested ones (Map, Parallel) included, by name. */
function tasksOf(states: Record<string, unknown>): Array<[string, unknown]> {
  const found: Array<[string, unknown]> = [];
  for (const [name, state] of Object.entries(states)) {
    found.push([name, state]);
    const nested = state as {
      ItemProcessor?: { States?: Record<string, unknown> };
      Iterator?: { States?: Record<string, unknown> };
      Branches?: Array<{ States?: Record<string, unknown> }>;
    };
    for (const inner of [nested.ItemProcessor, nested.Iterator, ...(nested.Branches ?? [])])
      if (inner?.States) found.push(...tasksOf(inner.States));
  }
  return found;
}

function runTaskLines(
  stateName: string,
  args: Record<string, unknown>,
  runs: number,
  index: RenderIndex,
): Pricing {
  const arn = args.TaskDefinition;
  const definition = typeof arn === "string" ? index.taskDefinition(arn) : undefined;
  if (!definition)
    return {
      lines: [],
      notPriced: [`state ${stateName}: its task definition ${String(arn)} is not in the render`],
    };
  const size = taskSize(definition);
  if ("problem" in size) return { lines: [], notPriced: [`state ${stateName}: ${size.problem}`] };
  return {
    lines: [
      fargateLine("nightly jobs", `task (state ${stateName})`, size, runs, TASK_RUN_HOURS, {
        unit: "run",
        assumed: true,
      }),
    ],
  };
}

/** A restore creates an instance that lives about an hour a run, on a volume the size of the stack's database. */
function restoreLines(
  stateName: string,
  args: Record<string, unknown>,
  runs: number,
  index: RenderIndex,
): Pricing {
  const instanceClass = args.DbInstanceClass ?? args.DBInstanceClass;
  if (typeof instanceClass !== "string" || instanceClass.includes("{%"))
    return {
      lines: [],
      notPriced: [`state ${stateName}: the restored instance's class is not a fixed value`],
    };
  const multiAz = args.MultiAZ === true;
  const hours = runs * RESTORED_INSTANCE_HOURS;
  const lines: LineSpec[] = [
    {
      ...instanceLine(`restored instance (state ${stateName})`, instanceClass, multiAz, hours),
      category: "nightly jobs",
      assumed: true,
    },
  ];
  const volume = sourceVolume(index);
  if (!volume)
    return {
      lines,
      notPriced: [
        `state ${stateName}: the restored volume's size (the stack's one database) is not in the render`,
      ],
    };
  lines.push({
    ...storageLine("restored volume", volume.gb, volume.storageType, multiAz, hours),
    category: "nightly jobs",
    assumed: true,
  });
  return { lines };
}

/**
 * The snapshots a run makes and the refinery keeps. Each is a full copy: the sanitize rewrites
 * every table and the WAL, so little is shared with the one before. How many are kept lives
 * only in the pruning expression of the definition (`$i >= <kept>`, refinery-definition.ts).
 */
function snapshotLines(stateName: string, definition: unknown, index: RenderIndex): Pricing {
  const kept = /\$i >= (\d+)/.exec(JSON.stringify(definition));
  const volume = sourceVolume(index);
  if (!kept || !volume)
    return {
      lines: [],
      notPriced: [
        `state ${stateName}: ${kept ? "the snapshot's size (the stack's one database)" : "how many snapshots are kept"} is not in the render`,
      ],
    };
  const count = Number(kept[1]);
  const gb = count * volume.gb * DATABASE_FILL;
  return {
    lines: [
      {
        category: "nightly jobs",
        what: `snapshots kept (state ${stateName}): ${count} × ${qty(volume.gb)} GB full copies`,
        charges: [{ price: "rds.backup.gb-month", quantity: gb }],
        assumed: true,
      },
    ],
  };
}

/** Size and type of the stack's own database, which a restore in the stack copies. */
function sourceVolume(index: RenderIndex): { gb: number; storageType: string } | undefined {
  const databases = index.databases();
  if (databases.length !== 1) return undefined;
  const { allocatedStorage, storageType } = databases[0].inputs;
  if (typeof allocatedStorage !== "number") return undefined;
  return {
    gb: allocatedStorage,
    storageType: typeof storageType === "string" ? storageType : "gp2",
  };
}
