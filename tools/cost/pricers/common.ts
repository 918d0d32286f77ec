/**
 * Small helpers every pricer uses: reading a resource's inputs through a zod schema (a render
 * whose shape changed is "not priced" with the reason, never a crash or a zero) and writing
 * quantities the way the table shows them.
 */
import { z } from "zod";
import type { RenderedResource } from "../../render/harness";

/** The resource's inputs as the schema reads them, or the problems as one sentence. */
export function readInputs<T extends z.ZodTypeAny>(
  resource: RenderedResource,
  schema: T,
): { inputs: z.output<T> } | { problem: string } {
  const parsed = schema.safeParse(resource.inputs);
  if (parsed.success) return { inputs: parsed.data as z.output<T> };
  return {
    problem: `its inputs are not as expected (${parsed.error.issues.map((i) => `${i.path.join(".") || "inputs"}: ${i.message}`).join("; ")})`,
  };
}

/** A quantity for the table: at most two decimals, no trailing zeros. */
export function qty(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** `1 task`, `2 tasks`; `1 task family`, `2 task families` with the plural given. */
export function plural(count: number, word: string, words = `${word}s`): string {
  return `${qty(count)} ${count === 1 ? word : words}`;
}

/** The last part of an ARN or path: `.../task-definition/app:3` -> `app:3`. */
export function lastSegment(arn: string): string {
  return arn.split(/[/:]/).pop() ?? arn;
}
