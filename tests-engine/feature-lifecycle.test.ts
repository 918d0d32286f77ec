/**
 * Scenario 2, a pull request's life in CI: every step is another CI job, so another fresh clone
 * of the working tree, sharing only the backend and the cloud.
 *
 *   push 1      feature up   creates feature-flows, tagged in the backend
 *   push 2      feature up   a new clone: the same stack, created-at kept, expiry extended
 *   a reviewer  feature list another clone
 *   nightly     feature reap with an expired stack (feature-stale) and a live one (feature-flows):
 *                            only the expired one is destroyed and removed; development, tagged
 *                            and configured to look like an expired feature stack, is untouched
 *   PR closed   feature down another clone: feature-flows destroyed and removed
 *
 * The expired stack is a real one whose real time to live ran out (`--ttl 30s`): what a CI
 * run sees three days after a push, with nothing forged. Last, the in-memory double that
 * stagectl's unit tests use (tests/helpers/memory-workspace.ts) runs the same steps at the same
 * times, and must say what the real engine said.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import type { Checkout } from "./harness/checkout";
import { EngineSuite, expectFailure, expectSuccess } from "./harness/engine";
import { cloudResources, exportStack } from "./harness/state";
import { multistageTags, stackNames, stackTags, stagectlJson } from "./harness/stagectl";
import { JournalEntry } from "../tools/fake-cloud/journal";
import type { FeatureDownResult } from "../tools/feature/feature-down";
import type { FeatureStackRow } from "../tools/feature/feature-list";
import type { ReapResult } from "../tools/feature/feature-reap";
import type { FeatureUpResult } from "../tools/feature/feature-up";
import type { StackOutput } from "../tools/engine/workspace";
import { MemoryWorkspace } from "../tests/helpers/memory-workspace";
import { runStagectl, stdoutJson, testContext } from "../tests/helpers/context";

const STACK = "feature-flows";
const STALE = "feature-stale";
const HOUR = 3_600_000;

/** The commands of each CI job; both the real engine and the double run exactly these. */
const STEPS = {
  // The fake cloud's URL cannot answer /readyz: no job waits for it (feature up's default is 5m).
  push: [
    "feature",
    "up",
    "--branch",
    "feature/flows",
    "--pr",
    "7",
    "--ttl",
    "72h",
    "--ready-timeout",
    "0",
  ],
  list: ["feature", "list"],
  stale: [
    "feature",
    "up",
    "--branch",
    "feature/stale",
    "--pr",
    "8",
    "--ttl",
    "30s",
    "--ready-timeout",
    "0",
  ],
  // The nightly workflow's command.
  reap: ["feature", "reap", "--older-than", "14d"],
  down: ["feature", "down", "--branch", "feature/flows", "--pr", "7"],
};

/** Development dressed up as an expired feature stack, in its tags and in the reaping job's stack file. */
const IMPOSTER_TAGS = {
  "multistage:stage": "feature",
  "multistage:branch": "develop",
  "multistage:created-at": "2020-01-01T00:00:00Z",
  "multistage:expires-at": "2020-01-04T00:00:00Z",
};

/** What a step said, in the terms both engines can be compared in. */
interface LifecycleView {
  push1Tags: Record<string, string>;
  push2Tags: Record<string, string>;
  /** Config keys of the feature stack in the clone that ran push 2. */
  configKeysInPushJob: string[];
  /** What reading the feature stack's config says in a fresh clone. */
  configInFreshCheckout: string;
  listRows: FeatureStackRow[];
  reap: ReapResult;
  stacksAfterReap: string[];
  down: FeatureDownResult;
  stacksAfterDown: string[];
}

const ms = (iso: string | undefined) => Date.parse(String(iso));
const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis));

/** The CLI's complaint about a stack's missing config, without the words around it. */
function missingConfig(text: string): string {
  return /Stack '[^']+' is missing configuration value '[^']+'/.exec(text)?.[0] ?? text;
}

/** The feature stack's config keys in a checkout's `Pulumi.<stack>.yaml`; none without the file. */
function configKeysIn(checkout: Checkout, stack: string): string[] {
  const file = path.join(checkout.dir, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) return [];
  return Object.keys(
    (parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> }).config ?? {},
  ).sort();
}

