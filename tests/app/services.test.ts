import { strict as assert } from "node:assert";
import { buildApp } from "../../app/src/app";
import { AppConfig, loadConfig } from "../../app/src/config";
import { createDependencies, Dependencies } from "../../app/src/dependencies";
import { FAILURE_REASONS } from "../../app/src/failure-reason";
import { createLogger } from "../../app/src/logger";
import { startAppProcess } from "../../tools/local/app-process";
import { DB_PASSWORD, REDIS_TOKEN, services, Services } from "../../tools/local/services";

/** What the public bodies must never carry: where the services live, and the AWS account. */
function internals(config: AppConfig): string[] {
  return [
    config.DB_HOST,
    String(config.DB_PORT),
    config.REDIS_HOST,
    String(config.REDIS_PORT),
    config.BUCKET_NAME,
    config.DB_NAME,
    "ECONNREFUSED",
    "127.0.0.1",
    "localhost",
    "123456789012",
    "dkr.ecr",
  ];
}

interface LogLine {
  level: number;
  msg: string;
  dependency?: string;
  target?: string;
  reason?: string;
  err?: { message?: string; stack?: string };
}

interface ReadyBody {
  ok: boolean;
  checks: Record<string, { ok: boolean; error?: string }>;
}

async function pollReady(
  get: () => Promise<{ statusCode: number; body: ReadyBody }>,
  want: number,
  timeoutMs = 15_000,
) {
  const deadline = Date.now() + timeoutMs;
  let last = await get();
  while (last.statusCode !== want && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    last = await get();
  }
  return last;
}

