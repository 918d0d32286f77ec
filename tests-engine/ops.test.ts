/**
 * Scenario 1, ops: `pulumi up -s <stage>` of every long-lived stage from the repository root of a
 * fresh checkout, with the committed stack files, exactly as an operator runs it.
 *
 * Order: development, staging, production, as the README's first deployment in a fresh account
 * goes. A lower stage finds production's sanitized data by name (stage/references.ts),
 * so development deploys before production exists: its database starts empty and it says so.
 * Where the data comes from (snapshots) is the data scenario's subject, not this one's.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import type { Checkout } from "./harness/checkout";
import { EngineSuite, expectFailure, expectSuccess } from "./harness/engine";
import { cloudResources, exportStack, transitiveDependencies } from "./harness/state";
import { cloudKey, JournalEntry } from "../tools/fake-cloud/journal";

const ACCOUNT = "123456789012";
const ORDER = ["development", "staging", "production"] as const;
/** What production keeps in AWS when its stack is destroyed: its data, sanitized or not, and its access logs (stage/teardown.ts). */
const RETAINED = [
  "env-db-instance",
  "env-cache-redis",
  "env-bucket-bucket",
  "env-sanitized-bucket",
  "env-access-logs-bucket",
];

const of = (entries: JournalEntry[], stack: string) => entries.filter((e) => e.stack === stack);

/** The deployer role a stack file names (multistage:access.deployerRoleArn), if any. */
function deployerRoleOf(checkout: Checkout, stack: string): string | undefined {
  const file = parse(fs.readFileSync(path.join(checkout.dir, `Pulumi.${stack}.yaml`), "utf8")) as {
    config?: Record<string, { deployerRoleArn?: string }>;
  };
  return file.config?.["multistage:access"]?.deployerRoleArn;
}

/** The stack file in the checkout next to the committed one: top-level keys and config. */
function stackFileAgainstCommitted(checkout: Checkout, stack: string) {
  const file = `Pulumi.${stack}.yaml`;
  const committed = parse(
    execFileSync("git", ["show", `HEAD:${file}`], { cwd: checkout.dir, encoding: "utf8" }),
  ) as Record<string, unknown>;
  const now = parse(fs.readFileSync(path.join(checkout.dir, file), "utf8")) as Record<
    string,
    unknown
  >;
  return { committed, now, addedKeys: Object.keys(now).filter((k) => !(k in committed)) };
}

