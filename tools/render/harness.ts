/**
 * Runs the real program for one stack under the SDK's mock runtime, with the stack's own
 * config, and returns every resource (inputs and options) and the stack outputs. Used by
 * `stagectl render`, the tests and the snapshot tool alike. Needs no credentials and no CLI.
 */
import * as pulumi from "@pulumi/pulumi";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  loadStackConfig,
  PROJECT_ROOT,
  readProjectFile,
  StackConfig,
} from "../../stage/stack-files";
import { resolveStageFromConfig } from "../../stage/resolve";
import { sanitizedSnapshotPrefix } from "../../lib/aws/naming";
import { StageConfigRunError } from "../../stage/pulumi-config";
import { Namer } from "../../lib/aws/naming";
import { MOCK_ACCOUNT_ID, MockSnapshot, physicalNameOf, RenderMocks } from "./mocks";
import { decodeJsonStrings, redact, REDACTED } from "./redact";
import { CONFIG_KEYS } from "../../stage/keys";

export interface RenderedOptions {
  protect: boolean;
  retainOnDelete: boolean;
  ignoreChanges: string[];
  deleteBeforeReplace: boolean;
  dependsOn: string[];
}

export interface RenderedResource {
  /** `type::logicalName`, unique within a stack. */
  key: string;
  type: string;
  name: string;
  physicalName?: string;
  parent?: string;
  custom: boolean;
  inputs: Record<string, unknown>;
  options: RenderedOptions;
}

export interface RenderedOutput {
  value: unknown;
  secret: boolean;
}

export interface Render {
  stack: string;
  project: string;
  resources: RenderedResource[];
  outputs: Record<string, RenderedOutput>;
  /** Warnings the program logged, in order. */
  warnings: string[];
}

export interface RenderOptions {
  /** Config set on top of the stack file, as `stagectl feature up` or a test would. */
  configOverrides?: Record<string, unknown>;
  /** Outputs of referenced stacks (fully qualified names); defaults cover development. */
  stackOutputs?: Record<string, Record<string, unknown>>;
  /** The refinery's newest sanitized snapshot; null: none yet. @default {@link defaultSanitizedSnapshot} */
  latestSanitizedSnapshot?: MockSnapshot | null;
  /** Who the caller is (`aws.getCallerIdentity`), e.g. an assumed-role session of a deployer. @default a plain IAM user */
  callerArn?: string;
  /** Directory of the Pulumi program to run (its index.ts). @default this project */
  programDir?: string;
  /** Directory holding Pulumi.yaml and the stack files. @default the program's directory */
  configDir?: string;
  /** Read the stack's config from this file instead of `<configDir>/Pulumi.<stack>.yaml`. */
  stackFile?: string;
}

/**
 * A render that failed. `cause` is the program's own error (a StageConfigError for bad
 * config); `registeredResources` counts what reached the engine before it failed.
 */
export class RenderFailure extends Error {
  constructor(
    readonly stack: string,
    override readonly cause: unknown,
    readonly registeredResources: number,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = "RenderFailure";
  }
}

/** Result of a render that also exposes the fake secrets the mocks made, for leak tests. */
export interface RenderWithSecrets extends Render {
  generatedSecrets: string[];
}

const ORGANIZATION = "organization";

/** Renders are serialised: the Pulumi runtime keeps its state in one process-wide store. */
let queue: Promise<unknown> = Promise.resolve();

export function renderStack(
  stack: string,
  options: RenderOptions = {},
): Promise<RenderWithSecrets> {
  const run = queue.then(() => renderOnce(stack, options));
  queue = run.catch(() => undefined);
  return run;
}

/**
 * What other stacks export, as the referencing stack sees it: development's network, which
 * feature stacks borrow, and its feature host (the profile's default, shared feature stacks),
 * shaped as development's render exports them (tests/feature-render.test.ts compares the two).
 */
export function defaultStackOutputs(project: string): Record<string, Record<string, unknown>> {
  const account = MOCK_ACCOUNT_ID;
  const development = new Namer(project, "development");
  return {
    [`${ORGANIZATION}/${project}/development`]: {
      vpcId: "vpc-0development000000",
      publicSubnetIds: ["subnet-0devpublic0000000a", "subnet-0devpublic0000000b"],
      privateSubnetIds: ["subnet-0devprivate000000a", "subnet-0devprivate000000b"],
      featureHost: {
        address: `${development.name("rds-instance", "feature-host")}.c0000000000.eu-west-1.rds.amazonaws.com`,
        port: 5432,
        clusterArn: `arn:aws:ecs:eu-west-1:${account}:cluster/${development.name("ecs-cluster", "cluster")}`,
        taskDefinitionArn: `arn:aws:ecs:eu-west-1:${account}:task-definition/${development.name("ecs-task-family", "feature-db")}:1`,
        containerName: "feature-db",
        clientSecurityGroupId: "sg-0devfeatureapps0000",
        logGroupName: development.logGroup("feature-db"),
        maxDatabases: 40,
      },
    },
  };
}