describe("feature lifecycle: CI jobs in fresh clones sharing only the backend", () => {
  let engine: EngineSuite;
  const real: Partial<LifecycleView> = {};
  /** When each step started, so the double can run it at the same time. */
  const at: Record<"push1" | "push2" | "list" | "stale" | "reap" | "down", Date> = {} as never;
  let push1: FeatureUpResult;
  let developmentOutputs: Record<string, StackOutput>;
  let developmentState: string;

  const since = (count: number): JournalEntry[] => engine.journal().slice(count);
  const ofStack = (entries: JournalEntry[], stack: string) =>
    entries.filter((e) => e.stack === stack);
  // Random passwords are no cloud resources and all have the id "none"; the fold by type and id skips them.
  const liveOf = (stack: string) =>
    [...engine.live().values()].filter(
      (r) => r.urn.startsWith(`urn:pulumi:${stack}::`) && !r.type.startsWith("random:"),
    );
  const stateUrns = async (stack: string, cwd: Checkout) =>
    cloudResources(await exportStack(engine, stack, cwd))
      .map((r) => r.urn)
      .sort();
  // Task definitions are registered with skipDestroy (lib/aws/task-revisions.ts): a destroy
  // drops them from the state without any call, and their revisions stay in the account.
  const TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition";
  const isTaskDefinition = (urn: string) => urn.includes(`$${TASK_DEFINITION}::`);
  const deletedByDestroy = (urns: string[]) => urns.filter((urn) => !isTaskDefinition(urn));
  const retainedByDestroy = (urns: string[]) => urns.filter(isTaskDefinition);

  before(async () => {
    engine = await EngineSuite.start();
    // Feature stacks borrow development's network: it is deployed first, by ops, from its committed file.
    const ops = engine.checkout();
    expectSuccess(await engine.pulumi(["stack", "init", "development"], { cwd: ops }));
    expectSuccess(await engine.pulumi(["up", "-s", "development", "--yes"], { cwd: ops }));
    const outputs = JSON.parse(
      expectSuccess(
        await engine.pulumi(["stack", "output", "-s", "development", "--json"], { cwd: ops }),
      ).stdout,
    ) as Record<string, unknown>;
    developmentOutputs = Object.fromEntries(
      Object.entries(outputs).map(([key, value]) => [key, { value, secret: false }]),
    );
  });
  after(() => engine?.dispose());

  it("push 1: feature up creates the stack in development's network, tagged in the backend before its first update", async () => {
    const job = engine.checkout();
    const before = engine.journal().length;
    at.push1 = new Date();
    const { json } = await stagectlJson<FeatureUpResult>(engine, STEPS.push, job);
    push1 = json;
    assert.equal(json.stack, STACK);
    assert.match(
      String(json.url),
      /^http:\/\/multistage-feature-flows-[0-9a-f]+\.eu-west-1\.elb\.amazonaws\.com$/,
    );
    assert.equal(json.outputs.stageKind?.value, "feature");
    assert.equal(
      json.outputs.vpcId?.value,
      developmentOutputs.vpcId.value,
      "not development's VPC",
    );

    const tags = multistageTags(await stackTags(engine, STACK, job));
    real.push1Tags = tags;
    assert.deepEqual(Object.keys(tags).sort(), [
      "multistage:branch",
      "multistage:created-at",
      "multistage:expires-at",
      "multistage:pr",
      "multistage:stage",
    ]);
    assert.equal(tags["multistage:stage"], "feature");
    assert.equal(tags["multistage:branch"], "feature/flows");
    assert.equal(tags["multistage:pr"], "7");
    assert.ok(
      ms(tags["multistage:created-at"]) >= at.push1.getTime() - 1000 &&
        ms(tags["multistage:created-at"]) <= Date.now(),
      `created-at ${tags["multistage:created-at"]} is not the time of the push`,
    );
    assert.equal(ms(tags["multistage:expires-at"]) - ms(tags["multistage:created-at"]), 72 * HOUR);
    assert.equal(json.expiresAt, tags["multistage:expires-at"]);

    // Everything the update did was a create that the cloud accepted, and the state holds exactly that.
    const entries = ofStack(since(before), STACK);
    assert.deepEqual([...new Set(entries.map((e) => e.op))], ["create"]);
    assert.deepEqual(
      entries.filter((e) => e.error),
      [],
    );
    const state = cloudResources(await exportStack(engine, STACK, job));
    assert.deepEqual(entries.map((e) => e.urn).sort(), state.map((r) => r.urn).sort());
  });

  it("push 2, in a new clone: the same stack, created-at kept, expiry extended, nothing created or replaced", async () => {
    const job = engine.checkout();
    assert.deepEqual(
      configKeysIn(job, STACK),
      [],
      "a fresh clone has no config for the feature stack",
    );
    const before = engine.journal().length;
    at.push2 = new Date();
    const { json } = await stagectlJson<FeatureUpResult>(engine, STEPS.push, job);
    assert.equal(json.stack, STACK);
    assert.equal(json.url, push1.url, "another load balancer: the stack was re-created");

    const tags = multistageTags(await stackTags(engine, STACK, job));
    real.push2Tags = tags;
    assert.equal(tags["multistage:created-at"], real.push1Tags?.["multistage:created-at"]);
    assert.ok(
      ms(tags["multistage:expires-at"]) > ms(real.push1Tags?.["multistage:expires-at"]),
      "the expiry did not move",
    );
    assert.ok(ms(tags["multistage:expires-at"]) >= at.push2.getTime() + 72 * HOUR - 1000);
    assert.equal(json.expiresAt, tags["multistage:expires-at"]);
    assert.deepEqual(
      (await stackNames(engine, job)).filter((s) => s.startsWith("feature-")),
      [STACK],
    );

    // The rebuilt config is the first push's but for the expiry, which the resources carry in
    // their tags: updates in place only.
    const entries = ofStack(since(before), STACK);
    assert.deepEqual(
      entries.filter((e) => e.op !== "update"),
      [],
      "push 2 created, replaced or deleted something",
    );
    assert.deepEqual(
      entries.filter((e) => e.error),
      [],
    );
    for (const e of entries)
      assert.deepEqual(
        e.changed?.filter((key) => key !== "tags" && key !== "tagsAll"),
        [],
        `${e.urn} changed more than its tags`,
      );

    real.configKeysInPushJob = configKeysIn(job, STACK);
    assert.deepEqual(real.configKeysInPushJob, [
      "aws:region",
      "multistage:feature",
      "multistage:stage",
    ]);
    // A fresh clone has no config for the stack at all, and the CLI says so: Pulumi.yaml declares `stage` without a default.
    const fresh = engine.checkout();
    assert.deepEqual(configKeysIn(fresh, STACK), []);
    const config = expectFailure(await engine.pulumi(["config", "-s", STACK], { cwd: fresh }));
    real.configInFreshCheckout = missingConfig(config.stdout + config.stderr);
    assert.equal(
      real.configInFreshCheckout,
      "Stack 'feature-flows' is missing configuration value 'stage'",
    );
  });

  it("feature list, in another clone, shows the stack from its tags: branch, pull request, created-at, expiry, url", async () => {
    at.list = new Date();
    const { json: rows } = await stagectlJson<FeatureStackRow[]>(
      engine,
      STEPS.list,
      engine.checkout(),
    );
    real.listRows = rows;
    assert.equal(rows.length, 1);
    const [row] = rows;
    assert.equal(row.stack, STACK);
    assert.equal(row.branch, "feature/flows");
    assert.equal(row.pr, 7);
    assert.equal(row.createdAt, real.push1Tags?.["multistage:created-at"]);
    assert.equal(row.expiresAt, real.push2Tags?.["multistage:expires-at"]);
    assert.equal(row.expired, false);
    assert.equal(row.url, push1.url);
    assert.deepEqual(row.problems, []);
    assert.equal(row.notFeature, undefined);
    assert.ok(
      row.ageHours !== undefined && row.ageHours >= 0 && row.ageHours < 1,
      `age ${String(row.ageHours)}h`,
    );
  });

  it("feature reap destroys and removes only the expired stack; development, made to look like an expired feature stack, is never touched", async () => {
    // A second pull request whose time to live has run out.
    at.stale = new Date();
    const { json: stale } = await stagectlJson<FeatureUpResult>(
      engine,
      STEPS.stale,
      engine.checkout(),
    );
    const expiresIn = ms(stale.expiresAt) + 1000 - Date.now();
    if (expiresIn > 0) await sleep(expiresIn);

    // Whatever a long-lived stack's tags and config say, it is not a feature stack.
    const nightly = engine.checkout();
    for (const [key, value] of Object.entries(IMPOSTER_TAGS))
      expectSuccess(
        await engine.pulumi(["stack", "tag", "set", key, value, "-s", "development"], {
          cwd: nightly,
        }),
      );
    const developmentFile = path.join(nightly.dir, "Pulumi.development.yaml");
    fs.writeFileSync(
      developmentFile,
      fs
        .readFileSync(developmentFile, "utf8")
        .replace(
          "multistage:stage: development",
          `multistage:stage: feature\n  multistage:feature: '${JSON.stringify({ branch: "develop", createdAt: IMPOSTER_TAGS["multistage:created-at"], expiresAt: IMPOSTER_TAGS["multistage:expires-at"] })}'`,
        ),
    );
    developmentState = expectSuccess(
      await engine.pulumi(["stack", "export", "-s", "development"], { cwd: nightly }),
    ).stdout;
    const flowsState = expectSuccess(
      await engine.pulumi(["stack", "export", "-s", STACK], { cwd: nightly }),
    ).stdout;
    const staleResources = await stateUrns(STALE, nightly);
    assert.ok(staleResources.length > 0);

    const before = engine.journal().length;
    const tasksBefore = engine.ecs.runs.length;
    at.reap = new Date();
    const { json: reap } = await stagectlJson<ReapResult>(engine, STEPS.reap, nightly);
    real.reap = reap;
    assert.deepEqual(reap.selected, [STALE]);
    assert.deepEqual(reap.reaped, [STALE]);
    assert.deepEqual(reap.failed, []);
    assert.deepEqual(reap.skipped, []);
    // The stale stack's drop task runs on after its destroy returned; then the prune keeps the
    // live stack's databases only, as development's provisioner in development's cluster.
    await engine.ecs.settle();
    const liveDatabase = STACK.replace(/-/g, "_");
    assert.ok(reap.prune && "keep" in reap.prune, JSON.stringify(reap.prune));
    assert.deepEqual(reap.prune.keep, [liveDatabase]);
    assert.deepEqual(
      engine.ecs.runs.slice(tasksBefore).map((r) => r.argv.slice(2).join(" ")),
      [
        `drop --database ${STALE.replace(/-/g, "_")} --role ${STALE.replace(/-/g, "_")} --incarnation ${engine.ecs.runs.slice(tasksBefore)[0]?.argv.at(-1)}`,
        `prune --keep ${liveDatabase}`,
      ],
    );
    assert.equal(
      engine.ecs.runs.at(-1)?.taskDefinition,
      "multistage-development-feature-db",
      "the provisioner's family, its latest revision",
    );
    real.stacksAfterReap = await stackNames(engine, nightly);
    assert.deepEqual(real.stacksAfterReap, ["development", STACK]);

    // Every call reached only the expired stack, and deleted all of it.
    const entries = since(before);
    assert.deepEqual([...new Set(entries.map((e) => e.stack))], [STALE]);
    assert.deepEqual([...new Set(entries.map((e) => e.op))], ["delete"]);
    assert.deepEqual(
      entries.filter((e) => e.error),
      [],
    );
    assert.deepEqual(entries.map((e) => e.urn).sort(), deletedByDestroy(staleResources));
    assert.ok(
      retainedByDestroy(staleResources).length >= 2,
      "the stack had no task definitions to retain",
    );
    assert.deepEqual(
      liveOf(STALE)
        .map((r) => r.urn)
        .sort(),
      retainedByDestroy(staleResources),
    );

    assert.equal(
      expectSuccess(await engine.pulumi(["stack", "export", "-s", "development"], { cwd: nightly }))
        .stdout,
      developmentState,
      "development's state changed",
    );
    assert.equal(
      expectSuccess(await engine.pulumi(["stack", "export", "-s", STACK], { cwd: nightly })).stdout,
      flowsState,
      "the live stack's state changed",
    );
    assert.deepEqual(
      multistageTags(await stackTags(engine, "development", nightly)),
      IMPOSTER_TAGS,
    );
  });

  it("feature down, in another clone, destroys and removes the stack, and nothing else", async () => {
    const job = engine.checkout();
    const resources = await stateUrns(STACK, job);
    const before = engine.journal().length;
    at.down = new Date();
    const { json } = await stagectlJson<FeatureDownResult>(engine, STEPS.down, job);
    real.down = json;
    assert.deepEqual(json, { stack: STACK, destroyed: true });
    real.stacksAfterDown = await stackNames(engine, job);
    assert.deepEqual(real.stacksAfterDown, ["development"]);

    const entries = since(before);
    assert.deepEqual([...new Set(entries.map((e) => `${e.stack} ${e.op}`))], [`${STACK} delete`]);
    assert.deepEqual(
      entries.filter((e) => e.error),
      [],
    );
    assert.deepEqual(entries.map((e) => e.urn).sort(), deletedByDestroy(resources));
    assert.deepEqual(
      liveOf(STACK)
        .map((r) => r.urn)
        .sort(),
      retainedByDestroy(resources),
    );
    assert.equal(
      expectSuccess(await engine.pulumi(["stack", "export", "-s", "development"], { cwd: job }))
        .stdout,
      developmentState,
      "development's state changed",
    );
  });

  it("the in-memory double, running the same jobs at the same times, says what the real engine said", async () => {
    assert.ok(real.stacksAfterDown, "the real lifecycle did not run to the end");
    const double = await lifecycleOnTheDouble(at, developmentOutputs);
    assert.deepEqual(comparable(double), comparable(real as LifecycleView));
  });
});

