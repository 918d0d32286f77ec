import { strict as assert } from "node:assert";
import * as path from "node:path";
import { APP_IMAGE_DEFAULTS } from "../components/app-image";
import { APP_SERVICE_DEFAULTS } from "../components/app-service";
import { BUCKET_DEFAULTS } from "../components/bucket";
import { BUCKET_SYNC_DEFAULTS } from "../components/bucket-sync";
import { CACHE_DEFAULTS } from "../components/cache";
import { DATABASE_DEFAULTS } from "../components/database";
import {
  FEATURE_DATABASE_DEFAULTS,
  FEATURE_DATABASE_RESOURCE_TYPE,
} from "../components/feature-database";
import { FEATURE_HOST_DEFAULTS } from "../components/feature-host";
import { LOG_BUCKET_DEFAULTS } from "../components/log-bucket";
import { SERVERLESS_CACHE_DEFAULTS } from "../components/serverless-cache";
import { SIDECAR_CACHE_DEFAULTS } from "../components/sidecar-cache";
import { NETWORK_DEFAULTS } from "../components/network";
import { REFINERY_DEFAULTS } from "../components/refinery";
import { SECURITY_GROUPS_DEFAULTS } from "../components/security-groups";
import { RenderedResource, renderStack } from "../tools/render/harness";
import { componentArgs, documentedDefault } from "./helpers/component-args";

/** Each component's one place for its defaults, by its args interface. */
const DEFAULTS: Record<string, Readonly<Record<string, unknown>>> = {
  AppImageArgs: APP_IMAGE_DEFAULTS,
  AppServiceArgs: APP_SERVICE_DEFAULTS,
  BucketArgs: BUCKET_DEFAULTS,
  BucketSyncArgs: BUCKET_SYNC_DEFAULTS,
  CacheArgs: CACHE_DEFAULTS,
  DatabaseArgs: DATABASE_DEFAULTS,
  FeatureDatabaseArgs: FEATURE_DATABASE_DEFAULTS,
  FeatureHostArgs: FEATURE_HOST_DEFAULTS,
  ServerlessCacheArgs: SERVERLESS_CACHE_DEFAULTS,
  SidecarCacheArgs: SIDECAR_CACHE_DEFAULTS,
  LogBucketArgs: LOG_BUCKET_DEFAULTS,
  NetworkArgs: NETWORK_DEFAULTS,
  RefineryArgs: REFINERY_DEFAULTS,
  SecurityGroupsArgs: SECURITY_GROUPS_DEFAULTS,
};

const FIXTURE = path.join(__dirname, "fixtures", "components");

/** Renders one component alone, with only its required args (tests/fixtures/components). */
async function alone(component: string): Promise<RenderedResource[]> {
  const render = await renderStack("defaults", {
    programDir: FIXTURE,
    configOverrides: { "component:name": component },
  });
  return render.resources.filter((r) => r.custom);
}

function one(resources: RenderedResource[], type: string): Record<string, unknown> {
  const found = resources.filter((r) => r.type === type);
  assert.equal(found.length, 1, `${found.length} of ${type}`);
  return found[0].inputs;
}

