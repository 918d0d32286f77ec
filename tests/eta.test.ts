/**
 * stagectl eta's arithmetic, without the engine: the critical-path walk over a run's timed
 * operations, the table's longest path, the scaling back to AWS minutes, the table's coverage of
 * every rendered type. The command's refusals are in eta-command.test.ts, the engine run in
 * tests-engine/eta.test.ts.
 */
import { strict as assert } from "node:assert";
import { awsMinutes, sleepMs, timingOf } from "../tools/fake-cloud/aws-time";
import { instantReason, TYPICAL_TIMES } from "../tools/fake-cloud/typical-times";
import { chainTo, lastToFinish, TimedOp } from "../tools/eta/critical-path";
import { dependencyGraph, StateNode } from "../tools/eta/dependency-graph";
import { estimatePath } from "../tools/eta/estimate";
import { measureDown, measureUp } from "../tools/eta/measure";
import type { JournalEntry } from "../tools/fake-cloud/journal";
import { serialMinutes, tablePath } from "../tools/eta/table-path";
import { featureTargetForBranch, loadBranchRules } from "../tools/feature/branches";
import { EXAMPLE_BRANCH } from "../tools/cost/targets";
import { renderStack } from "../tools/render/harness";
import { LONG_LIVED_STACKS, renderWithConfig, shippedRender } from "./helpers/renders";

const T0 = Date.parse("2026-03-01T12:00:00Z");
const urn = (name: string, type = "aws:ec2/vpc:Vpc") =>
  `urn:pulumi:development::multistage::${type}::${name}`;
const VPC = urn("vpc");
const DB = urn("db", "aws:rds/instance:Instance");
const CACHE = urn("cache", "aws:elasticache/replicationGroup:ReplicationGroup");
const SERVICE = urn("service", "aws:ecs/service:Service");
const node = (
  u: string,
  dependencies: string[] = [],
  inputs: Record<string, unknown> = {},
): StateNode => ({ urn: u, type: u.split("::")[2], custom: true, dependencies, inputs });

