import { strict as assert } from "node:assert";
import pino from "pino";
import { buildApp } from "../../app/src/app";
import { loadConfig } from "../../app/src/config";
import { createDependencies, Dependencies } from "../../app/src/dependencies";
import { startAppProcess } from "../../tools/local/app-process";
import { DB_PASSWORD, REDIS_TOKEN, services, Services } from "../../tools/local/services";

interface ReadyBody {
  ok: boolean;
  checks: Record<string, { ok: boolean; error?: string }>;
}

async function pollReady(get: () => Promise<{ statusCode: number; body: ReadyBody }>, want: number, timeoutMs = 15_000) {
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
  const ready = async () => {
    const response = await app.inject({ url: "/readyz" });
    return { statusCode: response.statusCode, body: response.json() as ReadyBody };
  };

  const savedCredentials = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  before(async () => {
    running = await services();
    // In ECS the task role supplies credentials; here the local S3 server's fixed pair does.
    process.env.AWS_ACCESS_KEY_ID = running.appEnv().AWS_ACCESS_KEY_ID;
    process.env.AWS_SECRET_ACCESS_KEY = running.appEnv().AWS_SECRET_ACCESS_KEY;
    const loaded = loadConfig(running.appEnv());
    assert.ok(loaded.ok, loaded.ok ? "" : loaded.problems.join("; "));
    dependencies = createDependencies(loaded.config);
    app = buildApp(loaded.config, dependencies, pino({ level: "silent" }));
  });

  after(async () => {
    await app?.close();
    await dependencies?.close();
    for (const [key, value] of [["AWS_ACCESS_KEY_ID", savedCredentials.id], ["AWS_SECRET_ACCESS_KEY", savedCredentials.secret]] as const) {
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

  const outages: Array<[string, (s: Services) => { stop(): Promise<void>; start(): Promise<void> }]> = [
    ["postgres", (s) => s.postgres],
    ["redis", (s) => s.redis],
    ["bucket", (s) => s.s3],
  ];
  for (const [name, service] of outages) {
    it(`turns 503 naming ${name} while it is down, and recovers when it returns`, async () => {
      await service(running).stop();
      try {
        const down = await pollReady(ready, 503);
        assert.equal(down.statusCode, 503);
        assert.equal(down.body.checks[name].ok, false, JSON.stringify(down.body));
        assert.ok(down.body.checks[name].error, "the failure says why");
        for (const other of outages.map(([n]) => n).filter((n) => n !== name)) assert.equal(down.body.checks[other].ok, true, other);
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

    it("finishes a slow request after SIGTERM, then exits 0; logs JSON with the stage and no secret", async () => {
      const app = startAppProcess(running.appEnv({ APP_STAGE: "feature-login", APP_STAGE_KIND: "feature", APP_ENABLE_DRILL_ROUTES: "true" }));
      const port = await Promise.race([app.port, app.exited.then(() => Promise.reject(new Error(`app exited: ${app.lines.join("\n")}`)))]);
      const slow = fetch(`http://127.0.0.1:${port}/drill/sleep/1500`);
      // Signal only once the app has the request in hand, however busy the machine is.
      const deadline = Date.now() + 10_000;
      while (!app.lines.some((line) => line.includes("/drill/sleep/1500") && line.includes("incoming request")) && Date.now() < deadline) {
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
        assert.ok(!line.includes(DB_PASSWORD) && !line.includes(REDIS_TOKEN), `secret in log: ${line}`);
      }
    });
  });
});
