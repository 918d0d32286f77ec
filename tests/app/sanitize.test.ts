import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { Client as PgClient, type Client } from "pg";
import { postgresSettings } from "../../app/src/dependencies";
import { sanitize, SanitizeConfig } from "../../app/src/sanitize";
import { PROJECT_ROOT } from "../../tools/project/project-files";
import { localSanitizeDatabase } from "../../tools/local/sanitize-config";
import { services, Services } from "../../tools/local/services";

const SCHEMA = fs.readFileSync(path.join(PROJECT_ROOT, "app", "sql", "schema.sql"), "utf8");

const PEOPLE = [
  { email: "ada@lovelace.example", name: "Ada Lovelace", phone: "+44 20 7946 0001", street: "12 St James's Square", city: "London", postal: "SW1Y 4JH" },
  { email: "grace@hopper.example", name: "Grace Hopper", phone: "+1 212 555 0199", street: "1 Navy Yard", city: "Arlington", postal: "22202" },
  { email: "alan@turing.example", name: "Alan Turing", phone: null, street: null, city: null, postal: null },
];

async function loadFixture(client: Client): Promise<void> {
  await client.query(SCHEMA);
  for (const p of PEOPLE) {
    const { rows } = await client.query(
      "insert into users (email, full_name, phone, street_address, city, postal_code, password_hash) values ($1,$2,$3,$4,$5,$6,$7) returning id",
      [p.email, p.name, p.phone, p.street, p.city, p.postal, "$2b$10$abcdefghijklmnopqrstuv"],
    );
    const id = rows[0].id as string;
    await client.query("insert into orders (user_id, total_cents, shipping_address) values ($1, 1999, $2), ($1, 500, null)", [id, `${p.street ?? "none"}, ${p.city ?? ""}`]);
    await client.query("insert into sessions (id, user_id, expires_at) values ($1, $2, now() + interval '1 day')", [`session-${id}`, id]);
    await client.query("insert into api_tokens (user_id, token_hash) values ($1, 'tok-hash')", [id]);
  }
}

describe("sanitizing production data (real PostgreSQL)", function () {
  this.timeout(120_000);
  let running: Services;
  let database = 0;

  /** A fresh database owned by the app user, loaded with the fixture. */
  async function freshDatabase(load = true): Promise<SanitizeConfig> {
    running = await services();
    const config = await localSanitizeDatabase(running, `sanitize_${process.pid}_${++database}`);
    // Restored tables belong to the app's user, as production's do.
    if (load) await asAppUser(config, loadFixture);
    return config;
  }

  async function asAppUser<T>(config: SanitizeConfig, body: (client: Client) => Promise<T>): Promise<T> {
    const client = new PgClient(postgresSettings(config));
    await client.connect();
    try {
      return await body(client);
    } finally {
      await client.end();
    }
  }

  const query = (config: SanitizeConfig, sql: string) => running.postgres.superuser((c) => c.query(sql), config.DB_NAME);

  it("replaces personal data, keeps counts and foreign keys, invalidates passwords and drops sessions and tokens", async () => {
    const config = await freshDatabase();
    const before = await query(config, "select (select count(*) from users) u, (select count(*) from orders) o");
    assert.equal(await sanitize(config), "sanitized");
    const after = await query(config, "select (select count(*) from users) u, (select count(*) from orders) o, (select count(*) from sessions) s, (select count(*) from api_tokens) t");
    assert.deepEqual({ u: after.rows[0].u, o: after.rows[0].o }, before.rows[0]);
    assert.equal(after.rows[0].s, "0");
    assert.equal(after.rows[0].t, "0");
    const dump = JSON.stringify((await query(config, "select u.*, o.shipping_address from users u join orders o on o.user_id = u.id")).rows);
    for (const p of PEOPLE) {
      for (const original of [p.email, p.name, p.phone, p.street, p.postal].filter((v): v is string => v !== null)) {
        assert.ok(!dump.includes(original), `${original} survived sanitizing`);
      }
    }
    const orphans = await query(config, "select count(*) from orders o left join users u on u.id = o.user_id where u.id is null");
    assert.equal(orphans.rows[0].count, "0");
    const hashes = await query(config, "select distinct password_hash from users");
    assert.deepEqual(hashes.rows, [{ password_hash: "!sanitized" }]);
  });

  it("is a no-op the second time for the same generation, and runs again for a new one", async () => {
    const config = await freshDatabase();
    await sanitize(config);
    const checksum = () => query(config, "select md5(string_agg(u::text, ',' order by id)) from users u");
    const first = (await checksum()).rows[0];
    await running.postgres.superuser((c) => c.query("update users set full_name = 'Restored Again' where id = 1"), config.DB_NAME);
    assert.equal(await sanitize(config), "already-sanitized");
    assert.equal((await query(config, "select full_name from users where id = 1")).rows[0].full_name, "Restored Again", "nothing ran");
    assert.equal(await sanitize({ ...config, DATA_GENERATION: 1 }), "sanitized");
    assert.deepEqual((await checksum()).rows[0], first);
  });

  it("records an empty database (no snapshot yet) without failing", async () => {
    const config = await freshDatabase(false);
    assert.equal(await sanitize(config), "nothing-restored");
  });

  it("refuses to run in production", async () => {
    const config = await freshDatabase();
    await assert.rejects(sanitize({ ...config, APP_STAGE: "production", APP_STAGE_KIND: "production" }), /Refusing to sanitize: APP_STAGE_KIND is production/);
    assert.equal((await query(config, "select count(*) from sessions")).rows[0].count, String(PEOPLE.length), "nothing changed");
  });
});
