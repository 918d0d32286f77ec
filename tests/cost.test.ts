/**
 * Issue 15, part 2: `stagectl cost`. Every type a render holds is priced, free with a reason or
 * listed as not priced; a stage's sum matches arithmetic done by hand from the table's unit
 * prices and the render's quantities; profile changes move the estimate as they should; the
 * command's output, refusals and `--all` summary.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { HOURS_PER_MONTH } from "../tools/cost/assumptions";
import { classifyType, priceRender } from "../tools/cost/price-render";
import { parsePriceFile, PRICE_FILE, shippedPrices } from "../tools/cost/price-book";
import { runsPerMonth } from "../tools/cost/schedule-runs";
import { allTargets, EXAMPLE_BRANCH } from "../tools/cost/targets";
import { PROJECT_ROOT } from "../stage/stack-files";
import type { Render } from "../tools/render/harness";
import { renderStack } from "../tools/render/harness";
import { runStagectl, stdoutJson, testContext } from "./helpers/context";
import { MemoryWorkspace } from "./helpers/memory-workspace";
import {
  accessFor,
  named,
  once,
  PINNED_IMAGE,
  renderWithConfig,
  shippedRender,
  tempStackFile,
} from "./helpers/renders";
import { featureFixture } from "./helpers/feature-fixture";

const REGION = "eu-west-1";
const price = (render: Render) => priceRender(render, { region: REGION });
/** The sum of a resource's lines whose description starts with `what`. */
function monthly(render: Render, resource: string, what: string): number {
  const lines = price(render).lines.filter(
    (l) => l.resource === resource && l.what.startsWith(what),
  );
  assert.ok(lines.length > 0, `no line ${what} on ${resource}`);
  return lines.reduce((sum, l) => sum + l.monthlyUsd, 0);
}
const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-6, `${what}: ${actual} != ${expected}`);

const { stack: featureStack, config: featureConfig } = featureFixture({
  branch: EXAMPLE_BRANCH,
  region: REGION,
  pr: 42,
});
/** Every shape of stack the program makes: each level, a feature stack, and the rarer options. */
const renders: Record<string, () => Promise<Render>> = {
  development: () => shippedRender("development"),
  staging: () => shippedRender("staging"),
  production: () => shippedRender("production"),
  feature: once(() => renderStack(featureStack, { configOverrides: featureConfig })),
  "feature with a pushed image": once(() =>
    renderStack(featureStack, {
      configOverrides: { ...featureConfig, "multistage:image": PINNED_IMAGE },
    }),
  ),
  "testing with a domain and access logs": once(() =>
    renderWithConfig("testing", {
      "aws:region": REGION,
      "multistage:stage": "testing",
      "multistage:logs": { accessLogs: true },
      "multistage:domain": {
        name: "testing.example.com",
        hostedZoneId: "Z0123456789ABCDEFGHIJ",
        certificateArn:
          "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555",
      },
    }),
  ),
  "development with a preview domain": once(() =>
    renderWithConfig("development", {
      "aws:region": REGION,
      "multistage:stage": "development",
      "multistage:domain": {
        name: "dev.example.com",
        hostedZoneId: "Z0123456789ABCDEFGHIJ",
        certificateArn:
          "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555",
      },
      "multistage:featureStacks": {
        isolation: "shared",
        previewDomain: "preview.example.com",
        previewCertificateArn:
          "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555",
      },
    }),
  ),
  "staging with a replica of production": once(() =>
    renderWithConfig("staging", {
      "aws:region": REGION,
      "multistage:stage": "staging",
      "multistage:image": PINNED_IMAGE,
      "multistage:data": { source: "production-replica", acknowledgeProductionData: true },
      "multistage:access": accessFor("staging"),
    }),
  ),
};

