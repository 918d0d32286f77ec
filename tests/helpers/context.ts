import { CommandContext } from "../../tools/commands/context";
import { runStagectl as runStagectlMain } from "../../tools/stagectl";
import { MemoryWorkspace } from "./memory-workspace";
import type { RefineryObserver } from "../../tools/data/refinery-observer";
import type { EcsTaskRun } from "../../lib/aws/ecs-task-run";

/** A refinery that never ran and made nothing. */
const noRefinery: RefineryObserver = {
  sanitizedSnapshots: async () => [],
  lastRun: async () => undefined,
};

export interface TestContext extends CommandContext {
  out: string[];
  err: string[];
  exitCode: number;
  slept: number[];
  /** Answers to questions, in order; undefined once they run out (as without a terminal). */
  answers: string[];
  asked: string[];
  /** URLs probed, in order; `probeAnswers` answers them (200 once they run out). */
  probed: string[];
  probeAnswers: Array<number | string>;
  /** ECS tasks run, in order; each succeeds unless `taskFailure` is set. */
  tasks: EcsTaskRun[];
  taskFailure?: string;
}

/** A command context over an in-memory workspace with a fixed clock and captured output. */
export function testContext(
  workspace: MemoryWorkspace,
  now = new Date("2026-03-01T12:00:00Z"),
  refinery: RefineryObserver = noRefinery,
): TestContext {
  const context: TestContext = {
    out: [],
    err: [],
    exitCode: 0,
    slept: [],
    answers: [],
    asked: [],
    probed: [],
    probeAnswers: [],
    tasks: [],
    openWorkspace: async () => workspace,
    now: () => now,
    stdout: (text) => context.out.push(text),
    stderr: (text) => context.err.push(text),
    setExitCode: (code) => {
      context.exitCode = code;
    },
    sleep: async (ms) => {
      context.slept.push(ms);
    },
    refineryObserver: () => refinery,
    probe: async (url) => {
      context.probed.push(url);
      return context.probeAnswers.shift() ?? 200;
    },
    runTask: async (run) => {
      context.tasks.push(run);
      if (context.taskFailure) throw new Error(context.taskFailure);
      return {
        taskArn: `arn:aws:ecs:eu-west-1:123456789012:task/c/${context.tasks.length}`,
        exitCode: 0,
      };
    },
    ask: async (question) => {
      context.asked.push(question);
      return context.answers.shift();
    },
  };
  return context;
}

/** Runs stagectl with the given arguments against the test context, exactly as the CLI does. */
export async function runStagectl(context: TestContext, args: string[]): Promise<TestContext> {
  await runStagectlMain(args, context);
  return context;
}

export function stdoutJson<T = unknown>(context: TestContext): T {
  return JSON.parse(context.out.join("")) as T;
}