/**
 * The newest sanitized snapshot the mocks report, unless a render says otherwise: the
 * refinery restores production's backup into a volume of production's size (as its committed
 * stack file resolves it) and snapshots that, so a lower stage's restore is checked against
 * the real source size.
 */
export function defaultSanitizedSnapshot(configDir = PROJECT_ROOT): MockSnapshot {
  return {
    identifier: `${sanitizedSnapshotPrefix("multistage")}2026-11-25`,
    allocatedStorageGb: productionStorageGb(configDir),
  };
}

function productionStorageGb(configDir: string): number {
  const stack = "production";
  const file = path.join(configDir, `Pulumi.${stack}.yaml`);
  const config = loadStackConfig(stack, {}, fs.existsSync(file) ? configDir : PROJECT_ROOT);
  return resolveStageFromConfig(stack, config.values).database.allocatedStorageGb;
}

async function renderOnce(stack: string, options: RenderOptions): Promise<RenderWithSecrets> {
  const programDir = options.programDir ?? PROJECT_ROOT;
  const configDir = options.configDir ?? programDir;
  const project = readProjectFile(configDir).name;
  const config: StackConfig = loadStackConfig(
    stack,
    options.configOverrides,
    configDir,
    options.stackFile,
  );
  const mocks = new RenderMocks({
    region: config.values[CONFIG_KEYS.region] ?? "us-east-1",
    stackOutputs: { ...defaultStackOutputs(project), ...options.stackOutputs },
    callerArn: options.callerArn,
    latestSnapshot: () =>
      options.latestSanitizedSnapshot === undefined
        ? defaultSanitizedSnapshot(configDir)
        : options.latestSanitizedSnapshot,
  });
  pulumi.runtime.setAllConfig(config.values, config.secretKeys);
  await pulumi.runtime.setMocks(mocks, project, stack, false, ORGANIZATION);

  const recordedOptions = new Map<string, RenderedOptions & { parent?: string }>();
  const keyOf = new Map<pulumi.Resource, string>();
  const warnings: string[] = [];
  const restoreWarn = captureWarnings(warnings);
  // A failure inside an apply (e.g. a missing StackReference output) reaches us only as
  // unhandled rejections, while the outputs that depend on it never settle. The first such
  // rejection fails the render; later ones are its echoes.
  const stray: unknown[] = [];
  let failFromStray: (reason: unknown) => void = () => undefined;
  const strayFailure = new Promise<never>((_, reject) => {
    failFromStray = reject;
  });
  strayFailure.catch(() => undefined);
  const onStrayRejection = (reason: unknown) => {
    stray.push(reason);
    failFromStray(reason);
  };
  process.on("unhandledRejection", onStrayRejection);
  let outputs: Record<string, RenderedOutput> = {};
  try {
    const run = pulumi.runtime.runInPulumiStack(async () => {
      pulumi.runtime.registerStackTransformation((args) => {
        const key = `${args.type}::${args.name}`;
        keyOf.set(args.resource, key);
        const parent = args.opts.parent ? keyOf.get(args.opts.parent) : undefined;
        recordedOptions.set(key, { ...optionsOf(args.opts, keyOf), parent });
        return undefined;
      });
      const program = loadProgram(programDir);
      const programOutputs = await program();
      outputs = await resolveOutputs(programOutputs);
      return programOutputs;
    });
    await Promise.race([run, strayFailure]);
    await Promise.race([waitForRegistrations(), strayFailure]);
    await nextTurn();
    if (stray.length > 0) throw stray[0];
  } catch (error) {
    await nextTurn();
    forgetAbandonedPromises();
    throw new RenderFailure(
      stack,
      rootCause(error),
      mocks.registered.filter((r) => r.type !== "pulumi:pulumi:Stack").length,
    );
  } finally {
    process.off("unhandledRejection", onStrayRejection);
    restoreWarn();
  }

  const resources = mocks.registered
    .filter((r) => r.type !== "pulumi:pulumi:Stack")
    .map((r): RenderedResource => {
      const key = `${r.type}::${r.name}`;
      const recorded = recordedOptions.get(key);
      const { parent, ...opts } = recorded ?? { ...emptyOptions(), parent: undefined };
      const inputs = decodeJsonStrings(redact(r.inputs)) as Record<string, unknown>;
      const resource: RenderedResource = {
        key,
        type: r.type,
        name: r.name,
        physicalName: physicalNameOf(r.type, inputs),
        parent,
        custom: r.custom,
        inputs,
        options: opts,
      };
      if (resource.physicalName === undefined) delete resource.physicalName;
      if (resource.parent === undefined) delete resource.parent;
      return resource;
    })
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

  return {
    stack,
    project,
    resources,
    outputs,
    warnings,
    generatedSecrets: [...mocks.generatedSecrets],
  };
}

