/**
 * /readyz's public body against the errors real clients throw, with internal addresses in
 * them: the body names the dependency and a category, the log line carries the rest.
 */
import { strict as assert } from "node:assert";
import { buildApp } from "../../app/src/app";
import { AppConfig } from "../../app/src/config";
import { Dependencies, DependencyCheck } from "../../app/src/dependencies";
import {
  CheckTimeoutError,
  failureReason,
  UnexpectedAnswerError,
} from "../../app/src/failure-reason";
import { createLogger } from "../../app/src/logger";

const INTERNAL_HOST = "multistage-production-db.c9akciq32.eu-west-1.rds.amazonaws.com";
const ACCOUNT = "123456789012";

const config: AppConfig = {
  APP_STAGE: "production",
  APP_STAGE_KIND: "production",
  APP_IMAGE: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/multistage-app@sha256:${"c".repeat(64)}`,
  PORT: 8080,
  AWS_REGION: "eu-west-1",
  BUCKET_NAME: "multistage-production-assets",
  DB_HOST: INTERNAL_HOST,
  DB_PORT: 5432,
  DB_NAME: "app",
  DB_USER: "app_owner",
  DB_PASSWORD: "x".repeat(20),
  REDIS_HOST: "master.multistage-production-cache.abc123.euw1.cache.amazonaws.com",
  REDIS_PORT: 6379,
  REDIS_USERNAME: "default",
  REDIS_KEY_PREFIX: "production:",
  REDIS_TLS: true,
  REDIS_TOKEN: "y".repeat(20),
  APP_DISABLE_TLS: false,
  GIT_COMMIT: "abc1234",
  READY_TIMEOUT_MS: 100,
  APP_ENABLE_DRILL_ROUTES: false,
  LOG_LEVEL: "info",
};

/** An error shaped like Node's socket errors (code, address, port). */
function socketError(code: string, host: string, port: number): Error {
  return Object.assign(new Error(`connect ${code} ${host}:${port}`), { code, address: host, port });
}

function app(checks: DependencyCheck[]) {
  const lines: string[] = [];
  const dependencies: Dependencies = { checks, close: async () => undefined };
  const built = buildApp(
    config,
    dependencies,
    createLogger(config.APP_STAGE, "info", { write: (line: string) => void lines.push(line) }),
  );
  return { app: built, lines };
}

const failing = (
  name: DependencyCheck["name"],
  target: string,
  error: unknown,
): DependencyCheck => ({ name, target, check: async () => Promise.reject(error) });

describe("/readyz and /version keep internals in the log", () => {
  it("answers 503 with a category per dependency, and logs host, port and error", async () => {
    const { app: server, lines } = app([
      failing(
        "postgres",
        `${INTERNAL_HOST}:5432/app`,
        socketError("ECONNREFUSED", "10.0.3.17", 5432),
      ),
      failing(
        "redis",
        `${config.REDIS_HOST}:6379`,
        new Error(`WRONGPASS invalid username-password pair or user is disabled.`),
      ),
      {
        name: "bucket",
        target: `s3://${config.BUCKET_NAME}`,
        check: () => new Promise<void>(() => undefined),
      },
    ]);
    const response = await server.inject({ url: "/readyz" });
    assert.equal(response.statusCode, 503);
    assert.deepEqual(
      Object.fromEntries(
        Object.entries(response.json().checks as Record<string, { error?: string }>).map(
          ([k, v]) => [k, v.error],
        ),
      ),
      { postgres: "unreachable", redis: "access denied", bucket: "timeout" },
    );
    for (const internal of [
      INTERNAL_HOST,
      "10.0.3.17",
      "5432",
      "6379",
      config.REDIS_HOST,
      config.BUCKET_NAME,
      "ECONNREFUSED",
      "WRONGPASS",
      ACCOUNT,
    ]) {
      assert.ok(!response.body.includes(internal), `${internal} in ${response.body}`);
    }
    const warnings = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.level === 40);
    const log = JSON.stringify(warnings);
    for (const detail of [
      `${INTERNAL_HOST}:5432`,
      "connect ECONNREFUSED 10.0.3.17:5432",
      `${config.REDIS_HOST}:6379`,
      "WRONGPASS",
      `s3://${config.BUCKET_NAME}`,
      "no answer within 100 ms",
    ]) {
      assert.ok(log.includes(detail), `${detail} missing from the log: ${log}`);
    }
    assert.deepEqual(warnings.map((w) => w.dependency).sort(), ["bucket", "postgres", "redis"]);
    assert.ok(warnings.every((w) => w.stage === "production"));
    assert.ok(
      !log.includes(config.DB_PASSWORD) && !log.includes(config.REDIS_TOKEN),
      "no secret in the log",
    );
    await server.close();
  });

  it("serves digest, commit and stage on /version, never the image reference with the account id", async () => {
    const { app: server } = app([]);
    const response = await server.inject({ url: "/version" });
    assert.deepEqual(response.json(), {
      stage: "production",
      stageKind: "production",
      digest: `sha256:${"c".repeat(64)}`,
      commit: "abc1234",
    });
    assert.ok(
      !response.body.includes(ACCOUNT) && !response.body.includes("dkr.ecr"),
      response.body,
    );
    await server.close();
  });
});

