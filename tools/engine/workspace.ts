/**
 * What stagectl needs from the Pulumi engine, as a small interface. The real implementation
 * (pulumi-workspace.ts) drives the Automation API's LocalWorkspace on this project; tests use
 * an in-memory one. Stack names are plain (`feature-login`), config keys full (`multistage:stage`).
 */

export interface ConfigEntry {
  value: string;
  secret?: boolean;
}

export interface StackInfo {
  name: string;
  lastUpdate?: string;
  updateInProgress?: boolean;
  resourceCount?: number;
  url?: string;
}

export interface StackOutput {
  value: unknown;
  secret: boolean;
}

export interface EngineRunOptions {
  /** Receives the engine's progress text as it streams. */
  onOutput?: (text: string) => void;
}

/** One engine event from a preview or update, as the Automation API streams it. */
export type { EngineEvent } from "@pulumi/pulumi/automation";
import type { EngineEvent } from "@pulumi/pulumi/automation";

export interface PreviewOptions extends EngineRunOptions {
  /**
   * Config to preview with, on top of the stack's own, without writing it to the stack's
   * file or the backend (promotion previews a new image this way).
   */
  configOverride?: Record<string, ConfigEntry>;
  /** Write the update plan here (`pulumi preview --save-plan`). */
  savePlanTo?: string;
  onEvent?: (event: EngineEvent) => void;
}

export interface UpOptions extends EngineRunOptions {
  /** Constrain the update to a saved plan (`pulumi up --plan`). */
  plan?: string;
}

export interface UpdateResult {
  outputs: Record<string, StackOutput>;
  /** Counts of resource operations, e.g. `{ create: 40, same: 2 }`. */
  resourceChanges: Record<string, number>;
}

export interface StageWorkspace {
  listStacks(): Promise<StackInfo[]>;
  stackExists(stack: string): Promise<boolean>;
  /** Creates the stack, or selects it if it exists. */
  createOrSelectStack(stack: string): Promise<void>;
  getAllConfig(stack: string): Promise<Record<string, ConfigEntry>>;
  setAllConfig(stack: string, config: Record<string, ConfigEntry>): Promise<void>;
  getTags(stack: string): Promise<Record<string, string>>;
  setTags(stack: string, tags: Record<string, string>): Promise<void>;
  outputs(stack: string): Promise<Record<string, StackOutput>>;
  preview(stack: string, options: PreviewOptions): Promise<UpdateResult>;
  up(stack: string, options: UpOptions): Promise<UpdateResult>;
  destroy(stack: string, options: EngineRunOptions): Promise<void>;
  removeStack(stack: string): Promise<void>;
}

/** Another update holds the stack's lock (the Automation API's ConcurrentUpdateError). */
export class StackBusyError extends Error {
  constructor(readonly stackName: string, detail?: string) {
    super(`Stack ${stackName} is being updated by someone else${detail ? ` (${detail})` : ""}`);
    this.name = "StackBusyError";
  }
}

/** The stack does not exist in the backend. */
export class StackMissingError extends Error {
  constructor(readonly stackName: string) {
    super(`Stack ${stackName} does not exist`);
    this.name = "StackMissingError";
  }
}
