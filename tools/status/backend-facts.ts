/**
 * What the backend says about one long-lived stack, read so that nothing throws: a stack that
 * does not exist yet, or that this identity may not read (the promote workflow's jobs hold one
 * stage's role), becomes reasons, field by field.
 */
import { errorSummary } from "../engine/error-summary";
import type { StackOutput, StackUpdate, StageWorkspace } from "../engine/workspace";
import { Field, known, unknown } from "./fields";

export interface StackFacts {
  stack: string;
  exists: Field<boolean>;
  outputs: Field<Record<string, StackOutput>>;
  /** Newest first. */
  history: Field<StackUpdate[]>;
}

/** Why nothing of a stack that is not in the backend can be known. */
export const notDeployedReason = (stack: string) =>
  `${stack} is not in the backend yet (pulumi stack init ${stack}, then pulumi up -s ${stack})`;

async function attempt<T>(what: string, read: () => Promise<T>): Promise<Field<T>> {
  try {
    return known(await read());
  } catch (error) {
    return unknown(`cannot read ${what}: ${errorSummary(error)}`);
  }
}

/** `listed` is the backend's stack list (or why it could not be listed). */
export async function readStackFacts(
  workspace: StageWorkspace,
  stack: string,
  listed: Field<Set<string>>,
  historyLimit: number,
): Promise<StackFacts> {
  if ("unknown" in listed) return { stack, exists: listed, outputs: listed, history: listed };
  if (!listed.value.has(stack)) {
    const missing = unknown<never>(notDeployedReason(stack));
    return { stack, exists: known(false), outputs: missing, history: missing };
  }
  return {
    stack,
    exists: known(true),
    outputs: await attempt(`${stack}'s outputs`, () => workspace.outputs(stack)),
    history: await attempt(`${stack}'s update history`, () =>
      workspace.history(stack, historyLimit),
    ),
  };
}
