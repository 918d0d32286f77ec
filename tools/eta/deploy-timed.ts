/**
 * Deploys one target for the first time through the real Pulumi CLI and the fake cloud (the
 * engine suite's harness: a file:// backend, PULUMI_HOME and cloud in one temp directory, removed
 * afterwards), with the cloud sleeping each call's typical AWS time scaled down, and measures it.
 *
 * - A long-lived stage: `pulumi up -s <stack>` from a fresh checkout, as an operator's first
 *   deployment. The level a team has no stack file for yet (testing) gets the README's one-file
 *   stack file ("Add a stage") in the checkout.
 * - A feature stack: development is deployed first without timing (feature stacks use its
 *   network, and in shared isolation its feature host), then `stagectl feature up --branch
 *   <branch> --ready-timeout 0` is timed, as CI runs it but without asking the URL (the fake
 *   cloud's load balancer has no address to ask; the table's serving time stands in for the
 *   wait), then `stagectl feature down --branch <branch>`, measured the same way.
 *   `isolation: dedicated` deploys development with `featureStacks: {isolation: dedicated}` in
 *   its stack file, as a team that wants its own database per pull request would.
 *
 * The account holds one sanitized snapshot, so the levels that take data restore it, as they
 * do once the refinery has run (the first deployment of an empty account creates an empty
 * database instead, which is quicker).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { EngineSuite, expectSuccess, RunResult } from "../../tests-engine/harness/engine";
import type { Checkout } from "../../tests-engine/harness/checkout";
import { exportStack } from "../../tests-engine/harness/state";
import { stagectl } from "../../tests-engine/harness/stagectl";
import { UsageError } from "../commands/run-command";
import { readManifest } from "../engine-cli/manifest";
import { MOCK_ACCOUNT_ID } from "../render/mocks";
import type { WorldSnapshot } from "../fake-cloud/world";
import { NETWORK_STACK } from "../feature/feature-up";
import { loadStackConfig } from "../../stage/stack-files";
import { CONFIG_KEYS, PROJECT } from "../../stage/keys";
import { productionDataNames, sanitizedSnapshotPrefix } from "../../lib/aws/naming";
import type { FeatureIsolation } from "../../stage/profile";
import { measureDown, measureUp, Measurement, TeardownMeasurement } from "./measure";
import type { EtaTarget } from "./targets";

export interface TimedDeployOptions {
  /** Real seconds the fake cloud sleeps per AWS minute. */
  secondsPerMinute: number;
  /** The engine's --parallel (PULUMI_PARALLEL, sdk/go/common/env/env.go:131). */
  parallel: number;
  /** The sanitized snapshot's date. */
  now: Date;
  /** Progress, one line at a time. */
  log?: (line: string) => void;
  /** A feature stack's isolation, written into development's stack file. @default development's own (shared) */
  isolation?: FeatureIsolation;
  /**
   * A preview domain for development (`featureStacks.previewDomain`, with example certificates
   * and hosted zone: the fake cloud checks no DNS), so a shared feature stack takes a rule on
   * development's load balancer instead of one of its own. @default development's own (none)
   */
  previewDomain?: string;
}

export interface TimedDeploy extends Measurement {
  target: EtaTarget;
  /** The command that was timed. */
  command: string;
  /** Real seconds it took here. */
  wallSeconds: number;
  pulumiVersion: string;
  secondsPerMinute: number;
  parallel: number;
  /** A feature stack's isolation when it was set for the run. */
  isolation?: FeatureIsolation;
  /** Development's preview domain when it was set for the run. */
  previewDomain?: string;
  /** A feature stack's `feature down`, timed after its `up`. */
  teardown?: TeardownMeasurement & { command: string; wallSeconds: number };
}

/** The refinery's newest output, as lower stages find it (stage/references.ts). */
function sanitizedSnapshot(now: Date): WorldSnapshot {
  const date = now.toISOString().slice(0, 10);
  return {
    identifier: `${sanitizedSnapshotPrefix(PROJECT)}${date}`,
    dbInstanceIdentifier: productionDataNames(PROJECT).sanitizer,
    type: "manual",
    createdAt: `${date}T04:30:00Z`,
  };
}