/** vpc, then db and cache side by side, then the service that needs both. */
const diamond = [node(VPC), node(DB, [VPC]), node(CACHE, [VPC]), node(SERVICE, [DB, CACHE])];
/** A run of the diamond: times in seconds from T0 (1 s per AWS minute). */
function run(db: [number, number], cache: [number, number]): TimedOp[] {
  const op = (u: string, [from, to]: [number, number]): TimedOp => ({
    urn: u,
    type: u.split("::")[2],
    op: "create",
    started: T0 + from * 1000,
    ended: T0 + to * 1000,
  });
  const serviceStart = Math.max(db[1], cache[1]) + 0.1;
  return [
    op(VPC, [1, 1.4]),
    op(DB, db),
    op(CACHE, cache),
    op(SERVICE, [serviceStart, serviceStart + 0.5]),
  ];
}
const close = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} != ${expected}`);
const names = (ops: readonly { urn: string }[]) => ops.map((o) => o.urn.split("::").pop());

describe("stagectl eta: the critical path of a run", () => {
  const graph = dependencyGraph(diamond);

  it("of two parallel branches, the one that finished later is on the path", () => {
    const dbLonger = run([1.5, 9.5], [1.5, 8.5]);
    assert.deepEqual(names(chainTo(lastToFinish(dbLonger) as TimedOp, dbLonger, graph)), [
      "vpc",
      "db",
      "service",
    ]);
    const cacheLonger = run([1.5, 6.5], [1.5, 8.5]);
    assert.deepEqual(names(chainTo(lastToFinish(cacheLonger) as TimedOp, cacheLonger, graph)), [
      "vpc",
      "cache",
      "service",
    ]);
  });

  it("with one slot, an operation waits for the one that freed it, not for its dependency", () => {
    // --parallel 1: the cache ran after the database, which it does not depend on.
    const serial = run([1.5, 9.5], [9.6, 16.6]);
    assert.deepEqual(
      names(chainTo(lastToFinish(serial) as TimedOp, serial, graph, { parallel: 1 })),
      ["vpc", "db", "cache", "service"],
    );
    // With slots to spare the same timings say the cache waited for the vpc alone.
    assert.deepEqual(names(chainTo(lastToFinish(serial) as TimedOp, serial, graph)), [
      "vpc",
      "cache",
      "service",
    ]);
  });

  it("a delete waits for its dependents, not its dependencies", () => {
    const op = (u: string, from: number, to: number): TimedOp => ({
      urn: u,
      type: u.split("::")[2],
      op: "delete",
      started: T0 + from * 1000,
      ended: T0 + to * 1000,
    });
    const deletes = [op(SERVICE, 1, 2.5), op(DB, 2.6, 7.6), op(CACHE, 2.6, 7.1), op(VPC, 7.7, 7.8)];
    assert.deepEqual(names(chainTo(lastToFinish(deletes) as TimedOp, deletes, graph)), [
      "service",
      "db",
      "vpc",
    ]);
  });

  it("a delete waits through a resource the run made no call for (a task definition kept on destroy)", () => {
    const TASK = urn("task", "aws:ecs/taskDefinition:TaskDefinition");
    const nodes = [node(VPC), node(TASK, [VPC]), node(SERVICE, [TASK])];
    const op = (u: string, from: number, to: number): TimedOp => ({
      urn: u,
      type: u.split("::")[2],
      op: "delete",
      started: T0 + from * 1000,
      ended: T0 + to * 1000,
    });
    // No delete of the task definition: skipDestroy drops it from the state without a call.
    const deletes = [op(SERVICE, 1, 2.5), op(VPC, 2.6, 2.7)];
    assert.deepEqual(
      names(chainTo(lastToFinish(deletes) as TimedOp, deletes, dependencyGraph(nodes))),
      ["service", "vpc"],
    );
  });

  it("scales AWS's part back up and counts the engine's own time as it was", () => {
    // 2 s per AWS minute: the database's 16 s are 8 AWS minutes; the 3 s before the vpc and the
    // 0.1 s gaps are the engine's.
    const ops = run([1.5, 17.5], [1.5, 15.5]).map((o) => ({
      ...o,
      started: o.started + 2000,
      ended: o.ended + 2000,
    }));
    const path = estimatePath(chainTo(lastToFinish(ops) as TimedOp, ops, graph), {
      runStarted: T0,
      secondsPerMinute: 2,
      tailMs: 400,
    });
    assert.deepEqual(names(path.links), ["vpc", "db", "service"]);
    close(path.awsMinutes, 0.2 + 8 + 0.25);
    close(path.engineSeconds, 3 + 0.1 + 0.1 + 0.4);
    close(path.minutes, 8.45 + 3.6 / 60);
    close(path.links[1].atMinutes, 3 / 60 + 0.2 + 0.1 / 60 + 8);
    assert.throws(
      () => estimatePath([], { runStarted: T0, secondsPerMinute: 0 }),
      /secondsPerMinute must be above 0.*got 0/,
    );
  });
});

describe("stagectl eta: until the URL serves", () => {
  const TG = urn("tg", "aws:lb/targetGroup:TargetGroup");
  const FEATURE_DB = urn("feature-db", "pulumi-nodejs:dynamic/multistage:FeatureDatabase");
  const previewGroup = {
    healthCheck: { interval: 5, healthyThreshold: 2 },
    deregistrationDelay: 5,
  };
  const state = [node(TG, [], previewGroup), node(SERVICE, [TG]), node(FEATURE_DB)];
  const servingMinutes = 2 + (2 * 5) / 60;
  /** A journal line of the stack, `from`-`to` seconds after T0 (1 s per AWS minute). */
  const entry = (u: string, from: number, to: number): JournalEntry => ({
    time: new Date(T0 + to * 1000).toISOString(),
    started: new Date(T0 + from * 1000).toISOString(),
    op: "create",
    provider: "aws",
    type: u.split("::")[2],
    urn: u,
    stack: "feature-x",
    id: u,
    inputs: {},
  });
  const measure = (dbEnds: number) =>
    measureUp(
      [entry(TG, 0, 0.05), entry(SERVICE, 0.1, 0.6), entry(FEATURE_DB, 0.1, dbEnds)],
      "feature-x",
      state,
      { started: T0, ended: T0 + 3000 },
      { secondsPerMinute: 1, parallel: 8 },
    );

  it("counts the tasks' start from the service's create call, which ECS places them on", () => {
    const m = measure(1.6);
    assert.ok(m.url);
    assert.deepEqual(names(m.url.links), ["tg", "service"]);
    // 0.5 min of the serving time passed while the provider waited for ACTIVE.
    close(m.url.after?.minutes ?? NaN, servingMinutes - 0.5);
    close(m.url.minutes, 0.05 + 0.05 / 60 + 0.5 + (servingMinutes - 0.5));
    // The table: the target group, then the serving time from the create call.
    close(m.table.url?.minutes ?? NaN, 0.05 + servingMinutes);
  });

  it("the deployment's path is the longest in AWS minutes, not the one that ended last here", () => {
    const LB = urn("lb", "aws:lb/loadBalancer:LoadBalancer");
    const both = [node(LB), node(FEATURE_DB)];
    // The load balancer (2.5 AWS minutes) ends at 3 s, the copy (1.5) at 4 s after 2.5 s of engine.
    const m = measureUp(
      [entry(LB, 0.5, 3), entry(FEATURE_DB, 2.5, 4)],
      "feature-x",
      both,
      { started: T0, ended: T0 + 4000 },
      { secondsPerMinute: 1, parallel: 8 },
    );
    assert.deepEqual(names(m.finished.links), ["lb"]);
    close(m.finished.minutes, 0.5 / 60 + 2.5);
  });

  it("a destroy's path leaves out the drop task it only started, and says when that task ended", () => {
    const drop: JournalEntry = { ...entry(FEATURE_DB, 1, 2.5), op: "delete", detached: true };
    const m = measureDown(
      [
        { ...entry(SERVICE, 0.5, 0.9), op: "delete" },
        { ...entry(TG, 1, 1.05), op: "delete" },
        drop,
      ],
      "feature-x",
      state,
      { started: T0, ended: T0 + 1200 },
      { secondsPerMinute: 1, parallel: 8 },
    );
    assert.deepEqual(names(m.finished.links), ["service", "tg"]);
    assert.equal(m.operations, 2);
    // Started 1 s (of engine) after the command, then 1.5 AWS minutes.
    close(m.detached?.minutes ?? NaN, 1 / 60 + 1.5);
    assert.match(
      m.detached?.what ?? "",
      /feature-db task the destroy started and did not wait for/,
    );
  });

  it("waits for the feature database when its copy ends after the tasks are healthy", () => {
    const m = measure(3);
    assert.ok(m.url);
    assert.deepEqual(names(m.url.links), ["feature-db"]);
    assert.equal(m.url.after, undefined);
    close(m.url.minutes, 0.1 / 60 + 2.9);
  });
});

describe("stagectl eta: the table's longest path", () => {
  it("takes the longer branch by the table's times: a restore outlasts the cache, an empty database does not", () => {
    const restoring = [
      node(VPC),
      node(DB, [VPC], { snapshotIdentifier: "multistage-sanitized-2026-03-01" }),
      node(CACHE, [VPC]),
      node(SERVICE, [DB, CACHE]),
    ];
    const restore = tablePath(restoring, dependencyGraph(restoring), "create");
    assert.deepEqual(names(restore.urns.map((u) => ({ urn: u }))), ["vpc", "db", "service"]);
    assert.equal(restore.minutes, 0.4 + 10 + 0.5);
    // An empty single-AZ database (8 min) is quicker than a replication group with a replica (9 min).
    const replicated = [
      node(VPC),
      node(DB, [VPC]),
      node(CACHE, [VPC], { numCacheClusters: 2 }),
      node(SERVICE, [DB, CACHE]),
    ];
    const cache = tablePath(replicated, dependencyGraph(replicated), "create");
    assert.deepEqual(names(cache.urns.map((u) => ({ urn: u }))), ["vpc", "cache", "service"]);
    assert.equal(cache.minutes, 0.4 + 9 + 0.5);
    assert.equal(
      serialMinutes(replicated, "create", dependencyGraph(replicated)),
      0.4 + 8 + 9 + 0.5,
    );
  });

  it("a dependency on a component is one on every custom resource under it", () => {
    const component = "urn:pulumi:development::multistage::multistage:database:Database::db";
    const nodes: StateNode[] = [
      node(VPC),
      { urn: component, type: "multistage:database:Database", custom: false },
      { ...node(DB, [VPC]), parent: component },
      node(SERVICE, [component]),
    ];
    const graph = dependencyGraph(nodes);
    assert.deepEqual(graph.dependenciesOf(SERVICE), [DB]);
    assert.deepEqual(graph.dependentsOf(DB), [SERVICE]);
    assert.deepEqual(tablePath(nodes, graph, "create").urns, [VPC, DB, SERVICE]);
    assert.deepEqual(tablePath(nodes, graph, "delete").urns, [SERVICE, DB, VPC]);
  });
});

describe("stagectl eta: the table of typical times", () => {
  const featureStack = featureTargetForBranch(EXAMPLE_BRANCH, loadBranchRules()).stack;
  const feature = (isolation: "shared" | "dedicated") => () =>
    renderStack(featureStack, {
      configOverrides: {
        "aws:region": "eu-west-1",
        "multistage:stage": "feature",
        "multistage:feature": {
          branch: EXAMPLE_BRANCH,
          createdAt: "2026-03-01T12:00:00Z",
          expiresAt: "2026-03-04T12:00:00Z",
          isolation,
        },
      },
    });
  const certificate =
    "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555";
  const renders = {
    ...Object.fromEntries(LONG_LIVED_STACKS.map((s) => [s, () => shippedRender(s)])),
    feature: feature("shared"),
    "feature (dedicated)": feature("dedicated"),
    // The preview domain adds a listener certificate and a wildcard record to development.
    "development with a preview domain": () =>
      renderWithConfig("development", {
        "aws:region": "eu-west-1",
        "multistage:stage": "development",
        "multistage:domain": {
          name: "dev.example.com",
          hostedZoneId: "Z0123456789ABCDEFGHIJ",
          certificateArn: certificate,
        },
        "multistage:featureStacks": {
          isolation: "shared",
          previewDomain: "preview.example.com",
          previewCertificateArn: certificate,
        },
      }),
  };
  for (const [name, render] of Object.entries(renders)) {
    it(`${name}: every type it registers has a typical time with a source, or is instant with a reason`, async () => {
      const types = [...new Set((await render()).resources.map((r) => r.type))];
      const missing = types.filter((t) => !TYPICAL_TIMES[t] && instantReason(t) === undefined);
      assert.deepEqual(missing, [], "add these to tools/fake-cloud/typical-times.ts");
      for (const t of types.filter((t) => TYPICAL_TIMES[t]))
        assert.ok(TYPICAL_TIMES[t].source.length > 20, `${t} has no source`);
    });
  }

  it("picks a variant by the call's inputs, and refuses a type it does not know", () => {
    assert.equal(awsMinutes("aws:rds/instance:Instance", "create", {}), 8);
    assert.equal(
      awsMinutes("aws:rds/instance:Instance", "create", { snapshotIdentifier: "s" }),
      10,
    );
    assert.equal(awsMinutes("aws:rds/instance:Instance", "create", { multiAz: true }), 12);
    assert.equal(awsMinutes("aws:rds/instance:Instance", "delete", { snapshotIdentifier: "s" }), 5);
    assert.equal(awsMinutes("random:index/randomPassword:RandomPassword", "create", {}), 0);
    assert.throws(
      () => awsMinutes("aws:ec2/instance:Instance", "create", {}),
      /no typical time for aws:ec2\/instance:Instance; add it to tools\/fake-cloud\/typical-times.ts/,
    );
  });

  it("an ECS service's delete drains for its target group's deregistration delay, then its tasks stop", () => {
    const service = "aws:ecs/service:Service";
    // ELB's default delay (300 s) when the group sets none; 30 s outside previews; 5 s for previews.
    close(awsMinutes(service, "delete", {}, { targetGroup: {} }), 0.1 + 5 + 0.2);
    close(
      awsMinutes(service, "delete", {}, { targetGroup: { deregistrationDelay: 30 } }),
      0.1 + 0.5 + 0.2,
    );
    close(
      awsMinutes(service, "delete", {}, { targetGroup: { deregistrationDelay: 5 } }),
      0.1 + 5 / 60 + 0.2,
    );
    // No target group known: the delay AppService sets outside previews.
    close(awsMinutes(service, "delete", {}), 0.1 + 0.5 + 0.2);
    // The fake cloud's sleep follows the same rule.
    const world = { timing: { secondsPerMinute: 1 } } as unknown as Parameters<typeof sleepMs>[3];
    assert.equal(
      sleepMs(service, "delete", {}, world, { targetGroup: { deregistrationDelay: 5 } }),
      Math.round((0.1 + 5 / 60 + 0.2) * 1000),
    );
  });

  it("sleeps only when world.json asks, and refuses a malformed timing naming the key and value", () => {
    assert.equal(sleepMs("aws:rds/instance:Instance", "create", {}, {}), 0);
    assert.equal(
      sleepMs("aws:rds/instance:Instance", "create", {}, { timing: { secondsPerMinute: 0.5 } }),
      4000,
    );
    assert.throws(
      () => timingOf({ timing: { secondsPerMinute: -1 } }),
      /world.json timing.secondsPerMinute: .* \(got \{"secondsPerMinute":-1\}\)/,
    );
  });
});