describe("failure categories", () => {
  const aggregate = Object.assign(
    new AggregateError([
      socketError("ECONNREFUSED", "::1", 5432),
      socketError("ECONNREFUSED", "127.0.0.1", 5432),
    ]),
    { code: "ECONNREFUSED" },
  );
  const s3 = (name: string, status: number) =>
    Object.assign(new Error("UnknownError"), { name, $metadata: { httpStatusCode: status } });
  const cases: Array<[string, unknown, string]> = [
    ["a refused connection", socketError("ECONNREFUSED", "10.0.3.17", 5432), "unreachable"],
    ["an unknown host", socketError("ENOTFOUND", INTERNAL_HOST, 5432), "unreachable"],
    [
      "a dropped socket (S3 going away)",
      Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }),
      "unreachable",
    ],
    ["Node's happy-eyeballs AggregateError", aggregate, "unreachable"],
    [
      "Redis without its offline queue",
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
      "unreachable",
    ],
    ["pg losing its connection", new Error("Connection terminated unexpectedly"), "unreachable"],
    ["the readiness timeout", new CheckTimeoutError(500), "timeout"],
    ["pg's connection timeout", new Error("timeout expired"), "timeout"],
    ["a connect timeout", socketError("ETIMEDOUT", "10.0.3.17", 6379), "timeout"],
    [
      "a wrong database password",
      Object.assign(new Error('password authentication failed for user "app_owner"'), {
        code: "28P01",
      }),
      "access denied",
    ],
    [
      "Redis refusing the token",
      new Error("WRONGPASS invalid username-password pair"),
      "access denied",
    ],
    ["S3 refusing the task role", s3("Forbidden", 403), "access denied"],
    ["a missing bucket", s3("NotFound", 404), "not found"],
    [
      "a missing database",
      Object.assign(new Error('database "app" does not exist'), { code: "3D000" }),
      "not found",
    ],
    [
      "a wrong PING answer",
      new UnexpectedAnswerError("unexpected PING answer PANG"),
      "unexpected answer",
    ],
    [
      "a wrapped refusal",
      new Error("query failed", { cause: socketError("ECONNREFUSED", "10.0.3.17", 5432) }),
      "unreachable",
    ],
    [
      "anything else, with a connection string in it",
      new Error(`bad url postgres://app_owner:secret@${INTERNAL_HOST}:5432/app`),
      "failed",
    ],
    ["a thrown string", "boom", "failed"],
  ];
  for (const [what, error, reason] of cases) {
    it(`${what}: ${reason}`, () => assert.equal(failureReason(error), reason));
  }
});
