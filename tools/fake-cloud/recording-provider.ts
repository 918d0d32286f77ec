/**
 * The CRUD half every fake provider shares, written against the SDK's provider API
 * (`@pulumi/pulumi/provider`): what changed, whether that forces a replacement, and a journal
 * line for every create, update, replace and delete. What a cloud computes (ids, ARNs) and
 * refuses (deleting a protected database) comes from the package's CloudModel.
 */
import { createHash } from "node:crypto";
import type * as provider from "@pulumi/pulumi/provider";
import { takeAwsTime } from "./aws-time";
import { appendEntry, cloudKey, JournalOp, liveResources, readJournal } from "./journal";
import { replacementRule } from "./replacements";
import type { RelatedInputs } from "./typical-times";
import { oldInputsOf } from "./request-context";
import { containsUnknown, parseUrn, Props, reveal, sameValue } from "./values";
import { fakeCloudDir, loadWorld } from "./world";

/** The bridge's record of which inputs Check filled in (pulumi-terraform-bridge schema.go, defaultsKey). */
const DEFAULTS_KEY = "__defaults";

export interface CreateOutcome {
  id: string;
  /** Outputs the cloud computes; inputs are added to the state as given. */
  computed: Props;
}

export interface CreateContext {
  /** How many times this URN was created before: 0 at first, 1 for its first replacement, ... */
  generation: number;
  /** Unique per stack, resource and generation, for deterministic ids. */
  seed: string;
  /** The account's history so far. */
  journal: ReturnType<typeof readJournal>;
}

export interface CloudModel {
  /** Provider package: aws, random, docker. */
  readonly pkg: string;
  /** Who the provider acts as, written on every journal line (aws: the assumed role's session). */
  caller(): string | undefined;
  /** A new resource's id and computed outputs. */
  create(type: string, urn: string, inputs: Props, context: CreateContext): CreateOutcome;
  /** Outputs that follow from the provider's config and must be recomputed on every diff (aws: tagsAll). */
  configuredOutputs(type: string, inputs: Props): Props;
  /** The cloud's refusal of a create, given what is live in the account, or undefined. */
  refuseCreate(
    type: string,
    inputs: Props,
    live: ReturnType<typeof liveResources>,
    journal: ReturnType<typeof readJournal>,
  ): string | undefined;
  /** The cloud's refusal of a delete, or undefined. */
  refuseDelete(type: string, id: string, state: Props): string | undefined;
  /** The cloud's refusal of an in-place update from the old to the new inputs, or undefined. */
  refuseUpdate(type: string, id: string, olds: Props, news: Props): string | undefined;
  invoke(token: string, args: Props): Props;
}

export class RecordingProvider implements provider.Provider {
  /** URNs deleted by this process: a create of one of them is a delete-before-replace. */
  private readonly deletedHere = new Set<string>();

  /** `modelOf` is asked on every call: the aws model exists only once Configure has run. */
  constructor(
    readonly version: string,
    private readonly modelOf: () => CloudModel,
  ) {}

  private get model(): CloudModel {
    return this.modelOf();
  }

  /** Fills in an autonamed property the program left out, as the bridge's Check does. */
  async check(urn: string, olds: Props, news: Props): Promise<provider.CheckResult> {
    const { type, name } = parseUrn(urn);
    const autoName = replacementRule(type).autoName;
    const inputs: Props = { ...news };
    const defaults: string[] = [];
    if (autoName && news[autoName] === undefined) {
      const oldDefaults = Array.isArray(olds[DEFAULTS_KEY]) ? (olds[DEFAULTS_KEY] as string[]) : [];
      // A name the provider made once is kept (pulumi-terraform-bridge: old defaults are reused).
      inputs[autoName] =
        oldDefaults.includes(autoName) && olds[autoName] !== undefined
          ? olds[autoName]
          : autoNameFor(name, urn);
      defaults.push(autoName);
    }
    inputs[DEFAULTS_KEY] = defaults;
    return { inputs };
  }