describe("the app against real PostgreSQL, Redis and S3", function () {
  this.timeout(120_000);
  let running: Services;
  let dependencies: Dependencies;
  let app: ReturnType<typeof buildApp>;
  let config: AppConfig;
  const logged: string[] = [];
  const ready = async () => {
    const response = await app.inject({ url: "/readyz" });
    return { statusCode: response.statusCode, body: response.json() as ReadyBody };
  };

  const savedCredentials = {
    id: process.env.AWS_ACCESS_KEY_ID,
    secret: process.env.AWS_SECRET_ACCESS_KEY,
  };
  before(async () => {
    running = await services();
    // In ECS the task role supplies credentials; here the local S3 server's fixed pair does.
    process.env.AWS_ACCESS_KEY_ID = running.appEnv().AWS_ACCESS_KEY_ID;
    process.env.AWS_SECRET_ACCESS_KEY = running.appEnv().AWS_SECRET_ACCESS_KEY;
    const loaded = loadConfig(running.appEnv());
    assert.ok(loaded.ok, loaded.ok ? "" : loaded.problems.join("; "));
    config = loaded.config;
    dependencies = createDependencies(config);
    // The app's own logger, writing into an array: the log is where the internals belong.
    app = buildApp(
      config,
      dependencies,
      createLogger(config.APP_STAGE, "info", { write: (line: string) => void logged.push(line) }),
    );
  });

  after(async () => {
    await app?.close();
    await dependencies?.close();
    for (const [key, value] of [
      ["AWS_ACCESS_KEY_ID", savedCredentials.id],
      ["AWS_SECRET_ACCESS_KEY", savedCredentials.secret],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it("/readyz is 200 with all three up, each reported", async () => {
    const response = await pollReady(ready, 200);
    assert.equal(response.statusCode, 200, JSON.stringify(response.body));
    assert.deepEqual(Object.keys(response.body.checks).sort(), ["bucket", "postgres", "redis"]);
    assert.ok(Object.values(response.body.checks).every((c) => c.ok));
  });

  const outages: Array<
    [string, (s: Services) => { stop(): Promise<void>; start(): Promise<void> }]
  > = [
    ["postgres", (s) => s.postgres],
    ["redis", (s) => s.redis],
    ["bucket", (s) => s.s3],
  ];
  for (const [name, service] of outages) {
    it(`turns 503 naming ${name} while it is down, with a generic reason in the body and the details in the log, and recovers`, async () => {
      await service(running).stop();
      try {
        const down = await pollReady(ready, 503);
        assert.equal(down.statusCode, 503);
        assert.equal(down.body.checks[name].ok, false, JSON.stringify(down.body));
        assert.ok(
          (FAILURE_REASONS as readonly unknown[]).includes(down.body.checks[name].error),
          `a category, not the error: ${JSON.stringify(down.body)}`,
        );
        const body = JSON.stringify(down.body);
        for (const internal of internals(config))
          assert.ok(!body.includes(internal), `the body shows ${internal}: ${body}`);
        const warning = logged
          .map((line) => JSON.parse(line) as LogLine)
          .reverse()
          .find((line) => line.dependency === name && line.level === 40);
        assert.ok(warning, `a warning names ${name} in the log`);
        const port = {
          postgres: config.DB_PORT,
          redis: config.REDIS_PORT,
          bucket: running.s3.port,
        }[name];
        assert.ok(
          JSON.stringify(warning).includes(`127.0.0.1:${port}`),
          `the log says where: ${JSON.stringify(warning)}`,
        );
        assert.equal(warning.reason, down.body.checks[name].error);
        assert.ok(warning.err?.message, `the log carries the error: ${JSON.stringify(warning)}`);
        for (const other of outages.map(([n]) => n).filter((n) => n !== name))
          assert.equal(down.body.checks[other].ok, true, other);
      } finally {
        await service(running).start();
      }
      const up = await pollReady(ready, 200);
      assert.equal(up.statusCode, 200, JSON.stringify(up.body));
    });
  }

  describe("as its own process", () => {
    it("refuses to start without its environment, naming what is missing, and never listens", async () => {
      const env = running.appEnv();
      delete (env as Record<string, string | undefined>).DB_HOST;
      env.REDIS_PORT = "not-a-port";
      const app = startAppProcess(env);
      const code = await app.exited;
      assert.equal(code, 1);
      const output = app.lines.map((line) => (JSON.parse(line) as { msg: string }).msg).join("\n");
      assert.match(output, /DB_HOST: missing; the stack's task definition sets it/);
      assert.match(output, /REDIS_PORT: got "not-a-port"; expected a port number/);
      assert.doesNotMatch(output, /listening/i);
    });

    it("serves no AWS account id or internal address on /version and /readyz; the log keeps the full image reference", async () => {
      const app = startAppProcess(running.appEnv());
      const port = await Promise.race([
        app.port,
        app.exited.then(() => Promise.reject(new Error(`app exited: ${app.lines.join("\n")}`))),
      ]);
      try {
        // Public answers never name the AWS account (in the image reference) or where services live.
        const version = (await (await fetch(`http://127.0.0.1:${port}/version`)).json()) as Record<
          string,
          unknown
        >;
        assert.deepEqual(Object.keys(version).sort(), ["commit", "digest", "stage", "stageKind"]);
        assert.equal(version.digest, `sha256:${"b".repeat(64)}`);
        const ready = await (await fetch(`http://127.0.0.1:${port}/readyz`)).text();
        for (const body of [JSON.stringify(version), ready]) {
          for (const internal of [
            "123456789012",
            "dkr.ecr",
            `:${running.redis.port}`,
            `:${running.postgres.port}`,
          ])
            assert.ok(!body.includes(internal), `${internal} in ${body}`);
        }
        assert.ok(
          app.lines.some(
            (line) =>
              line.includes("starting") &&
              line.includes(
                `123456789012.dkr.ecr.eu-west-1.amazonaws.com/multistage-app@sha256:${"b".repeat(64)}`,
              ),
          ),
          "the full image reference is in the log",
        );
      } finally {
        app.child.kill("SIGTERM");
        assert.equal(await app.exited, 0, app.lines.join("\n"));
      }
    });

    it("finishes a slow request after SIGTERM, then exits 0; logs JSON with the stage and no secret", async () => {
      const app = startAppProcess(
        running.appEnv({
          APP_STAGE: "feature-login",
          APP_STAGE_KIND: "feature",
          APP_ENABLE_DRILL_ROUTES: "true",
        }),
      );
      const port = await Promise.race([
        app.port,
        app.exited.then(() => Promise.reject(new Error(`app exited: ${app.lines.join("\n")}`))),
      ]);
      const slow = fetch(`http://127.0.0.1:${port}/drill/sleep/1500`);
      // Signal only once the app has the request in hand, however busy the machine is.
      const deadline = Date.now() + 10_000;
      while (
        !app.lines.some(
          (line) => line.includes("/drill/sleep/1500") && line.includes("incoming request"),
        ) &&
        Date.now() < deadline
      ) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      app.child.kill("SIGTERM");
      const response = await slow;
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { sleptMs: 1500 });
      assert.equal(await app.exited, 0, app.lines.join("\n"));
      await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`), "no longer accepting");
      assert.ok(app.lines.length >= 3);
      for (const line of app.lines) {
        const entry = JSON.parse(line) as { stage?: string };
        assert.equal(entry.stage, "feature-login", line);
        assert.ok(
          !line.includes(DB_PASSWORD) && !line.includes(REDIS_TOKEN),
          `secret in log: ${line}`,
        );
      }
    });
  });
});
