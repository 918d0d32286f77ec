import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { FEATURE_DB_EXIT } from "../../app/src/feature-db/index";
import type { Manifest } from "../../app/src/feature-db/manifest";
import { FeatureHost, TEMPLATE } from "./fixture";

/** A copy of an export with its manifest edited, as a corrupted or mismatched export would be. */
function editedExport(host: FeatureHost, from: string, name: string, edit: (m: Manifest) => void) {
  const uri = host.exportUri(name);
  fs.cpSync(fileURLToPath(from), fileURLToPath(uri), { recursive: true });
  const file = path.join(fileURLToPath(uri), "manifest.json");
  const manifest = JSON.parse(fs.readFileSync(file, "utf8")) as Manifest;
  edit(manifest);
  fs.writeFileSync(file, JSON.stringify(manifest));
  return uri;
}

describe("feature-db refresh-template: a new template from an export (real PostgreSQL)", function () {
  this.timeout(120_000);
  let host: FeatureHost;
  let second: string;
  let secondRows: Record<string, string>;
  let featureARows: Record<string, string>;

  before(async () => {
    host = await FeatureHost.start("feature-db-template");
    await host.seedSource("source_v1", 300, "v1");
    const first = await host.exportFrom("source_v1", "v1");
    const refreshed = await host.run(["refresh-template", "--from", first]);
    assert.equal(refreshed.code, 0, refreshed.text);
    assert.equal((await host.create("a")).code, 0);
    // Feature A's own work since it was created, which no refresh may touch.
    const client = await host.connect("feature_a", {
      name: "feature_a",
      password: "pw-a-0123456789",
    });
    await client.query(
      "insert into users (email, full_name, password_hash) values ('new@a.test', 'New in A', '!')",
    );
    await client.query("delete from orders where id % 2 = 0");
    await client.end();
    featureARows = await host.fingerprint("feature_a");
    await host.seedSource("source_v2", 500, "v2");
    second = await host.exportFrom("source_v2", "v2");
    secondRows = await host.fingerprint("source_v2");
  });

  after(async () => {
    await host?.stop();
  });

  async function templateState() {
    return host.query<{ datname: string; datistemplate: boolean; datallowconn: boolean }>(
      "postgres",
      "select datname, datistemplate, datallowconn from pg_database where datname like $1 order by 1",
      [`${TEMPLATE}%`],
    );
  }

  it("replaces the template with the new export's rows and leaves existing feature databases as they were", async () => {
    const ran = await host.run(["refresh-template", "--from", second]);
    assert.equal(ran.code, 0, ran.text);
    assert.match(ran.text, /feature_template replaced from the export of .*: 4 tables, 1000 rows/);
    assert.deepEqual(await templateState(), [
      { datname: TEMPLATE, datistemplate: true, datallowconn: false },
    ]);
    assert.equal((await host.create("b")).code, 0);
    assert.deepEqual(await host.fingerprint("feature_b"), secondRows);
    assert.deepEqual(await host.fingerprint("feature_a"), featureARows);
    assert.equal((await host.fingerprint("feature_a")).users.split(":")[0], "301");
  });

  it("fails closed on an export with a table the schema lacks, and the old template keeps serving", async () => {
    await host.seedSource("source_extra", 50, "x");
    await host.query("source_extra", "create table audit (id bigint primary key, note text)");
    const extra = await host.exportFrom("source_extra", "extra");
    const ran = await host.run(["refresh-template", "--from", extra]);
    assert.equal(ran.code, FEATURE_DB_EXIT.badExport, ran.text);
    assert.match(ran.text, /table public\.audit is in the export but not in the schema/);
    assert.equal((await host.create("c")).code, 0);
    assert.deepEqual(await host.fingerprint("feature_c"), secondRows);
    assert.deepEqual(await templateState(), [
      { datname: TEMPLATE, datistemplate: true, datallowconn: false },
    ]);
  });

  it("fails closed on an export missing a table the schema has", async () => {
    const missing = editedExport(host, second, "missing", (m) => {
      m.tables = m.tables.filter((t) => t.name !== "public.api_tokens");
    });
    const ran = await host.run(["refresh-template", "--from", missing]);
    assert.equal(ran.code, FEATURE_DB_EXIT.badExport, ran.text);
    assert.match(ran.text, /table public\.api_tokens is in the schema but not in the export/);
  });

  it("fails closed when a table's rows after loading do not match the manifest's count", async () => {
    const short = editedExport(host, second, "short", (m) => {
      const users = m.tables.find((t) => t.name === "public.users");
      if (users) users.rows += 1;
    });
    const ran = await host.run(["refresh-template", "--from", short]);
    assert.equal(ran.code, FEATURE_DB_EXIT.badExport, ran.text);
    assert.match(ran.text, /public\.users has 500 rows after loading, the manifest says 501/);
    assert.equal((await host.create("d")).code, 0);
    assert.deepEqual(await host.fingerprint("feature_d"), secondRows);
    assert.deepEqual(await templateState(), [
      { datname: TEMPLATE, datistemplate: true, datallowconn: false },
    ]);
  });

  it("continues each serial sequence after the loaded ids, so a feature's inserts work", async () => {
    const client = await host.connect("feature_b", {
      name: "feature_b",
      password: "pw-b-0123456789",
    });
    try {
      const { rows } = await client.query<{ id: string }>(
        "insert into users (email, full_name, password_hash) values ('x@b.test', 'X', '!') returning id",
      );
      assert.equal(rows[0].id, "501");
    } finally {
      await client.end();
    }
  });
});
