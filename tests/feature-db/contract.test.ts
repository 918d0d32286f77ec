import { strict as assert } from "node:assert";
import {
  FEATURE_DB_COMMANDS,
  FEATURE_DB_ENVIRONMENT,
  FEATURE_DB_NAME_PATTERN,
  FEATURE_DB_SECRETS,
} from "../../app/src/contract";
import { featureDbContract, loadFeatureDbConfig } from "../../app/src/feature-db/config";
import { FEATURE_DB_EXIT, FeatureDbFailure } from "../../app/src/feature-db/failure";
import { scramVerifier } from "../../app/src/feature-db/scram";

const ENV = {
  APP_STAGE: "development",
  DB_HOST: "multistage-development-features.abc.eu-west-1.rds.amazonaws.com",
  DB_PORT: "5432",
  DB_NAME: "postgres",
  DB_USER: "multistage",
  DB_PASSWORD: "admin-password-0123456789",
  FEATURE_DB_MAX: "8",
  FEATURE_DB_TEMPLATE: "feature_template",
};

function problem(env: Record<string, string>): string {
  try {
    loadFeatureDbConfig(env);
  } catch (error) {
    assert.ok(error instanceof FeatureDbFailure);
    assert.equal(error.exitCode, FEATURE_DB_EXIT.invalid);
    return error.message;
  }
  return "accepted";
}

describe("feature-db: the environment contract", () => {
  it("reads exactly the contract's variables and secrets", () => {
    assert.deepEqual(
      Object.keys(featureDbContract.shape).sort(),
      [...FEATURE_DB_ENVIRONMENT, ...FEATURE_DB_SECRETS].sort(),
    );
    assert.deepEqual(
      [...FEATURE_DB_COMMANDS],
      ["create", "drop", "refresh-template", "export", "prune"],
    );
    assert.ok(FEATURE_DB_NAME_PATTERN.test(ENV.FEATURE_DB_TEMPLATE));
  });

  it("accepts the task definition's environment, with TLS on", () => {
    const config = loadFeatureDbConfig(ENV);
    assert.equal(config.FEATURE_DB_MAX, 8);
    assert.equal(config.APP_DISABLE_TLS, false);
  });

  it("names each bad variable on one line and never shows the admin password", () => {
    const message = problem({ ...ENV, FEATURE_DB_MAX: "0", DB_PASSWORD: "short", DB_PORT: "x" });
    assert.match(message, /FEATURE_DB_MAX: got "0"; expected at least 1/);
    assert.match(message, /DB_PASSWORD: malformed \(value hidden\)/);
    assert.match(message, /DB_PORT: got "x"; expected a port number/);
    assert.ok(!message.includes("short"));
    assert.ok(!message.includes("\n"));
    assert.match(
      problem({ ...ENV, FEATURE_DB_TEMPLATE: "template1" }),
      /FEATURE_DB_TEMPLATE: got "template1"/,
    );
  });

  it("refuses APP_DISABLE_TLS for a host not on loopback", () => {
    assert.match(
      problem({ ...ENV, APP_DISABLE_TLS: "true" }),
      /APP_DISABLE_TLS: got "true" for DB_HOST multistage-development-features/,
    );
    assert.equal(problem({ ...ENV, DB_HOST: "127.0.0.1", APP_DISABLE_TLS: "true" }), "accepted");
  });

  it("sends PostgreSQL a salted SCRAM verifier, never the password", () => {
    const one = scramVerifier("pw-0123456789abc");
    assert.match(
      one,
      /^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}$/,
    );
    assert.ok(!one.includes("pw-0123456789abc"));
    assert.notEqual(one, scramVerifier("pw-0123456789abc"));
  });
});
