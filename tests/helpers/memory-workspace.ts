/**
 * An in-memory StageWorkspace for testing stagectl's logic around the engine. It records
 * every call, so tests can prove what was (and was not) touched.
 */
import {
  ConfigEntry,
  EngineEvent,
  EngineRunOptions,
  PreviewOptions,
  StackBusyError,
  StackInfo,
  StackMissingError,
  StackOutput,
  StageWorkspace,
  UpdateResult,
  UpOptions,
} from "../../tools/engine/workspace";

export interface MemoryStack {
  config: Record<string, ConfigEntry>;
  tags: Record<string, string>;
  outputs: Record<string, StackOutput>;
  lastUpdate?: string;
}

export class MemoryWorkspace implements StageWorkspace {
  readonly stacks = new Map<string, MemoryStack>();
  readonly calls: string[] = [];
  /** Operations on these stacks throw StackBusyError this many more times. */
  readonly busy = new Map<string, number>();
  /** destroy throws for these stacks. */
  readonly failingDestroys = new Set<string>();
  /** What `up` exports, per stack. */
  upOutputs: (stack: string) => Record<string, StackOutput> = (stack) => ({
    url: { value: `http://multistage-${stack}.example.test`, secret: false },
    stage: { value: stack, secret: false },
  });
  /** Engine events a preview streams, for promotion tests. */
  previewEvents: EngineEvent[] = [];

  addStack(name: string, stack: Partial<MemoryStack> = {}): this {
    this.stacks.set(name, { config: {}, tags: {}, outputs: {}, ...stack });
    return this;
  }

  private get(stack: string): MemoryStack {
    const found = this.stacks.get(stack);
    if (!found) throw new StackMissingError(stack);
    return found;
  }

  private lockCheck(stack: string): void {
    const remaining = this.busy.get(stack) ?? 0;
    if (remaining > 0) {
      this.busy.set(stack, remaining - 1);
      throw new StackBusyError(stack);
    }
  }

  async listStacks(): Promise<StackInfo[]> {
    this.calls.push("listStacks");
    return [...this.stacks.entries()].map(([name, s]) => ({ name, lastUpdate: s.lastUpdate }));
  }

  async stackExists(stack: string): Promise<boolean> {
    return this.stacks.has(stack);
  }

  async createOrSelectStack(stack: string): Promise<void> {
    this.calls.push(`createOrSelect ${stack}`);
    if (!this.stacks.has(stack)) this.addStack(stack);
  }

  async getAllConfig(stack: string): Promise<Record<string, ConfigEntry>> {
    return { ...this.get(stack).config };
  }

  async setAllConfig(stack: string, config: Record<string, ConfigEntry>): Promise<void> {
    this.calls.push(`setAllConfig ${stack}`);
    const target = this.get(stack);
    target.config = { ...target.config, ...config };
  }

  async getTags(stack: string): Promise<Record<string, string>> {
    return { ...this.get(stack).tags };
  }

  async setTags(stack: string, tags: Record<string, string>): Promise<void> {
    this.calls.push(`setTags ${stack}`);
    Object.assign(this.get(stack).tags, tags);
  }

  async outputs(stack: string): Promise<Record<string, StackOutput>> {
    return { ...this.get(stack).outputs };
  }

  async preview(stack: string, options: PreviewOptions): Promise<UpdateResult> {
    this.calls.push(`preview ${stack}${options.savePlanTo ? " save-plan" : ""}`);
    this.get(stack);
    this.lockCheck(stack);
    for (const event of this.previewEvents) options.onEvent?.(event);
    return { outputs: {}, resourceChanges: { same: 50, update: 1 } };
  }

  async up(stack: string, options: UpOptions): Promise<UpdateResult> {
    this.calls.push(`up ${stack}${options.plan ? ` plan=${options.plan}` : ""}`);
    const target = this.get(stack);
    this.lockCheck(stack);
    options.onOutput?.(`Updating (${stack})\n`);
    target.outputs = this.upOutputs(stack);
    target.lastUpdate = "2026-01-01T00:00:00.000Z";
    return { outputs: target.outputs, resourceChanges: { create: 40 } };
  }

  async destroy(stack: string, options: EngineRunOptions): Promise<void> {
    this.calls.push(`destroy ${stack}`);
    this.get(stack);
    this.lockCheck(stack);
    if (this.failingDestroys.has(stack)) throw new Error(`destroy of ${stack} failed: DependencyViolation`);
    options.onOutput?.(`Destroying (${stack})\n`);
  }

  async removeStack(stack: string): Promise<void> {
    this.calls.push(`removeStack ${stack}`);
    this.get(stack);
    this.stacks.delete(stack);
  }

  /** Calls that change something (everything but reads). */
  mutations(): string[] {
    return this.calls.filter((c) => !c.startsWith("listStacks"));
  }
}
