/**
 * The fake cloud's clock: how long a call takes AWS (typical-times.ts), scaled down by the
 * world's `timing.secondsPerMinute`, and slept for by the provider before it answers. Without
 * that setting nothing sleeps, so the engine suite stays as fast as before.
 */
import { z } from "zod";
import type { JournalOp } from "./journal";
import {
  API_CALL_MINUTES,
  instantReason,
  TYPICAL_TIMES,
  type RelatedInputs,
} from "./typical-times";
import type { Props } from "./values";
import type { World } from "./world";

/** The world's timing setting, read with its own schema (world.json is written by hand and by tests). */
export const TimingSchema = z
  .object({
    /** Real seconds the fake cloud sleeps for each minute AWS would take, e.g. 1; 0 sleeps not at all. */
    secondsPerMinute: z.number().min(0).max(60),
  })
  .strict();

export type Timing = z.infer<typeof TimingSchema>;

/** The world's timing, or none; a malformed setting is an error, not a silent "no delay". */
export function timingOf(world: World): Timing | undefined {
  if (world.timing === undefined) return undefined;
  const parsed = TimingSchema.safeParse(world.timing);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `world.json timing.${issue.path.join(".")}: ${issue.message} (got ${JSON.stringify(world.timing)}); expected { "secondsPerMinute": 0..60 }`,
    );
  }
  return parsed.data;
}

/**
 * Minutes AWS typically takes for this call; 0 for instant types. `related`: the inputs of the
 * resources the call's time depends on (an ECS service's target group), where the caller knows them.
 */
export function awsMinutes(
  type: string,
  op: JournalOp,
  inputs: Props,
  related: RelatedInputs = {},
): number {
  const entry = TYPICAL_TIMES[type];
  if (!entry) {
    if (instantReason(type) !== undefined) return 0;
    throw new Error(
      `The fake cloud has no typical time for ${type}; add it to tools/fake-cloud/typical-times.ts with its source, or declare it instant`,
    );
  }
  if (op === "delete") return entry.deleteWith?.(related) ?? entry.delete;
  if (op === "update") return entry.update ?? API_CALL_MINUTES;
  // A replacement is a create of a new resource.
  return entry.variants?.find((v) => v.when(inputs))?.create ?? entry.create;
}

/** How long the fake cloud sleeps for the call, in milliseconds. */
export function sleepMs(
  type: string,
  op: JournalOp,
  inputs: Props,
  world: World,
  related: RelatedInputs = {},
): number {
  const timing = timingOf(world);
  if (!timing || timing.secondsPerMinute === 0) return 0;
  return Math.round(awsMinutes(type, op, inputs, related) * timing.secondsPerMinute * 1000);
}

/**
 * Takes AWS's time for a call: returns when it started (ISO), after sleeping. The start is
 * taken here, after the provider's own checks, so the span journaled is AWS's time alone.
 */
export async function takeAwsTime(
  type: string,
  op: JournalOp,
  inputs: Props,
  world: World,
  related: RelatedInputs = {},
): Promise<string> {
  const started = new Date().toISOString();
  const ms = sleepMs(type, op, inputs, world, related);
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  return started;
}