  async diff(_id: string, urn: string, olds: Props, news: Props): Promise<provider.DiffResult> {
    const { type } = parseUrn(urn);
    const rule = replacementRule(type);
    const oldInputs = oldInputsOf(urn) ?? olds;
    const keys = new Set(
      [...Object.keys(news), ...Object.keys(oldInputs)].filter((k) => k !== DEFAULTS_KEY),
    );
    const changed = [...keys].filter(
      (k) => containsUnknown(news[k]) || !sameValue(reveal(oldInputs[k]), reveal(news[k])),
    );
    // Config-derived outputs (default tags) changing is an in-place update of the resource.
    const configured = this.model.configuredOutputs(type, news);
    const configChanged = Object.keys(configured).filter(
      (k) => !sameValue(reveal(olds[k]), configured[k]),
    );
    const replaces = changed.filter((k) => rule.replaceOnChanges.includes(k));
    return {
      changes: changed.length + configChanged.length > 0,
      replaces,
      deleteBeforeReplace:
        replaces.length > 0 && nameRequiresDeleteBeforeReplace(rule.autoName, oldInputs, news),
    };
  }

  async create(urn: string, inputs: Props): Promise<provider.CreateResult> {
    const parts = parseUrn(urn);
    const dir = fakeCloudDir();
    const journal = readJournal(dir);
    const live = liveResources(journal);
    const replacing = this.deletedHere.has(urn) || [...live.values()].some((r) => r.urn === urn);
    const op: JournalOp = replacing ? "replace" : "create";
    const plain = reveal(inputs) as Props;
    const refusal = this.model.refuseCreate(parts.type, plain, live, journal);
    const base = {
      op,
      provider: this.model.pkg,
      type: parts.type,
      urn,
      stack: parts.stack,
      inputs,
      caller: this.model.caller(),
    };
    if (refusal) {
      appendEntry(dir, { ...base, id: "", error: refusal });
      throw new Error(refusal);
    }
    const generation = journal.filter(
      (e) => e.urn === urn && (e.op === "create" || e.op === "replace") && !e.error,
    ).length;
    const { id, computed } = this.model.create(parts.type, urn, plain, {
      generation,
      seed: `${urn}#${generation}`,
      journal,
    });
    const started = await takeAwsTime(parts.type, op, plain, loadWorld(dir));
    appendEntry(dir, { ...base, id, started });
    return {
      id,
      outs: { ...inputs, ...computed, ...this.model.configuredOutputs(parts.type, inputs) },
    };
  }

  async update(id: string, urn: string, olds: Props, news: Props): Promise<provider.UpdateResult> {
    const parts = parseUrn(urn);
    const oldInputs = oldInputsOf(urn) ?? olds;
    const changed = [...new Set([...Object.keys(news), ...Object.keys(oldInputs)])]
      .filter((k) => k !== DEFAULTS_KEY && !sameValue(reveal(oldInputs[k]), reveal(news[k])))
      .sort();
    const refusal = this.model.refuseUpdate(
      parts.type,
      id,
      reveal(oldInputs) as Props,
      reveal(news) as Props,
    );
    const dir = fakeCloudDir();
    // AWS refuses at once; a call it accepts takes its time.
    const timed = refusal
      ? {}
      : { started: await takeAwsTime(parts.type, "update", reveal(news) as Props, loadWorld(dir)) };
    appendEntry(dir, {
      op: "update",
      provider: this.model.pkg,
      type: parts.type,
      urn,
      stack: parts.stack,
      id,
      inputs: news,
      changed,
      caller: this.model.caller(),
      ...timed,
      ...(refusal ? { error: refusal } : {}),
    });
    if (refusal) throw new Error(refusal);
    // What the cloud computed stays; the new inputs and config-derived outputs replace the old.
    const computed = Object.fromEntries(Object.entries(olds).filter(([k]) => !(k in oldInputs)));
    return { outs: { ...computed, ...news, ...this.model.configuredOutputs(parts.type, news) } };
  }

