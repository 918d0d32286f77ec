/**
 * `npm run bench:sanitize`: sanitizes a generated table of 1,000,000 users (plus as many
 * orders, 500,000 sessions and 200,000 API tokens) on the local PostgreSQL and reports rows per
 * second. Figures, not assertions.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Client } from "pg";
import { postgresSettings } from "../../app/src/dependencies";
import { sanitize } from "../../app/src/sanitize";
import { localSanitizeDatabase } from "../local/sanitize-config";
import { services, stopServices } from "../local/services";
import { PROJECT_ROOT } from "../project/project-files";

const USERS = Number(process.env.BENCH_USERS ?? 1_000_000);

async function main(): Promise<void> {
  const running = await services();
  try {
    const config = await localSanitizeDatabase(running, `sanitize_bench_${process.pid}`);
    const client = new Client(postgresSettings(config));
    await client.connect();
    const loadStart = Date.now();
    await client.query(fs.readFileSync(path.join(PROJECT_ROOT, "app", "sql", "schema.sql"), "utf8"));
    await client.query(
      `insert into users (email, full_name, phone, street_address, city, postal_code, password_hash)
       select 'person' || g || '@mail.example', 'Person ' || g, '+44 20 7946 ' || lpad((g % 10000)::text, 4, '0'),
              g || ' High Street', 'London', 'SW1A 1AA', '$2b$10$' || md5(g::text)
       from generate_series(1, $1) g`,
      [USERS],
    );
    await client.query(`insert into orders (user_id, total_cents, shipping_address) select g, (g % 10000), g || ' High Street' from generate_series(1, $1) g`, [USERS]);
    await client.query(`insert into sessions (id, user_id, expires_at) select 's' || g, g, now() from generate_series(1, $1) g`, [Math.floor(USERS / 2)]);
    await client.query(`insert into api_tokens (user_id, token_hash) select g, md5(g::text) from generate_series(1, $1) g`, [Math.floor(USERS / 5)]);
    await client.query("analyze");
    await client.end();
    process.stdout.write(`generated ${USERS} users, ${USERS} orders, ${Math.floor(USERS / 2)} sessions, ${Math.floor(USERS / 5)} tokens in ${((Date.now() - loadStart) / 1000).toFixed(1)} s\n`);

    const started = process.hrtime.bigint();
    const outcome = await sanitize(config);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    process.stdout.write(`sanitize: ${outcome} in ${seconds.toFixed(1)} s = ${Math.round(USERS / seconds)} users/s (${Math.round((USERS * 2) / seconds)} users+orders rows/s)\n`);
    const again = process.hrtime.bigint();
    const second = await sanitize(config);
    process.stdout.write(`second run: ${second} in ${(Number(process.hrtime.bigint() - again) / 1e6).toFixed(0)} ms\n`);
  } finally {
    await stopServices();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
