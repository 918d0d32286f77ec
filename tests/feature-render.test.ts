import { strict as assert } from "node:assert";
import { physicalName } from "../lib/aws/naming";
import { defaultStackOutputs, renderStack } from "../tools/render/harness";
import { featureTargetForBranch, loadBranchRules } from "../tools/feature/branches";
import {
  expectRenderFailure,
  LONG_LIVED_STACKS,
  named,
  once,
  ofType,
  onlyOfType,
  shippedRender,
  TYPES,
} from "./helpers/renders";
import { NAME_PLAN } from "./helpers/name-plan";
import { featureFixture } from "./helpers/feature-fixture";

const target = featureTargetForBranch("feature/checkout-v2", loadBranchRules());
const { config: featureConfig } = featureFixture({ pr: 42 });
const developmentNetwork = defaultStackOutputs("multistage")["organization/multistage/development"];

describe("a feature stack's render", () => {
  const render = once(() => renderStack(target.stack, { configOverrides: featureConfig }));

  it("creates no VPC, subnet, NAT or gateway of its own", async () => {
    const { resources } = await render();
    for (const type of [
      TYPES.vpc,
      TYPES.subnet,
      TYPES.nat,
      "aws:ec2/internetGateway:InternetGateway",
      "aws:ec2/eip:Eip",
      "aws:ec2/routeTable:RouteTable",
    ]) {
      assert.equal(ofType(resources, type).length, 0, type);
    }
  });

  it("takes its network from the development stack's outputs", async () => {
    const { resources } = await render();
    const reference = named(resources, "env-network-source");
    assert.equal(reference.inputs.name, "organization/multistage/development");
    const service = onlyOfType(resources, TYPES.service).inputs.networkConfiguration as {
      subnets: string[];
    };
    assert.deepEqual(service.subnets, developmentNetwork.privateSubnetIds);
    assert.deepEqual(
      onlyOfType(resources, TYPES.loadBalancer).inputs.subnets,
      developmentNetwork.publicSubnetIds,
    );
    assert.deepEqual(
      onlyOfType(resources, "aws:rds/subnetGroup:SubnetGroup").inputs.subnetIds,
      developmentNetwork.privateSubnetIds,
    );
    for (const group of ofType(resources, TYPES.securityGroup))
      assert.equal(group.inputs.vpcId, developmentNetwork.vpcId);
  });

  it("has its own database, cache, bucket and service, all destroyable and small", async () => {
    const { resources } = await render();
    assert.ok(resources.every((r) => !r.options.protect && !r.options.retainOnDelete));
    const db = onlyOfType(resources, TYPES.db).inputs;
    assert.equal(db.deletionProtection, false);
    assert.equal(db.skipFinalSnapshot, true);
    assert.equal(db.backupRetentionPeriod, 0);
    assert.equal(db.instanceClass, "db.t4g.micro");
    assert.equal(onlyOfType(resources, TYPES.bucket).inputs.forceDestroy, true);
    assert.equal(named(resources, "env-app-logs").inputs.retentionInDays, 3);
    assert.equal(onlyOfType(resources, TYPES.cache).inputs.numCacheClusters, 1);
  });

  it("carries the slug in every physical name, each one from the name plan", async () => {
    const { resources } = await render();
    const planned = new Set(
      NAME_PLAN.map(([type, purpose]) => physicalName("multistage", target.stack, type, purpose)),
    );
    for (const r of resources.filter((x) => x.custom && x.physicalName)) {
      const name = r.physicalName as string;
      assert.ok(name.includes(`feature-${target.slug}`), `${r.key}: ${name}`);
      if (!name.startsWith("/"))
        assert.ok(planned.has(name), `${name} (${r.type}) is not in tests/helpers/name-plan.ts`);
    }
  });

  it("tags everything with its expiry", async () => {
    const { resources } = await render();
    const provider = onlyOfType(resources, "pulumi:providers:aws").inputs.defaultTags as {
      tags: Record<string, string>;
    };
    assert.equal(provider.tags["expires-at"], "2026-03-04T12:00:00Z");
    assert.equal(provider.tags.stage, target.stack);
  });

  it("fails before registering any resource of its own when the development stack exports no network", async () => {
    const failure = await expectRenderFailure(
      renderStack(target.stack, {
        configOverrides: featureConfig,
        stackOutputs: { "organization/multistage/development": { vpcId: "vpc-1" } },
      }),
    );
    assert.equal(
      failure.message,
      'Stack organization/multistage/development has no output "publicSubnetIds", "privateSubnetIds"; deploy it before any feature stack',
    );
    // The provider and the reference itself are all that reached the engine.
    assert.equal(failure.registeredResources, 2);
  });

  it("is much smaller than development", async () => {
    const feature = (await render()).resources.filter((r) => r.custom).length;
    const development = (await shippedRender(LONG_LIVED_STACKS[0])).resources.filter(
      (r) => r.custom,
    ).length;
    assert.ok(feature < development - 10, `feature ${feature} vs development ${development}`);
  });
});