  async delete(id: string, urn: string, props: Props): Promise<void> {
    const parts = parseUrn(urn);
    const dir = fakeCloudDir();
    // A task definition with skip_destroy leaves the engine's state without any call: the
    // provider returns before DeregisterTaskDefinition (task_definition.go, resourceTaskDefinitionDelete).
    if (
      parts.type === "aws:ecs/taskDefinition:TaskDefinition" &&
      reveal(props.skipDestroy) === true
    ) {
      this.deletedHere.add(urn);
      return;
    }
    const refusal = this.model.refuseDelete(parts.type, id, reveal(props) as Props);
    const timed = refusal
      ? {}
      : {
          started: await takeAwsTime(
            parts.type,
            "delete",
            reveal(props) as Props,
            loadWorld(dir),
            relatedInputs(parts.type, reveal(props) as Props, readJournal(dir)),
          ),
        };
    appendEntry(dir, {
      op: "delete",
      provider: this.model.pkg,
      type: parts.type,
      urn,
      stack: parts.stack,
      id,
      inputs: inputsOfState(props),
      caller: this.model.caller(),
      ...timed,
      ...(refusal ? { error: refusal } : {}),
    });
    if (refusal) throw new Error(refusal);
    this.deletedHere.add(urn);
  }

  /** Refresh: the resource as the cloud has it, or nothing when it is gone. */
  async read(id: string, urn: string, props?: Props): Promise<provider.ReadResult> {
    return liveResources(readJournal(fakeCloudDir())).has(cloudKey(parseUrn(urn).type, id))
      ? { id, props }
      : {};
  }

  async invoke(token: string, args: Props): Promise<provider.InvokeResult> {
    return { outputs: this.model.invoke(token, reveal(args) as Props) };
  }
}

/**
 * What a delete's time depends on besides the resource itself: an ECS service's target group,
 * found live by the name its ARN carries (`...:targetgroup/<name>/<id>`).
 */
function relatedInputs(
  type: string,
  props: Props,
  journal: ReturnType<typeof readJournal>,
): RelatedInputs {
  if (type !== "aws:ecs/service:Service") return {};
  const balancers = Array.isArray(props.loadBalancers) ? props.loadBalancers : [];
  const arn = String((balancers[0] as Props | undefined)?.targetGroupArn ?? "");
  const targetGroup = [...liveResources(journal).values()].find(
    (r) =>
      r.type === "aws:lb/targetGroup:TargetGroup" &&
      typeof r.inputs.name === "string" &&
      arn.includes(`:targetgroup/${r.inputs.name}/`),
  );
  return targetGroup ? { targetGroup: targetGroup.inputs } : {};
}

/** pulumi-aws's autonaming: the logical name and a random suffix; here the suffix is derived from the URN. */
function autoNameFor(logicalName: string, urn: string): string {
  return `${logicalName}-${createHash("sha256").update(urn).digest("hex").slice(0, 7)}`;
}

/**
 * pulumi-terraform-bridge pkg/tfbridge/schema.go, nameRequiresDeleteBeforeReplace: a replaced
 * resource whose name the program set, and which keeps that name, must go first, because AWS
 * will not hold two of the same name.
 */
function nameRequiresDeleteBeforeReplace(
  autoName: string | undefined,
  olds: Props,
  news: Props,
): boolean {
  if (!autoName) return false;
  const defaults = Array.isArray(news[DEFAULTS_KEY]) ? (news[DEFAULTS_KEY] as string[]) : [];
  return !defaults.includes(autoName) && sameValue(reveal(olds[autoName]), reveal(news[autoName]));
}

/** The state minus the bridge's bookkeeping, as a delete's journal line. */
function inputsOfState(props: Props): Props {
  const { [DEFAULTS_KEY]: _defaults, ...rest } = props;
  return rest;
}