/** Scenario 2's jobs against MemoryWorkspace: one backend, a fresh checkout per job, the clock at each real step's time. */
async function lifecycleOnTheDouble(
  at: Record<string, Date>,
  developmentOutputs: Record<string, StackOutput>,
): Promise<LifecycleView> {
  const origin = new MemoryWorkspace().addStack("development", {
    outputs: developmentOutputs,
    resourceCount: Object.keys(developmentOutputs).length,
  });
  const { backend } = origin;
  const job = async <T>(
    args: string[],
    when: Date,
    checkout = origin.freshCheckout(),
  ): Promise<T> => {
    backend.now = () => when;
    const context = await runStagectl(testContext(checkout, when), [...args, "--json"]);
    assert.equal(context.exitCode, 0, `the double: ${args.join(" ")}: ${context.err.join("")}`);
    return stdoutJson<T>(context);
  };
  const tagsOf = (stack: string) => multistageTags(backend.get(stack).tags);
  const view: Partial<LifecycleView> = {};

  await job(STEPS.push, at.push1);
  view.push1Tags = tagsOf(STACK);
  const pushJob = origin.freshCheckout();
  await job(STEPS.push, at.push2, pushJob);
  view.push2Tags = tagsOf(STACK);
  view.configKeysInPushJob = Object.keys(await pushJob.getAllConfig(STACK)).sort();
  view.configInFreshCheckout = await origin
    .freshCheckout()
    .getAllConfig(STACK)
    .then(
      (config) => `config: ${Object.keys(config).join(", ")}`,
      (error: Error) => missingConfig(error.message),
    );
  view.listRows = await job<FeatureStackRow[]>(STEPS.list, at.list);
  await job(STEPS.stale, at.stale);
  Object.assign(backend.get("development").tags, IMPOSTER_TAGS);
  view.reap = await job<ReapResult>(STEPS.reap, at.reap);
  view.stacksAfterReap = [...backend.stacks.keys()].sort();
  view.down = await job<FeatureDownResult>(STEPS.down, at.down);
  view.stacksAfterDown = [...backend.stacks.keys()].sort();
  return view as LifecycleView;
}

