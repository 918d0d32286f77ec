/**
 * An in-memory StageWorkspace for testing stagectl's logic around the engine. It keeps each
 * piece of state where a real backend keeps it (see tools/engine/workspace.ts for the
 * references): stacks, tags, outputs and locks in a MemoryBackend that every checkout shares;
 * config only in the checkout that wrote it. `freshCheckout()` is the next CI job: same
 * backend, only the committed stack files. Its `up` runs the stage model on the checkout's
 * config, as the real program does, so an empty config fails here as it fails there.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import {
  PROJECT_ROOT,
  loadStackConfig,
  projectDefaults,
  readProjectFile,
  stackFilePath,
} from "../../stage/stack-files";
import { resolveStageFromConfig } from "../../stage/resolve";
import {
  ConfigEntry,
  EngineEvent,
  EngineRunOptions,
  PreviewOptions,
  StackBusyError,
  StackInfo,
  StackMissingError,
  StackOutput,
  StackState,
  StackUpdate,
  StageWorkspace,
  UpdateResult,
  UpOptions,
} from "../../tools/engine/workspace";

/** What a backend keeps of one stack: never its config. */
export interface BackendStack {
  tags: Record<string, string>;
  outputs: Record<string, StackOutput>;
  lastUpdate?: string;
  /** Resources in the checkpoint, as `pulumi stack ls` counts them (0 for a new stack); unknown when unset. */
  resourceCount?: number;
  /** How often the checkpoint was written (update, destroy, import, state edit). */
  checkpointWrites?: number;
  /** The update history, oldest first, as the backend keeps it (no secret values). */
  history?: StackUpdate[];
}

/** The shared backend (a DIY bucket or Pulumi Cloud) and the failures tests inject into it. */
export class MemoryBackend {
  readonly stacks = new Map<string, BackendStack>();
  /** Every call any checkout made, in order. */
  readonly calls: string[] = [];
  /** Operations on these stacks throw StackBusyError this many more times. */
  readonly busy = new Map<string, number>();
  /** up throws for these stacks, after writing the checkpoint, as a failed update does. */
  readonly failingUps = new Set<string>();
  /** destroy throws for these stacks. */
  readonly failingDestroys = new Set<string>();
  /** Reading these stacks' tags or outputs fails (state that will not decrypt, a broken file). */
  readonly unreadable = new Set<string>();
  /** Stacks of another organization that the backend lists under the same short name. */
  readonly foreign: StackInfo[] = [];
  /** These stacks disappear right after they are listed (removed by someone else mid-run). */
  readonly vanishAfterListing = new Set<string>();
  /** The clock `up` stamps lastUpdate with. */
  now = () => new Date("2026-01-01T00:00:00Z");

  addStack(name: string, stack: Partial<BackendStack> = {}): this {
    this.stacks.set(name, { tags: {}, outputs: {}, ...stack });
    return this;
  }

  get(stack: string): BackendStack {
    const found = this.stacks.get(stack);
    if (!found) throw new StackMissingError(stack);
    return found;
  }

  lockCheck(stack: string): void {
    const remaining = this.busy.get(stack) ?? 0;
    if (remaining > 0) {
      this.busy.set(stack, remaining - 1);
      throw new StackBusyError(stack);
    }
  }

  readable(stack: string): BackendStack {
    const found = this.get(stack);
    if (this.unreadable.has(stack))
      throw commandError(
        `pulumi stack output --json --show-secrets --stack ${stack}`,
        `failed to load checkpoint of ${stack}: incorrect passphrase`,
      );
    return found;
  }

  /** Someone wrote the stack's checkpoint (`pulumi up`, `stack import`, `state delete`). */
  writeCheckpoint(stack: string): void {
    const target = this.get(stack);
    target.checkpointWrites = (target.checkpointWrites ?? 0) + 1;
    target.lastUpdate = this.now().toISOString();
  }

