import { createInterface } from "node:readline/promises";
import type { BusyRetryOptions } from "../engine/retry";
import { PulumiWorkspace } from "../engine/pulumi-workspace";
import { StageWorkspace } from "../engine/workspace";
import { awsRefineryObserver, RefineryObserver } from "../data/refinery-observer";
import { probeOnce } from "../feature/ready-wait";
import { runEcsTask, type EcsTaskOutcome, type EcsTaskRun } from "../../lib/aws/ecs-task-run";

/**
 * Everything a command touches outside itself. The CLI uses the real one; tests pass an
 * in-memory workspace, a fixed clock and captured streams.
 */
export interface CommandContext {
  openWorkspace(): Promise<StageWorkspace>;
  now(): Date;
  /** Machine-readable results. */
  stdout(text: string): void;
  /** Logs and progress. */
  stderr(text: string): void;
  setExitCode(code: number): void;
  sleep(ms: number): Promise<void>;
  /** Asks a person; undefined when nobody can answer (no terminal). */
  ask(question: string): Promise<string | undefined>;
  /** Reads the refinery's snapshots and runs from AWS, in a region. */
  refineryObserver(region: string): RefineryObserver;
  /** One HTTP GET: the status, or why there was none. */
  probe(url: string): Promise<number | string>;
  /** Runs one ECS task to its end (lib/aws/ecs-task-run.ts): the provisioner's prune. */
  runTask(run: EcsTaskRun): Promise<EcsTaskOutcome>;
}

export function defaultContext(): CommandContext {
  return {
    openWorkspace: () => PulumiWorkspace.open(),
    now: () => new Date(),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    setExitCode: (code) => {
      process.exitCode = code;
    },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    refineryObserver: (region) => awsRefineryObserver(region),
    probe: (url) => probeOnce(url),
    runTask: (run) => runEcsTask(run),
    ask: async (question) => {
      if (!process.stdin.isTTY) return undefined;
      const prompt = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await prompt.question(question);
      } finally {
        prompt.close();
      }
    },
  };
}

/** How commands wait for a stack another update holds: bounded by --wait, and said on stderr. */
export function lockWait(context: CommandContext, stack: string, waitMs: number): BusyRetryOptions {
  return {
    maxWaitMs: waitMs,
    sleep: context.sleep,
    onWait: (attempt) =>
      context.stderr(`${stack} is locked by another update; waiting (attempt ${attempt})\n`),
  };
}

/** Prefixes each line of the engine's output with the time since the command started. */
export function elapsedWriter(context: CommandContext): (text: string) => void {
  const started = context.now().getTime();
  return (text: string) => {
    const seconds = ((context.now().getTime() - started) / 1000).toFixed(1).padStart(6);
    for (const line of text.replace(/\n$/, "").split("\n"))
      context.stderr(`[${seconds}s] ${line}\n`);
  };
}
