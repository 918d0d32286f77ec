/**
 * The engine suite's world: the real Pulumi CLI (npm run engine:install), a DIY backend in a
 * temp directory with a passphrase secrets provider (as a team with an S3 backend runs it), a
 * throw-away PULUMI_HOME holding only the fake providers, and the fake cloud's directory
 * (world.json, journal.jsonl). Every command runs as a child process with this environment;
 * checkouts are fresh clones of the working tree that share only the backend and the cloud.
 *
 *   const engine = await EngineSuite.start();
 *   const checkout = engine.checkout();
 *   expectSuccess(await engine.pulumi(["up", "-s", "staging", "--yes"], checkout));
 *   engine.journal();   // every create, update, replace and delete so far
 *   engine.dispose();
 *
 * Each suite also runs a fake ECS endpoint (tools/fake-cloud/fake-ecs.ts) for code that runs
 * one-off Fargate tasks through the AWS SDK, e.g. FeatureDatabase's dynamic provider, which the
 * engine runs in its own process: every command gets AWS_ENDPOINT_URL_ECS (and _STS), a region
 * and dummy credentials. `engine.ecs.runs` lists the tasks; `engine.ecs.executor` (or the
 * `executor` option of start) decides what a task's container does: by default it exits 0.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readManifest } from "../../tools/engine-cli/manifest";
import { FakeEcs, TaskExecutor } from "../../tools/fake-cloud/fake-ecs";
import { installFakePlugins } from "../../tools/fake-cloud/plugins";
import {
  JournalEntry,
  liveResources,
  LiveResource,
  readJournal,
} from "../../tools/fake-cloud/journal";
import { FAKE_CLOUD_ENV, World, writeWorld } from "../../tools/fake-cloud/world";
import { Checkout, cloneCheckout, snapshotWorkingTree } from "./checkout";

export const PASSPHRASE = "engine-suite-passphrase";

export interface RunResult {
  command: string;
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunOptions {
  /** A checkout, or a directory: where the command runs. */
  cwd: Checkout | string;
  /** Extra environment on top of the suite's. */
  env?: NodeJS.ProcessEnv;
  /** Kill the command after this long. @default 10 minutes */
  timeoutMs?: number;
}

/** Where the working tree's snapshot lives; one per test process, shared by every suite. */
let origin: string | undefined;

/**
 * Snapshots the working tree once per process and removes the snapshot when the process exits:
 * every checkout is cloned by then, and `stagectl eta` leaves no temp directory behind.
 */
function takeSnapshot(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "multistage-snapshot-"));
  process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  return snapshotWorkingTree(dir);
}

export class EngineSuite {
  private checkouts = 0;

  private constructor(
    readonly root: string,
    readonly env: NodeJS.ProcessEnv,
    /** The suite's fake ECS endpoint: its tasks (`runs`) and what their containers do (`executor`). */
    readonly ecs: FakeEcs,
  ) {}

