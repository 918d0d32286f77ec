/**
 * The real engine behind stagectl: the Automation API's LocalWorkspace on this project's
 * directory, using the project's own Pulumi.yaml and program and the backend the user is
 * logged in to. Needs the Pulumi CLI on PATH.
 */
import { createHash } from "node:crypto";
import {
  ConcurrentUpdateError,
  LocalWorkspace,
  OutputMap,
  Stack,
  StackAlreadyExistsError,
  StackNotFoundError,
  UpdateSummary,
  Workspace,
} from "@pulumi/pulumi/automation";
import { PROJECT_ROOT } from "../../stage/stack-files";
import { createConfigOverlay } from "./config-overlay";
import {
  ConfigEntry,
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
} from "./workspace";

/** How many times setTags sets what another process dropped before it gives up. */
const TAG_ROUNDS = 5;

/**
 * A checkout holds no passphrase salt for stacks without a committed config file (feature
 * stacks); this makes the CLI reuse the secrets manager recorded in the stack's checkpoint
 * instead of inventing a new one (pkg/cmd/pulumi/stack/secrets.go:257, sdk/go/common/env/env.go:128).
 */
const ENGINE_ENVIRONMENT = { PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER: "true" };

export class PulumiWorkspace implements StageWorkspace {
  private constructor(private readonly workspace: LocalWorkspace) {}

  static async open(workDir = PROJECT_ROOT): Promise<PulumiWorkspace> {
    return new PulumiWorkspace(
      await LocalWorkspace.create({ workDir, envVars: ENGINE_ENVIRONMENT }),
    );
  }

  async listStacks(): Promise<StackInfo[]> {
    const stacks = await this.workspace.listStacks();
    return stacks.map((s) => ({
      // The CLI lists a stack of the current organization and project by its bare name, and
      // any other as `<org>/<stack>` or `<org>/<project>/<stack>` (pkg/backend/httpstate
      // cloudBackendReference.String): those are other stacks that only share the short name.
      name: s.name.split("/").pop() ?? s.name,
      ...(s.name.includes("/") ? { foreignName: s.name } : {}),
      lastUpdate: s.lastUpdate,
      updateInProgress: s.updateInProgress,
      resourceCount: s.resourceCount,
      url: s.url,
    }));
  }

  async stackExists(stack: string): Promise<boolean> {
    return (await this.listStacks()).some((s) => s.name === stack && s.foreignName === undefined);
  }

  async createOrSelectStack(stack: string): Promise<void> {
    await translate(stack, () => createOrSelectStack(this.workspace, stack));
  }

  async getAllConfig(stack: string): Promise<Record<string, ConfigEntry>> {
    return translate(stack, () => this.workspace.getAllConfig(stack));
  }

  async setAllConfig(stack: string, config: Record<string, ConfigEntry>): Promise<void> {
    await translate(stack, () => this.workspace.setAllConfig(stack, config));
  }

  async removeConfig(stack: string, key: string): Promise<void> {
    await translate(stack, () => this.workspace.removeConfig(stack, key));
  }

  async getTags(stack: string): Promise<Record<string, string>> {
    return translate(stack, () => this.workspace.listTags(stack));
  }

  async setTags(stack: string, tags: Record<string, string>): Promise<void> {
    await setTagsUntilKept(
      {
        setTag: (key, value) => translate(stack, () => this.workspace.setTag(stack, key, value)),
        listTags: () => this.getTags(stack),
      },
      stack,
      tags,
    );
  }

  async outputs(stack: string): Promise<Record<string, StackOutput>> {
    return toOutputs(await translate(stack, () => this.workspace.stackOutputs(stack)));
  }

  async history(stack: string, limit: number): Promise<StackUpdate[]> {
    // showSecrets false: the CLI then prints no value for a secret key (stack_history.go
    // buildUpdatesJSON decrypts only with a decrypter), so none reaches stagectl's output.
    const updates = await translate(stack, async () =>
      (await this.select(stack)).history(limit, 1, false),
    );
    return updates.map(toStackUpdate);
  }

  async stackState(stack: string): Promise<StackState> {
    const fingerprint = checkpointFingerprint(
      await translate(stack, () => this.workspace.exportStack(stack)),
    );
    const newest = await translate(stack, async () => (await this.select(stack)).info(false));
    return {
      fingerprint,
      ...(newest ? { lastUpdate: `${newest.kind} at ${newest.startTime.toISOString()}` } : {}),
    };
  }

  async preview(stack: string, options: PreviewOptions): Promise<UpdateResult> {
    const overlay = options.configOverride
      ? createConfigOverlay(this.workspace.workDir, stack, options.configOverride)
      : undefined;
    try {
      const workspace = overlay
        ? await LocalWorkspace.create({ workDir: overlay.dir, envVars: ENGINE_ENVIRONMENT })
        : this.workspace;
      const selected = await translate(stack, () => Stack.select(stack, workspace));
      const result = await translate(stack, () =>
        selected.preview({
          diff: true,
          plan: options.savePlanTo,
          onOutput: options.onOutput,
          onEvent: options.onEvent,
        }),
      );
      return {
        outputs: {},
        resourceChanges: { ...result.changeSummary } as Record<string, number>,
      };
    } finally {
      overlay?.remove();
    }
  }

