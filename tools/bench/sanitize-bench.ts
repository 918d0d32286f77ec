/**
 * `npm run bench:sanitize`: the refinery's whole run on local PostgreSQL for 1,000,000 users
 * with 1,000,000 orders, 500,000 sessions and 200,000 API tokens (BENCH_USERS to change):
 * restore (production's files copied, as RDS restores a snapshot), the sanitize task's steps
 * (guard, coverage, apply, verify, scrub) and the snapshot (the sanitizer's files copied).
 * Prints each phase's seconds and rows per second. Figures, not assertions.
 */
import * as fs from "node:fs";
import { main } from "../../app/src/sanitize";
import { PgCluster } from "../local/pg-cluster";
import {
  memoryLogger,
  restoreSanitizer,
  sanitizerConfig,
  snapshotDirectory,
  snapshotSanitizer,
} from "../local/refinery";
import { createAppDatabase, seedProduction } from "../local/refinery-seed";

const USERS = Number(process.env.BENCH_USERS ?? 1_000_000);

async function timed<T>(body: () => Promise<T>): Promise<[T, number]> {
  const started = process.hrtime.bigint();
  const result = await body();
  return [result, Number(process.hrtime.bigint() - started) / 1e9];
}

function row(phase: string, seconds: number, rows: number, note = ""): string {
  return `${phase.padEnd(10)} ${seconds.toFixed(1).padStart(7)} s ${Math.round(rows / seconds)
    .toLocaleString("en-US")
    .padStart(12)} rows/s  ${note}`;
}

async function bench(): Promise<void> {
  const clusters: PgCluster[] = [];
  const snapshot = snapshotDirectory("bench-snapshot");
  try {
    const [production, seedSeconds] = await timed(async () => {
      const cluster = await PgCluster.create("bench-production");
      clusters.push(cluster);
      await createAppDatabase(cluster);
      return { cluster, seeded: await seedProduction(cluster, USERS) };
    });
    const { users, orders, sessions, tokens } = production.seeded.counts;
    const rows = users + orders + sessions + tokens;
    process.stdout.write(
      `production: ${users} users, ${orders} orders, ${sessions} sessions, ${tokens} tokens (${rows} rows), with history, seeded in ${seedSeconds.toFixed(1)} s (not part of the run)\n\n`,
    );

    const [sanitizer, restoreSeconds] = await timed(() =>
      restoreSanitizer(production.cluster, "bench-sanitizer"),
    );
    clusters.push(sanitizer);
    const log = memoryLogger();
    const env = Object.fromEntries(
      Object.entries(sanitizerConfig(sanitizer)).map(([key, value]) => [key, String(value)]),
    );
    const [code, taskSeconds] = await timed(() => main(env, { logger: log.logger }));
    if (code !== 0) throw new Error(`the sanitize task exited ${code}:\n${log.text()}`);
    const [, snapshotSeconds] = await timed(() => snapshotSanitizer(sanitizer, snapshot));

    const steps = log.lines().filter((line) => typeof line.ms === "number" && line.step !== "done");
    const lines = [
      row(
        "restore",
        restoreSeconds,
        rows,
        "production's files copied into the sanitizer, which starts on them",
      ),
    ];
    for (const step of steps) {
      const {
        level: _level,
        time: _time,
        stage: _stage,
        msg: _msg,
        step: name,
        ms,
        ...counts
      } = step;
      lines.push(row(String(name), Number(ms) / 1000, rows, JSON.stringify(counts)));
    }
    lines.push(
      row("snapshot", snapshotSeconds, rows, "the sanitizer stopped and its files copied"),
    );
    const total = restoreSeconds + taskSeconds + snapshotSeconds;
    lines.push(row("total", total, rows, `target: under 120 s${total < 120 ? "" : " (missed)"}`));
    process.stdout.write(
      `${"phase".padEnd(10)} ${"seconds".padStart(9)} ${"rows/s".padStart(12)}\n${lines.join("\n")}\n`,
    );
  } finally {
    for (const cluster of clusters) await cluster.remove().catch(() => undefined);
    fs.rmSync(snapshot, { recursive: true, force: true });
  }
}

bench().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
