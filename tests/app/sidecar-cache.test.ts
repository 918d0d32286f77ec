/**
 * A feature stack's sidecar cache as its container definition starts it: the very shell command
 * of components/sidecar-cache.ts, run against the redis-server this machine has (Valkey keeps
 * Redis's server flags and AUTH), with the app's own client in plaintext (REDIS_TLS false).
 */
import { strict as assert } from "node:assert";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import * as net from "node:net";
import Redis from "ioredis";
import { loadConfig } from "../../app/src/config";
import { redisSettings } from "../../app/src/dependencies";
import { SIDECAR_CACHE_DEFAULTS, sidecarContainer } from "../../components/sidecar-cache";
import { freePort } from "../../tools/local/services";

const TOKEN = "sidecar-token-0123456789abcdefghij";

describe("a feature stack's sidecar cache, started by its container's command", function () {
  this.timeout(60_000);
  let server: ChildProcess;
  let port: number;
  const clients: Redis[] = [];

  before(async () => {
    port = await freePort();
    const container = sidecarContainer(
      {
        image: SIDECAR_CACHE_DEFAULTS.image,
        port,
        maxMemoryMb: SIDECAR_CACHE_DEFAULTS.maxMemoryMb,
      },
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x:authToken::",
      {},
    );
    const [shell, flag] = container.entryPoint as string[];
    // The image's valkey-server takes the same flags as the redis-server installed here.
    const command = (container.command as string[])[0].replace(
      /^exec valkey-server /,
      "exec redis-server ",
    );
    assert.notEqual(
      command,
      (container.command as string[])[0],
      "the command starts valkey-server",
    );
    // ECS puts the secret in the container's environment under this name.
    server = spawn(shell, [flag, command], {
      env: { PATH: process.env.PATH, REDIS_TOKEN: TOKEN },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    server.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 10_000;
    while (!/Ready to accept connections/.test(output)) {
      if (Date.now() > deadline || server.exitCode !== null)
        throw new Error(`the sidecar's command did not start a server:\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  after(async () => {
    for (const c of clients) c.disconnect();
    if (server && server.exitCode === null) {
      server.kill("SIGTERM");
      await once(server, "exit");
    }
  });

  const client = (password: string): Redis => {
    const loaded = loadConfig({
      APP_STAGE: "feature-x",
      APP_STAGE_KIND: "feature",
      APP_IMAGE: `repo/app@sha256:${"e".repeat(64)}`,
      PORT: "0",
      AWS_REGION: "eu-west-1",
      BUCKET_NAME: "multistage-feature-x-assets",
      DB_HOST: "127.0.0.1",
      DB_PORT: "5432",
      DB_NAME: "feature_x",
      DB_USER: "feature_x",
      DB_PASSWORD: "x".repeat(20),
      REDIS_HOST: "127.0.0.1",
      REDIS_PORT: String(port),
      REDIS_USERNAME: "default",
      REDIS_KEY_PREFIX: "feature-x:",
      REDIS_TLS: "false",
      REDIS_TOKEN: password,
      READY_TIMEOUT_MS: "1000",
    });
    assert.ok(loaded.ok, loaded.ok ? "" : loaded.problems.join("; "));
    const made = new Redis({ ...redisSettings(loaded.config), lazyConnect: true });
    made.on("error", () => undefined);
    clients.push(made);
    return made;
  };

  it("answers the app's client, in plaintext on the loopback address, with the stack's token", async () => {
    const app = client(TOKEN);
    await app.connect();
    await app.set("session", "1");
    assert.equal(await app.get("session"), "1");
    // The app's key prefix applies here as on ElastiCache.
    const raw = new Redis({ host: "127.0.0.1", port, password: TOKEN });
    clients.push(raw);
    assert.equal(await raw.get("feature-x:session"), "1");
  });

  it("refuses a client without the token, or with another", async () => {
    // Plain RESP over TCP: what any process that reached the port would send.
    const answer = async (command: string): Promise<string> => {
      const socket = net.connect(port, "127.0.0.1");
      socket.write(command);
      const [data] = (await once(socket, "data")) as [Buffer];
      socket.destroy();
      return data.toString();
    };
    assert.match(await answer("GET feature-x:session\r\n"), /^-NOAUTH/);
    assert.match(await answer("AUTH not-the-token-0123456789\r\n"), /^-WRONGPASS/);
  });

  it("listens on the loopback address only, keeps nothing on disk and evicts past its memory cap", async () => {
    const raw = new Redis({ host: "127.0.0.1", port, password: TOKEN });
    clients.push(raw);
    const setting = async (name: string) => ((await raw.config("GET", name)) as string[])[1];
    assert.equal(await setting("bind"), "127.0.0.1");
    assert.equal(await setting("save"), "");
    assert.equal(await setting("appendonly"), "no");
    assert.equal(
      await setting("maxmemory"),
      String(SIDECAR_CACHE_DEFAULTS.maxMemoryMb * 1024 * 1024),
    );
    assert.equal(await setting("maxmemory-policy"), "allkeys-lru");
  });
});
