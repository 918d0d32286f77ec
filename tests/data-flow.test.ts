import { strict as assert } from "node:assert";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { RenderedResource } from "../tools/render/harness";
import { RenderMocks } from "../tools/render/mocks";
import { renderStack } from "../tools/render/harness";
import { featureFixture } from "./helpers/feature-fixture";
import {
  accessFor,
  expectRenderFailure,
  named,
  once,
  ofType,
  onlyOfType,
  PINNED_IMAGE,
  renderWithConfig,
  shippedRender,
  TYPES,
  withoutFeatureHost,
} from "./helpers/renders";
import { FEATURE_DATABASE_RESOURCE_TYPE } from "../components/feature-database";

const base = { "aws:region": "eu-west-1" };
const feature = featureFixture({ branch: "feature/data" });
const featureConfig = feature.config;
const stagingReplica = {
  ...base,
  "multistage:stage": "staging",
  "multistage:image": PINNED_IMAGE,
  "multistage:data": { source: "production-replica", acknowledgeProductionData: true },
  "multistage:access": accessFor("staging"),
};

const featureRender = once(() => renderStack(feature.stack, { configOverrides: featureConfig }));
/** A feature stack whose team chose `featureStacks.isolation: dedicated`: an instance of its own. */
const dedicatedConfig = {
  ...featureConfig,
  "multistage:feature": JSON.stringify({
    ...(JSON.parse(featureConfig["multistage:feature"]) as object),
    isolation: "dedicated",
  }),
};
const dedicatedRender = once(() =>
  renderStack(feature.stack, { configOverrides: dedicatedConfig }),
);
const replicaRender = once(() => renderWithConfig("staging", stagingReplica));

const containersOf = (resources: RenderedResource[]) =>
  named(resources, "env-app-task").inputs.containerDefinitions as Array<{
    name: string;
    dependsOn?: Array<{ containerName: string; condition: string }>;
  }>;