describe("stagectl cost: the price table", () => {
  const book = shippedPrices();

  it("has the regions the shipped stacks deploy to, each with the same prices, each price dated and sourced", () => {
    assert.deepEqual(book.regions(), ["eu-west-1", "us-east-1"]);
    const keys = (region: string) => book.all(region).map((p) => p.key);
    assert.deepEqual(
      keys("eu-west-1"),
      keys("us-east-1"),
      "a region missing a price would leave resources unpriced there",
    );
    for (const region of book.regions()) {
      for (const p of book.all(region)) {
        assert.match(p.asOf, /^20\d\d-\d\d/, p.key);
        assert.equal(
          p.source,
          `https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/${p.offer}/current/${region}/index.json`,
          p.key,
        );
        assert.match(p.page, /^https:\/\/aws\.amazon\.com\//, p.key);
        assert.ok(p.usd > 0 && p.per.length > 0, p.key);
      }
    }
  });

  it("refuses a table with a bad entry, naming where", () => {
    const bad = JSON.parse(fs.readFileSync(PRICE_FILE, "utf8")) as {
      offers: {
        AWSELB: {
          regions: Record<string, { asOf: unknown; prices: Record<string, { usd: unknown }> }>;
        };
      };
    };
    bad.offers.AWSELB.regions["eu-west-1"].prices["alb.hour"].usd = "0.0252";
    bad.offers.AWSELB.regions["eu-west-1"].asOf = "June 2025";
    assert.throws(
      () => parsePriceFile(JSON.stringify(bad)),
      (error: Error) => {
        assert.match(error.message, /offers\.AWSELB\.regions\.eu-west-1\.prices\.alb\.hour\.usd/);
        assert.match(
          error.message,
          /offers\.AWSELB\.regions\.eu-west-1\.asOf: a date like 2025-06/,
        );
        return true;
      },
    );
  });
});

describe("stagectl cost: every type is accounted for", () => {
  for (const [name, render] of Object.entries(renders)) {
    it(`${name}: every type is priced or free with a reason, and every resource is priced`, async () => {
      const r = await render();
      const unclassified = [...new Set(r.resources.map((x) => x.type))].filter(
        (type) => classifyType(type).kind === "not priced",
      );
      assert.deepEqual(
        unclassified,
        [],
        `price these types in tools/cost/pricers or declare them in tools/cost/free-types.ts`,
      );
      const cost = price(r);
      assert.deepEqual(cost.notPriced, []);
      const accounted = cost.lines.map((l) => l.resource);
      for (const resource of r.resources) {
        const kind = classifyType(resource.type).kind;
        const free = cost.free.some((f) => f.type === resource.type);
        assert.ok(
          accounted.includes(resource.name) || free,
          `${resource.type} ${resource.name} is neither priced nor free (${kind})`,
        );
      }
      assert.ok(cost.monthlyUsd > 0);
    });
  }

  it("lists a type no rule knows as not priced, with the type, and leaves it out of the sum", async () => {
    const r = await shippedRender("development");
    const stream = {
      ...r.resources[0],
      key: "aws:kinesis/stream:Stream::events",
      type: "aws:kinesis/stream:Stream",
      name: "events",
      inputs: { shardCount: 4 },
    };
    const cost = price({ ...r, resources: [...r.resources, stream] });
    assert.deepEqual(cost.notPriced, [
      {
        resource: "events",
        type: "aws:kinesis/stream:Stream",
        reason:
          "no price rule for this type in tools/cost (a new type: price it or declare it free)",
      },
    ]);
    close(cost.monthlyUsd, price(r).monthlyUsd, "the sum");
  });

  it("lists a resource whose price the table lacks (an instance class, a region) as not priced, naming the key and region", async () => {
    const large = await renderWithConfig("development", {
      "aws:region": REGION,
      "multistage:stage": "development",
      "multistage:database": { instanceClass: "db.r6g.large" },
    });
    const cost = price(large);
    assert.deepEqual(
      cost.notPriced.map((n) => n.resource),
      ["env-db-instance"],
    );
    assert.match(
      cost.notPriced[0].reason,
      /db\.r6g\.large.*no eu-west-1 price for rds\.postgres\.db\.r6g\.large\.hour/,
    );
    assert.ok(
      cost.lines.some((l) => l.resource === "env-db-instance" && l.what.startsWith("storage")),
      "the storage is still priced",
    );

    const elsewhere = priceRender(await shippedRender("development"), { region: "ap-south-1" });
    assert.deepEqual(elsewhere.lines, []);
    assert.ok(
      elsewhere.notPriced.length > 10 &&
        elsewhere.notPriced.every((n) => n.reason.includes("no ap-south-1 price for")),
    );
  });
});

describe("stagectl cost: the arithmetic", () => {
  it("staging's sum is the table's unit prices times the render's quantities, computed by hand", async () => {
    const r = await shippedRender("staging");
    const book = shippedPrices();
    // Unit prices (eu-west-1), as written in tools/cost/prices.json.
    const unit = {
      vcpuHour: 0.04048,
      gbHour: 0.004445,
      dbSmallHour: 0.035,
      gp3GbMonth: 0.127,
      rdsBackupGbMonth: 0.095,
      cacheSmallHour: 0.034,
      cacheBackupGbMonth: 0.085,
      albHour: 0.0252,
      lcuHour: 0.008,
      ipv4Hour: 0.005,
      natHour: 0.048,
      natGb: 0.048,
      metricMonth: 0.3,
      logIngestGb: 0.57,
      logStoredGbMonth: 0.03,
      s3GbMonth: 0.023,
      secretMonth: 0.4,
    };
    const keys: Record<keyof typeof unit, string> = {
      vcpuHour: "fargate.linux-x86.vcpu-hour",
      gbHour: "fargate.linux-x86.gb-hour",
      dbSmallHour: "rds.postgres.db.t4g.small.hour",
      gp3GbMonth: "rds.gp3.gb-month",
      rdsBackupGbMonth: "rds.backup.gb-month",
      cacheSmallHour: "elasticache.redis.cache.t4g.small.hour",
      cacheBackupGbMonth: "elasticache.backup.gb-month",
      albHour: "alb.hour",
      lcuHour: "alb.lcu-hour",
      ipv4Hour: "public-ipv4.hour",
      natHour: "nat.hour",
      natGb: "nat.gb",
      metricMonth: "metrics.custom-metric-month",
      logIngestGb: "logs.ingest-gb",
      logStoredGbMonth: "logs.storage-gb-month",
      s3GbMonth: "s3.standard.gb-month",
      secretMonth: "secretsmanager.secret-month",
    };
    for (const [name, usd] of Object.entries(unit))
      assert.equal(book.get(REGION, keys[name as keyof typeof unit]).usd, usd, name);

    // Quantities, as the render has them.
    assert.equal(named(r.resources, "env-app-service").inputs.desiredCount, 2);
    assert.deepEqual(
      [
        named(r.resources, "env-app-task").inputs.cpu,
        named(r.resources, "env-app-task").inputs.memory,
      ],
      ["512", "1024"],
    );
    const db = named(r.resources, "env-db-instance").inputs;
    assert.deepEqual(
      [db.instanceClass, db.multiAz, db.allocatedStorage, db.storageType, db.backupRetentionPeriod],
      ["db.t4g.small", false, 20, "gp3", 7],
    );
    const cache = named(r.resources, "env-cache-redis").inputs;
    assert.deepEqual(
      [cache.nodeType, cache.numCacheClusters, cache.snapshotRetentionLimit],
      ["cache.t4g.small", 1, 7],
    );
    assert.equal((named(r.resources, "env-app-alb").inputs.subnets as string[]).length, 2);
    assert.equal(r.resources.filter((x) => x.type === "aws:ec2/natGateway:NatGateway").length, 1);
    assert.equal(named(r.resources, "env-app-logs").inputs.retentionInDays, 30);
    assert.equal(
      r.resources.filter((x) => x.type === "aws:secretsmanager/secret:Secret").length,
      2,
    );

    const h = 730;
    const expected = {
      app: 2 * (0.5 * unit.vcpuHour + 1 * unit.gbHour) * h, // 36.0401
      dbInstance: unit.dbSmallHour * h, // 25.55
      dbStorage: 20 * unit.gp3GbMonth, // 2.54
      dbBackups: (20 * (1 + 0.05 * 6) - 20) * unit.rdsBackupGbMonth, // 6 GB: 0.57
      cacheNodes: 1 * unit.cacheSmallHour * h, // 24.82
      cacheBackups: 1.37 * 6 * unit.cacheBackupGbMonth, // 0.6987
      alb: unit.albHour * h + 0.2 * unit.lcuHour * h + 2 * unit.ipv4Hour * h, // 18.396 + 1.168 + 7.3
      nat: unit.natHour * h + 10 * unit.natGb + unit.ipv4Hour * h, // 35.04 + 0.48 + 3.65
      insights: (11 + 13 + 9) * unit.metricMonth + 2 * 0.05 * unit.logIngestGb, // 9.9 + 0.057
      appLogs: 3 * unit.logIngestGb + ((3 * 30) / (730 / 24)) * unit.logStoredGbMonth, // 1.71 + 0.0888
      buckets: (5 + 2) * unit.s3GbMonth, // assets and access logs: 0.161
      secrets: 2 * unit.secretMonth, // 0.8
    };
    const total = Object.values(expected).reduce((a, b) => a + b, 0);
    assert.equal(total.toFixed(2), "168.97", "the hand sum itself");

    close(monthly(r, "env-app-service", "running tasks"), expected.app, "Fargate");
    close(monthly(r, "env-db-instance", "instance"), expected.dbInstance, "RDS instance");
    close(monthly(r, "env-db-instance", "storage"), expected.dbStorage, "RDS storage");
    close(monthly(r, "env-db-instance", "automated backups"), expected.dbBackups, "RDS backups");
    close(monthly(r, "env-cache-redis", "nodes"), expected.cacheNodes, "cache nodes");
    close(monthly(r, "env-cache-redis", "backups"), expected.cacheBackups, "cache backups");
    close(monthly(r, "env-app-alb", ""), expected.alb, "load balancer");
    close(monthly(r, "env-network-nat-0", ""), expected.nat, "NAT gateway and its address");
    close(price(r).monthlyUsd, total, "staging a month");
    close(price(r).dailyUsd, (total * 24) / HOURS_PER_MONTH, "staging a day");
  });

  it("Multi-AZ off halves production's database instance and storage; the rest is unchanged", async () => {
    const production = await shippedRender("production");
    const singleAz = await renderWithConfig("production", {
      "aws:region": REGION,
      "multistage:stage": "production",
      "multistage:image": PINNED_IMAGE,
      "multistage:access": accessFor("production"),
      "multistage:database": { multiAz: false },
    });
    close(
      monthly(singleAz, "env-db-instance", "instance"),
      monthly(production, "env-db-instance", "instance") / 2,
      "instance hours",
    );
    close(monthly(singleAz, "env-db-instance", "instance"), 0.07 * 730, "db.t4g.medium, one copy");
    close(
      monthly(singleAz, "env-db-instance", "storage"),
      monthly(production, "env-db-instance", "storage") / 2,
      "storage",
    );
    const saved =
      monthly(production, "env-db-instance", "instance") / 2 +
      monthly(production, "env-db-instance", "storage") / 2;
    close(price(singleAz).monthlyUsd, price(production).monthlyUsd - saved, "production a month");
  });

  it("twice the tasks is twice the Fargate cost; an ARM task is priced at the ARM rates", async () => {
    const staging = await shippedRender("staging");
    const config = {
      "aws:region": REGION,
      "multistage:stage": "staging",
      "multistage:image": PINNED_IMAGE,
      "multistage:access": accessFor("staging"),
    };
    const four = await renderWithConfig("staging", {
      ...config,
      "multistage:app": { desiredCount: 4 },
    });
    close(
      monthly(four, "env-app-service", "running tasks"),
      2 * monthly(staging, "env-app-service", "running tasks"),
      "4 tasks against 2",
    );
    close(
      price(four).monthlyUsd - price(staging).monthlyUsd,
      monthly(staging, "env-app-service", "running tasks") + 2 * 0.05 * 0.57,
      "the difference: the tasks and their Container Insights events",
    );

    const arm = structuredClone(staging);
    (
      named(arm.resources, "env-app-task").inputs.runtimePlatform as { cpuArchitecture: string }
    ).cpuArchitecture = "ARM64";
    close(
      monthly(arm, "env-app-service", "running tasks"),
      2 * (0.5 * 0.03238 + 1 * 0.00356) * 730,
      "Linux/ARM rates",
    );
  });

  it("counts a schedule's runs a month from its expression", () => {
    const days = 730 / 24;
    close(runsPerMonth("cron(0 6 * * ? *)") ?? NaN, days, "daily");
    close(runsPerMonth("cron(30 2,14 * * ? *)") ?? NaN, 2 * days, "twice a day");
    close(runsPerMonth("cron(0/15 * * * ? *)") ?? NaN, 4 * 24 * days, "every 15 minutes");
    close(runsPerMonth("cron(0 2 ? * MON-FRI *)") ?? NaN, (5 / 7) * days, "weekdays");
    close(runsPerMonth("cron(0 2 1,15 * ? *)") ?? NaN, 2, "twice a month");
    close(runsPerMonth("rate(12 hours)") ?? NaN, 730 / 12, "rate");
    close(runsPerMonth("rate(1 day)") ?? NaN, days, "rate of a day");
    assert.equal(
      runsPerMonth("cron(0 2 L * ? *)"),
      undefined,
      "the last day of the month is not counted",
    );
  });
});

describe("stagectl cost: the command", () => {
  const run = (args: string[]) => runStagectl(testContext(new MemoryWorkspace()), args);

  it("--json prints the stack's lines, sum, free types and what is not priced", async () => {
    const context = await run(["cost", "staging", "--json"]);
    assert.equal(context.exitCode, 0, context.err.join(""));
    const result = stdoutJson<
      {
        monthlyUsd: number;
        dailyUsd: number;
        lines: Array<Record<string, unknown> & { monthlyUsd: number; charges: unknown[] }>;
        free: Array<{ type: string; count: number; reason: string }>;
        notPriced: unknown[];
      } & Record<string, unknown>
    >(context);
    assert.deepEqual(Object.keys(result), [
      "name",
      "stack",
      "kind",
      "from",
      "region",
      "currency",
      "monthlyUsd",
      "dailyUsd",
      "lines",
      "notPriced",
      "free",
      "pricesAsOf",
    ]);
    assert.deepEqual(
      [result.name, result.stack, result.kind, result.from, result.region, result.currency],
      ["staging", "staging", "staging", "stack file", REGION, "USD"],
    );
    assert.deepEqual(Object.keys(result.lines[0]), [
      "resource",
      "type",
      "category",
      "what",
      "monthlyUsd",
      "charges",
      "assumed",
    ]);
    assert.deepEqual(result.lines[0].charges[0], {
      price: "fargate.linux-x86.vcpu-hour",
      quantity: 730,
      usdPerUnit: 0.04048,
      per: "vCPU-hour",
      asOf: "2025-06",
      source:
        "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonECS/current/eu-west-1/index.json",
    });
    assert.ok(
      Math.abs(result.lines.reduce((sum, l) => sum + l.monthlyUsd, 0) - result.monthlyUsd) < 0.01,
    );
    assert.equal(result.monthlyUsd, 168.9696);
    assert.deepEqual(result.notPriced, []);
    assert.ok(
      result.free.some(
        (f) => f.type === "aws:ec2/vpc:Vpc" && f.reason === "no charge for a VPC" && f.count === 1,
      ),
    );
    assert.deepEqual(result.pricesAsOf, ["2025-06"]);
  });

  it("prints a table by resource with the sum", async () => {
    const context = await run(["cost", "development"]);
    const text = context.out.join("");
    assert.match(
      text,
      /^development: stack development \(development, eu-west-1, from Pulumi\.development\.yaml\): \$\d+\.\d\d a month/,
    );
    assert.match(
      text,
      /env-app-service\s+ecs\/service\s+running tasks: 1 task × 0\.25 vCPU, 0\.5 GB \(Linux\/x86\) × 730 h\s+9\.01\n/,
    );
    assert.match(text, /\ntotal\s+\d+\.\d\d\n/);
    assert.match(text, /Not priced: nothing\./);
  });

  it("prices a feature stack per day, and the testing level from its profile", async () => {
    const feature = stdoutJson<{
      stack: string;
      kind: string;
      dailyUsd: number;
      monthlyUsd: number;
    }>(await run(["cost", "feature", "--json"]));
    assert.deepEqual([feature.stack, feature.kind], [featureStack, "feature"]);
    close(
      feature.dailyUsd,
      Math.round(((feature.monthlyUsd * 24) / 730) * 10_000) / 10_000,
      "a day is 24 of 730 hours",
    );
    const testing = stdoutJson<{ from: string; kind: string; region: string }>(
      await run(["cost", "testing", "--json"]),
    );
    assert.deepEqual([testing.from, testing.kind, testing.region], ["profile", "testing", REGION]);
  });

  it("prices a feature stack in either isolation, and development's feature host per feature-day", async () => {
    const shared = stdoutJson<{
      isolation: string;
      dailyUsd: number;
      lines: Array<{ resource: string; what: string; monthlyUsd: number }>;
    }>(await run(["cost", "feature", "--json"]));
    const dedicated = stdoutJson<{
      isolation: string;
      dailyUsd: number;
      lines: Array<{ resource: string }>;
    }>(await run(["cost", "feature", "--isolation", "dedicated", "--json"]));
    assert.deepEqual([shared.isolation, dedicated.isolation], ["shared", "dedicated"]);
    assert.ok(dedicated.lines.some((l) => l.resource === "env-db-instance"));
    assert.ok(!shared.lines.some((l) => l.resource === "env-db-instance"));
    assert.ok(shared.dailyUsd < dedicated.dailyUsd);
    // Its cache is a container in its own task (featureStacks.cache sidecar): nothing to price
    // beyond the task but the secret that holds its password, and no ElastiCache line at all.
    assert.deepEqual(
      shared.lines.filter((l) => /cache/.test(l.resource)).map((l) => l.resource),
      ["env-cache-secret"],
    );
    const development = stdoutJson<{
      featureHost: {
        monthlyUsd: number;
        maxDatabases: number;
        perFeatureDayUsd: Array<{ stacks: number; usd: number }>;
      };
    }>(await run(["cost", "development", "--json"]));
    const host = development.featureHost;
    assert.equal(host.maxDatabases, 40);
    // db.t4g.small and 50 GB gp3, no backups, at least.
    assert.ok(host.monthlyUsd >= 0.035 * 730 + 50 * 0.127 - 0.01, String(host.monthlyUsd));
    assert.deepEqual(
      host.perFeatureDayUsd.map((p) => p.stacks),
      [40, 10],
    );
    close(
      host.perFeatureDayUsd[1].usd,
      Math.round(((host.monthlyUsd * 24) / 730 / 10) * 10_000) / 10_000,
      "a tenth of a day",
    );
    const text = (await run(["cost", "development"])).out.join("");
    assert.match(
      text,
      /its feature host .* is \$\d+\.\d\d a month .*\$\d+\.\d\d per feature-day with 40 stacks at once \(its limit/,
    );
    const wrong = await run(["cost", "staging", "--isolation", "dedicated"]);
    assert.equal(wrong.exitCode, 2);
    assert.match(wrong.err.join(""), /--isolation dedicated is for <stack> feature only/);
  });

  it("refuses an unknown stack, naming the argument, the value and what is valid (exit 2)", async () => {
    const context = await run(["cost", "qa"]);
    assert.equal(context.exitCode, 2);
    assert.equal(context.out.join(""), "");
    assert.equal(
      context.err.join(""),
      'Unknown <stack> "qa"; valid: development, testing (its profile), staging, production, feature (a feature stack as feature up makes it), or --all\n',
    );
    for (const args of [["cost"], ["cost", "staging", "--all"]]) {
      const wrong = await run(args);
      assert.equal(wrong.exitCode, 2, args.join(" "));
      assert.match(wrong.err.join(""), /<stack>.*--all/);
    }
  });

  it("--all lists every level, what a fourth level adds and a feature stack per day", async () => {
    const context = await run(["cost", "--all"]);
    assert.equal(context.exitCode, 0, context.err.join(""));
    const text = context.out.join("");
    const header = text.split("\n").find((line) => line.startsWith("USD a month")) ?? "";
    assert.deepEqual(header.split(/\s+/).slice(3), [
      "development",
      "testing",
      "staging",
      "production",
      "feature",
    ]);
    assert.match(text, /\na month\s+(\d+\.\d\d\s+){4}\d+\.\d\d\n/);
    assert.match(text, /\nA fourth level \(testing\) adds \$\d+\.\d\d a month\.\n/);
    assert.match(text, /\nA feature stack costs \$\d+\.\d\d a day while it runs/);
    assert.match(
      text,
      /\nWith featureStacks\.isolation dedicated \(its own database, cache and load balancer\) it costs \$\d+\.\d\d a day/,
    );
    assert.match(text, /\nOf development's sum, its feature host/);
    assert.match(text, /Not priced: nothing\./);
    const readme = fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
    assert.ok(
      readme.includes(`\`\`\`text\n${text.trimEnd()}\n\`\`\``),
      'README\'s "What each level costs" shows other figures: paste the output of npm run -s stagectl -- cost --all',
    );

    const json = stdoutJson<{
      levels: Array<{ name: string; from: string; monthlyUsd: number }>;
      fourthLevel: { name: string; monthlyUsd: number };
      featurePerDayUsd: number;
      longLivedMonthlyUsd: number;
      stacks: Array<{ name: string; dailyUsd: number }>;
    }>(await run(["cost", "--all", "--json"]));
    assert.deepEqual(
      json.levels.map((l) => `${l.name} ${l.from}`),
      [
        "development stack file",
        "testing profile",
        "staging stack file",
        "production stack file",
        "feature feature up",
      ],
    );
    assert.equal(json.fourthLevel.name, "testing");
    assert.equal(json.fourthLevel.monthlyUsd, json.levels[1].monthlyUsd);
    assert.equal(json.featurePerDayUsd, json.stacks[4].dailyUsd);
    close(
      json.longLivedMonthlyUsd,
      json.levels.slice(0, 4).reduce((sum, l) => sum + l.monthlyUsd, 0),
      "the long-lived levels",
    );
  });

  it("--all takes a team's own Pulumi.testing.yaml instead of the profile", () => {
    const { dir } = tempStackFile("testing", {
      "aws:region": REGION,
      "multistage:stage": "testing",
      "multistage:app": { desiredCount: 2 },
    });
    for (const stack of ["development", "staging", "production"])
      fs.copyFileSync(
        path.join(PROJECT_ROOT, `Pulumi.${stack}.yaml`),
        path.join(dir, `Pulumi.${stack}.yaml`),
      );
    assert.deepEqual(
      allTargets({ configDir: dir }).map((t) => `${t.name} ${t.from}`),
      [
        "development stack file",
        "testing stack file",
        "staging stack file",
        "production stack file",
        "feature feature up",
      ],
    );
  });
});
