import { strict as assert } from "node:assert";
import { physicalName } from "../lib/aws/naming";
import { defaultStackOutputs, renderStack } from "../tools/render/harness";
import { featureTargetForBranch, loadBranchRules } from "../tools/feature/branches";
import {
  expectRenderFailure,
  LONG_LIVED_STACKS,
  named,
  once,
  appContainer,
  ofType,
  onlyOfType,
  shippedRender,
  TYPES,
} from "./helpers/renders";
import { NAME_PLAN } from "./helpers/name-plan";
import { featureFixture } from "./helpers/feature-fixture";
import { FEATURE_DATABASE_RESOURCE_TYPE } from "../components/feature-database";
import { SIDECAR_CACHE_DEFAULTS } from "../components/sidecar-cache";

const target = featureTargetForBranch("feature/checkout-v2", loadBranchRules());
const { config: featureConfig } = featureFixture({ pr: 42 });
const developmentNetwork = defaultStackOutputs("multistage")["organization/multistage/development"];
/** The feature config `feature up` writes, with some of its settings changed. */
const withFeature = (changes: Record<string, unknown>) => ({
  ...featureConfig,
  "multistage:feature": JSON.stringify({
    ...(JSON.parse(featureConfig["multistage:feature"]) as object),
    ...changes,
  }),
});
/** What `feature up` writes when development's featureStacks says `isolation: dedicated`. */
const dedicatedConfig = withFeature({ isolation: "dedicated" });

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
    for (const group of ofType(resources, TYPES.securityGroup))
      assert.equal(group.inputs.vpcId, developmentNetwork.vpcId);
  });

  it("shares development's feature host: no RDS instance or replication group, a database of its own copied from the template, a cache in its own task", async () => {
    const { resources } = await render();
    assert.ok(resources.every((r) => !r.options.protect && !r.options.retainOnDelete));
    assert.equal(ofType(resources, TYPES.db).length, 0);
    assert.equal(ofType(resources, TYPES.cache).length, 0);
    const host = developmentNetwork.featureHost as Record<string, unknown>;
    const database = onlyOfType(resources, FEATURE_DATABASE_RESOURCE_TYPE).inputs;
    assert.equal(database.database, `feature_${target.slug.replace(/-/g, "_")}`);
    assert.equal(database.taskDefinitionArn, host.taskDefinitionArn);
    assert.equal(database.clusterArn, host.clusterArn);
    assert.deepEqual(database.securityGroupIds, [host.clientSecurityGroupId]);
    // Its errors point at the provisioner's own log: development's log group, the container's stream.
    assert.equal(database.logGroup, host.logGroupName);
    assert.equal(database.logStreamPrefix, host.containerName);
    // The password stays in the stack's own secret; the provisioner reads it by ARN.
    assert.match(
      String(database.passwordSecretArn),
      /secret:multistage-feature-checkout-v2-db-credentials-/,
    );
    assert.ok(!JSON.stringify(database).includes("MockSecret"), "no password in its inputs");
    const app = appContainer<{ environment: Array<{ name: string; value: string }> }>(resources);
    const env = Object.fromEntries(app.environment.map((e) => [e.name, e.value]));
    assert.equal(env.DB_HOST, host.address);
    assert.equal(env.DB_NAME, database.database);
    assert.equal(env.DB_USER, database.role);
    // Its cache is in its own task (the default, featureStacks.cache sidecar): no ElastiCache at all.
    assert.deepEqual(
      resources.filter((r) => r.type.startsWith("aws:elasticache/")).map((r) => r.type),
      [],
    );
    assert.equal(env.REDIS_HOST, "127.0.0.1");
    assert.equal(env.REDIS_TLS, "false");
    // The tasks carry development's feature apps group: the only group the host admits.
    const service = onlyOfType(resources, TYPES.service).inputs.networkConfiguration as {
      securityGroups: string[];
    };
    assert.ok(service.securityGroups.includes(String(host.clientSecurityGroupId)));
    assert.equal(onlyOfType(resources, TYPES.bucket).inputs.forceDestroy, true);
    assert.equal(named(resources, "env-app-logs").inputs.retentionInDays, 3);
  });

  it("runs Valkey beside the app on the loopback address, with a password of its own from Secrets Manager and nothing on disk", async () => {
    const { resources } = await render();
    const containers = named(resources, "env-app-task").inputs.containerDefinitions as Array<
      Record<string, unknown>
    >;
    assert.deepEqual(
      containers.map((c) => c.name),
      ["app", "cache"],
    );
    const [app, cache] = containers;
    assert.deepEqual(app.dependsOn, [{ containerName: "cache", condition: "START" }]);
    assert.equal(cache.image, SIDECAR_CACHE_DEFAULTS.image);
    assert.equal(cache.essential, true);
    assert.equal(cache.readonlyRootFilesystem, true);
    assert.equal(cache.user, "valkey", "not root");
    const command = (cache.command as string[]).join(" ");
    assert.match(command, /--bind 127\.0\.0\.1 --port 6379 --save '' --appendonly no/);
    assert.match(command, new RegExp(`--maxmemory ${SIDECAR_CACHE_DEFAULTS.maxMemoryMb}mb`));
    assert.match(command, /--requirepass "\$REDIS_TOKEN"/);
    // The app and the sidecar read the same token, by reference; its value is in neither.
    const secretOf = (c: Record<string, unknown>) =>
      (c.secrets as Array<{ name: string; valueFrom: string }>).find(
        (x) => x.name === "REDIS_TOKEN",
      )?.valueFrom;
    assert.match(
      String(secretOf(cache)),
      /secret:multistage-feature-checkout-v2-cache-credentials-.*:authToken::$/,
    );
    assert.equal(secretOf(cache), secretOf(app));
    assert.equal(
      named(resources, "env-cache-token").type,
      "random:index/randomPassword:RandomPassword",
    );
    assert.ok(
      !JSON.stringify(containers).includes("MockSecret"),
      "no secret value in the task definition",
    );
  });

  it("with featureStacks.cache serverless: an ElastiCache Serverless cache of its own in development's subnets, over TLS", async () => {
    const { resources } = await renderStack(target.stack, {
      configOverrides: withFeature({ cache: "serverless" }),
    });
    const cache = onlyOfType(resources, "aws:elasticache/serverlessCache:ServerlessCache").inputs;
    assert.equal(cache.engine, "valkey");
    assert.deepEqual(cache.subnetIds, developmentNetwork.privateSubnetIds);
    const app = appContainer<{ environment: Array<{ name: string; value: string }> }>(resources);
    const env = Object.fromEntries(app.environment.map((e) => [e.name, e.value]));
    assert.equal(
      env.REDIS_HOST,
      "multistage-feature-checkout-v2-cache-2a3334.serverless.eu-west-1.cache.amazonaws.com",
    );
    assert.equal(env.REDIS_TLS, "true");
    const containers = named(resources, "env-app-task").inputs.containerDefinitions as unknown[];
    assert.equal(containers.length, 1, "no sidecar beside a serverless cache");
  });

  it("a data resync copies the newest template into a new database, dropping the old one after it", async () => {
    const { resources } = await renderStack(target.stack, {
      configOverrides: { ...featureConfig, "multistage:data": JSON.stringify({ generation: 2 }) },
    });
    const database = onlyOfType(resources, FEATURE_DATABASE_RESOURCE_TYPE);
    assert.equal(database.inputs.database, "feature_checkout_v2_g2");
    assert.equal(database.inputs.role, "feature_checkout_v2_g2");
    // A new name is a replacement (components/feature-database.ts diff): created before the old one is dropped.
    assert.notEqual(database.options.deleteBeforeReplace, true);
  });

  it("answers its own load balancer's health checks every 5 s, healthy after two, drained in 5 s", async () => {
    const { resources } = await render();
    const group = onlyOfType(resources, "aws:lb/targetGroup:TargetGroup").inputs;
    assert.equal(group.deregistrationDelay, 5);
    assert.deepEqual(
      { ...(group.healthCheck as object) },
      {
        path: "/healthz",
        matcher: "200",
        interval: 5,
        timeout: 4,
        healthyThreshold: 2,
        unhealthyThreshold: 2,
      },
    );
  });

  it("fails before registering any resource of its own when development exports no feature host", async () => {
    const { featureHost: _host, ...network } = developmentNetwork;
    const failure = await expectRenderFailure(
      renderStack(target.stack, {
        configOverrides: featureConfig,
        stackOutputs: { "organization/multistage/development": network },
      }),
    );
    assert.match(
      failure.message,
      /^Stack organization\/multistage\/development has no output "featureHost"; feature stacks with isolation "shared" need its feature host: deploy it with multistage:featureStacks.isolation shared/,
    );
    assert.equal(failure.registeredResources, 2);
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

describe("a dedicated feature stack's render (featureStacks.isolation: dedicated)", () => {
  const render = once(() => renderStack(target.stack, { configOverrides: dedicatedConfig }));

  it("has its own database, cache, load balancer, bucket and service, all destroyable and small", async () => {
    const { resources } = await render();
    assert.ok(resources.every((r) => !r.options.protect && !r.options.retainOnDelete));
    const db = onlyOfType(resources, TYPES.db).inputs;
    assert.equal(db.deletionProtection, false);
    assert.equal(db.skipFinalSnapshot, true);
    assert.equal(db.backupRetentionPeriod, 0);
    assert.equal(db.instanceClass, "db.t4g.micro");
    assert.deepEqual(
      onlyOfType(resources, "aws:rds/subnetGroup:SubnetGroup").inputs.subnetIds,
      developmentNetwork.privateSubnetIds,
    );
    assert.equal(onlyOfType(resources, TYPES.bucket).inputs.forceDestroy, true);
    assert.equal(onlyOfType(resources, TYPES.cache).inputs.numCacheClusters, 1);
    assert.equal(ofType(resources, TYPES.loadBalancer).length, 1);
    assert.equal(ofType(resources, FEATURE_DATABASE_RESOURCE_TYPE).length, 0);
    assert.equal(ofType(resources, "aws:elasticache/serverlessCache:ServerlessCache").length, 0);
  });

  it("carries the slug in every physical name, each one from the name plan", async () => {
    const { resources } = await render();
    const planned = new Set(
      NAME_PLAN.map(([type, purpose]) => physicalName("multistage", target.stack, type, purpose)),
    );
    for (const r of resources.filter((x) => x.custom && x.physicalName))
      if (!String(r.physicalName).startsWith("/"))
        assert.ok(planned.has(String(r.physicalName)), `${String(r.physicalName)} (${r.type})`);
  });
});