  /** Calls that change something (everything but reads). */
  mutations(): string[] {
    return this.calls.filter(
      (c) => !/^(listStacks|getTags|outputs|getAllConfig|stackState|history)/.test(c),
    );
  }
}

export class MemoryWorkspace implements StageWorkspace {
  /** Stack files this checkout wrote or changed (`setAllConfig`); gone in a fresh checkout. */
  readonly configFiles = new Map<string, Record<string, ConfigEntry>>();
  /** Engine events a preview streams, for promotion tests. */
  previewEvents: EngineEvent[] = [];
  /** What `up` exports, per stack and resolved kind. */
  upOutputs: (
    stack: string,
    kind: string,
    config: Record<string, string>,
  ) => Record<string, StackOutput> = (stack, kind, config) => ({
    url: { value: `http://multistage-${stack}.example.test`, secret: false },
    stage: { value: stack, secret: false },
    stageKind: { value: kind, secret: false },
    ...(config["multistage:image"]
      ? { image: { value: config["multistage:image"], secret: false } }
      : {}),
    // components/environment.ts exports the image's commit when the stack file names one.
    ...(config["multistage:imageCommit"]
      ? { commit: { value: config["multistage:imageCommit"], secret: false } }
      : {}),
  });

  /**
   * @param backend shared by every checkout
   * @param committed stack files committed to the repository, which every checkout has; a
   *   stack not in it falls back to this repository's own `Pulumi.<stack>.yaml`, if any
   */
  constructor(
    readonly backend = new MemoryBackend(),
    readonly committed = new Map<string, Record<string, ConfigEntry>>(),
  ) {}

  /** The next CI job: a new clone of the repository that shares only the backend. */
  freshCheckout(): MemoryWorkspace {
    return new MemoryWorkspace(this.backend, this.committed);
  }

  /** Adds a stack to the backend and, when `config` is given, its committed stack file. */
  addStack(
    name: string,
    stack: Partial<BackendStack> & { config?: Record<string, ConfigEntry> } = {},
  ): this {
    const { config, ...state } = stack;
    this.backend.addStack(name, state);
    if (config) this.committed.set(name, config);
    return this;
  }

  get stacks(): Map<string, BackendStack> {
    return this.backend.stacks;
  }

  get calls(): string[] {
    return this.backend.calls;
  }

  mutations(): string[] {
    return this.backend.mutations();
  }

  async listStacks(): Promise<StackInfo[]> {
    this.backend.calls.push("listStacks");
    const listed = [...this.backend.stacks.entries()].map(([name, s]) => ({
      name,
      lastUpdate: s.lastUpdate,
      ...(s.resourceCount !== undefined ? { resourceCount: s.resourceCount } : {}),
    }));
    for (const name of this.backend.vanishAfterListing) this.backend.stacks.delete(name);
    return [...listed, ...this.backend.foreign];
  }

  async stackExists(stack: string): Promise<boolean> {
    return this.backend.stacks.has(stack);
  }

  async createOrSelectStack(stack: string): Promise<void> {
    this.backend.calls.push(`createOrSelect ${stack}`);
    if (!this.backend.stacks.has(stack)) this.backend.addStack(stack, { resourceCount: 0 });
  }

  /** The checkout's `Pulumi.<stack>.yaml`: written here, or committed; with no file, no config at all. */
  private stackFile(stack: string): Record<string, ConfigEntry> {
    return {
      ...(this.configFiles.get(stack) ?? this.committed.get(stack) ?? repositoryStackFile(stack)),
    };
  }

  async getAllConfig(stack: string): Promise<Record<string, ConfigEntry>> {
    this.backend.calls.push(`getAllConfig ${stack}`);
    this.backend.get(stack);
    // `pulumi config` checks the file against Pulumi.yaml's declarations, as up and destroy do.
    return requireDeclaredConfig(stack, this.stackFile(stack));
  }

  async setAllConfig(stack: string, config: Record<string, ConfigEntry>): Promise<void> {
    this.backend.calls.push(`setAllConfig ${stack}`);
    this.backend.get(stack);
    // `pulumi config set-all` writes the file without checking it.
    this.configFiles.set(stack, { ...this.stackFile(stack), ...config });
  }