describe("component defaults", () => {
  const documented = componentArgs().filter(
    (a) => a.file.startsWith("components/") && a.defaultText !== undefined,
  );

  it("every component with a documented default has one place for its defaults", () => {
    assert.deepEqual(
      [...new Set(documented.map((a) => a.name))].sort(),
      Object.keys(DEFAULTS).sort(),
    );
  });

  it("each @default in the TSDoc is the value the component's defaults hold (undefined: none)", () => {
    const mismatches: string[] = [];
    for (const arg of documented) {
      const stated = documentedDefault(arg.defaultText ?? "");
      const defaults = DEFAULTS[arg.name];
      if ("unparsable" in stated)
        mismatches.push(
          `${arg.name}.${arg.property}: @default ${stated.unparsable} states no value`,
        );
      else if (stated.value === undefined && arg.property in defaults)
        mismatches.push(
          `${arg.name}.${arg.property}: documented undefined, defaults hold ${JSON.stringify(defaults[arg.property])}`,
        );
      else if (
        stated.value !== undefined &&
        JSON.stringify(defaults[arg.property]) !== JSON.stringify(stated.value)
      ) {
        mismatches.push(
          `${arg.name}.${arg.property}: documented ${JSON.stringify(stated.value)}, defaults hold ${JSON.stringify(defaults[arg.property])}`,
        );
      }
    }
    assert.deepEqual(mismatches, []);
  });

  it("each default a component holds is documented", () => {
    const undocumented = Object.entries(DEFAULTS).flatMap(([name, defaults]) =>
      Object.keys(defaults)
        .filter((key) => !documented.some((a) => a.name === name && a.property === key))
        .map((key) => `${name}.${key}`),
    );
    assert.deepEqual(undocumented, []);
  });

  describe("built alone, each component does what its defaults say", () => {
    it("Network: 10.10.0.0/16, one NAT gateway, two zones", async () => {
      const resources = await alone("Network");
      assert.equal(one(resources, "aws:ec2/vpc:Vpc").cidrBlock, NETWORK_DEFAULTS.cidr);
      assert.equal(resources.filter((r) => r.type === "aws:ec2/natGateway:NatGateway").length, 1);
      assert.equal(
        resources.filter((r) => r.type === "aws:ec2/subnet:Subnet").length,
        2 * NETWORK_DEFAULTS.zoneCount,
      );
    });

    it("Database: db.t4g.micro, PostgreSQL 16, single-AZ, 1 day of backups, 20 GiB, app/app_owner, destroyable", async () => {
      const instance = one(await alone("Database"), "aws:rds/instance:Instance");
      assert.equal(instance.instanceClass, DATABASE_DEFAULTS.instanceClass);
      assert.match(String(instance.engineVersion), /^16(\.|$)/);
      assert.equal(instance.multiAz, false);
      assert.equal(instance.backupRetentionPeriod, DATABASE_DEFAULTS.backupRetentionDays);
      assert.equal(instance.allocatedStorage, DATABASE_DEFAULTS.allocatedStorageGb);
      assert.equal(instance.dbName, DATABASE_DEFAULTS.databaseName);
      assert.equal(instance.username, DATABASE_DEFAULTS.username);
      assert.equal(instance.identifier, "multistage-defaults-db", "generation 0 carries no suffix");
      assert.notEqual(instance.deletionProtection, true);
    });

    it("FeatureDatabase: polls every 6 s, waits 10 min, names the app's log stream prefix", async () => {
      const inputs = one(await alone("FeatureDatabase"), FEATURE_DATABASE_RESOURCE_TYPE);
      assert.equal(inputs.pollIntervalSeconds, FEATURE_DATABASE_DEFAULTS.pollIntervalSeconds);
      assert.equal(inputs.timeoutMinutes, FEATURE_DATABASE_DEFAULTS.timeoutMinutes);
      assert.equal(inputs.logStreamPrefix, FEATURE_DATABASE_DEFAULTS.logStreamPrefix);
      assert.equal(inputs.assumeRoleArn, undefined);
      assert.equal(inputs.logGroup, undefined);
    });

    it("ServerlessCache: Valkey 8, at most 1 GB and 1,000 ECPU a second, no snapshots", async () => {
      const resources = await alone("ServerlessCache");
      const cache = one(resources, "aws:elasticache/serverlessCache:ServerlessCache");
      assert.equal(cache.engine, "valkey");
      assert.equal(cache.majorEngineVersion, SERVERLESS_CACHE_DEFAULTS.majorEngineVersion);
      assert.deepEqual(cache.cacheUsageLimits, {
        dataStorage: { maximum: SERVERLESS_CACHE_DEFAULTS.maxDataStorageGb, unit: "GB" },
        ecpuPerSeconds: [{ maximum: SERVERLESS_CACHE_DEFAULTS.maxEcpuPerSecond }],
      });
      assert.equal(cache.snapshotRetentionLimit, 0);
      assert.equal(one(resources, "aws:elasticache/user:User").userName, "default");
    });

    it("FeatureHost: a db.t4g.small of 50 GiB without backups, 40 databases, refreshed at 05:00 UTC, 7 days of logs", async () => {
      const resources = await alone("FeatureHost");
      const instance = one(resources, "aws:rds/instance:Instance");
      assert.equal(instance.identifier, "multistage-defaults-feature-host");
      assert.equal(instance.instanceClass, FEATURE_HOST_DEFAULTS.instanceClass);
      assert.equal(instance.allocatedStorage, FEATURE_HOST_DEFAULTS.allocatedStorageGb);
      assert.equal(instance.backupRetentionPeriod, 0);
      assert.notEqual(instance.deletionProtection, true);
      const containers = one(resources, "aws:ecs/taskDefinition:TaskDefinition")
        .containerDefinitions as Array<{ environment: Array<{ name: string; value: string }> }>;
      assert.equal(
        containers[0].environment.find((e) => e.name === "FEATURE_DB_MAX")?.value,
        String(FEATURE_HOST_DEFAULTS.maxDatabases),
      );
      assert.equal(
        one(resources, "aws:scheduler/schedule:Schedule").scheduleExpression,
        FEATURE_HOST_DEFAULTS.refreshSchedule,
      );
      assert.equal(
        one(resources, "aws:cloudwatch/logGroup:LogGroup").retentionInDays,
        FEATURE_HOST_DEFAULTS.logRetentionDays,
      );
    });

    it("Cache: one cache.t4g.micro node of Redis 7.1, no failover", async () => {
      const group = one(await alone("Cache"), "aws:elasticache/replicationGroup:ReplicationGroup");
      assert.equal(group.nodeType, CACHE_DEFAULTS.nodeType);
      assert.equal(group.numCacheClusters, CACHE_DEFAULTS.nodes);
      assert.equal(group.engineVersion, CACHE_DEFAULTS.engineVersion);
      assert.notEqual(group.automaticFailoverEnabled, true);
    });

    it("Bucket: the assets bucket, unversioned", async () => {
      const resources = await alone("Bucket");
      assert.equal(
        one(resources, "aws:s3/bucket:Bucket").bucket,
        `multistage-defaults-${BUCKET_DEFAULTS.purpose}`,
      );
      assert.equal(
        resources.filter((r) => r.type === "aws:s3/bucketVersioning:BucketVersioning").length,
        0,
      );
    });

    it("LogBucket: logs expire after 7 days", async () => {
      const lifecycle = one(
        await alone("LogBucket"),
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
      );
      assert.match(
        JSON.stringify(lifecycle.rules),
        new RegExp(`"days":${LOG_BUCKET_DEFAULTS.retentionDays}\\b`),
      );
    });

    it("SecurityGroups: HTTP only, the app on 8080", async () => {
      const rules = (await alone("SecurityGroups")).filter(
        (r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
      );
      const ports = rules.map((r) => r.inputs.fromPort).sort();
      assert.deepEqual(ports, [80, SECURITY_GROUPS_DEFAULTS.appPort].sort());
    });

    it("AppImage: app/Dockerfile from the project directory, linux/amd64, a deletable repository", async () => {
      const resources = await alone("AppImage");
      const build = one(resources, "docker:index/image:Image").build as Record<string, unknown>;
      assert.equal(build.context, APP_IMAGE_DEFAULTS.context);
      assert.equal(build.dockerfile, APP_IMAGE_DEFAULTS.dockerfile);
      assert.equal(build.platform, APP_IMAGE_DEFAULTS.platform);
      assert.equal(
        one(resources, "aws:ecr/repository:Repository").forceDelete,
        APP_IMAGE_DEFAULTS.forceDelete,
      );
    });

    it("AppService: 256 CPU units, 512 MiB, one task on 8080, 7 days of logs in us-east-1", async () => {
      const resources = await alone("AppService");
      const task = one(resources, "aws:ecs/taskDefinition:TaskDefinition");
      assert.equal(String(task.cpu), String(APP_SERVICE_DEFAULTS.cpu));
      assert.equal(String(task.memory), String(APP_SERVICE_DEFAULTS.memory));
      const containers = task.containerDefinitions as Array<{
        portMappings?: Array<{ containerPort: number }>;
        logConfiguration?: { options: Record<string, string> };
      }>;
      assert.ok(
        containers.some((c) =>
          c.portMappings?.some((p) => p.containerPort === APP_SERVICE_DEFAULTS.port),
        ),
      );
      assert.ok(
        containers.every(
          (c) => c.logConfiguration?.options["awslogs-region"] === APP_SERVICE_DEFAULTS.region,
        ),
      );
      assert.equal(
        one(resources, "aws:ecs/service:Service").desiredCount,
        APP_SERVICE_DEFAULTS.desiredCount,
      );
      assert.equal(
        one(resources, "aws:cloudwatch/logGroup:LogGroup").retentionInDays,
        APP_SERVICE_DEFAULTS.logRetentionDays,
      );
    });

    it("BucketSync: runs at 04:30 UTC, 7 days of logs", async () => {
      const resources = await alone("BucketSync");
      assert.equal(
        one(resources, "aws:scheduler/schedule:Schedule").scheduleExpression,
        BUCKET_SYNC_DEFAULTS.schedule,
      );
      assert.equal(
        one(resources, "aws:cloudwatch/logGroup:LogGroup").retentionInDays,
        BUCKET_SYNC_DEFAULTS.logRetentionDays,
      );
    });

    it("Refinery: 02:30 UTC, a db.t4g.medium sanitizer, keeps 7 snapshots, copies public/, 90 days of logs, no alarm actions", async () => {
      const resources = await alone("Refinery");
      assert.equal(
        one(resources, "aws:scheduler/schedule:Schedule").scheduleExpression,
        REFINERY_DEFAULTS.schedule,
      );
      const definition = JSON.stringify(
        one(resources, "aws:sfn/stateMachine:StateMachine").definition,
      );
      assert.ok(definition.includes(REFINERY_DEFAULTS.instanceClass), "the sanitizer's class");
      assert.ok(definition.includes(`${REFINERY_DEFAULTS.keepSnapshots}`), "the snapshots kept");
      assert.ok(
        JSON.stringify(
          resources
            .filter((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition")
            .map((r) => r.inputs),
        ).includes(REFINERY_DEFAULTS.bucketPrefixes[0]),
      );
      assert.equal(
        one(resources, "aws:cloudwatch/logGroup:LogGroup").retentionInDays,
        REFINERY_DEFAULTS.logRetentionDays,
      );
      assert.deepEqual(
        one(resources, "aws:cloudwatch/metricAlarm:MetricAlarm").alarmActions ?? [],
        [],
      );
    });
  });
});
