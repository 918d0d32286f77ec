/**
 * `npm run bench:engine [-- --skip-suite]`: the project's own cost per deployment through the
 * real Pulumi engine and the fake cloud (no cloud latency in it), and the engine suite's total.
 *
 * - `pulumi up` of each long-lived stack from a fresh checkout: the first (creating every
 *   resource) and a second (nothing to change), median of 3 rounds, each round a new backend;
 * - program start under the CLI (node's start to index.ts evaluated, program-start-probe.js),
 *   with the repository's setting and, for comparison, type-checked
 *   (PULUMI_NODEJS_TRANSPILE_ONLY=false), median of 3; the budget is 3 s;
 * - the wall time of `npm run test:engine`.
 * Figures, not assertions; needs `npm run engine:install` first.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { EngineSuite, expectSuccess } from "../../tests-engine/harness/engine";
import { probeEnv, ProgramStart, readProgramStarts } from "../engine-cli/program-start";
import { readManifest } from "../engine-cli/manifest";
import { PROJECT_ROOT } from "../../stage/stack-files";
import { PROJECT } from "../../stage/keys";
import { productionDataNames } from "../../lib/aws/naming";

/** Production's database, whose automated backup the fake account holds. */
const PRODUCTION_DB = productionDataNames(PROJECT).database;

const ROUNDS = 3;
// Production first: the lower stages read its outputs (see tests-engine/ops.test.ts).
const STACKS = ["production", "staging", "development"] as const;
const START_BUDGET_MS = 3000;

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const say = (text: string) => process.stdout.write(`${text}\n`);

async function deployRounds(): Promise<
  Record<string, { first: number[]; second: number[]; resources: number }>
> {
  const times = Object.fromEntries(
    STACKS.map((s) => [s, { first: [] as number[], second: [] as number[], resources: 0 }]),
  );
  for (let round = 1; round <= ROUNDS; round++) {
    const engine = await EngineSuite.start({
      snapshots: [
        {
          identifier: `rds:${PRODUCTION_DB}-2026-01-01-03-10`,
          dbInstanceIdentifier: PRODUCTION_DB,
          createdAt: "2026-01-01T03:10:00Z",
        },
      ],
    });
    try {
      for (const stack of STACKS) {
        const checkout = engine.checkout();
        expectSuccess(await engine.pulumi(["stack", "init", stack], { cwd: checkout }));
        times[stack].first.push(
          expectSuccess(await engine.pulumi(["up", "-s", stack, "--yes"], { cwd: checkout })).ms,
        );
        times[stack].resources = engine.journal().filter((e) => e.stack === stack).length;
      }
      for (const stack of STACKS) {
        times[stack].second.push(
          expectSuccess(
            await engine.pulumi(["up", "-s", stack, "--yes", "--expect-no-changes"], {
              cwd: engine.checkout(),
            }),
          ).ms,
        );
      }
      process.stderr.write(`bench:engine: round ${round}/${ROUNDS} done\n`);
    } finally {
      engine.dispose();
    }
  }
  return times;
}

async function programStarts(): Promise<{
  repository: ProgramStart[];
  typeChecked: ProgramStart[];
  previewMs: number[];
}> {
  const engine = await EngineSuite.start();
  try {
    const checkout = engine.checkout();
    expectSuccess(await engine.pulumi(["stack", "init", "staging"], { cwd: checkout }));
    const log = (name: string) => path.join(engine.root, `${name}.jsonl`);
    const previewMs: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      previewMs.push(
        expectSuccess(
          await engine.pulumi(["preview", "-s", "staging"], {
            cwd: checkout,
            env: probeEnv(log("repository")),
          }),
        ).ms,
      );
      expectSuccess(
        await engine.pulumi(["preview", "-s", "staging"], {
          cwd: checkout,
          env: { ...probeEnv(log("checked")), PULUMI_NODEJS_TRANSPILE_ONLY: "false" },
        }),
      );
    }
    return {
      repository: readProgramStarts(log("repository")),
      typeChecked: readProgramStarts(log("checked")),
      previewMs,
    };
  } finally {
    engine.dispose();
  }
}

async function main(argv: string[]): Promise<void> {
  const manifest = readManifest();
  say(
    `pulumi v${manifest.version} (${manifest.source === "built" ? "built from Go modules" : "from PATH"}), fake cloud, file:// backend; median of ${ROUNDS}`,
  );

  const deploys = await deployRounds();
  say(
    `\n${"stack".padEnd(12)} ${"resources".padStart(9)} ${"first up".padStart(10)} ${"second up".padStart(10)}`,
  );
  for (const stack of STACKS) {
    const t = deploys[stack];
    say(
      `${stack.padEnd(12)} ${String(t.resources).padStart(9)} ${secs(median(t.first)).padStart(10)} ${secs(median(t.second)).padStart(10)}`,
    );
  }
  say(
    "(first up: preview + update creating every resource; second up: nothing to change; each from a fresh checkout)",
  );

  const starts = await programStarts();
  const row = (label: string, s: ProgramStart[]) =>
    say(
      `${label.padEnd(34)} ${`${median(s.map((x) => x.loadedMs))} ms`.padStart(9)} ${`${median(s.map((x) => x.maxRssMb))} MB`.padStart(8)}  transpileOnly=${s[0]?.transpileOnly}`,
    );
  say(
    `\nprogram start under the CLI (node start -> index.ts evaluated), pulumi preview -s staging:`,
  );
  row("repository setting (noCheck)", starts.repository);
  row("type-checked (TRANSPILE_ONLY=false)", starts.typeChecked);
  const start = median(starts.repository.map((s) => s.loadedMs));
  say(
    `budget ${START_BUDGET_MS} ms: ${start < START_BUDGET_MS ? "within" : "OVER"}; whole preview ${secs(median(starts.previewMs))}`,
  );

  if (!argv.includes("--skip-suite")) {
    const started = Date.now();
    const suite = spawnSync("npm", ["run", "-s", "test:engine"], {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
      maxBuffer: 256 * 2 ** 20,
    });
    const summary =
      `${suite.stdout}`.match(/\d+ passing.*|\d+ failing.*/g)?.join(", ") ?? "no summary";
    say(`\nengine suite (npm run test:engine): ${secs(Date.now() - started)} (${summary})`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