/**
 * Development's stack file with the feature stacks' isolation and preview domain set, as a team
 * would commit them. A preview domain needs development's own name, zone and certificate
 * (stage/resolve.ts); these are examples in development's account.
 */
function writeFeatureStacks(
  checkout: Checkout,
  settings: { isolation?: FeatureIsolation; previewDomain?: string },
): void {
  const file = path.join(checkout.dir, `Pulumi.${NETWORK_STACK}.yaml`);
  const document = (parse(fs.readFileSync(file, "utf8")) ?? {}) as {
    config?: Record<string, unknown>;
  };
  const region = String(document.config?.[CONFIG_KEYS.region] ?? "us-east-1");
  const certificate = (name: string) =>
    `arn:aws:acm:${region}:${MOCK_ACCOUNT_ID}:certificate/${name}`;
  const preview = settings.previewDomain
    ? {
        [CONFIG_KEYS.domain]: {
          name: `${NETWORK_STACK}.${settings.previewDomain}`,
          hostedZoneId: "Z0EXAMPLE00000",
          certificateArn: certificate("development-example"),
        },
      }
    : {};
  const config = {
    ...document.config,
    ...preview,
    [CONFIG_KEYS.featureStacks]: {
      ...(settings.isolation ? { isolation: settings.isolation } : {}),
      ...(settings.previewDomain
        ? {
            previewDomain: settings.previewDomain,
            previewCertificateArn: certificate("preview-wildcard-example"),
          }
        : {}),
    },
  };
  fs.writeFileSync(file, stringify({ ...document, config }));
}

/**
 * The task definitions development's outputs name (the feature host's provisioner), made known
 * to the suite's fake ECS endpoint with their container, as RegisterTaskDefinition would.
 */
/**
 * The image CI's build step pushes before `feature up` (a digest in the project's repository):
 * here the one development's stack built, which is the same app.
 */
async function pushedImage(engine: EngineSuite, checkout: Checkout): Promise<string> {
  const output = await engine.pulumi(["stack", "output", "image", "-s", NETWORK_STACK], {
    cwd: checkout,
  });
  expectSuccess(output);
  const image = output.stdout.trim();
  if (!/@sha256:[0-9a-f]{64}$/.test(image))
    throw new Error(
      `${NETWORK_STACK}'s image output is not a pushed digest: ${JSON.stringify(image)}`,
    );
  return image;
}

async function registerTaskDefinitions(engine: EngineSuite, checkout: Checkout): Promise<void> {
  const outputs = JSON.parse(
    expectSuccess(
      await engine.pulumi(["stack", "output", "-s", NETWORK_STACK, "--json"], { cwd: checkout }),
    ).stdout,
  ) as Record<string, unknown>;
  const visit = (value: unknown): void => {
    if (!value || typeof value !== "object") return;
    const record = value as Record<string, unknown>;
    const arn = record.taskDefinitionArn;
    if (typeof arn === "string")
      engine.ecs.registerTaskDefinition(arn, [String(record.containerName ?? "app")]);
    Object.values(record).forEach(visit);
  };
  visit(outputs);
}

/** The README's "Add a stage" file, for a level that has none yet, in development's region. */
function writeProfileStackFile(checkout: Checkout, target: EtaTarget): void {
  const region = loadStackConfig(NETWORK_STACK, {}, checkout.dir).values[CONFIG_KEYS.region];
  const config = {
    ...(region ? { [CONFIG_KEYS.region]: region } : {}),
    [CONFIG_KEYS.stage]: target.kind,
  };
  fs.writeFileSync(path.join(checkout.dir, `Pulumi.${target.stack}.yaml`), stringify({ config }));
}

