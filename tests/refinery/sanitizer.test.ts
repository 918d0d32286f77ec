import { strict as assert } from "node:assert";
import { createHmac } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import type { Client } from "pg";
import { applyRules } from "../../app/src/sanitizer/apply";
import { EXIT, RefineryFailure } from "../../app/src/sanitizer/failure";
import { checkHost } from "../../app/src/sanitizer/guard";
import { hmacPads } from "../../app/src/sanitizer/hmac";
import { loadRules, parseRules, type Rules } from "../../app/src/sanitizer/rules";
import { connect, plan } from "../../app/src/sanitizer/run";
import { verifyRules } from "../../app/src/sanitizer/verify";
import { PgCluster } from "../../tools/local/pg-cluster";
import { asMaster, LOCAL_HMAC_KEY } from "../../tools/local/refinery-seed";
import { PROJECT_ROOT } from "../../stage/stack-files";
import {
  cloneDatabase,
  configFor,
  fingerprint,
  problemsOf,
  runTask,
  startProduction,
} from "./fixture";

const RULES_TEXT = fs.readFileSync(
  path.join(PROJECT_ROOT, "app", "sql", "sanitize-rules.yaml"),
  "utf8",
);

/** The committed rules with a change, as a team would edit the file. */
function rulesWith(edit: (text: string) => string): Rules {
  return parseRules(edit(RULES_TEXT));
}