  /**
   * A fresh backend, PULUMI_HOME, fake cloud and fake ECS endpoint; `world` describes the
   * account to begin with, `executor` runs the ECS tasks' containers (default: exit 0).
   */
  static async start(
    world: World = {},
    options: { executor?: TaskExecutor } = {},
  ): Promise<EngineSuite> {
    const manifest = readManifest();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "multistage-engine-"));
    origin ??= takeSnapshot();
    const home = path.join(root, "pulumi-home");
    const backend = path.join(root, "backend");
    const cloud = path.join(root, "cloud");
    for (const dir of [home, backend, cloud]) fs.mkdirSync(dir, { recursive: true });
    installFakePlugins(home);
    writeWorld(cloud, world);
    const ecs = await FakeEcs.start({
      cloudDir: cloud,
      ...(options.executor ? { executor: options.executor } : {}),
    });
    // The developer's own Pulumi, ts-node, node and AWS settings must not leak in: the suite
    // runs exactly what the repository and the variables below decide.
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(
        ([key]) => !/^(PULUMI_|TS_NODE_|AWS_|NODE_OPTIONS$)/.test(key),
      ),
    );
    const env: NodeJS.ProcessEnv = {
      ...inherited,
      PATH: [path.dirname(manifest.pulumi), path.dirname(process.execPath), process.env.PATH].join(
        path.delimiter,
      ),
      PULUMI_HOME: home,
      PULUMI_BACKEND_URL: `file://${backend}`,
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      // Only the fake providers exist here; never reach out for a real one.
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      [FAKE_CLOUD_ENV]: cloud,
      // The AWS SDK in any process the suite starts reaches the fake ECS endpoint, never AWS,
      // and reads no shared config or instance metadata.
      ...ecs.env(),
      AWS_CONFIG_FILE: path.join(root, "no-aws-config"),
      AWS_SHARED_CREDENTIALS_FILE: path.join(root, "no-aws-credentials"),
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    };
    return new EngineSuite(root, env, ecs);
  }

  get cloudDir(): string {
    return this.env[FAKE_CLOUD_ENV] as string;
  }

  /** A fresh clone of the working tree, as a CI job or an operator's machine would have. */
  checkout(): Checkout {
    if (!origin) throw new Error("EngineSuite.start() first");
    return cloneCheckout(origin, path.join(this.root, `checkout-${++this.checkouts}`));
  }

  /** Runs the Pulumi CLI (non-interactive, no colour). */
  pulumi(args: string[], options: RunOptions): Promise<RunResult> {
    return this.run("pulumi", [...args, "--non-interactive", "--color=never"], options);
  }

  /** Runs any command with the suite's environment, e.g. `npm run -s stagectl -- ...`. */
  run(command: string, args: string[], options: RunOptions): Promise<RunResult> {
    const cwd = typeof options.cwd === "string" ? options.cwd : options.cwd.dir;
    const text = [command, ...args].join(" ");
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, {
        cwd,
        env: { ...this.env, ...options.env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => child.kill("SIGINT"), options.timeoutMs ?? 10 * 60_000);
      child.on("error", reject);
      child.on("close", (code) => {
        clearTimeout(timer);
        const result = {
          command: text,
          code: code ?? -1,
          stdout,
          stderr,
          ms: Date.now() - started,
        };
        fs.appendFileSync(
          path.join(this.root, "commands.log"),
          `$ (${cwd}) ${text}\n[exit ${result.code}, ${result.ms} ms]\n${stdout}${stderr}\n`,
        );
        resolve(result);
      });
    });
  }

  setWorld(world: World): void {
    writeWorld(this.cloudDir, world);
  }

  journal(): JournalEntry[] {
    return readJournal(this.cloudDir);
  }

  /** What exists in the fake cloud now, by id. */
  live(): Map<string, LiveResource> {
    return liveResources(this.journal());
  }

  /** Keeps the directory when MULTISTAGE_KEEP_ENGINE_DIRS is set, to read commands.log after a failure. */
  dispose(): void {
    this.ecs.stop();
    if (process.env.MULTISTAGE_KEEP_ENGINE_DIRS) {
      process.stderr.write(`engine suite files kept in ${this.root}\n`);
      return;
    }
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/** Fails with the command and the end of its output unless it exited 0. */
export function expectSuccess(result: RunResult): RunResult {
  if (result.code !== 0)
    throw new Error(
      `${result.command} exited ${result.code}:\n${tail(result.stdout + result.stderr)}`,
    );
  return result;
}

/** Fails unless the command exited non-zero. */
export function expectFailure(result: RunResult): RunResult {
  if (result.code === 0)
    throw new Error(
      `${result.command} succeeded but should have failed:\n${tail(result.stdout + result.stderr)}`,
    );
  return result;
}

export function tail(text: string, lines = 60): string {
  return text.split("\n").slice(-lines).join("\n");
}
