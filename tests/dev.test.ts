import { strict as assert } from "node:assert";
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as readline from "node:readline";
import { Client } from "pg";
import { README } from "../tools/docs/config-table";
import { appLogFormatter } from "../tools/local/dev";
import { freePort } from "../tools/local/services";
import { PROJECT_ROOT } from "../stage/stack-files";

/** `npm run dev` as a person starts it: its own process group, as a terminal's foreground job. */
interface DevRun {
  npm: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
}

function startDev(args: string[]): DevRun {
  const npm = spawn("npm", ["run", "dev", "--", ...args], {
    cwd: PROJECT_ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  for (const stream of [npm.stdout, npm.stderr]) {
    readline.createInterface({ input: stream! }).on("line", (line) => {
      lines.push(line);
      for (const wake of waiters) wake();
    });
  }
  const exited = new Promise<number | null>((resolve) =>
    npm.once("close", (code) => resolve(code)),
  );
  const waitFor = (pattern: RegExp, timeoutMs = 120_000) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        for (const line of lines) {
          const match = pattern.exec(line);
          if (match) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(match);
            return;
          }
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(
          new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${lines.join("\n")}`),
        );
      }, timeoutMs);
      waiters.add(check);
      void exited.then(() => {
        if (!waiters.has(check)) return;
        waiters.delete(check);
        clearTimeout(timer);
        reject(new Error(`npm run dev exited before printing ${pattern}:\n${lines.join("\n")}`));
      });
      check();
    });
  return { npm, lines, exited, waitFor };
}

/** Every process below a pid, with its command line (Linux /proc). */
function descendants(root: number): Map<number, string> {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // Gone while listing.
    }
  }
  const found = new Map<number, string>();
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift() as number) ?? []) {
      try {
        found.set(
          child,
          fs.readFileSync(`/proc/${child}/cmdline`, "utf8").replace(/\0/g, " ").trim(),
        );
      } catch {
        continue;
      }
      queue.push(child);
    }
  }
  return found;
}

/** Running: it exists and is not a zombie waiting to be reaped. */
function running(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

async function stillRunning(pids: Map<number, string>, graceMs = 3000): Promise<string[]> {
  const deadline = Date.now() + graceMs;
  for (;;) {
    const left = [...pids]
      .filter(([pid]) => running(pid))
      .map(([pid, command]) => `${pid} ${command}`);
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A state directory of the test's own, where PostgreSQL's user can reach it when run as root. */
function stateDirForTest(name: string): string {
  return path.join(
    process.getuid?.() === 0 ? "/tmp" : os.tmpdir(),
    `multistage-devtest-${process.pid}-${name}`,
  );
}

describe("npm run dev", function () {
  this.timeout(300_000);
  const runs: DevRun[] = [];
  const dirs: string[] = [];

  after(async () => {
    // Only if a test failed half-way: nothing of these runs may outlive the suite.
    for (const run of runs)
      if (run.npm.exitCode === null && run.npm.signalCode === null)
        process.kill(-(run.npm.pid as number), "SIGINT");
    await Promise.all(runs.map((run) => run.exited));
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("runs the app as stage local against real services, reloads on change, and Ctrl-C leaves no process or directory", async () => {
    const port = await freePort();
    const stateDir = stateDirForTest("run");
    dirs.push(stateDir);
    const run = startDev(["--port", String(port), "--state-dir", stateDir]);
    runs.push(run);
    const url = `http://127.0.0.1:${port}`;
    await run.waitFor(new RegExp(`^Open ${url.replace(/\./g, "\\.")} `));
    assert.ok(
      run.lines.some((line) => line.includes(`app       ${url}`)),
      "prints the app's URL",
    );
    const postgresUrl = (await run.waitFor(/^ {2}postgres {2}(postgres:\/\/\S+)/))[1];
    await run.waitFor(/^ {2}redis {5}redis:\/\/:\S+@127\.0\.0\.1:\d+$/);
    await run.waitFor(/^ {2}s3 {8}http:\/\/127\.0\.0\.1:\d+ {3}bucket multistage-local-assets,/);

    const tree = descendants(run.npm.pid as number);
    const commands = [...tree.values()];
    for (const expected of [
      /postgres -D /,
      /^redis-server /,
      /--watch-path /,
      /app\/src\/server\.ts$/,
    ]) {
      assert.ok(
        commands.some((c) => expected.test(c)),
        `${expected} among the running processes:\n${commands.join("\n")}`,
      );
    }
    assert.ok(
      fs.statSync(path.join(stateDir, "postgres")).isDirectory(),
      "PostgreSQL's data lives in the state directory",
    );

    const page = await fetch(`${url}/`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /class="stage-banner"[^>]*>LOCAL &middot; local &middot; not production</);
    assert.match(html, /This is the <strong data-stage="local">local<\/strong> stage/);

    const ready = await fetch(`${url}/readyz`);
    const body = (await ready.json()) as {
      stage: string;
      ok: boolean;
      checks: Record<string, { ok: boolean }>;
    };
    assert.equal(ready.status, 200, JSON.stringify(body));
    assert.equal(body.stage, "local");
    assert.deepEqual(Object.keys(body.checks).sort(), ["bucket", "postgres", "redis"]);
    for (const [name, check] of Object.entries(body.checks)) assert.equal(check.ok, true, name);

    const db = new Client({ connectionString: postgresUrl });
    await db.connect();
    try {
      const { rows } = await db.query<{ users: string; fake: boolean }>(
        "select count(*) as users, bool_and(email like '%@example.invalid' and full_name like 'Fake User %') as fake from users",
      );
      assert.ok(Number(rows[0].users) > 0, "the app's schema holds generated data");
      assert.equal(rows[0].fake, true, "every user is obviously fake");
    } finally {
      await db.end();
    }

    // A source change restarts the app (a new process) at the same URL.
    const appPid = () =>
      [...descendants(run.npm.pid as number)].find(([, c]) =>
        /^\S*node -r ts-node\/register\/transpile-only \S*app\/src\/server\.ts$/.test(c),
      )?.[0];
    const before = appPid();
    assert.ok(before, "the app process is running");
    const now = new Date();
    fs.utimesSync(path.join(PROJECT_ROOT, "app", "src", "page.ts"), now, now);
    await run.waitFor(new RegExp(`^app \\| reloaded: ${url.replace(/\./g, "\\.")}$`), 60_000);
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    const after = appPid();
    assert.ok(after && after !== before, `a new app process (was ${before}, now ${after})`);

    const everything = new Map([...tree, ...descendants(run.npm.pid as number)]);
    process.kill(-(run.npm.pid as number), "SIGINT"); // what Ctrl-C in a terminal does
    await run.exited;
    assert.ok(
      run.lines.includes(`stopped; no process left, ${stateDir} removed.`),
      run.lines.join("\n"),
    );
    assert.deepEqual(await stillRunning(everything), [], "processes left behind");
    assert.equal(fs.existsSync(stateDir), false, `${stateDir} left behind`);
    await assert.rejects(fetch(`${url}/healthz`), "nothing listens at the URL any more");

    // The README shows this output as it is: each of its lines has the shape of a real one.
    const readme = fs.readFileSync(README, "utf8");
    const block =
      /```text\n(> multistage@[^\n]*\n> exec ts-node --swc tools\/local\/dev\.ts\n[\s\S]*?)```/.exec(
        readme,
      );
    assert.ok(block, "the README shows npm run dev's output");
    const shape = (line: string, dir: RegExp | string) =>
      line
        .replace(/^\^C/, "")
        .split(dir)
        .join("STATE")
        .replace(/\d+(\.\d+)?/g, "N");
    const real = new Set(run.lines.map((line) => shape(line, stateDir)));
    for (const line of block[1]
      .split("\n")
      .filter((l) => l && !l.startsWith(">") && !l.startsWith("app | "))) {
      assert.ok(
        real.has(shape(line, /\/tmp\/multistage-dev-[0-9a-f]+/)),
        `README line not printed by npm run dev: ${line}`,
      );
    }
  });

  it("after a run is killed, refuses to start until --reset stops what it left and wipes its state", async () => {
    const stateDir = stateDirForTest("reset");
    dirs.push(stateDir);
    const args = ["--port", "0", "--state-dir", stateDir];
    const killed = startDev(args);
    runs.push(killed);
    await killed.waitFor(/^Open http:/);
    const record = JSON.parse(fs.readFileSync(path.join(stateDir, "dev.json"), "utf8")) as {
      pid: number;
      processes: Array<{ name: string; pid: number }>;
    };
    assert.deepEqual(record.processes.map((p) => p.name).sort(), ["app", "postgres", "redis"]);
    const leftovers = new Map([...descendants(record.pid)].filter(([pid]) => pid !== record.pid));
    process.kill(record.pid, "SIGKILL"); // no chance to clean up
    await killed.exited;
    const services = record.processes.filter((p) => p.name !== "app");
    assert.ok(
      services.every((p) => running(p.pid)),
      "its services outlive it",
    );

    const refused = startDev(args);
    runs.push(refused);
    assert.equal(await refused.exited, 1);
    assert.ok(
      refused.lines.some(
        (line) =>
          line.includes(`${stateDir} holds what an earlier npm run dev left`) &&
          line.includes("npm run dev -- --reset"),
      ),
      refused.lines.join("\n"),
    );
    assert.ok(
      services.every((p) => running(p.pid)),
      "refusing touches nothing",
    );

    const reset = startDev([...args, "--reset"]);
    runs.push(reset);
    await reset.waitFor(/^Open http:/);
    assert.deepEqual(await stillRunning(leftovers), [], "--reset stopped what the killed run left");
    assert.ok(reset.lines.includes(`reset: wiped ${stateDir}`));
    const tree = descendants(reset.npm.pid as number);
    // A stop sent to npm alone (an IDE's stop button, kill): npm passes it on, and the run itself
    // must stop every service, which this time got no signal of their own.
    process.kill(reset.npm.pid as number, "SIGTERM");
    await reset.exited;
    assert.ok(
      reset.lines.includes(`stopped; no process left, ${stateDir} removed.`),
      reset.lines.join("\n"),
    );
    assert.deepEqual(await stillRunning(tree), []);
    assert.equal(fs.existsSync(stateDir), false);
  });

  it("the README's first section takes a newcomer from a clone to a running local stage", () => {
    const readme = fs.readFileSync(README, "utf8");
    const first = /^## (.*)\n([\s\S]*?)(?=^## )/m.exec(readme);
    assert.equal(first?.[1], "Try it in ten minutes");
    const commands = /```sh\n([\s\S]*?)```/
      .exec(first?.[2] ?? "")?.[1]
      .split("\n")
      .map((line) => line.replace(/\s+#.*$/, "").trim())
      .filter(Boolean);
    assert.deepEqual(commands, [
      "npm ci",
      "npm test",
      "npm run render -- development",
      "npm run dev",
    ]);
  });

  it("logs one readable line per request", () => {
    const format = appLogFormatter();
    assert.equal(
      format(
        '{"level":30,"time":0,"reqId":"req-1","req":{"method":"GET","url":"/readyz"},"msg":"incoming request"}',
      ),
      undefined,
    );
    assert.match(
      format(
        '{"level":30,"time":0,"reqId":"req-1","res":{"statusCode":503},"responseTime":12.34,"msg":"request completed"}',
      ) ?? "",
      /^app \| \d\d:\d\d:\d\d INFO {2}GET \/readyz -> 503 \(12\.3 ms\)$/,
    );
    assert.equal(format("Error: boom"), "app | Error: boom");
    // Its own readiness polls are not shown.
    assert.equal(
      format(
        '{"level":30,"time":0,"reqId":"req-2","req":{"method":"GET","url":"/readyz?from=npm-run-dev"},"msg":"incoming request"}',
      ),
      undefined,
    );
    assert.equal(
      format(
        '{"level":30,"time":0,"reqId":"req-2","res":{"statusCode":503},"responseTime":1,"msg":"request completed"}',
      ),
      undefined,
    );
  });
});
