import { strict as assert } from "node:assert";
import pino from "pino";
import { buildApp } from "../../app/src/app";
import { AppConfig } from "../../app/src/config";
import { AppStageKind } from "../../app/src/contract";
import { Dependencies } from "../../app/src/dependencies";

function config(stage: string, kind: AppStageKind): AppConfig {
  return {
    APP_STAGE: stage,
    APP_STAGE_KIND: kind,
    APP_IMAGE: `repo/app@sha256:${"d".repeat(64)}`,
    PORT: 8080,
    AWS_REGION: "eu-west-1",
    BUCKET_NAME: "bucket",
    DB_HOST: "db",
    DB_PORT: 5432,
    DB_NAME: "app",
    DB_USER: "app_owner",
    DB_PASSWORD: "x".repeat(20),
    REDIS_HOST: "cache",
    REDIS_PORT: 6379,
    REDIS_USERNAME: "default",
    REDIS_KEY_PREFIX: `${stage}:`,
    REDIS_TLS: true,
    REDIS_TOKEN: "y".repeat(20),
    APP_DISABLE_TLS: false,
    GIT_COMMIT: "abc1234",
    READY_TIMEOUT_MS: 200,
    APP_ENABLE_DRILL_ROUTES: false,
    LOG_LEVEL: "info",
  };
}

const noDependencies: Dependencies = { checks: [], close: async () => undefined };

describe("the app's page and version", () => {
  for (const [stage, kind] of [
    ["development", "development"],
    ["testing", "testing"],
    ["staging", "staging"],
    ["feature-login", "feature"],
    ["local", "local"],
  ] as const) {
    it(`shows a coloured stage banner in ${kind}`, async () => {
      const app = buildApp(config(stage, kind), noDependencies, pino({ level: "silent" }));
      const page = await app.inject({ url: "/" });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /class="stage-banner"/);
      assert.match(page.body, new RegExp(`${kind.toUpperCase()} &middot; ${stage}`));
      assert.match(page.body, /This is the <strong data-stage="[^"]+">/);
      await app.close();
    });
  }

  it("shows no banner in production, but still states its stage", async () => {
    const app = buildApp(
      config("production", "production"),
      noDependencies,
      pino({ level: "silent" }),
    );
    const page = await app.inject({ url: "/" });
    assert.doesNotMatch(page.body, /stage-banner/);
    assert.match(
      page.body,
      /This is the <strong data-stage="production">production<\/strong> stage/,
    );
    await app.close();
  });

  it("reports image digest, commit and stage on /version, not the image reference", async () => {
    const app = buildApp(config("staging", "staging"), noDependencies, pino({ level: "silent" }));
    const version = (await app.inject({ url: "/version" })).json();
    assert.deepEqual(version, {
      stage: "staging",
      stageKind: "staging",
      digest: `sha256:${"d".repeat(64)}`,
      commit: "abc1234",
    });
    assert.equal(
      (await app.inject({ url: "/drill/sleep/10" })).statusCode,
      404,
      "drill routes are off unless enabled",
    );
    await app.close();
  });
});