describe("the sanitizer: coverage, verification and the guard (real PostgreSQL)", function () {
  this.timeout(120_000);
  let cluster: PgCluster;

  before(async () => {
    cluster = (await startProduction()).cluster;
  });

  /** A clone of production's database with something done to it as its owner. */
  async function databaseWith(sql?: string): Promise<string> {
    const database = await cloneDatabase(cluster);
    if (sql) await asMaster(cluster, (client) => client.query(sql), database);
    return database;
  }

  describe("coverage fails closed, naming each table.column, and changes nothing", () => {
    const cases: Array<[string, string, RegExp]> = [
      [
        "a column added to the schema without a rule",
        "alter table users add column nickname text; update users set nickname = 'nick-' || id",
        /^public\.users\.nickname: no rule$/,
      ],
      [
        "a pre-seeded marker table saying the data is already sanitized",
        "create table multistage_sanitized (generation integer primary key, outcome text not null); insert into multistage_sanitized values (0, 'sanitized')",
        /^public\.multistage_sanitized: a table with no rules \(uncovered: public\.multistage_sanitized\.generation, public\.multistage_sanitized\.outcome\)$/,
      ],
      [
        "a marker view",
        "create view multistage_sanitized as select 0 as generation, 'sanitized'::text as outcome",
        /^public\.multistage_sanitized: a view the rules do not list/,
      ],
      [
        "a text-typed marker table",
        "create table sanitized (generation text, outcome text); insert into sanitized values ('0', 'sanitized')",
        /^public\.sanitized: a table with no rules \(uncovered: public\.sanitized\.generation, public\.sanitized\.outcome\)$/,
      ],
      [
        "a table in another schema",
        "create schema audit; create table audit.events (id bigint, payload text)",
        /^audit\.events: a table with no rules/,
      ],
      [
        "a materialized view",
        "create materialized view user_emails as select email from users",
        /^public\.user_emails: a materialized view, which no rule can sanitize yet/,
      ],
      [
        "a large object",
        "select lo_from_bytea(0, 'a scanned passport'::bytea)",
        /^pg_largeobject: 1 large objects/,
      ],
    ];
    for (const [label, sql, expected] of cases) {
      it(label, async () => {
        const database = await databaseWith(sql);
        const before = await fingerprint(cluster, database);
        const run = await runTask(configFor(cluster, database));
        assert.equal(run.code, EXIT.uncovered, run.text);
        const problems = problemsOf(run.lines);
        assert.ok(
          problems.some((p) => expected.test(p)),
          problems.join("\n"),
        );
        assert.deepEqual(await fingerprint(cluster, database), before, "nothing changed");
        assert.deepEqual(
          run.lines.map((l) => l.step),
          ["guard", "coverage", "done"],
        );
      });
    }

    it("rules for a column or table that no longer exists, null on a NOT NULL column, a faked key", async () => {
      const database = await databaseWith();
      const rules = rulesWith((text) =>
        text
          .replace(
            "created_at: keep\n  orders:",
            "created_at: keep\n      nickname: keep\n  orders:",
          )
          .replace("email: { fake: email }", "email: null")
          .replace("  api_tokens: delete", "  api_tokens: delete\n  invoices: delete")
          .replace(
            "      id: keep\n      user_id: keep",
            "      id: { fake: text }\n      user_id: keep",
          ),
      );
      const run = await runTask(configFor(cluster, database), { rules });
      assert.equal(run.code, EXIT.uncovered);
      assert.deepEqual(problemsOf(run.lines).sort(), [
        "public.invoices: has rules but no such table (rules out of date with the schema)",
        "public.orders.id: fakes derive from this key column, so its rule must be keep, not fake text",
        "public.users.email: rule null, but the column is NOT NULL",
        "public.users.nickname: has a rule but no such column (rules out of date with the schema)",
      ]);
    });

    it("a kept table pointing at a deleted one", async () => {
      const database = await databaseWith();
      const run = await runTask(configFor(cluster, database), {
        rules: rulesWith((text) =>
          text.replace(/ {2}users:\n {4}columns:\n( {6}.*\n| {6}#.*\n)+/, "  users: delete\n"),
        ),
      });
      assert.equal(run.code, EXIT.uncovered);
      assert.ok(
        problemsOf(run.lines).includes(
          "public.orders: has a foreign key to public.users, whose rows are deleted",
        ),
        run.text,
      );
    });
  });

  describe("verification", () => {
    it("catches a column whose rule was not applied, and a value put back after the apply, by table, column and count", async () => {
      const database = await databaseWith();
      const client = await connect(configFor(cluster, database));
      try {
        const rules = loadRules();
        const coverage = await plan(client, rules);
        // Apply with phone left as it was: the rule was not applied.
        const skipped = await plan(
          client,
          rulesWith((text) => text.replace("phone: { fake: phone }", "phone: keep")),
        );
        await applyRules(client, skipped.tables, undefined);
        await client.query(
          "update users set email = 'restored.original@mail.example' where id = 3",
        );
        const failure = await verifyRules(client, coverage.tables).then(
          () => assert.fail("verification passed"),
          (error: unknown) => error as RefineryFailure,
        );
        assert.ok(failure instanceof RefineryFailure);
        assert.equal(failure.exitCode, EXIT.unverified);
        const phones = (
          await client.query<{ n: number }>(
            "select count(*)::int as n from users where phone is not null",
          )
        ).rows[0].n;
        const users = (await client.query<{ n: number }>("select count(*)::int as n from users"))
          .rows[0].n;
        assert.deepEqual(failure.problems, [
          `public.users.email: 1 of ${users} rows differ from rule fake email`,
          `public.users.phone: ${phones} of ${users} rows differ from rule fake phone`,
        ]);
        assert.ok(
          !failure.problems.join("").includes("restored.original"),
          "no value in the message",
        );
      } finally {
        await client.end();
      }
    });

    it("hash: HMAC-SHA256 under the refinery's key, equal originals stay equal, NULL stays NULL", async () => {
      const database = await databaseWith(
        "alter table users add column customer_ref text; update users set customer_ref = case when id % 4 = 0 then null else 'cus_' || (id % 50) end",
      );
      const originals = await asMaster(
        cluster,
        async (client: Client) =>
          (
            await client.query<{ id: string; ref: string | null }>(
              "select id, customer_ref as ref from users",
            )
          ).rows,
        database,
      );
      const run = await runTask(configFor(cluster, database), {
        rules: rulesWith((text) =>
          text.replace(
            "created_at: keep\n  orders:",
            "created_at: keep\n      customer_ref: hash\n  orders:",
          ),
        ),
      });
      assert.equal(run.code, 0, run.text);
      const after = new Map(
        (
          await asMaster(
            cluster,
            async (client: Client) =>
              (
                await client.query<{ id: string; ref: string | null }>(
                  "select id, customer_ref as ref from users",
                )
              ).rows,
            database,
          )
        ).map((r) => [r.id, r.ref]),
      );
      for (const { id, ref } of originals) {
        assert.equal(
          after.get(id),
          ref === null
            ? null
            : createHmac("sha256", LOCAL_HMAC_KEY).update(ref, "utf8").digest("hex"),
          `user ${id}`,
        );
      }
      // A key longer than SHA-256's block is hashed first, as RFC 2104 says.
      const long = "k".repeat(100);
      const pads = hmacPads(long);
      assert.equal(pads.inner.length, 64);
      assert.notDeepEqual(pads.inner, hmacPads("k".repeat(99)).inner);
    });

    it("user triggers do not fire (an audit trigger would copy originals) and are back as they were", async () => {
      const database = await databaseWith(`
        create table user_audit (id bigserial primary key, old_email text);
        create function audit_user() returns trigger language plpgsql as $$ begin insert into user_audit (old_email) values (old.email); return new; end $$;
        create trigger users_audit after update on users for each row execute function audit_user();
        alter table users enable always trigger users_audit;`);
      const run = await runTask(configFor(cluster, database), {
        rules: rulesWith((text) =>
          text.replace("  api_tokens: delete\n", "  api_tokens: delete\n  user_audit: delete\n"),
        ),
      });
      assert.equal(run.code, 0, run.text);
      const state = await asMaster(
        cluster,
        async (client: Client) =>
          (
            await client.query(
              "select (select count(*) from user_audit)::int as audited, (select tgenabled from pg_trigger where tgname = 'users_audit') as enabled",
            )
          ).rows[0],
        database,
      );
      assert.deepEqual(state, { audited: 0, enabled: "A" });
    });
  });

  it("scrub: without the right to call pg_switch_wal(), a segment's worth of WAL moves on instead", async () => {
    const database = await databaseWith();
    await cluster.superuser(
      (client) => client.query("revoke execute on function pg_switch_wal() from multistage"),
      database,
    );
    const allowed = await asMaster(
      cluster,
      async (client: Client) =>
        (await client.query("select has_function_privilege('pg_switch_wal()', 'execute') as ok"))
          .rows[0].ok,
      database,
    );
    assert.equal(allowed, false, "control: the switch is denied");
    const run = await runTask(configFor(cluster, database));
    assert.equal(run.code, 0, run.text);
    const scrub = run.lines.find((l) => l.step === "scrub");
    assert.ok(scrub && Number(scrub.walBytesOverwritten) > 0, run.text);
  });

  describe("the guard: only the refinery's sanitizer", () => {
    it("refuses production's (or any non-sanitizer) endpoint before connecting", async () => {
      for (const host of [
        "multistage-production-db.abc123.eu-west-1.rds.amazonaws.com",
        "multistage-development-db-g1.abc123.eu-west-1.rds.amazonaws.com",
        "10.0.3.7",
      ]) {
        const run = await runTask(
          configFor(cluster, "app", { DB_HOST: host, APP_DISABLE_TLS: false }),
          {
            resolve: async () => assert.fail("no connection may be attempted"),
          },
        );
        assert.equal(run.code, EXIT.refused, host);
        assert.match(
          problemsOf(run.lines)[0],
          /^DB_HOST: instance .* is not the refinery's sanitizer/,
        );
      }
      assert.doesNotThrow(() =>
        checkHost("multistage-production-sanitizer.abc123.eu-west-1.rds.amazonaws.com", false),
      );
      assert.throws(
        () => checkHost("multistage-production-sanitizer.abc123.eu-west-1.rds.amazonaws.com", true),
        /TLS is mandatory/,
      );
    });

    it("refuses a tunnel: loopback that leads to another server", async () => {
      const database = await databaseWith();
      const before = await fingerprint(cluster, database);
      // A local port forward, as to production: 127.0.0.1 here, 127.0.0.2 at the far end.
      const proxy = net.createServer((inbound) => {
        const outbound = net.connect(cluster.port, "127.0.0.2");
        inbound.pipe(outbound).pipe(inbound);
        inbound.on("error", () => outbound.destroy());
        outbound.on("error", () => inbound.destroy());
      });
      await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
      try {
        const run = await runTask(
          configFor(cluster, database, { DB_PORT: (proxy.address() as net.AddressInfo).port }),
        );
        assert.equal(run.code, EXIT.refused, run.text);
        assert.match(
          problemsOf(run.lines)[0],
          /^inet_server_addr: the server was reached on 127\.0\.0\.2, not on an address 127\.0\.0\.1 resolves to/,
        );
      } finally {
        proxy.close();
      }
      assert.deepEqual(await fingerprint(cluster, database), before);
    });

    it("refuses a database someone else is connected to (production always has its app)", async () => {
      const database = await databaseWith();
      const before = await fingerprint(cluster, database);
      const run = await asMaster(cluster, () => runTask(configFor(cluster, database)), database);
      assert.equal(run.code, EXIT.refused, run.text);
      assert.deepEqual(problemsOf(run.lines), [
        "pg_stat_activity: 1 other sessions use this database; the sanitizer is a fresh restore nobody else connects to",
      ]);
      assert.deepEqual(await fingerprint(cluster, database), before);
    });
  });
});
