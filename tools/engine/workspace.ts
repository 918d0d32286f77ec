/**
 * What stagectl needs from the Pulumi engine, as a small interface. The real implementation
 * (pulumi-workspace.ts) drives the Automation API's LocalWorkspace on this project; tests use
 * an in-memory one that keeps each piece of state where a real backend keeps it.
 *
 * Where a stack's state lives (pulumi/pulumi v3.248.0):
 * - **In the backend, shared by every checkout:** the stack's existence and name, its
 *   checkpoint (resources, their inputs and outputs, the stack outputs, the secrets provider's
 *   state: pkg/backend/diy/state.go), its update history, its lock, and its tags (DIY
 *   backends since v3.211: a `<stack>.pulumi-tags` file beside the checkpoint,
 *   pkg/backend/diy/stack_tags.go:38; Pulumi Cloud keeps them server-side).
 * - **In the checkout, nowhere else:** the stack's config, `Pulumi.<stack>.yaml` beside
 *   Pulumi.yaml (sdk/go/common/workspace/paths.go:109 DetectProjectStackPath, loaders.go:151
 *   LoadProjectStack). `pulumi config set` and the Automation API's setAllConfig write that
 *   file; no backend stores it (Pulumi Cloud only through an ESC environment the file names).
 *   `pulumi stack rm` deletes it (pkg/cmd/pulumi/stack/stack_remove.go:106).
 * - The passphrase salt lives in the config file too; without one, the CLI reuses the
 *   secrets manager recorded in the checkpoint only when PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER
 *   is true (pkg/cmd/pulumi/stack/secrets.go:257), which PulumiWorkspace sets.
 *
 * So a feature stack, which has no committed config file, is known in a fresh checkout only by
 * its name, its tags and its outputs; stagectl rebuilds its config from those on every run.
 */

export interface ConfigEntry {
  value: string;
  secret?: boolean;
}

export interface StackInfo {
  /** The name stagectl addresses the stack by (`feature-login`). */
  name: string;
  /**
   * Set when the backend listed the stack under another organization or project
   * (`other-org/feature-login`): a different stack that merely shares the short name.
   */
  foreignName?: string;
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

/** A stack's checkpoint as the backend holds it now, to tell whether anything changed it since. */
export interface StackState {
  /**
   * sha256 of the checkpoint as the backend exports it (`pulumi stack export`). Every update,
   * refresh, destroy, import or state edit writes the checkpoint and so changes it; a preview
   * does not. (History versions would miss imports and state edits, and DIY backends record
   * no version at all: pkg/backend/diy/backend.go builds UpdateInfo without one.)
   */
  fingerprint: string;
  /** The newest history entry (`update at 2026-03-01T12:00:00.000Z`), for messages only. */
  lastUpdate?: string;
}

/**
 * One entry of a stack's update history as the backend keeps it (`pulumi stack history --json`,
 * pkg/cmd/pulumi/stack/stack_history.go updateInfoJSON), with no secret value in it.
 */
export interface StackUpdate {
  /** `update`, `refresh`, `destroy`, `import`, ... */
  kind: string;
  /** `succeeded`, `failed` or `in-progress`. */
  result: string;
  /** ISO times, to the second (the backend records Unix seconds). */
  startTime: string;
  endTime?: string;
  /**
   * The stack's version after the update: Pulumi Cloud's update number. DIY backends record
   * none (pkg/backend/diy/backend.go builds UpdateInfo without a Version), so it is absent there.
   */
  version?: number;
  message?: string;
  /**
   * What the CLI recorded about where the update ran (pkg/backend/updates.go): `git.head` (the
   * checkout's commit), `git.headName`, `ci.system`, `ci.build.url`, `exec.kind`, ...
   */
  environment: Record<string, string>;
  /** The config the update ran with: plain values only; secret keys are left out. */
  config: Record<string, string>;
}

export interface StageWorkspace {
  /** Stacks of this project in the backend. */
  listStacks(): Promise<StackInfo[]>;
  stackExists(stack: string): Promise<boolean>;
  /** Creates the stack, or selects it if it exists. */
  createOrSelectStack(stack: string): Promise<void>;
  /** The stack's config as this checkout's `Pulumi.<stack>.yaml` holds it (empty without one). */
  getAllConfig(stack: string): Promise<Record<string, ConfigEntry>>;
  /** Writes config into this checkout's `Pulumi.<stack>.yaml`; the backend never sees it. */
  setAllConfig(stack: string, config: Record<string, ConfigEntry>): Promise<void>;
  /** Removes one key from this checkout's `Pulumi.<stack>.yaml`. */
  removeConfig(stack: string, key: string): Promise<void>;
  /** The stack's tags, from the backend. */
  getTags(stack: string): Promise<Record<string, string>>;
  setTags(stack: string, tags: Record<string, string>): Promise<void>;
  /** The stack's outputs from its last update, from the backend. */
  outputs(stack: string): Promise<Record<string, StackOutput>>;
  /** The stack's newest `limit` history entries, newest first, from the backend. */
  history(stack: string, limit: number): Promise<StackUpdate[]>;
  /** The stack's checkpoint fingerprint, from the backend. */
  stackState(stack: string): Promise<StackState>;
  preview(stack: string, options: PreviewOptions): Promise<UpdateResult>;
  up(stack: string, options: UpOptions): Promise<UpdateResult>;
  destroy(stack: string, options: EngineRunOptions): Promise<void>;
  /** Removes the stack from the backend and its config file from this checkout. */
  removeStack(stack: string): Promise<void>;
}

/** Another update holds the stack's lock (the Automation API's ConcurrentUpdateError). */
export class StackBusyError extends Error {
  constructor(
    readonly stackName: string,
    detail?: string,
  ) {
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
