/**
 * `npm run bench`: for each stack with a file, the wall time of `stagectl render <stack> --json`
 * as a user runs it (median of 5 fresh processes) and the in-process render time (median of 5),
 * its resource count, and the whole test suite's wall time. Figures, not assertions.
 */
import { featureStackConfig } from "../../stage/stack-facts";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { listStackFiles, PROJECT_ROOT } from "../../stage/stack-files";
import { renderStack } from "../render/harness";

const RUNS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function timeCommand(args: string[]): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`${args.join(" ")} failed:\n${result.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function main(): Promise<void> {
  const tsNode = require.resolve("ts-node/dist/bin");
  const stagectl = path.join(PROJECT_ROOT, "tools", "stagectl.ts");
  const rows: string[] = [];
  for (const stack of listStackFiles()) {
    const cli = Array.from({ length: RUNS }, () =>
      timeCommand([tsNode, "--swc", stagectl, "render", stack, "--json"]),
    );
    const inProcess: number[] = [];
    let count = 0;
    for (let i = 0; i < RUNS; i++) {
      const start = process.hrtime.bigint();
      const render = await renderStack(stack);
      inProcess.push(Number(process.hrtime.bigint() - start) / 1e6);
      count = render.resources.filter((r) => r.custom).length;
    }
    rows.push(
      `${stack.padEnd(14)} ${String(count).padStart(9)} ${median(cli).toFixed(0).padStart(16)} ${median(inProcess).toFixed(0).padStart(19)}`,
    );
  }
  // A feature stack has no file; render one as `stagectl feature up` would configure it.
  const featureStack = "feature-bench";
  const featureTimes: number[] = [];
  let featureCount = 0;
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const render = await renderStack(featureStack, {
      configOverrides: featureStackConfig(
        {
          branch: "feature/bench",
          createdAt: "2026-01-01T00:00:00Z",
          expiresAt: "2026-01-04T00:00:00Z",
          dataGeneration: 0,
        },
        "eu-west-1",
        undefined,
      ),
    });
    featureTimes.push(Number(process.hrtime.bigint() - start) / 1e6);
    featureCount = render.resources.filter((r) => r.custom).length;
  }
  rows.push(
    `${featureStack.padEnd(14)} ${String(featureCount).padStart(9)} ${"-".padStart(16)} ${median(featureTimes).toFixed(0).padStart(19)}`,
  );
  process.stdout.write(
    `${"stack".padEnd(14)} ${"resources".padStart(9)} ${"cli render ms".padStart(16)} ${"in-process ms".padStart(19)}\n`,
  );
  process.stdout.write(`${rows.join("\n")}\n`);
  process.stdout.write(
    `(median of ${RUNS}; cli = a fresh \`stagectl render --json\` process, in-process = after warm-up)\n`,
  );

  const mocha = require.resolve("mocha/bin/mocha.js");
  const suite = timeCommand([mocha]);
  process.stdout.write(`test suite (mocha, without type-check): ${(suite / 1000).toFixed(1)} s\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