describe("one-way data flow in the renders", () => {
  for (const [label, render] of [
    ["development", () => shippedRender("development")],
    ["a dedicated feature stack", dedicatedRender],
  ] as const) {
    it(`${label} restores the refinery's newest sanitized snapshot and ignores later snapshots`, async () => {
      const { resources } = await render();
      const db = named(resources, "env-db-instance");
      assert.equal(db.inputs.snapshotIdentifier, "multistage-sanitized-2026-11-25");
      assert.deepEqual(
        db.options.ignoreChanges,
        ["allocatedStorage", "snapshotIdentifier"],
        "sized once, at creation: RDS never shrinks a volume",
      );
      // Production is found by its physical names, so a lower stage can deploy before production exists.
      assert.deepEqual(
        ofType(resources, "pulumi:pulumi:StackReference")
          .map((r) => r.inputs.name)
          .filter((n) => n !== "organization/multistage/development"),
        [],
      );
    });

    it(`${label} runs no sanitize step of its own, and copies production's sanitized bucket on a schedule`, async () => {
      const { resources } = await render();
      assert.deepEqual(
        containersOf(resources).map((c) => c.name),
        ["app"],
        "the data arrives clean; the app starts at once",
      );
      assert.equal(
        ofType(resources, "aws:scheduler/schedule:Schedule").filter((s) =>
          s.name.startsWith("env-bucket-sync"),
        ).length,
        1,
      );
      const sync = (
        named(resources, "env-bucket-sync-task").inputs.containerDefinitions as Array<{
          command: string[];
        }>
      )[0].command;
      assert.equal(sync[2], "s3://multistage-production-sanitized");
    });
  }

  it("a shared feature stack restores nothing: its database is copied from the feature host's template, which only the refinery's export fills", async () => {
    const { resources } = await featureRender();
    assert.equal(ofType(resources, TYPES.db).length, 0, "no RDS instance of its own");
    const database = onlyOfType(resources, FEATURE_DATABASE_RESOURCE_TYPE).inputs;
    assert.equal(database.database, "feature_data");
    assert.equal(database.role, "feature_data");
    // The provisioner is development's task, whose template is refreshed from production's
    // sanitized bucket only (components/feature-host.ts).
    assert.match(
      String(database.taskDefinitionArn),
      /task-definition\/multistage-development-feature-db:/,
    );
    const development = await shippedRender("development");
    const refresh = (
      named(development.resources, "env-feature-host-task").inputs.containerDefinitions as Array<{
        command: string[];
      }>
    )[0].command;
    assert.deepEqual(refresh.slice(2, 4), ["refresh-template", "--from"]);
    assert.equal(refresh[4], "s3://multistage-production-sanitized/feature-template/");
    // Refresh and export stage files in /tmp; on a read-only root only a bind-mounted volume is writable.
    const production = await shippedRender("production");
    for (const task of [
      named(development.resources, "env-feature-host-task"),
      named(production.resources, "env-refinery-sanitize-task"),
    ]) {
      const [container] = task.inputs.containerDefinitions as Array<{
        readonlyRootFilesystem: boolean;
        mountPoints: Array<{ sourceVolume: string; containerPath: string }>;
      }>;
      assert.equal(container.readonlyRootFilesystem, true, task.name);
      const tmp = container.mountPoints.find((m) => m.containerPath === "/tmp");
      assert.ok(tmp, `${task.name} mounts a volume at /tmp`);
      assert.deepEqual(task.inputs.volumes, [{ name: tmp.sourceVolume }], task.name);
    }
    // The exports it reads expire in production's sanitized bucket; the newest is what counts.
    const rules = named(production.resources, "env-sanitized-lifecycle").inputs.rules as Array<{
      filter: { prefix?: string };
      expiration?: { days: number };
    }>;
    assert.deepEqual(
      rules.filter((r) => r.filter.prefix === "feature-template/").map((r) => r.expiration),
      [{ days: 7 }],
    );
  });

  it("restores into a volume at least the snapshot's size, whatever the profile says", async () => {
    const { resources } = await shippedRender("development");
    const db = named(resources, "env-db-instance").inputs;
    const production = named(
      (await shippedRender("production")).resources,
      "env-db-instance",
    ).inputs;
    assert.equal(
      db.allocatedStorage,
      production.allocatedStorage,
      "production's 50 GiB, not the profile's 20",
    );
    const bigger = await renderStack("development", {
      latestSanitizedSnapshot: {
        identifier: "multistage-sanitized-2026-11-26",
        allocatedStorageGb: 200,
      },
    });
    assert.equal(named(bigger.resources, "env-db-instance").inputs.allocatedStorage, 200);
    const asked = await renderWithConfig("development", {
      ...base,
      "multistage:stage": "development",
      "multistage:database": { allocatedStorageGb: 120 },
    });
    assert.equal(
      named(asked.resources, "env-db-instance").inputs.allocatedStorage,
      120,
      "a larger stage setting wins",
    );
  });

  it("the fake RDS refuses a restore into a smaller volume, as RDS does", () => {
    const mocks = new RenderMocks({
      region: "eu-west-1",
      latestSnapshot: () => ({ identifier: "rds:s1", allocatedStorageGb: 50 }),
    });
    mocks.call({
      token: "aws:rds/getSnapshot:getSnapshot",
      inputs: { dbInstanceIdentifier: "multistage-production-db" },
      provider: "",
    });
    const restore = (allocatedStorage: number) =>
      mocks.newResource({
        type: TYPES.db,
        name: "db",
        inputs: { identifier: "x", snapshotIdentifier: "rds:s1", allocatedStorage },
        provider: "",
        id: undefined,
        custom: true,
      });
    assert.throws(
      () => restore(20),
      /InvalidParameterCombination: x restores rds:s1 \(50 GiB\) into 20 GiB/,
    );
    assert.doesNotThrow(() => restore(50));
  });

  it("a restore sends neither database name nor master user: RDS keeps the snapshot's", async () => {
    const db = named((await shippedRender("development")).resources, "env-db-instance").inputs;
    assert.equal(db.dbName, undefined);
    assert.equal(db.username, undefined);
    assert.equal(db.password, "[secret]", "the password is still set, after the restore");
    const empty = named((await shippedRender("staging")).resources, "env-db-instance").inputs;
    assert.equal(empty.dbName, "app");
    assert.equal(empty.username, "app_owner");
  });

  it("starts empty with a warning when production has no snapshot yet", async () => {
    const render = await renderStack("development", { latestSanitizedSnapshot: null });
    assert.equal(named(render.resources, "env-db-instance").inputs.snapshotIdentifier, undefined);
    assert.ok(
      render.warnings.some((w) =>
        /No sanitized snapshot of production yet .*this stage's database starts empty/.test(w),
      ),
      render.warnings.join("\n"),
    );
  });

  it("refuses to restore a snapshot of the sanitizer that the refinery did not name, rather than start empty", async () => {
    await assert.rejects(
      renderStack("development", {
        latestSanitizedSnapshot: {
          identifier: "rds:multistage-production-sanitizer-2026-11-26-01-10",
          allocatedStorageGb: 50,
        },
      }),
      /the newest snapshot of multistage-production-sanitizer is rds:multistage-production-sanitizer-2026-11-26-01-10, not a sanitized one \(multistage-sanitized-\*\)/,
    );
  });

  it("a failed lookup stops the update instead of starting empty for good; only 'no results' means none yet", async () => {
    const denied =
      "reading RDS DB Snapshots: operation error RDS: DescribeDBSnapshots, api error AccessDenied: not authorized to perform: rds:DescribeDBSnapshots";
    await assert.rejects(
      renderStack("development", {
        latestSanitizedSnapshot: { identifier: "x", allocatedStorageGb: 20, lookupError: denied },
      }),
      /looking up the newest sanitized snapshot of multistage-production-sanitizer failed: .*AccessDenied/,
    );
  });

  it("warns when the newest sanitized snapshot is still being made, and goes on", async () => {
    const render = await renderStack("development", {
      latestSanitizedSnapshot: {
        identifier: "multistage-sanitized-2026-11-26-02-30",
        allocatedStorageGb: 50,
        status: "creating",
      },
    });
    assert.ok(
      render.warnings.some((w) =>
        /multistage-sanitized-2026-11-26-02-30 is creating, not yet available/.test(w),
      ),
      render.warnings.join("\n"),
    );
  });

  it("a data generation bump re-creates the database as a new resource, restored from the newest snapshot", async () => {
    const newest = { identifier: "multistage-sanitized-2026-12-01", allocatedStorageGb: 50 };
    const render = await renderWithConfig(
      "development",
      { ...base, "multistage:stage": "development", "multistage:data": { generation: 3 } },
      { latestSanitizedSnapshot: newest },
    );
    // A new logical name, not a replacement: the engine would copy the ignored snapshotIdentifier
    // of the old instance into a replacement (processIgnoreChanges), restoring the old snapshot.
    assert.deepEqual(
      ofType(withoutFeatureHost(render.resources), TYPES.db).map((r) => r.name),
      ["env-db-instance-g3"],
    );
    const db = named(render.resources, "env-db-instance-g3");
    assert.equal(db.physicalName, "multistage-development-db-g3");
    assert.equal(db.inputs.snapshotIdentifier, newest.identifier);
    assert.deepEqual(
      db.options.ignoreChanges,
      ["allocatedStorage", "snapshotIdentifier"],
      "sized once, at creation: RDS never shrinks a volume",
    );
  });

  it("production rejects any data source, and its task never sanitizes or syncs", async () => {
    const failure = await expectRenderFailure(
      renderWithConfig("production", {
        ...base,
        "multistage:stage": "production",
        "multistage:image": PINNED_IMAGE,
        "multistage:access": accessFor("production"),
        "multistage:data": { source: "empty" },
      }),
    );
    assert.match(
      failure.message,
      /multistage:data: .*expected nothing: production never takes a data source/,
    );
    assert.equal(failure.registeredResources, 0);
    const { resources } = await shippedRender("production");
    assert.deepEqual(
      containersOf(resources).map((c) => c.name),
      ["app"],
    );
    assert.deepEqual(
      ofType(resources, "aws:scheduler/schedule:Schedule").map((s) => s.physicalName),
      ["multistage-production-refinery"],
      "only its own refinery",
    );
    assert.equal(ofType(resources, "pulumi:pulumi:StackReference").length, 0);
    assert.equal(named(resources, "env-db-instance").inputs.snapshotIdentifier, undefined);
  });

  it("staging takes no production data unless it asks", async () => {
    const { resources } = await shippedRender("staging");
    assert.deepEqual(
      containersOf(resources).map((c) => c.name),
      ["app"],
    );
    assert.equal(ofType(resources, "aws:scheduler/schedule:Schedule").length, 0);
    assert.equal(named(resources, "env-db-instance").inputs.snapshotIdentifier, undefined);
  });

  it("a staging replica of production needs the acknowledgement", async () => {
    const failure = await expectRenderFailure(
      renderWithConfig("staging", {
        ...stagingReplica,
        "multistage:data": { source: "production-replica" },
      }),
    );
    assert.match(
      failure.message,
      /multistage:data\.acknowledgeProductionData: got \(not set\); expected true/,
    );
    assert.equal(failure.registeredResources, 0);
  });

  it("an acknowledged staging replica reads production's database, with a warning line and no sanitize step", async () => {
    const render = await replicaRender();
    const db = named(render.resources, "env-db-instance").inputs;
    assert.equal(
      db.replicateSourceDb,
      "arn:aws:rds:eu-west-1:123456789012:db:multistage-production-db",
    );
    assert.equal(db.password, undefined);
    assert.ok(
      render.warnings.some((w) =>
        /read replica: unsanitized production data, acknowledged/.test(w),
      ),
    );
    assert.deepEqual(
      containersOf(render.resources).map((c) => c.name),
      ["app"],
    );
  });

  it("feature and development stacks refuse a replica", async () => {
    const featureFailure = await expectRenderFailure(
      renderStack(feature.stack, {
        configOverrides: {
          ...featureConfig,
          "multistage:data": { source: "production-replica", acknowledgeProductionData: true },
        },
      }),
    );
    assert.match(
      featureFailure.message,
      /multistage:data\.source: got "production-replica"; expected empty or sanitized-snapshot: only staging may replicate production/,
    );
    const devFailure = await expectRenderFailure(
      renderWithConfig("development", {
        ...base,
        "multistage:stage": "development",
        "multistage:data": { source: "production-replica", acknowledgeProductionData: true },
      }),
    );
    assert.match(devFailure.message, /only staging may replicate production/);
  });
});

