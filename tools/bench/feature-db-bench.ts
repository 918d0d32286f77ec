/**
 * `npm run bench:feature-db`: the feature-database provisioner on local PostgreSQL with a
 * 1,000,000-row template (BENCH_ROWS to change; half users, half orders, as app/sql/schema.sql
 * has them): export (COPY to gzip'd files), refresh-template (schema, load, checks, swap),
 * CREATE DATABASE from the template with each strategy (BENCH_REPEAT times each, alternating),
 * a whole create (copy, grants, ownership), and drop. Figures, not assertions; they are what
 * CREATE_STRATEGY in app/src/feature-db/create.ts was chosen from.
 */
import { escapeIdentifier } from "pg";
import { copyTemplate, type CreateStrategy } from "../../app/src/feature-db/create";
import { FeatureHost, TEMPLATE } from "../local/feature-host";

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);

async function timed<T>(body: () => Promise<T>): Promise<[T, number]> {
  const started = process.hrtime.bigint();
  const result = await body();
  return [result, Number(process.hrtime.bigint() - started) / 1e9];
}

function row(phase: string, seconds: number, note = ""): string {
  return `${phase.padEnd(26)} ${seconds.toFixed(2).padStart(8)} s ${Math.round(ROWS / seconds)
    .toLocaleString("en-US")
    .padStart(12)} rows/s  ${note}`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function must(ran: Promise<{ code: number; text: string }>): Promise<void> {
  const { code, text } = await ran;
  if (code !== 0) throw new Error(`exit ${code}:\n${text}`);
}

async function bench(): Promise<void> {
  const host = await FeatureHost.start("bench-feature-host");
  try {
    const [, seedSeconds] = await timed(() => host.seedSource("source", ROWS / 2, "bench"));
    const [size] = await host.query<{ size: string }>(
      "postgres",
      "select pg_size_pretty(pg_database_size('source')) as size",
    );
    process.stdout.write(
      `source: ${ROWS / 2} users + ${ROWS / 2} orders (${size.size}), seeded in ${seedSeconds.toFixed(1)} s (not part of the run)\n\n`,
    );
    const lines: string[] = [];
    const [uri, exportSeconds] = await timed(() => host.exportFrom("source", "bench"));
    lines.push(row("export", exportSeconds, "COPY of every table to gzip'd files + manifest"));
    const [, refreshSeconds] = await timed(() =>
      must(host.run(["refresh-template", "--from", uri])),
    );
    lines.push(row("refresh-template", refreshSeconds, "new database, schema, load, checks, swap"));

    const copies: Record<CreateStrategy, number[]> = { file_copy: [], wal_log: [] };
    const admin = await host.connect("postgres");
    try {
      for (let i = 0; i < REPEAT; i++) {
        for (const strategy of ["wal_log", "file_copy"] as const) {
          const name = `feature_bench_${strategy}_${i}`;
          const ms = await copyTemplate(admin, name, TEMPLATE, strategy);
          copies[strategy].push(ms / 1000);
          await admin.query(`drop database ${escapeIdentifier(name)}`);
        }
      }
    } finally {
      await admin.end();
    }
    for (const strategy of ["file_copy", "wal_log"] as const)
      lines.push(
        row(
          `copy, strategy ${strategy}`,
          median(copies[strategy]),
          `median of ${REPEAT}: ${copies[strategy].map((s) => s.toFixed(2)).join(", ")} s`,
        ),
      );
    const [, createSeconds] = await timed(() => must(host.create("bench")));
    lines.push(row("create (whole command)", createSeconds, "copy + role + grants + ownership"));
    const [, againSeconds] = await timed(() => must(host.create("bench")));
    lines.push(row("create again (no-op)", againSeconds, "checks only"));
    const [, dropSeconds] = await timed(() => must(host.drop("bench")));
    lines.push(row("drop", dropSeconds, "DROP DATABASE WITH (FORCE) + DROP ROLE"));
    process.stdout.write(
      `${"phase".padEnd(26)} ${"seconds".padStart(10)} ${"rows/s".padStart(12)}\n${lines.join("\n")}\n`,
    );
  } finally {
    await host.stop();
  }
}

bench().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
