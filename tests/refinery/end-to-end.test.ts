import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import { needles, scanDirectory, summarize, type Hit } from "../../tools/local/byte-scan";
import { PgCluster } from "../../tools/local/pg-cluster";
import {
  restoreSanitizer,
  sanitizerConfig,
  snapshotDirectory,
  snapshotSanitizer,
} from "../../tools/local/refinery";
import { asMaster } from "../../tools/local/refinery-seed";
import { applyRules } from "../../app/src/sanitizer/apply";
import { loadRules } from "../../app/src/sanitizer/rules";
import { connect, plan } from "../../app/src/sanitizer/run";
import { verifyRules } from "../../app/src/sanitizer/verify";
import { scanColumns, scanPages, scanWal } from "../../tools/local/sql-scan";
import { runTask, startProduction, type Production } from "./fixture";

/** Where originals were found, by area and count: what the test reports, never the values. */
function report(label: string, hits: Hit[]): string {
  return `${label}: ${hits.length === 0 ? "no original value" : JSON.stringify(summarize(hits))}`;
}

describe("the refinery end to end on real PostgreSQL: production -> sanitizer -> snapshot -> development", function () {
  this.timeout(300_000);
  let production: Production;
  let sanitizer: PgCluster | undefined;
  let development: PgCluster | undefined;
  const snapshot = snapshotDirectory("refinery-snapshot");

  before(async () => {
    production = await startProduction();
  });

  after(async () => {
    await sanitizer?.remove();
    await development?.remove();
    fs.rmSync(snapshot, { recursive: true, force: true });
  });

  it("leaves no seeded original in development's columns, in the snapshot's bytes, or in anything SQL reaches", async () => {
    const { seeded } = production;
    const list = needles(seeded.originals, seeded.token);
    assert.ok(seeded.originals.length > 100, "enough originals to look for");

    // The restore: production's files as they are, dead rows, statistics and WAL included.
    sanitizer = await restoreSanitizer(production.cluster, "refinery-sanitizer");
    const before = scanDirectory(sanitizer.dataDir, list);
    assert.ok(
      before.some((h) => h.file.startsWith("base")),
      `control: the restored files hold originals (${report("before", before)})`,
    );

    const run = await runTask(sanitizerConfig(sanitizer));
    assert.equal(run.code, 0, run.text);
    assert.deepEqual(
      run.lines.map((l) => l.step),
      ["guard", "coverage", "apply", "verify", "scrub", "done"],
      "one JSON line per step",
    );
    const logHits = list.filter((n) => run.text.includes(n.bytes.toString("utf8")));
    assert.deepEqual(logHits, [], "the log holds no original value");

    // The sanitizer's data directory right after the run, while it still runs (base/, global/, pg_wal/, ...).
    const afterRun = scanDirectory(sanitizer.dataDir, list);
    console.log(
      `      ${report("sanitizer's files before the run", before)}; ${report("after the run", afterRun)}`,
    );
    assert.deepEqual(afterRun, [], report("sanitizer's data directory after the run", afterRun));

    // The snapshot: a block copy of the sanitizer's volume.
    await snapshotSanitizer(sanitizer, snapshot);
    const inSnapshot = scanDirectory(snapshot, list);
    assert.deepEqual(inSnapshot, [], report("snapshot", inSnapshot));

    // Development restores the snapshot; its administrator reads whatever SQL reaches.
    development = await PgCluster.fromSnapshot("refinery-development", snapshot);
    const reached = await development.superuser(async (client) => {
      const columns = await scanColumns(client, list);
      const pages = await scanPages(client, list);
      const wal = await scanWal(client, list);
      assert.ok(wal.records > 0, "control: pg_walinspect read WAL records");
      return [...columns, ...pages, ...wal.findings];
    }, "app");
    assert.deepEqual(
      reached,
      [],
      `reachable through SQL in development: ${JSON.stringify(reached.map((f) => f.where))}`,
    );

    // Still a usable data set: every row and every foreign key is there, credentials are not.
    const shape = await asMaster(development, async (client) => {
      const { rows } = await client.query(
        `select (select count(*) from users)::int as users, (select count(*) from orders)::int as orders,
                (select count(*) from sessions)::int as sessions, (select count(*) from api_tokens)::int as tokens,
                (select count(*) from orders o left join users u on u.id = o.user_id where u.id is null)::int as orphans,
                (select count(distinct email) from users)::int as emails,
                (select count(*) from users where phone is null)::int as no_phone,
                (select array_agg(distinct password_hash) from users) as hashes`,
      );
      return rows[0];
    });
    assert.deepEqual(shape, {
      users: seeded.counts.users,
      orders: seeded.counts.orders,
      sessions: 0,
      tokens: 0,
      orphans: 0,
      emails: seeded.counts.users,
      no_phone: shape.no_phone,
      hashes: ["!sanitized"],
    });
    assert.ok(shape.no_phone > 0, "NULL stays NULL");
  });

  it("control: apply and verify alone leave originals in the snapshot (dead rows, statistics, WAL), which is why the scrub runs", async () => {
    const { seeded } = production;
    const list = needles(seeded.originals, seeded.token);
    const unscrubbed = await restoreSanitizer(production.cluster, "refinery-unscrubbed");
    const files = snapshotDirectory("refinery-unscrubbed-snapshot");
    try {
      const client = await connect(sanitizerConfig(unscrubbed));
      try {
        const coverage = await plan(client, loadRules());
        await applyRules(client, coverage.tables, undefined);
        await verifyRules(client, coverage.tables);
      } finally {
        await client.end();
      }
      await snapshotSanitizer(unscrubbed, files);
      const hits = scanDirectory(files, list);
      console.log(`      ${report("snapshot without the scrub", hits)}`);
      const areas = summarize(hits);
      assert.ok(areas.base && areas.pg_wal, JSON.stringify(areas));
    } finally {
      await unscrubbed.remove();
      fs.rmSync(files, { recursive: true, force: true });
    }
  });
});
