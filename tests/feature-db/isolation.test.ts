import { strict as assert } from "node:assert";
import { FeatureHost, TEMPLATE } from "./fixture";

const PASSWORDS = { a: "pw-a-only-0123456789", b: "pw-b-only-0123456789" };
const OTHER = { a: "b", b: "a" } as const;

describe("feature-db: each feature's role reaches its own database only (real PostgreSQL)", function () {
  this.timeout(120_000);
  let host: FeatureHost;

  before(async () => {
    host = await FeatureHost.start("feature-db-isolation");
    await host.seedSource("source", 200, "iso");
    const uri = await host.exportFrom("source", "iso");
    assert.equal((await host.run(["refresh-template", "--from", uri])).code, 0);
    for (const feature of ["a", "b"] as const)
      assert.equal((await host.create(feature, PASSWORDS[feature])).code, 0);
    // Each feature writes a row of its own that the other must never see.
    for (const feature of ["a", "b"] as const) {
      const client = await host.connect(`feature_${feature}`, {
        name: `feature_${feature}`,
        password: PASSWORDS[feature],
      });
      await client.query(
        "insert into users (email, full_name, password_hash) values ($1, 'secret row', '!')",
        [`only-${feature}@feature.test`],
      );
      await client.end();
    }
  });

  after(async () => {
    await host?.stop();
  });

  async function connectError(database: string, feature: "a" | "b"): Promise<string> {
    try {
      const client = await host.connect(database, {
        name: `feature_${feature}`,
        password: PASSWORDS[feature],
      });
      await client.end();
      return "connected";
    } catch (error) {
      return `${(error as { code?: string }).code}: ${(error as Error).message}`;
    }
  }

  for (const feature of ["a", "b"] as const) {
    const other = OTHER[feature];
    it(`feature ${feature}'s role reads and writes its own database, owns its tables and sees only its own rows`, async () => {
      const client = await host.connect(`feature_${feature}`, {
        name: `feature_${feature}`,
        password: PASSWORDS[feature],
      });
      try {
        const own = await client.query<{ email: string }>(
          "select email from users where full_name = 'secret row'",
        );
        assert.deepEqual(
          own.rows.map((r) => r.email),
          [`only-${feature}@feature.test`],
        );
        const owners = await client.query<{ tableowner: string }>(
          "select distinct tableowner from pg_tables where schemaname = 'public'",
        );
        assert.deepEqual(
          owners.rows.map((r) => r.tableowner),
          [`feature_${feature}`],
        );
        // Its migrations may change what it owns.
        await client.query("alter table users add column if not exists nickname text");
      } finally {
        await client.end();
      }
    });

    it(`feature ${feature}'s role cannot connect to feature ${other}'s database, the template, postgres or template1`, async () => {
      assert.match(
        await connectError(`feature_${other}`, feature),
        /^42501: permission denied for database "feature_/,
      );
      assert.match(
        await connectError(TEMPLATE, feature),
        /^55000: database .* is not currently accepting connections/,
      );
      assert.match(
        await connectError("postgres", feature),
        /^42501: permission denied for database "postgres"/,
      );
      assert.match(
        await connectError("template1", feature),
        /^42501: permission denied for database "template1"/,
      );
    });

    it(`feature ${feature}'s role holds no attribute or membership that reaches beyond its database`, async () => {
      const [role] = await host.query<Record<string, unknown>>(
        "postgres",
        `select rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, rolcanlogin, rolconnlimit,
                pg_has_role($1, $2, 'MEMBER') as member_of_other,
                pg_has_role($1, current_user, 'MEMBER') as member_of_admin,
                has_database_privilege($1, $3, 'CONNECT') as connect_other
           from pg_roles where rolname = $1`,
        [`feature_${feature}`, `feature_${other}`, `feature_${other}`],
      );
      assert.deepEqual(role, {
        rolsuper: false,
        rolcreatedb: false,
        rolcreaterole: false,
        rolreplication: false,
        rolbypassrls: false,
        rolcanlogin: true,
        rolconnlimit: 20,
        member_of_other: false,
        member_of_admin: false,
        connect_other: false,
      });
    });
  }

  it("no other role may connect to a feature database: PUBLIC holds no CONNECT on it", async () => {
    const rows = await host.query<{ datname: string; public_connect: boolean }>(
      "postgres",
      "select datname, has_database_privilege('public', datname, 'CONNECT') as public_connect from pg_database where datname in ('feature_a', 'feature_b') order by 1",
    );
    assert.deepEqual(rows, [
      { datname: "feature_a", public_connect: false },
      { datname: "feature_b", public_connect: false },
    ]);
  });

  it("a wrong password does not log in", async () => {
    try {
      const client = await host.connect("feature_a", { name: "feature_a", password: PASSWORDS.b });
      await client.end();
      assert.fail("logged in with feature b's password");
    } catch (error) {
      assert.equal((error as { code?: string }).code, "28P01");
    }
  });
});
