import { strict as assert } from "node:assert";
import Redis from "ioredis";
import { AppConfig, loadConfig } from "../../app/src/config";
import { featureCacheAccessString } from "../../components/feature-cache-user";
import { createDependencies, redisSettings } from "../../app/src/dependencies";
import { freePort, RedisService, REDIS_TOKEN } from "../../tools/local/services";

/** A feature stack's user on a shared cache, as development's cache would hold it. */
const FEATURE = "feature-x";
const FEATURE_PASSWORD = "feature-x-password-0123456789";
/** The very access string a shared-cache feature stack's ElastiCache user gets. */
const FEATURE_ACCESS = featureCacheAccessString(FEATURE);

describe("the app's Redis client: its user and its key prefix, against a real redis-server", function () {
  this.timeout(60_000);
  let redis: RedisService;
  let admin: Redis;
  let config: AppConfig;
  const clients: Redis[] = [];
  const client = (overrides: Partial<AppConfig>): Redis => {
    const made = new Redis({ ...redisSettings({ ...config, ...overrides }), lazyConnect: true });
    made.on("error", () => undefined);
    clients.push(made);
    return made;
  };

  before(async () => {
    // A redis-server of this file's own: the services test stops and restarts the shared one.
    redis = new RedisService(await freePort());
    await redis.start();
    // Only Redis is reached here; the rest is what the stack would pass development's app.
    const loaded = loadConfig({
      APP_STAGE: "development",
      APP_STAGE_KIND: "development",
      APP_IMAGE: `repo/app@sha256:${"e".repeat(64)}`,
      PORT: "0",
      AWS_REGION: "eu-west-1",
      BUCKET_NAME: "multistage-development-assets",
      DB_HOST: "127.0.0.1",
      DB_PORT: "5432",
      DB_NAME: "app",
      DB_USER: "app_owner",
      DB_PASSWORD: "x".repeat(20),
      REDIS_HOST: "127.0.0.1",
      REDIS_PORT: String(redis.port),
      REDIS_USERNAME: "default",
      REDIS_KEY_PREFIX: "development:",
      REDIS_TLS: "true",
      REDIS_TOKEN,
      APP_DISABLE_TLS: "true",
      READY_TIMEOUT_MS: "500",
    });
    assert.ok(loaded.ok, loaded.ok ? "" : loaded.problems.join("; "));
    config = loaded.config;
    admin = new Redis({ host: "127.0.0.1", port: redis.port, password: REDIS_TOKEN });
    await admin.call(
      "ACL",
      "SETUSER",
      FEATURE,
      "reset",
      `>${FEATURE_PASSWORD}`,
      ...FEATURE_ACCESS.split(" "),
    );
  });

  after(async () => {
    for (const c of clients) c.disconnect();
    admin?.disconnect();
    await redis?.stop();
  });

  it("writes every key under the stage's prefix, as the default user", async () => {
    const app = client({});
    await app.connect();
    await app.set("greeting", "hello");
    assert.equal(await app.get("greeting"), "hello");
    assert.equal(await admin.get("development:greeting"), "hello");
    assert.equal(await admin.exists("greeting"), 0);
  });

  it("authenticates a feature stack as its own user, which reaches only its prefix", async () => {
    const feature = client({
      REDIS_USERNAME: FEATURE,
      REDIS_KEY_PREFIX: `${FEATURE}:`,
      REDIS_TOKEN: FEATURE_PASSWORD,
    });
    await feature.connect();
    assert.equal(await feature.call("ACL", "WHOAMI"), FEATURE);
    await feature.set("session", "s1");
    assert.equal(await admin.get(`${FEATURE}:session`), "s1");
    assert.equal(await feature.get("session"), "s1");

    // The same user without the prefix, or with another stack's, is refused by the cache itself.
    for (const prefix of ["development:", "feature-y:"]) {
      const stray = client({
        REDIS_USERNAME: FEATURE,
        REDIS_KEY_PREFIX: prefix,
        REDIS_TOKEN: FEATURE_PASSWORD,
      });
      await stray.connect();
      await assert.rejects(stray.set("session", "stolen"), /NOPERM/);
      await assert.rejects(stray.get("greeting"), /NOPERM/);
    }
    // Nor may it flush or reconfigure the cache it shares.
    await assert.rejects(feature.flushall(), /NOPERM/);
    await assert.rejects(feature.call("CONFIG", "GET", "maxmemory"), /NOPERM/);
    await assert.rejects(feature.info(), /NOPERM/);
    assert.equal(await admin.get("development:greeting"), "hello");
  });

  it("answers the readiness check as the feature stack's user", async () => {
    const dependencies = createDependencies({
      ...config,
      REDIS_USERNAME: FEATURE,
      REDIS_KEY_PREFIX: `${FEATURE}:`,
      REDIS_TOKEN: FEATURE_PASSWORD,
    });
    try {
      const check = dependencies.checks.find((c) => c.name === "redis");
      assert.ok(check);
      const deadline = Date.now() + 10_000;
      for (;;) {
        try {
          await check.check(new AbortController().signal);
          break;
        } catch (error) {
          if (Date.now() > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    } finally {
      await dependencies.close();
    }
  });
});
