import { strict as assert } from "node:assert";
import {
  accessFor,
  appContainer,
  LONG_LIVED_STACKS,
  named,
  ofType,
  onlyOfType,
  PINNED_IMAGE,
  renderWithConfig,
  shippedRender,
  stageDatabase,
  withoutFeatureHost,
  TYPES,
} from "./helpers/renders";

const CERTIFICATE =
  "arn:aws:acm:eu-west-1:123456789012:certificate/0f3c6c5e-8a1d-4d2b-9e47-5b6a7c8d9e10";
const PRODUCTION_CONFIG = {
  "aws:region": "eu-west-1",
  "multistage:stage": "production",
  "multistage:image": PINNED_IMAGE,
  "multistage:access": accessFor("production"),
};

describe("rendering the long-lived stages", () => {
  for (const stack of LONG_LIVED_STACKS) {
    describe(stack, () => {
      it("has exactly one database, cache, service and assets bucket, a log bucket where the profile turns access logs on, and production its sanitized bucket", async () => {
        const { resources } = await shippedRender(stack);
        for (const type of [TYPES.db, TYPES.cache, TYPES.service]) {
          assert.equal(ofType(withoutFeatureHost(resources), type).length, 1, `${stack}: ${type}`);
        }
        // Development also holds the feature stacks' shared host; no other stage does.
        const hosts = ofType(resources, TYPES.db).filter((r) =>
          r.name.startsWith("env-feature-host"),
        );
        assert.deepEqual(
          hosts.map((h) => h.physicalName),
          stack === "development" ? ["multistage-development-feature-host"] : [],
        );
        const buckets = ofType(resources, TYPES.bucket)
          .map((b) => b.physicalName)
          .sort();
        const logs = stack === "development" ? [] : [`multistage-${stack}-logs`];
        const sanitized = stack === "production" ? ["multistage-production-sanitized"] : [];
        assert.deepEqual(buckets, [`multistage-${stack}-assets`, ...logs, ...sanitized].sort());
      });

      it("puts project and stage at the start of every physical name", async () => {
        const { resources } = await shippedRender(stack);
        const named = resources.filter((r) => r.custom && r.physicalName !== undefined);
        assert.ok(named.length > 25, `expected many named resources, got ${named.length}`);
        for (const resource of named) {
          const name = resource.physicalName as string;
          const ok =
            name === `multistage-${stack}` ||
            name.startsWith(`multistage-${stack}-`) ||
            name.startsWith(`/multistage/${stack}/`);
          assert.ok(ok, `${resource.key} has physical name ${name}`);
        }
      });

      it("exports stage, url, endpoints, names, image and network ids, none of them secret", async () => {
        const { outputs } = await shippedRender(stack);
        for (const key of [
          "stage",
          "url",
          "bucketName",
          "dbEndpoint",
          "cacheEndpoint",
          "clusterName",
          "serviceName",
          "image",
          "vpcId",
          "publicSubnetIds",
          "privateSubnetIds",
        ]) {
          assert.ok(key in outputs, `${stack} lacks output ${key}`);
        }
        assert.equal(outputs.stage.value, stack);
        // Secrets are exported only as ARNs of Secrets Manager entries, never as values.
        assert.deepEqual(
          Object.entries(outputs)
            .filter(([, output]) => output.secret)
            .map(([key]) => key),
          [],
        );
        for (const key of ["dbSecretArn", "cacheSecretArn"])
          assert.match(String(outputs[key].value), /^arn:aws:secretsmanager:/);
        // Production's stack file carries a certificate, so it serves HTTPS.
        // No shipped stack file carries a certificate (it exists only in a team's own account).
        assert.match(String(outputs.url.value), /^http:\/\/multistage-/);
      });
    });
  }

  it("shares no physical name between any two stages", async () => {
    const owners = new Map<string, string>();
    for (const stack of LONG_LIVED_STACKS) {
      const { resources } = await shippedRender(stack);
      for (const r of resources) {
        if (!r.physicalName) continue;
        const key = `${r.type}|${r.physicalName}`;
        const owner = owners.get(key);
        assert.ok(
          owner === undefined || owner === stack,
          `${r.physicalName} (${r.type}) is in both ${owner} and ${stack}`,
        );
        owners.set(key, stack);
      }
    }
  });

  it("gives every stage its own VPC range", async () => {
    const cidrs = await Promise.all(
      LONG_LIVED_STACKS.map(
        async (s) => onlyOfType((await shippedRender(s)).resources, TYPES.vpc).inputs.cidrBlock,
      ),
    );
    assert.equal(new Set(cidrs).size, cidrs.length, `CIDRs ${cidrs.join(", ")}`);
  });

  it("follows the profile: NAT per zone and two cache nodes in production only", async () => {
    const dev = await shippedRender("development");
    const prod = await shippedRender("production");
    assert.equal(ofType(dev.resources, TYPES.nat).length, 1);
    assert.equal(ofType(prod.resources, TYPES.nat).length, 2);
    const prodCache = onlyOfType(prod.resources, TYPES.cache).inputs;
    assert.equal(prodCache.numCacheClusters, 2);
    assert.equal(prodCache.automaticFailoverEnabled, true);
    assert.equal(onlyOfType(dev.resources, TYPES.cache).inputs.automaticFailoverEnabled, false);
    assert.equal(named(prod.resources, "env-app-logs").inputs.retentionInDays, 90);
    assert.equal(named(dev.resources, "env-app-logs").inputs.retentionInDays, 7);
  });

  it("protects and retains production's stateful resources, with deletion protection and a final snapshot", async () => {
    const { resources } = await shippedRender("production");
    for (const r of [
      ...ofType(resources, TYPES.db),
      ...ofType(resources, TYPES.cache),
      ...ofType(resources, TYPES.bucket),
    ]) {
      assert.equal(r.options.protect, true, `${r.key} protect`);
      assert.equal(r.options.retainOnDelete, true, `${r.key} retainOnDelete`);
    }
    assert.equal(
      ofType(resources, TYPES.bucket).length,
      3,
      "the assets, the log and the sanitized bucket",
    );
    const db = stageDatabase(resources).inputs;
    assert.equal(db.deletionProtection, true);
    assert.equal(db.skipFinalSnapshot, false);
    assert.equal(db.finalSnapshotIdentifier, "multistage-production-db-final");
    assert.equal(db.multiAz, true);
    assert.equal(db.backupRetentionPeriod, 14);
    for (const bucket of ofType(resources, TYPES.bucket))
      assert.equal(bucket.inputs.forceDestroy, false, bucket.key);
    assert.equal(onlyOfType(resources, TYPES.loadBalancer).inputs.enableDeletionProtection, true);
  });

  it("leaves development destroyable without manual steps", async () => {
    const { resources } = await shippedRender("development");
    assert.ok(
      resources.every((r) => !r.options.protect && !r.options.retainOnDelete),
      "nothing protected or retained",
    );
    const db = stageDatabase(resources).inputs;
    assert.equal(db.deletionProtection, false);
    assert.equal(db.skipFinalSnapshot, true);
    assert.equal(onlyOfType(resources, TYPES.bucket).inputs.forceDestroy, true);
    for (const secret of ofType(resources, TYPES.secret))
      assert.equal(secret.inputs.recoveryWindowInDays, 0);
    assert.equal(onlyOfType(resources, TYPES.loadBalancer).inputs.enableDeletionProtection, false);
  });

  it("builds the app image in development and runs the pinned digest in staging", async () => {
    const dev = await shippedRender("development");
    assert.equal(ofType(dev.resources, "docker:index/image:Image").length, 1);
    assert.match(String(dev.outputs.image.value), /@sha256:[a-f0-9]{64}$/);
    const staging = await shippedRender("staging");
    assert.equal(ofType(staging.resources, "docker:index/image:Image").length, 0);
    const container = appContainer<{ image: string }>(staging.resources);
    assert.equal(container.image, staging.outputs.image.value);
  });

  it("exports the commit the image was built from as the commit output, and none when no one said", async () => {
    const commit = "0123456789abcdef0123456789abcdef01234567";
    const render = await renderWithConfig("development", {
      "aws:region": "eu-west-1",
      "multistage:stage": "development",
      "multistage:image": PINNED_IMAGE,
      "multistage:imageCommit": commit,
    });
    assert.equal(render.outputs.commit.value, commit);
    assert.ok(!("commit" in (await shippedRender("staging")).outputs));
  });

  it("renders a fourth level from nothing but its stack file", async () => {
    const render = await renderWithConfig("testing", {
      "aws:region": "eu-west-1",
      "multistage:stage": "testing",
    });
    assert.equal(onlyOfType(render.resources, TYPES.vpc).inputs.cidrBlock, "10.20.0.0/16");
    assert.equal(named(render.resources, "env-app-logs").inputs.retentionInDays, 14);
    assert.ok(
      render.resources
        .filter((r) => r.physicalName)
        .every((r) => r.physicalName?.includes("testing")),
    );
  });

  it("switches to HTTPS with a redirect and adds an alias when a certificate and zone are configured", async () => {
    const render = await renderWithConfig("development", {
      "aws:region": "eu-west-1",
      "multistage:stage": "development",
      "multistage:domain": {
        name: "dev.example.com",
        hostedZoneId: "Z0123456789ABC",
        certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/abc",
      },
    });
    const listeners = ofType(render.resources, TYPES.listener);
    const https = listeners.find((l) => l.inputs.protocol === "HTTPS");
    const http = listeners.find((l) => l.inputs.protocol === "HTTP");
    assert.ok(https && http);
    assert.equal((http.inputs.defaultActions as Array<{ type: string }>)[0].type, "redirect");
    assert.equal(ofType(render.resources, "aws:route53/record:Record").length, 1);
    assert.equal(render.outputs.url.value, "https://dev.example.com");
    const open = ofType(render.resources, TYPES.ingress)
      .filter((r) => r.inputs.cidrIpv4 === "0.0.0.0/0")
      .map((r) => r.inputs.fromPort);
    assert.deepEqual(open.sort(), [443, 80], "443 opens with the HTTPS listener");
    // Turning HTTPS on changes nothing EC2 cannot update in place: the load balancer's group keeps
    // its description (a new one would replace the group, and fail on its own name).
    const group = (resources: typeof render.resources) => named(resources, "env-firewall-alb");
    const plain = group((await shippedRender("development")).resources);
    assert.equal(group(render.resources).inputs.description, plain.inputs.description);
    assert.deepEqual(plain.options.ignoreChanges, ["description"]);
  });

  it("leaves an unversioned bucket unversioned and enables versioning where the profile asks", async () => {
    const versioning = async (stack: string) =>
      ofType((await shippedRender(stack)).resources, "aws:s3/bucketVersioning:BucketVersioning");
    assert.deepEqual(
      await versioning("development"),
      [],
      "no versioning resource: a new bucket is never put into Suspended",
    );
    for (const stack of ["staging", "production"]) {
      const [resource] = await versioning(stack);
      assert.deepEqual(resource.inputs.versioningConfiguration, { status: "Enabled" }, stack);
    }
  });

  it("warns on every production preview that has no certificate, and nowhere else", async () => {
    const production = await shippedRender("production");
    assert.ok(
      production.warnings.some((w) =>
        /production serves plain HTTP: set multistage:domain\.certificateArn/.test(w),
      ),
      production.warnings.join("\n"),
    );
    for (const stack of LONG_LIVED_STACKS.filter((s) => s !== "production")) {
      assert.ok(!(await shippedRender(stack)).warnings.some((w) => /plain HTTP/.test(w)), stack);
    }
    const withCertificate = await renderWithConfig("production", {
      ...PRODUCTION_CONFIG,
      "multistage:domain": { certificateArn: CERTIFICATE },
    });
    assert.ok(
      !withCertificate.warnings.some((w) => /plain HTTP/.test(w)),
      withCertificate.warnings.join("\n"),
    );
  });

  it("serves production over HTTPS once it has a certificate, and redirects its HTTP there", async () => {
    const { resources } = await renderWithConfig("production", {
      ...PRODUCTION_CONFIG,
      "multistage:domain": { certificateArn: CERTIFICATE },
    });
    const listeners = ofType(resources, TYPES.listener);
    const https = listeners.find((l) => l.inputs.protocol === "HTTPS");
    assert.ok(https);
    assert.match(
      String(https.inputs.certificateArn),
      /^arn:aws:acm:eu-west-1:\d{12}:certificate\//,
    );
    assert.equal(https.inputs.sslPolicy, "ELBSecurityPolicy-TLS13-1-2-2021-06");
    const http = listeners.filter((l) => l.inputs.protocol === "HTTP");
    assert.deepEqual(
      http.map((l) => l.inputs.defaultActions),
      [
        [
          {
            type: "redirect",
            redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" },
          },
        ],
      ],
    );
  });
});