  async removeConfig(stack: string, key: string): Promise<void> {
    this.backend.calls.push(`removeConfig ${stack} ${key}`);
    const { [key]: _removed, ...rest } = this.stackFile(stack);
    this.configFiles.set(stack, rest);
  }

  async getTags(stack: string): Promise<Record<string, string>> {
    this.backend.calls.push(`getTags ${stack}`);
    return { ...this.backend.readable(stack).tags };
  }

  async setTags(stack: string, tags: Record<string, string>): Promise<void> {
    this.backend.calls.push(`setTags ${stack}`);
    Object.assign(this.backend.get(stack).tags, tags);
  }

  async outputs(stack: string): Promise<Record<string, StackOutput>> {
    this.backend.calls.push(`outputs ${stack}`);
    return { ...this.backend.readable(stack).outputs };
  }

  async history(stack: string, limit: number): Promise<StackUpdate[]> {
    this.backend.calls.push(`history ${stack}`);
    return [...(this.backend.readable(stack).history ?? [])].reverse().slice(0, limit);
  }

  async stackState(stack: string): Promise<StackState> {
    this.backend.calls.push(`stackState ${stack}`);
    // Tags live beside the checkpoint, not in it, so they do not count.
    const { outputs, lastUpdate, checkpointWrites } = this.backend.readable(stack);
    const fingerprint = createHash("sha256")
      .update(JSON.stringify({ outputs, lastUpdate, checkpointWrites }))
      .digest("hex");
    return { fingerprint, ...(lastUpdate ? { lastUpdate: `update at ${lastUpdate}` } : {}) };
  }

  async preview(stack: string, options: PreviewOptions): Promise<UpdateResult> {
    this.backend.calls.push(`preview ${stack}${options.savePlanTo ? " save-plan" : ""}`);
    this.backend.get(stack);
    this.backend.lockCheck(stack);
    for (const event of this.previewEvents) options.onEvent?.(event);
    // The engine writes the plan (`--save-plan`): the steps and the config it was made with.
    if (options.savePlanTo) {
      const config = { ...(await this.getAllConfig(stack)), ...options.configOverride };
      fs.writeFileSync(
        options.savePlanTo,
        `${JSON.stringify({ stack, config, resourcePlans: this.previewEvents.length }, null, 2)}\n`,
      );
    }
    return { outputs: {}, resourceChanges: { same: 50, update: 1 } };
  }

  async up(stack: string, options: UpOptions): Promise<UpdateResult> {
    this.backend.calls.push(`up ${stack}${options.plan ? ` plan=${options.plan}` : ""}`);
    const target = this.backend.get(stack);
    this.backend.lockCheck(stack);
    options.onOutput?.(`Updating (${stack})\n`);
    // The program reads Pulumi.yaml's defaults and this checkout's stack file, nothing else.
    const file = Object.fromEntries(
      Object.entries(await this.getAllConfig(stack)).map(([k, e]) => [k, e.value]),
    );
    const values = { ...projectDefaultValues(), ...file };
    const resolved = resolveStageFromConfig(stack, values);
    this.backend.writeCheckpoint(stack);
    const at = this.backend
      .now()
      .toISOString()
      .replace(/\.\d+Z$/, ".000Z");
    const plain = Object.fromEntries(
      Object.entries(await this.getAllConfig(stack))
        .filter(([, e]) => !e.secret)
        .map(([k, e]) => [k, e.value]),
    );
    const failed = this.backend.failingUps.has(stack);
    (target.history ??= []).push({
      kind: "update",
      result: failed ? "failed" : "succeeded",
      startTime: at,
      endTime: at,
      environment: {},
      config: plain,
    });
    if (failed)
      throw new Error(
        `update of ${stack} failed: ResourceInUseException: the service is being updated`,
      );
    target.outputs = this.upOutputs(stack, resolved.kind, values);
    target.resourceCount = 40;
    return { outputs: target.outputs, resourceChanges: { create: 40 } };
  }

