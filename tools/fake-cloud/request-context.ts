/**
 * What the SDK's provider server reads from a request but does not pass to the Provider
 * interface, kept here by serve.ts for the duration of the call: a resource's old inputs
 * (DiffRequest/UpdateRequest.old_inputs; the interface only gets its old outputs).
 */
import type { Props } from "./values";

const oldInputsByUrn = new Map<string, Props>();

export function rememberOldInputs(urn: string, oldInputs: Props | undefined): void {
  if (oldInputs && Object.keys(oldInputs).length > 0) oldInputsByUrn.set(urn, oldInputs);
}

export function oldInputsOf(urn: string): Props | undefined {
  return oldInputsByUrn.get(urn);
}
