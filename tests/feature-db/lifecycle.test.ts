import { strict as assert } from "node:assert";
import { copyTemplate } from "../../app/src/feature-db/create";
import { FEATURE_DB_EXIT, runFeatureDbCommand } from "../../app/src/feature-db/index";
import { PRUNE_MAX_DROPS } from "../../app/src/feature-db/prune";
import { FeatureHost, TEMPLATE } from "./fixture";

describe("feature-db create and drop: idempotence, the limit, concurrency, names (real PostgreSQL)", function () {
  this.timeout(120_000);
  let host: FeatureHost;
  let sourceRows: Record<string, string>;

  before(async () => {
    host = await FeatureHost.start("feature-db-lifecycle");
    await host.seedSource("source", 200, "life");
    sourceRows = await host.fingerprint("source");
    const uri = await host.exportFrom("source", "life");
    assert.equal((await host.run(["refresh-template", "--from", uri])).code, 0);
  });

  after(async () => {
    await host?.stop();
  });

  /** Drops every feature database the test made, so each test counts from zero. */
  afterEach(async () => {
    for (const database of await host.databases()) {
      if (database === TEMPLATE) continue;
      // Unmarked, so the drop without an incarnation takes it whichever incarnation made it.
      await host.cluster.superuser((c) => c.query(`comment on database ${database} is null`));
      const dropped = await host.drop(database.slice(8));
      assert.match(dropped.text, /: dropped|already gone/, dropped.text);
    }
  });

  /** What a create could change: the role's password verifier and attributes, the database's ACL and owners. */
  async function state(feature: string) {
    return host.cluster.superuser(async (client) => {
      const { rows } = await client.query(
        `select a.rolpassword, a.rolconnlimit, a.rolcanlogin, d.datacl::text, d.datdba::regrole::text as owner,
                (select count(*) from pg_auth_members m where m.roleid = a.oid)::int as members
           from pg_authid a, pg_database d where a.rolname = $1 and d.datname = $1`,
        [`feature_${feature}`],
      );
      return rows[0] as Record<string, unknown>;
    });
  }

  it("creates a feature database holding the template's rows, and a second run of the same create changes nothing", async () => {
    const first = await host.create("same");
    assert.equal(first.code, 0, first.text);
    assert.match(first.text, /created feature_same from feature_template/);
    assert.deepEqual(await host.fingerprint("feature_same"), sourceRows);
    const before = await state("same");
    const second = await host.create("same");
    assert.equal(second.code, 0, second.text);
    assert.match(second.text, /feature_same exists: .*\(nothing to change\)/);
    assert.deepEqual(await state("same"), before);
  });

  it("a late drop of a destroyed stack leaves the database of a new stack of the same branch alone; the new stack's create replaced the old one's", async () => {
    const OLD = "aaaaaaaaaaaa";
    const NEW = "bbbbbbbbbbbb";
    assert.equal((await host.create("again", undefined, OLD)).code, 0);
    // The old stack's app wrote a row; its stack is destroyed, its drop task not yet run.
    const admin = await host.connect("feature_again");
    await admin.query("create table leftover (v int)");
    await admin.end();
    // A new stack of the same branch reaches the host first.
    const created = await host.create("again", undefined, NEW);
    assert.equal(created.code, 0, created.text);
    assert.match(created.text, /belongs to another incarnation .*dropping it first/);
    assert.match(created.text, /created feature_again \(in place of another incarnation's\)/);
    assert.deepEqual(await host.fingerprint("feature_again"), sourceRows, "a fresh copy");
    // Then the old stack's drop runs: the database and role are the new stack's now.
    const late = await host.drop("again", OLD);
    assert.equal(late.code, 0, late.text);
    assert.match(
      late.text,
      /feature_again: left alone with role feature_again, it belongs to another incarnation than aaaaaaaaaaaa/,
    );
    assert.ok((await host.databases()).includes("feature_again"));
    const client = await host.connect("feature_again", {
      name: "feature_again",
      password: "pw-again-0123456789",
    });
    await client.end();
    // The new stack's own drop removes both.
    const own = await host.drop("again", NEW);
    assert.match(own.text, /feature_again: dropped; role feature_again: dropped/);
  });

  it("prune drops nothing and fails when more databases than it may drop at once look unowned", async () => {
    const names = Array.from({ length: PRUNE_MAX_DROPS + 1 }, (_, i) => `many${i}`);
    for (const f of names)
      assert.equal((await host.run(host.createArgs(f), { FEATURE_DB_MAX: "20" })).code, 0);
    await host.cluster.superuser(async (c) => {
      for (const f of names) await c.query(`comment on database feature_${f} is null`);
    });
    const ran = await host.run(["prune", "--keep", "none"]);
    assert.equal(ran.code, FEATURE_DB_EXIT.failed, ran.text);
    assert.match(
      ran.text,
      new RegExp(
        `refusing to prune ${PRUNE_MAX_DROPS + 1} feature databases at once \\(at most ${PRUNE_MAX_DROPS}\\): is the keep list of 0 stacks complete\\?`,
      ),
    );
    assert.equal((await host.databases()).filter((d) => d !== TEMPLATE).length, names.length);
  });

  it("an update never drops: it keeps a database marked as another incarnation's, and marks it as its own so that incarnation's late drop leaves it alone", async () => {
    const written = async () => {
      const check = await host.connect("feature_kept");
      const { rowCount } = await check.query(
        "select 1 from pg_class where relname = 'written_since'",
      );
      await check.end();
      return rowCount;
    };
    assert.equal((await host.create("kept", undefined, "eeeeeeeeeeee")).code, 0);
    const admin = await host.connect("feature_kept");
    await admin.query("create table written_since (v int)");
    await admin.end();
    // The state's incarnation differs from the marker (a run died after its task marked it, or
    // the resource adopted a destroyed stack's database).
    const updated = await host.create("kept", undefined, "ffffffffffff", "update");
    assert.equal(updated.code, 0, updated.text);
    assert.match(
      updated.text,
      /feature_kept is marked as another incarnation's; an update keeps its data and marks it as this resource's/,
    );
    assert.equal(await written(), 1, "the update kept the database and what was written to it");
    // The incarnation that marked it before is gone: its late drop leaves the database alone.
    assert.match((await host.drop("kept", "eeeeeeeeeeee")).text, /left alone/);
    assert.equal(await written(), 1);

    // A create from code before incarnations (no flag) is an update too, and marks the database
    // with a fresh incarnation: neither ffffffffffff's drop nor its own (no incarnation) takes it.
    const old = await host.run(host.createArgs("kept").slice(0, 7));
    assert.equal(old.code, 0, old.text);
    assert.match(old.text, /an update keeps its data/);
    assert.match((await host.drop("kept", "ffffffffffff")).text, /left alone/);
    assert.match((await host.drop("kept", null)).text, /left alone/);
    assert.equal(await written(), 1);
  });

  it("a database made before incarnations is adopted by a create and dropped by a drop without one", async () => {
    assert.equal((await host.create("legacy")).code, 0);
    await host.cluster.superuser((c) => c.query("comment on database feature_legacy is null"));
    const adopted = await host.create("legacy", undefined, "cccccccccccc");
    assert.match(adopted.text, /feature_legacy exists/);
    const late = await host.drop("legacy", "dddddddddddd");
    assert.match(late.text, /left alone/, "marked as cccccccccccc's by the create");
    // A drop without an incarnation leaves a marked database alone too; an unmarked one goes.
    assert.match((await host.drop("legacy", null)).text, /left alone/);
    await host.cluster.superuser((c) => c.query("comment on database feature_legacy is null"));
    const dropped = await host.drop("legacy", null);
    assert.match(dropped.text, /feature_legacy: dropped/);
  });

  it("prune drops the feature databases no live stack owns, with their roles, unless marked within the hour", async () => {
    for (const f of ["live", "live_g2", "orphan", "young", "legacy"])
      assert.equal((await host.create(f)).code, 0);
    const hoursAgo = new Date(Date.now() - 2 * 3600_000).toISOString();
    await host.cluster.superuser(async (c) => {
      await c.query(
        `comment on database feature_orphan is 'multistage feature stack incarnation 0123456789ab created ${hoursAgo}'`,
      );
      await c.query("comment on database feature_legacy is null");
    });
    const ran = await host.run(["prune", "--keep", "feature_live,feature_other"]);
    assert.equal(ran.code, 0, ran.text);
    assert.match(
      ran.text,
      /dropped 2 feature database\(s\) no live stack owns \(feature_orphan, feature_legacy\); kept 2; 1 younger than 60 min left for the next run \(feature_young\)/,
    );
    assert.deepEqual((await host.databases()).filter((d) => d !== TEMPLATE).sort(), [
      "feature_live",
      "feature_live_g2",
      "feature_young",
    ]);
    const roles = await host.roles();
    assert.ok(!roles.includes("feature_orphan") && !roles.includes("feature_legacy"), roles.join());
    // A keep list of names that are not feature stacks' is refused before anything runs.
    const refused = await host.run(["prune", "--keep", "postgres"]);
    assert.equal(refused.code, FEATURE_DB_EXIT.invalid, refused.text);
    assert.ok((await host.databases()).includes("feature_young"));
  });

  it("a create with a rotated password sets the new one and keeps the database", async () => {
    assert.equal((await host.create("rotate", "pw-first-0123456789")).code, 0);
    const ran = await host.create("rotate", "pw-second-0123456789");
    assert.equal(ran.code, 0, ran.text);
    assert.match(ran.text, /password set/);
    const client = await host.connect("feature_rotate", {
      name: "feature_rotate",
      password: "pw-second-0123456789",
    });
    await client.end();
  });

  it("drop removes the database and the role, terminates their sessions, leaves other features intact, and is idempotent", async () => {
    assert.equal((await host.create("gone")).code, 0);
    assert.equal((await host.create("stays")).code, 0);
    const stays = await host.fingerprint("feature_stays");
    const session = await host.connect("feature_gone", {
      name: "feature_gone",
      password: "pw-gone-0123456789",
    });
    await session.query("select 1");
    const ran = await host.drop("gone");
    assert.equal(ran.code, 0, ran.text);
    assert.match(ran.text, /feature_gone: dropped; role feature_gone: dropped/);
    await assert.rejects(session.query("select 1"));
    await session.end().catch(() => undefined);
    assert.deepEqual(await host.databases(), ["feature_stays", TEMPLATE]);
    assert.deepEqual(await host.roles(), ["feature_stays"]);
    assert.deepEqual(await host.fingerprint("feature_stays"), stays);
    const again = await host.drop("gone");
    assert.equal(again.code, 0, again.text);
    assert.match(again.text, /feature_gone: already gone; role feature_gone: already gone/);
  });

  it("refuses the third create with FEATURE_DB_MAX=2, naming the count, the limit and the oldest, and leaves nothing behind", async () => {
    const max = { FEATURE_DB_MAX: "2" };
    assert.equal((await host.run(host.createArgs("first"), max)).code, 0);
    assert.equal((await host.run(host.createArgs("second"), max)).code, 0);
    const ran = await host.run(host.createArgs("third"), max);
    assert.equal(ran.code, FEATURE_DB_EXIT.full, ran.text);
    assert.match(
      ran.text,
      /refusing to create feature_third: the host holds 2 feature databases, limit FEATURE_DB_MAX=2; oldest first: feature_first, feature_second/,
    );
    assert.deepEqual(await host.databases(), ["feature_first", "feature_second", TEMPLATE]);
    assert.deepEqual(await host.roles(), ["feature_first", "feature_second"]);
    // An existing feature's create still succeeds at the limit: it creates nothing new.
    assert.equal((await host.run(host.createArgs("second"), max)).code, 0);
  });

  it("three creates at the same time all succeed, each with the template's rows", async () => {
    const ran = await Promise.all(["p1", "p2", "p3"].map((feature) => host.create(feature)));
    assert.deepEqual(
      ran.map((r) => r.code),
      [0, 0, 0],
      ran.map((r) => r.text).join("\n"),
    );
    for (const feature of ["p1", "p2", "p3"])
      assert.deepEqual(await host.fingerprint(`feature_${feature}`), sourceRows);
  });

  it("retries a copy while a session sits in the source database, and succeeds once it leaves", async () => {
    // The template admits no session; a plain database stands in for one somebody sat in,
    // longer than the 5 s PostgreSQL waits before it gives up on a busy source.
    const sitter = await host.connect("source");
    setTimeout(() => void sitter.end(), 6500);
    const admin = await host.connect("postgres");
    const busy: number[] = [];
    try {
      await copyTemplate(admin, "feature_retried", "source", "file_copy", (attempt) =>
        busy.push(attempt),
      );
    } finally {
      await admin.end();
    }
    assert.ok(busy.length >= 1, "the copy never met a busy source");
    assert.deepEqual(await host.fingerprint("feature_retried"), sourceRows);
  });

  describe("names and arguments are refused before anything runs", () => {
    /** Runs against a port nothing listens on, and with a secret reader that fails the test if called. */
    async function refused(argv: string[]) {
      const lines: string[] = [];
      let secretsRead = 0;
      const code = await runFeatureDbCommand(argv, host.env({ DB_PORT: "1" }), {
        readSecret: async () => {
          secretsRead += 1;
          return "{}";
        },
        log: (line) => lines.push(line),
      });
      return { code, text: lines.join("\n"), lines, secretsRead };
    }
    const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbCdEf";
    const createLine = (database: string, role: string) => [
      "create",
      "--database",
      database,
      "--role",
      role,
      "--password-secret-arn",
      arn,
      "--incarnation",
      "0123456789ab",
    ];
    const cases: Array<[string, string[], RegExp]> = [
      [
        "an upper-case database",
        createLine("Feature_A", "feature_a"),
        /--database: got "Feature_A"; expected feature_ followed by 1 to 40 of a-z, 0-9 and _/,
      ],
      [
        "a role with a quote",
        createLine("feature_a", "feature_a'--"),
        /--role: got "feature_a'--"; expected feature_ followed by/,
      ],
      [
        "a name too long",
        ["drop", "--database", `feature_${"x".repeat(41)}`, "--role", "feature_a"],
        /--database: got "feature_x{41}"; expected feature_ followed by 1 to 40/,
      ],
      [
        "the template",
        ["drop", "--database", TEMPLATE, "--role", "feature_a"],
        /--database: got "feature_template", which is the template; expected a feature's own name/,
      ],
      [
        "the template being refreshed",
        createLine(`${TEMPLATE}_next`, "feature_a"),
        /--database: got "feature_template_next", which is the template being refreshed/,
      ],
      [
        "the admin database",
        ["drop", "--database", "postgres", "--role", "feature_a"],
        /--database: got "postgres"; expected feature_ followed by/,
      ],
      [
        "a missing flag",
        ["create", "--database", "feature_a", "--role", "feature_a"],
        /--password-secret-arn: missing; create needs --database, --role, --password-secret-arn/,
      ],
      [
        "an incarnation that is not 12 hex digits",
        ["drop", "--database", "feature_a", "--role", "feature_a", "--incarnation", "ABC"],
        /--incarnation: got "ABC"; expected 12 lowercase hex digits/,
      ],
      [
        "an unknown command",
        ["destroy"],
        /command: got "destroy"; expected one of create, drop, refresh-template, export/,
      ],
      [
        "a URI that is neither s3 nor file",
        ["refresh-template", "--from", "https://example.test/export/"],
        /--from: got "https:\/\/example.test\/export\/"; expected s3:\/\/<bucket>\/<prefix>\/ or file:\/\/\/<directory>\//,
      ],
    ];
    for (const [name, argv, message] of cases)
      it(`refuses ${name} with exit 2 and one line naming the argument, the value and what is valid`, async () => {
        const ran = await refused(argv);
        assert.equal(ran.code, FEATURE_DB_EXIT.invalid, ran.text);
        assert.equal(ran.lines.length, 1, ran.text);
        assert.match(ran.text, message);
        assert.equal(ran.secretsRead, 0);
      });

    it("still refuses the template by name when the host is reachable, and the template stays", async () => {
      const ran = await host.run(["drop", "--database", TEMPLATE, "--role", "feature_x"]);
      assert.equal(ran.code, FEATURE_DB_EXIT.invalid, ran.text);
      assert.ok((await host.databases()).includes(TEMPLATE));
    });
  });

  it("never logs the password, and a secret without a password field is refused", async () => {
    const password = "pw-never-logged-0123456789";
    const ran = await host.create("quiet", password);
    assert.equal(ran.code, 0, ran.text);
    assert.ok(!ran.text.includes(password));
    const args = host.createArgs("nopassword");
    host.secrets.set(args[6], JSON.stringify({ username: "feature_nopassword" }));
    const refused = await host.run(args);
    assert.equal(refused.code, FEATURE_DB_EXIT.invalid, refused.text);
    assert.match(refused.text, /is not JSON with a "password" string field/);
    assert.ok(!(await host.roles()).includes("feature_nopassword"));
  });
});
