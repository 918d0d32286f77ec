import { strict as assert } from "node:assert";
import { contractSchema, loadConfig } from "../../app/src/config";
import { APP_ENVIRONMENT, APP_SECRETS } from "../../app/src/contract";

const valid: Record<string, string> = {
  APP_STAGE: "staging",
  APP_STAGE_KIND: "staging",
  APP_IMAGE: "repo/app@sha256:" + "c".repeat(64),
  PORT: "8080",
  AWS_REGION: "eu-west-1",
  BUCKET_NAME: "multistage-staging-assets",
  DB_HOST: "db.internal",
  DB_PORT: "5432",
  DB_NAME: "app",
  DB_USER: "app_owner",
  DB_PASSWORD: "a-very-secret-db-password",
  REDIS_HOST: "cache.internal",
  REDIS_PORT: "6379",
  REDIS_USERNAME: "default",
  REDIS_KEY_PREFIX: "staging:",
  REDIS_TLS: "true",
  REDIS_TOKEN: "a-very-secret-redis-token",
};

describe("app config", () => {
  it("accepts the environment the stack injects", () => {
    const result = loadConfig(valid);
    assert.ok(result.ok);
    assert.equal(result.config.PORT, 8080);
    assert.equal(result.config.APP_DISABLE_TLS, false);
  });

  it("its schema reads exactly the contract's variables", () => {
    assert.deepEqual(
      Object.keys(contractSchema.shape).sort(),
      [...APP_ENVIRONMENT, ...APP_SECRETS].sort(),
    );
  });

  for (const key of [...APP_ENVIRONMENT, ...APP_SECRETS]) {
    it(`refuses a missing ${key}, naming it`, () => {
      const env = { ...valid };
      delete env[key];
      const result = loadConfig(env);
      assert.ok(!result.ok);
      assert.deepEqual(result.problems, [`${key}: missing; the stack's task definition sets it`]);
    });
  }

  it("talks plaintext to a cache only on the loopback address, inside the app's own task", () => {
    const sidecar = loadConfig({ ...valid, REDIS_HOST: "127.0.0.1", REDIS_TLS: "false" });
    assert.ok(sidecar.ok);
    assert.equal(sidecar.config.REDIS_TLS, false);
    const remote = loadConfig({ ...valid, REDIS_TLS: "false" });
    assert.ok(!remote.ok);
    assert.deepEqual(remote.problems, [
      'REDIS_TLS: got "false" with REDIS_HOST "cache.internal"; expected true, or a cache on the loopback address (127.0.0.1 or localhost) inside the app\'s own task',
    ]);
    const malformed = loadConfig({ ...valid, REDIS_TLS: "yes" });
    assert.ok(!malformed.ok);
    assert.deepEqual(malformed.problems, ['REDIS_TLS: got "yes"; expected true or false']);
  });

  it("refuses malformed values with what was found and what is valid, all at once", () => {
    const result = loadConfig({
      ...valid,
      PORT: "eighty",
      APP_STAGE_KIND: "prod",
      BUCKET_NAME: "Not_A_Bucket",
    });
    assert.ok(!result.ok);
    assert.equal(result.problems.length, 3);
    assert.match(result.problems.join("\n"), /PORT: got "eighty"; expected a port number/);
    assert.match(result.problems.join("\n"), /APP_STAGE_KIND: got "prod"; expected .*production/);
    assert.match(
      result.problems.join("\n"),
      /BUCKET_NAME: got "Not_A_Bucket"; expected an S3 bucket name/,
    );
  });

  it("refuses an empty or colon-less Redis key prefix and a malformed Redis user", () => {
    for (const prefix of ["", "staging", "Staging:"]) {
      const result = loadConfig({ ...valid, REDIS_KEY_PREFIX: prefix });
      assert.ok(!result.ok, prefix);
      assert.match(result.problems.join("\n"), /REDIS_KEY_PREFIX: got .*; expected a key prefix/);
    }
    const user = loadConfig({ ...valid, REDIS_USERNAME: "no spaces" });
    assert.ok(!user.ok);
    assert.match(
      user.problems.join("\n"),
      /REDIS_USERNAME: got "no spaces"; expected a cache user name/,
    );
  });

  it("never echoes a secret, even a malformed one", () => {
    const result = loadConfig({ ...valid, DB_PASSWORD: "short" });
    assert.ok(!result.ok);
    assert.match(result.problems[0], /DB_PASSWORD: malformed \(value hidden\)/);
    assert.ok(!result.problems.join("").includes("short"));
  });

  it("refuses to turn TLS off in production, and allows it for local stages", () => {
    const production = loadConfig({
      ...valid,
      APP_STAGE: "production",
      APP_STAGE_KIND: "production",
      APP_DISABLE_TLS: "true",
    });
    assert.ok(!production.ok);
    assert.match(
      production.problems[0],
      /APP_DISABLE_TLS: got "true"; expected false in production/,
    );
    const development = loadConfig({
      ...valid,
      APP_STAGE_KIND: "development",
      APP_DISABLE_TLS: "true",
    });
    assert.ok(development.ok);
  });
});
