import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { SANITIZE_ENVIRONMENT, SANITIZE_SECRETS } from "../../app/src/contract";
import { loadSanitizeConfig, sanitizeContract } from "../../app/src/sanitizer/config";
import { safeError } from "../../app/src/sanitizer/failure";
import { loadRules, parseRules, RulesError } from "../../app/src/sanitizer/rules";
import { PROJECT_ROOT } from "../../stage/stack-files";

const SCHEMA = fs.readFileSync(path.join(PROJECT_ROOT, "app", "sql", "schema.sql"), "utf8");

describe("the sanitize task: rules file, environment, entry point", () => {
  describe("the rules file", () => {
    it("names one rule for every column of every table in app/sql/schema.sql, and nothing else", () => {
      const rules = loadRules();
      // The schema's tables and columns, read from its CREATE TABLE statements.
      const schema = new Map<string, string[]>();
      for (const match of SCHEMA.matchAll(/create table if not exists (\w+) \(([\s\S]*?)\n\);/g)) {
        schema.set(
          `public.${match[1]}`,
          [...match[2].matchAll(/^\s+(\w+) /gm)].map((m) => m[1]),
        );
      }
      assert.deepEqual([...rules.tables.keys()].sort(), [...schema.keys()].sort());
      for (const [table, columns] of schema) {
        const tableRules = rules.tables.get(table);
        assert.ok(tableRules);
        if (!tableRules.delete)
          assert.deepEqual([...tableRules.columns.keys()].sort(), [...columns].sort(), table);
      }
      assert.ok(
        rules.tables.get("public.sessions")?.delete &&
          rules.tables.get("public.api_tokens")?.delete,
        "credentials are deleted",
      );
    });

    it("rejects what would leave a column as it came, naming the path", () => {
      const cases: Array<[string, RegExp]> = [
        [
          "version: 1\ntables:\n  users:\n    columns:\n      email: { fake: mail }\n",
          /tables\.users\.columns\.email/,
        ],
        [
          "version: 1\ntables:\n  users:\n    columns:\n      email: scramble\n",
          /tables\.users\.columns\.email/,
        ],
        ["version: 1\ntables:\n  users:\n    colums:\n      email: keep\n", /tables\.users/],
        ["version: 1\ntables:\n  users: drop\n", /tables\.users/],
        ["version: 1\ntables: {}\nview: []\n", /Unrecognized key.*view/],
        ["version: 2\ntables: {}\n", /version/],
        ["version: 1\ntables:\n  Users: delete\n", /tables\.Users|Users/],
        ["version: 1\ntables:\n  users: delete\n  users: delete\n", /not valid YAML/],
        [
          "version: 1\ntables:\n  users: delete\n  public.users: delete\n",
          /public\.users is named twice/,
        ],
        ["version: 1\nx: &a [1]\ntables:\n  users: delete\nviews: *a\n", /[Aa]lias/],
      ];
      for (const [text, expected] of cases) {
        assert.throws(
          () => parseRules(text),
          (error: unknown) => error instanceof RulesError && expected.test(error.message),
          text,
        );
      }
    });

    it("reads bare null (and an empty value) as the null rule, and a constant of any scalar as text", () => {
      const rules = parseRules(
        "version: 1\ntables:\n  users:\n    columns:\n      a: null\n      b:\n      c: { constant: 0 }\n      d: hash\n",
      );
      const columns = rules.tables.get("public.users")?.columns;
      assert.deepEqual(Object.fromEntries(columns ?? []), {
        a: { kind: "null" },
        b: { kind: "null" },
        c: { kind: "constant", value: "0" },
        d: { kind: "hash" },
      });
    });
  });

  describe("the environment", () => {
    it("is exactly the contract the refinery's task definition reads", () => {
      assert.deepEqual(
        Object.keys(sanitizeContract.shape).sort(),
        [...SANITIZE_ENVIRONMENT, ...SANITIZE_SECRETS].sort(),
      );
    });

    it("names every problem and never shows a secret", () => {
      const result = loadSanitizeConfig({
        DB_HOST: "multistage-production-sanitizer.x.eu-west-1.rds.amazonaws.com",
        DB_PORT: "99999",
        DB_PASSWORD: "short",
        SANITIZE_HMAC_KEY: "tooshort-secret",
      });
      assert.equal(result.ok, false);
      const problems = result.ok ? [] : result.problems;
      assert.ok(problems.some((p) => p.startsWith("APP_STAGE: missing")));
      assert.ok(problems.some((p) => p.startsWith('DB_PORT: got "99999"')));
      assert.ok(
        problems.some(
          (p) =>
            p ===
            "SANITIZE_HMAC_KEY: malformed (value hidden); expected the HMAC key (at least 32 characters)",
        ),
      );
      assert.ok(
        !problems.join("\n").includes("tooshort-secret") && !problems.join("\n").includes("short;"),
      );
    });
  });

  it("keeps PostgreSQL's data-quoting messages out of the log", () => {
    const duplicate = Object.assign(
      new Error('duplicate key value violates unique constraint "users_email_key"'),
      {
        code: "23505",
        detail: "Key (email)=(ada@lovelace.example) already exists.",
        table: "users",
        constraint: "users_email_key",
      },
    );
    const syntax = Object.assign(
      new Error('invalid input syntax for type integer: "ada@lovelace.example"'),
      { code: "22P02" },
    );
    const permission = Object.assign(new Error("permission denied for function pg_switch_wal"), {
      code: "42501",
    });
    assert.deepEqual(safeError(duplicate), {
      code: "23505",
      table: "users",
      constraint: "users_email_key",
      message: "PostgreSQL error (message withheld: it may quote data)",
    });
    assert.ok(!JSON.stringify(safeError(syntax)).includes("ada@"));
    assert.equal(safeError(permission).message, "permission denied for function pg_switch_wal");
  });

  it("the entry point exits 2 on an invalid environment, with one JSON line and no secret", function () {
    this.timeout(30_000);
    const child = spawnSync(
      process.execPath,
      [
        "-r",
        "ts-node/register/transpile-only",
        path.join(PROJECT_ROOT, "app", "src", "sanitize.ts"),
      ],
      {
        cwd: PROJECT_ROOT,
        env: {
          PATH: process.env.PATH ?? "",
          TS_NODE_SWC: "true",
          APP_STAGE: "production",
          DB_PASSWORD: "hunter2-is-not-long",
        },
        encoding: "utf8",
      },
    );
    assert.equal(child.status, 2, child.stderr);
    const lines = child.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(lines.length, 1);
    assert.equal(lines[0].step, "environment");
    assert.ok((lines[0].problems as string[]).some((p) => p.startsWith("DB_HOST: missing")));
    assert.ok(!child.stdout.includes("hunter2"));
  });
});