/**
 * What both engines must agree on. Times are compared by what they mean (created-at kept, the
 * expiry 72 h after the push that set it), since each engine's clock read a few milliseconds
 * apart; the URL by presence (the double's is example.test, the fake cloud's a load balancer's).
 */
function comparable(view: LifecycleView) {
  const { push1Tags: one, push2Tags: two } = view;
  const relation = (tags: Record<string, string>) => ({
    keys: Object.keys(tags).sort(),
    stage: tags["multistage:stage"],
    branch: tags["multistage:branch"],
    pr: tags["multistage:pr"],
  });
  return {
    push1: {
      ...relation(one),
      ttlHours: (ms(one["multistage:expires-at"]) - ms(one["multistage:created-at"])) / HOUR,
    },
    push2: {
      ...relation(two),
      createdAtKept: two["multistage:created-at"] === one["multistage:created-at"],
      expiryExtended: ms(two["multistage:expires-at"]) > ms(one["multistage:expires-at"]),
    },
    configKeysInPushJob: view.configKeysInPushJob,
    configInFreshCheckout: view.configInFreshCheckout,
    listRows: view.listRows.map((row) => ({
      stack: row.stack,
      branch: row.branch,
      pr: row.pr,
      createdAtIsTheTag: row.createdAt === one["multistage:created-at"],
      expiresAtIsTheTag: row.expiresAt === two["multistage:expires-at"],
      expired: row.expired,
      hasUrl: typeof row.url === "string" && row.url !== "",
      notFeature: row.notFeature,
      problems: row.problems,
    })),
    // The double runs no ECS task: the prune is checked on the real run alone.
    reap: { ...view.reap, prune: undefined },
    stacksAfterReap: view.stacksAfterReap,
    down: view.down,
    stacksAfterDown: view.stacksAfterDown,
  };
}