  async destroy(stack: string, options: EngineRunOptions): Promise<void> {
    this.backend.calls.push(`destroy ${stack}`);
    this.backend.get(stack);
    // Destroy runs no program, but the CLI checks the stack's config first, as `up` does.
    requireDeclaredConfig(stack, this.stackFile(stack));
    this.backend.lockCheck(stack);
    if (this.backend.failingDestroys.has(stack))
      throw commandError(
        `pulumi destroy --yes --skip-preview --stack ${stack}`,
        `destroy of ${stack} failed: DependencyViolation`,
      );
    options.onOutput?.(`Destroying (${stack})\n`);
    this.backend.get(stack).outputs = {};
    this.backend.get(stack).resourceCount = 0;
    this.backend.writeCheckpoint(stack);
  }

  async removeStack(stack: string): Promise<void> {
    this.backend.calls.push(`removeStack ${stack}`);
    this.backend.get(stack);
    this.backend.stacks.delete(stack);
    // `pulumi stack rm` deletes the local config file too (stack_remove.go:106).
    this.configFiles.delete(stack);
  }
}

/**
 * A failed CLI command as the Automation API reports it (automation/errors.ts CommandError):
 * the message begins `code: -2`, then the command's output, in which the CLI's `error:` line
 * says what went wrong (engine scenario 2 saw exactly this from a failed destroy).
 */
function commandError(command: string, cliError: string): Error {
  const failed = `Command failed with exit code 1: ${command} --non-interactive\nerror: ${cliError}`;
  return new Error(`code: -2\n stdout: \n stderr: ${failed}\n err?: Error: ${failed}\n`);
}

/**
 * The CLI's check before `pulumi config`, `up` and `destroy` (pkg/cmd/pulumi: "validating
 * stack config"): every key Pulumi.yaml declares without a default must be in the stack file.
 */
function requireDeclaredConfig(
  stack: string,
  file: Record<string, ConfigEntry>,
): Record<string, ConfigEntry> {
  const project = readProjectFile(PROJECT_ROOT);
  const defaults = projectDefaults(project);
  for (const declared of Object.keys(project.config ?? {})) {
    const key = declared.includes(":") ? declared : `${project.name}:${declared}`;
    if (!(key in defaults) && !(key in file))
      throw new Error(
        `validating stack config: Stack '${stack}' is missing configuration value '${declared}'`,
      );
  }
  return file;
}

/** Pulumi.yaml's declared defaults, as the CLI hands them to the program (strings). */
function projectDefaultValues(): Record<string, string> {
  const defaults = projectDefaults(readProjectFile(PROJECT_ROOT));
  return Object.fromEntries(
    Object.entries(defaults).map(([key, value]) => [
      key,
      typeof value === "string" ? value : JSON.stringify(value),
    ]),
  );
}

/** This repository's own committed stack file for a stack, without the project defaults. */
export function repositoryStackFile(stack: string): Record<string, ConfigEntry> {
  if (!fs.existsSync(stackFilePath(stack))) return {};
  const defaults = projectDefaultValues();
  const values = loadStackConfig(stack, {}, PROJECT_ROOT).values;
  return Object.fromEntries(
    Object.entries(values)
      .filter(([key, value]) => defaults[key] !== value)
      .map(([key, value]) => [key, { value }]),
  );
}

/** A backend with development deployed (feature stacks borrow its network); the checkout has the committed Pulumi.development.yaml. */
export function withDevelopment(): MemoryWorkspace {
  return new MemoryWorkspace().addStack("development", {
    outputs: {
      vpcId: { value: "vpc-1", secret: false },
      publicSubnetIds: { value: ["subnet-a"], secret: false },
      privateSubnetIds: { value: ["subnet-b"], secret: false },
      stageKind: { value: "development", secret: false },
    },
  });
}