  async up(stack: string, options: UpOptions): Promise<UpdateResult> {
    const selected = await this.select(stack);
    const result = await translate(stack, () =>
      selected.up({ onOutput: options.onOutput, plan: options.plan }),
    );
    return {
      outputs: toOutputs(result.outputs),
      resourceChanges: { ...result.summary.resourceChanges } as Record<string, number>,
    };
  }

  async destroy(stack: string, options: EngineRunOptions): Promise<void> {
    const selected = await this.select(stack);
    await translate(stack, () => selected.destroy({ onOutput: options.onOutput }));
  }

  async removeStack(stack: string): Promise<void> {
    await translate(stack, () => this.workspace.removeStack(stack));
  }

  private select(stack: string): Promise<Stack> {
    return translate(stack, () => Stack.select(stack, this.workspace));
  }
}

/**
 * Selects the stack, or creates it when it does not exist, as the Automation API's
 * Stack.createOrSelect does (select; on "no stack named" init), except that losing a race is
 * not an error: when another process (a second CI job of the same branch) inits the stack
 * between this one's select and init, `pulumi stack init` fails with "already exists" and the
 * stack is selected instead.
 */
export async function createOrSelectStack(
  workspace: Pick<Workspace, "selectStack" | "createStack">,
  stack: string,
): Promise<void> {
  try {
    await workspace.selectStack(stack);
    return;
  } catch (error) {
    if (!(error instanceof StackNotFoundError)) throw error;
  }
  try {
    await workspace.createStack(stack);
  } catch (error) {
    if (!(error instanceof StackAlreadyExistsError)) throw error;
    await workspace.selectStack(stack);
  }
}

/** Pulumi's marker for a secret value in state (sdk/go/common/resource/sig/sig.go). */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/**
 * sha256 of an exported checkpoint. The export is the stored checkpoint, serialized
 * deterministically (encoding/json): two reads with no write in between hash the same, and
 * every write changes at least manifest.time. The Automation API exports with --show-secrets;
 * their plaintext is left out of the hash, which ends up in a review artifact others can read.
 */
export function checkpointFingerprint(deployment: unknown): string {
  return createHash("sha256")
    .update(JSON.stringify(withoutSecretValues(deployment)))
    .digest("hex");
}

/** A copy of exported state in which every secret is only its marker. */
function withoutSecretValues(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecretValues);
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  if (record[SECRET_SIG_KEY] === SECRET_SIG) return { [SECRET_SIG_KEY]: SECRET_SIG };
  return Object.fromEntries(
    Object.entries(record).map(([key, inner]) => [key, withoutSecretValues(inner)]),
  );
}

function toStackUpdate(update: UpdateSummary): StackUpdate {
  const valid = (time: Date | undefined) =>
    time instanceof Date && !Number.isNaN(time.getTime()) ? time.toISOString() : undefined;
  const endTime = valid(update.endTime);
  const config = Object.entries(update.config ?? {}).filter(
    ([, entry]) => !entry.secret && typeof entry.value === "string",
  );
  return {
    kind: update.kind,
    result: update.result,
    startTime: valid(update.startTime) ?? "",
    ...(endTime ? { endTime } : {}),
    // DIY backends write 0: no version (see StackUpdate.version).
    ...(update.version ? { version: update.version } : {}),
    ...(update.message ? { message: update.message } : {}),
    environment: { ...(update.environment ?? {}) },
    config: Object.fromEntries(config.map(([key, entry]) => [key, entry.value])),
  };
}

function toOutputs(outputs: OutputMap): Record<string, StackOutput> {
  return Object.fromEntries(
    Object.entries(outputs).map(([key, o]) => [
      key,
      { value: o.secret ? "[secret]" : o.value, secret: o.secret },
    ]),
  );
}

/** Maps the Automation API's errors onto the interface's, so callers need not know it. */
async function translate<T>(stack: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof ConcurrentUpdateError) throw new StackBusyError(stack);
    if (error instanceof StackNotFoundError) throw new StackMissingError(stack);
    throw error;
  }
}

/**
 * Sets each tag, then reads them back and sets again any that another process dropped. In a
 * DIY backend `pulumi stack tag set` is a read-modify-write of the stack's whole tag file
 * (pkg/cmd/pulumi/stack/stack_tag.go: `s.Tags()`, add one, `backend.UpdateStackTags`;
 * pkg/backend/diy/stack_tags.go `saveStackTags` writes the whole map) with no lock, so two
 * jobs tagging one stack at once (two pushes to a branch) can each write a map read before the
 * other's keys landed. Seen in engine scenario 5: the branch tag lost. A value another job
 * set for the same key (its expiry, a moment later) is kept: both are valid.
 */
export async function setTagsUntilKept(
  workspace: {
    setTag(key: string, value: string): Promise<void>;
    listTags(): Promise<Record<string, string>>;
  },
  stack: string,
  tags: Record<string, string>,
): Promise<void> {
  let missing = Object.entries(tags);
  for (let round = 0; round < TAG_ROUNDS && missing.length > 0; round++) {
    for (const [key, value] of missing) await workspace.setTag(key, value);
    const stored = await workspace.listTags();
    missing = missing.filter(([key]) => stored[key] === undefined);
  }
  if (missing.length > 0) {
    throw new Error(
      `${stack}: the tags ${missing.map(([key]) => key).join(", ")} did not stay set after ${TAG_ROUNDS} attempts; another process keeps rewriting the stack's tags`,
    );
  }
}