describe("ops: pulumi up of every long-lived stage, from the repository root of a fresh checkout", () => {
  let engine: EngineSuite;

  before(async () => {
    engine = await EngineSuite.start();
  });
  after(() => engine?.dispose());

  for (const stack of ORDER) {
    it(`creates ${stack}: one create per resource in the state, every AWS call made as the deployer role its stack file names`, async () => {
      const checkout = engine.checkout();
      expectSuccess(await engine.pulumi(["stack", "init", stack], { cwd: checkout }));
      expectSuccess(await engine.pulumi(["up", "-s", stack, "--yes"], { cwd: checkout }));

      const entries = of(engine.journal(), stack);
      assert.ok(entries.length > 0, "nothing reached the cloud");
      assert.deepEqual([...new Set(entries.map((e) => e.op))], ["create"]);
      const inState = cloudResources(await exportStack(engine, stack, checkout));
      assert.deepEqual(
        entries.map((e) => e.urn).sort(),
        inState.map((r) => r.urn).sort(),
        "the journal and the state disagree on what exists",
      );

      // STS names an assumed role's session arn:aws:sts::<account>:assumed-role/<role name>/<session>.
      const roleArn = deployerRoleOf(checkout, stack);
      const callers = [
        ...new Set(entries.filter((e) => e.provider === "aws").map((e) => e.caller)),
      ];
      if (roleArn) {
        const [, , , , account, resource] = roleArn.split(":");
        assert.equal(callers.length, 1, `more than one caller: ${callers.join(", ")}`);
        assert.ok(
          callers[0]?.startsWith(
            `arn:aws:sts::${account}:assumed-role/${resource.split("/").pop()}/`,
          ),
          `called as ${callers[0]}, not as ${roleArn}`,
        );
      } else {
        assert.deepEqual(callers, [`arn:aws:iam::${ACCOUNT}:user/engine-suite`]);
      }
    });
  }

  it("development builds the app into its own repository; staging and production build nothing and run their pinned digest", () => {
    const images = engine.journal().filter((e) => e.type === "docker:index/image:Image");
    assert.deepEqual(
      images.map((e) => e.stack),
      ["development"],
    );
    assert.deepEqual(images[0].inputs.build, {
      context: ".",
      dockerfile: "app/Dockerfile",
      platform: "linux/amd64",
    });
  });

  for (const stack of ORDER) {
    it(`a second up of ${stack} from another fresh checkout changes nothing, in the cloud or in the stack's config`, async () => {
      const before = engine.journal().length;
      const checkout = engine.checkout();
      const up = expectSuccess(
        await engine.pulumi(["up", "-s", stack, "--yes", "--expect-no-changes"], { cwd: checkout }),
      );
      assert.match(up.stdout, /unchanged/);
      assert.equal(engine.journal().length, before, "the second up called the cloud");
      // The committed stack files carry no encryption salt, so the CLI records one in the
      // checkout's copy (pkg/cmd/pulumi/stack/secrets.go); nothing else in the file may change.
      assert.deepEqual(checkout.changes(), [`Pulumi.${stack}.yaml`]);
      const file = stackFileAgainstCommitted(checkout, stack);
      assert.deepEqual(file.addedKeys, ["encryptionsalt"]);
      assert.deepEqual(file.now.config, file.committed.config);
    });
  }

  it("pulumi destroy -s production is refused by protect, before any delete reaches the cloud", async () => {
    const before = engine.journal().length;
    const destroy = expectFailure(
      await engine.pulumi(["destroy", "-s", "production", "--yes"], { cwd: engine.checkout() }),
    );
    // pkg/resource/deploy/step.go, deleteProtectedError, for whichever protected resource comes first.
    assert.match(
      destroy.stdout + destroy.stderr,
      /(env-db-instance|env-cache-redis|env-bucket-bucket)" cannot be deleted\s+because it is protected/,
    );
    assert.equal(engine.journal().length, before, "a delete reached the cloud");
  });

  it("with protection lifted, destroy calls no delete for the retained database, cache and buckets, which stay in the cloud", async () => {
    const checkout = engine.checkout();
    const state = cloudResources(await exportStack(engine, "production", checkout));
    const retained = state.filter((r) => r.retainOnDelete);
    assert.deepEqual(retained.map((r) => r.urn.split("::").pop()).sort(), [...RETAINED].sort());

    expectSuccess(
      await engine.pulumi(["state", "unprotect", "--all", "-s", "production", "--yes"], {
        cwd: checkout,
      }),
    );
    // AWS's own deletion protection on the load balancer still refuses its delete; go on past it.
    const destroy = await engine.pulumi(
      ["destroy", "-s", "production", "--yes", "--continue-on-error"],
      { cwd: checkout },
    );

    const deletes = of(engine.journal(), "production").filter((e) => e.op === "delete");
    assert.ok(deletes.length > 0, "destroy deleted nothing");
    for (const r of retained)
      assert.ok(!deletes.some((e) => e.urn === r.urn), `${r.type} ${r.id} got a delete call`);
    const live = engine.live();
    for (const r of retained)
      assert.ok(
        live.has(cloudKey(r.type, r.id as string)),
        `${r.type} ${r.id} is gone from the cloud`,
      );
    const refused = deletes.filter((e) => e.error);
    assert.deepEqual(
      refused.map((e) => e.type),
      ["aws:lb/loadBalancer:LoadBalancer"],
    );
    assert.match(refused[0].error ?? "", /deletion protection is enabled/);

    // When a delete fails, the engine deletes none of that resource's transitive dependencies
    // (pkg/resource/deploy/deployment_executor.go, the erroredDeps of the delete antichains): the
    // load balancer and what it depends on (its log bucket, written to by it) stay in the state;
    // every other retained resource leaves the state without a delete call.
    const loadBalancer = state.find((r) => r.type === "aws:lb/loadBalancer:LoadBalancer");
    assert.ok(loadBalancer);
    const heldBack = transitiveDependencies(
      await exportStack(engine, "production", checkout),
      loadBalancer.urn,
    );
    const left = cloudResources(await exportStack(engine, "production", checkout));
    assert.deepEqual(
      left.map((r) => r.urn).sort(),
      [loadBalancer.urn, ...state.filter((r) => heldBack.has(r.urn)).map((r) => r.urn)].sort(),
      "what is left is the load balancer and its dependencies",
    );
    for (const r of retained.filter((r) => !heldBack.has(r.urn)))
      assert.ok(!left.some((s) => s.urn === r.urn), `${r.type} is still in the stack's state`);
    assert.ok(
      retained.some((r) => !heldBack.has(r.urn)),
      "no retained resource left the state",
    );
    assert.notEqual(destroy.code, 0);
  });
});