export async function deployTimed(
  target: EtaTarget,
  options: TimedDeployOptions,
): Promise<TimedDeploy> {
  const log = options.log ?? (() => undefined);
  const timing = { secondsPerMinute: options.secondsPerMinute };
  const world = { snapshots: [sanitizedSnapshot(options.now)] };
  const engine = await EngineSuite.start(world);
  // Ctrl-C reaches the engine's children too (one process group): pulumi cancels and exits, the
  // command below then fails, and `finally` removes the temp dirs once nothing writes to them.
  let wasInterrupted = false;
  const interrupted = () => {
    wasInterrupted = true;
    log("interrupted: waiting for the engine to stop, then removing its temp directories");
  };
  process.once("SIGINT", interrupted);
  try {
    const checkout = engine.checkout();
    const env = { PULUMI_PARALLEL: String(options.parallel) };
    let featureImage = "";
    if (target.kind === "feature") {
      if (options.isolation || options.previewDomain) writeFeatureStacks(checkout, options);
      const settings = [
        ...(options.isolation ? [`featureStacks.isolation: ${options.isolation}`] : []),
        ...(options.previewDomain ? [`featureStacks.previewDomain: ${options.previewDomain}`] : []),
      ];
      log(
        `deploying ${NETWORK_STACK} first, untimed: feature stacks use its network${settings.length ? ` (${settings.join(", ")})` : ""}`,
      );
      expectSuccess(await engine.pulumi(["stack", "init", NETWORK_STACK], { cwd: checkout }));
      expectSuccess(await engine.pulumi(["up", "-s", NETWORK_STACK, "--yes"], { cwd: checkout }));
      await registerTaskDefinitions(engine, checkout);
      featureImage = await pushedImage(engine, checkout);
    } else {
      if (target.from === "profile") writeProfileStackFile(checkout, target);
      expectSuccess(await engine.pulumi(["stack", "init", target.stack], { cwd: checkout }));
    }
    // From here on every call takes its time (the providers read world.json on each call).
    engine.setWorld({ ...world, timing });
    const before = engine.journal().length;
    log(
      `timing ${target.kind === "feature" ? `feature up --branch ${target.branch}` : `pulumi up -s ${target.stack}`} at ${options.secondsPerMinute} s per AWS minute, --parallel ${options.parallel}`,
    );
    const started = Date.now();
    const run: RunResult =
      target.kind === "feature"
        ? await stagectl(
            engine,
            [
              "feature",
              "up",
              "--branch",
              target.branch ?? "",
              // As CI runs it (.github/workflows/feature-stack.yml): the image its build step
              // pushed for the commit, so the stack builds none.
              "--image",
              featureImage,
              "--ready-timeout",
              "0",
              "--json",
            ],
            checkout,
            { env },
          )
        : await engine.pulumi(["up", "-s", target.stack, "--yes"], { cwd: checkout, env });
    if (wasInterrupted)
      throw new UsageError(`Interrupted: ${run.command} was stopped, nothing was measured`, 130);
    expectSuccess(run);
    const window = { started, ended: started + run.ms };
    const state = await exportStack(engine, target.stack, checkout);
    const measured = measureUp(
      engine.journal().slice(before),
      target.stack,
      state,
      window,
      options,
    );
    const teardown =
      target.kind === "feature"
        ? await timedDown(engine, target, checkout, state, { ...options, env, log })
        : undefined;
    return {
      ...measured,
      target,
      command: run.command,
      wallSeconds: run.ms / 1000,
      pulumiVersion: readManifest().version,
      secondsPerMinute: options.secondsPerMinute,
      parallel: options.parallel,
      ...(options.isolation ? { isolation: options.isolation } : {}),
      ...(options.previewDomain ? { previewDomain: options.previewDomain } : {}),
      ...(teardown ? { teardown } : {}),
    };
  } finally {
    process.off("SIGINT", interrupted);
    engine.dispose();
  }
}

/** `stagectl feature down` of the stack just created, timed from the journal like its `up`. */
async function timedDown(
  engine: EngineSuite,
  target: EtaTarget,
  checkout: Checkout,
  state: Awaited<ReturnType<typeof exportStack>>,
  options: TimedDeployOptions & { env: Record<string, string>; log: (line: string) => void },
): Promise<TimedDeploy["teardown"]> {
  options.log(`timing feature down --branch ${target.branch}`);
  const before = engine.journal().length;
  const started = Date.now();
  const run = await stagectl(
    engine,
    ["feature", "down", "--branch", target.branch ?? "", "--json"],
    checkout,
    { env: options.env },
  );
  expectSuccess(run);
  // The drop task feature down only started runs on: wait for it, so it is journaled (and
  // reported as detached) before the measurement and the temp directories' removal.
  await engine.ecs.settle();
  const measured = measureDown(
    engine.journal().slice(before),
    target.stack,
    state,
    { started, ended: started + run.ms },
    options,
  );
  return { ...measured, command: run.command, wallSeconds: run.ms / 1000 };
}