type Program = () => Promise<Record<string, unknown>>;

function loadProgram(root: string): Program {
  const loaded: unknown = require(path.join(root, "index.ts"));
  if (typeof loaded !== "function")
    throw new Error(`${root}/index.ts must export the program function`);
  return loaded as Program;
}

function optionsOf(
  opts: pulumi.ResourceOptions,
  keyOf: Map<pulumi.Resource, string>,
): RenderedOptions {
  const dependsOn =
    opts.dependsOn === undefined
      ? []
      : Array.isArray(opts.dependsOn)
        ? opts.dependsOn
        : [opts.dependsOn];
  return {
    protect: opts.protect === true,
    retainOnDelete: opts.retainOnDelete === true,
    ignoreChanges: [...(opts.ignoreChanges ?? [])].sort(),
    deleteBeforeReplace: (opts as pulumi.CustomResourceOptions).deleteBeforeReplace === true,
    dependsOn: dependsOn
      .map((d) => (pulumi.Resource.isInstance(d) ? keyOf.get(d) : undefined))
      .filter((k): k is string => k !== undefined)
      .sort(),
  };
}

function emptyOptions(): RenderedOptions {
  return {
    protect: false,
    retainOnDelete: false,
    ignoreChanges: [],
    deleteBeforeReplace: false,
    dependsOn: [],
  };
}

/** Resolves each stack output, keeping whether it is secret and never its secret value. */
async function resolveOutputs(
  raw: Record<string, unknown>,
): Promise<Record<string, RenderedOutput>> {
  const resolved: Record<string, RenderedOutput> = {};
  for (const key of Object.keys(raw).sort()) {
    const output: pulumi.Output<unknown> = pulumi.output(raw[key] as pulumi.Input<unknown>);
    const secret = await pulumi.isSecret(output);
    // `promise()` is the SDK's own way to await an output; unlike apply it rejects on failure.
    const value = await (output as unknown as { promise(): Promise<unknown> }).promise();
    resolved[key] = { value: secret ? REDACTED : redact(value), secret };
  }
  return resolved;
}

/** Waits until the runtime has sent every registration to the mocks. */
async function waitForRegistrations(): Promise<void> {
  // waitForRPCs is the SDK's own drain used at program exit; it is internal, hence the require.

  const settings = require("@pulumi/pulumi/runtime/settings") as {
    waitForRPCs: () => Promise<void>;
  };
  await settings.waitForRPCs();
}

/**
 * The SDK wraps a failure in an input as `error serializing property "x": ...` once per
 * level; keep the program's own message.
 */
function rootCause(error: unknown): unknown {
  // The program reports bad config as a RunError (so `pulumi up` prints no stack trace); the
  // render's callers want the problems it carries.
  if (error instanceof StageConfigRunError) return error.cause;
  if (!(error instanceof Error) || !error.message.startsWith("error serializing property"))
    return error;
  const message = error.message.replace(/^(error serializing property "[^"]*": )+/, "");
  return new Error(message);
}

/**
 * A failed render leaves the runtime's outputs pending forever; the SDK would report them as
 * leaked promises at exit, burying the real error. The render is over, so forget them.
 */
function forgetAbandonedPromises(): void {
  const state = require("@pulumi/pulumi/runtime/state") as {
    getStore(): { leakCandidates: Set<unknown> };
  };
  state.getStore().leakCandidates = new Set();
}

/** Lets Node report rejections of the turn that just ended. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Without an engine the SDK prints warnings with console.warn; collect them instead. */
function captureWarnings(into: string[]): () => void {
  const original = console.warn;
  console.warn = (...parts: unknown[]) => {
    const text = parts.map(String).join(" ");
    into.push(text.replace(/^warning: \[runtime\] /, ""));
  };
  return () => {
    console.warn = original;
  };
}