interface PolicyDocument {
  Version: string;
  Statement: unknown[];
}

/** Every role of a render with its inline policies, ready for the simulator. */
function rolesOf(
  resources: RenderedResource[],
): Array<{ arn: string; policies: Array<{ name: string; policy: PolicyDocument }> }> {
  return ofType(resources, TYPES.role).map((role) => ({
    arn: `arn:aws:iam::123456789012:role/${role.physicalName}`,
    policies: ofType(resources, TYPES.rolePolicy)
      .filter((p) => p.inputs.role === role.physicalName)
      .map((p) => ({ name: String(p.inputs.name), policy: p.inputs.policy as PolicyDocument })),
  }));
}

async function decision(
  principal: string,
  policies: Array<{ name: string; policy: PolicyDocument }>,
  action: string,
  resource: string,
  resourcePolicy?: PolicyDocument,
): Promise<string> {
  const response = await runSimulation(
    {
      identityPolicies: policies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(resourcePolicy ? { resourcePolicy } : {}),
      request: {
        principal,
        action,
        resource: { accountId: "123456789012", resource },
        contextVariables: { "aws:SecureTransport": "true" },
      },
    } as Parameters<typeof runSimulation>[0],
    {},
  );
  if (response.resultType === "error")
    throw new Error(
      `simulation of ${action} on ${resource} failed: ${JSON.stringify(response.errors)}`,
    );
  return response.overallResult;
}

describe("no lower-stage principal can change production (IAM policy simulator)", function () {
  this.timeout(120_000);
  const PRODUCTION_BUCKET = "arn:aws:s3:::multistage-production-assets";
  const PRODUCTION_DB = "arn:aws:rds:eu-west-1:123456789012:db:multistage-production-db";
  const PRODUCTION_SECRET =
    "arn:aws:secretsmanager:eu-west-1:123456789012:secret:multistage-production-db-credentials-AbCdEf";
  const WRITES: Array<[string, string]> = [
    ["s3:GetObject", `${PRODUCTION_BUCKET}/uploads/a.png`],
    ["s3:ListBucket", PRODUCTION_BUCKET],
    ["s3:PutObject", `${PRODUCTION_BUCKET}/uploads/a.png`],
    ["s3:DeleteObject", `${PRODUCTION_BUCKET}/uploads/a.png`],
    ["s3:PutBucketPolicy", PRODUCTION_BUCKET],
    ["s3:DeleteBucketPolicy", PRODUCTION_BUCKET],
    ["s3:DeleteBucket", PRODUCTION_BUCKET],
    ["s3:PutBucketVersioning", PRODUCTION_BUCKET],
    ["rds:DeleteDBInstance", PRODUCTION_DB],
    ["rds:ModifyDBInstance", PRODUCTION_DB],
    ["rds:RestoreDBInstanceFromDBSnapshot", PRODUCTION_DB],
    ["secretsmanager:PutSecretValue", PRODUCTION_SECRET],
    ["secretsmanager:GetSecretValue", PRODUCTION_SECRET],
  ];

  const lowerStages: Array<[string, () => Promise<{ resources: RenderedResource[] }>]> = [
    ["development", () => shippedRender("development")],
    ["staging", () => shippedRender("staging")],
    ["staging with a production replica", replicaRender],
    ["a feature stack", featureRender],
  ];

  for (const [label, render] of lowerStages) {
    it(`${label}: every role is denied every write to production's bucket, database and secrets, and every read of its data`, async () => {
      const { resources } = await render();
      const production = await shippedRender("production");
      const productionBucketPolicy = named(production.resources, "env-bucket-policy").inputs
        .policy as PolicyDocument;
      const roles = rolesOf(resources);
      assert.ok(roles.length >= 2);
      for (const role of roles) {
        for (const [action, resource] of WRITES) {
          const resourcePolicy = action.startsWith("s3:") ? productionBucketPolicy : undefined;
          const result = await decision(role.arn, role.policies, action, resource, resourcePolicy);
          assert.notEqual(result, "Allowed", `${role.arn} may ${action} on ${resource}`);
        }
      }
    });
  }

  it("the simulation is not vacuous: the copy role reads the sanitized bucket and writes its own, and nothing more", async () => {
    const { resources } = await shippedRender("development");
    const sync = rolesOf(resources).find((r) => r.arn.endsWith("bucket-sync-task"));
    assert.ok(sync);
    assert.equal(
      await decision(
        sync.arn,
        sync.policies,
        "s3:GetObject",
        "arn:aws:s3:::multistage-production-sanitized/public/a.png",
      ),
      "Allowed",
    );
    assert.equal(
      await decision(
        sync.arn,
        sync.policies,
        "s3:PutObject",
        "arn:aws:s3:::multistage-development-assets/uploads/a.png",
      ),
      "Allowed",
    );
    assert.notEqual(
      await decision(sync.arn, sync.policies, "s3:PutObject", `${PRODUCTION_BUCKET}/uploads/a.png`),
      "Allowed",
    );
    assert.notEqual(
      await decision(
        sync.arn,
        sync.policies,
        "s3:GetObject",
        "arn:aws:s3:::multistage-staging-assets/a.png",
      ),
      "Allowed",
    );
  });
});
