/**
 * "Production" for the refinery's tests and benchmark: the app's schema (app/sql/schema.sql),
 * owned by a master user shaped like RDS's (not a superuser; may checkpoint, switch WAL and
 * list pg_wal), seeded with known personal data. Every original value carries the run's token,
 * so a scan for it, for each value, and for slices of the long ones finds any survivor.
 *
 * Production also has what real production has: dead row versions of earlier values, a dropped
 * column whose values are still in the rows, and statistics sampled from the originals.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Client } from "pg";
import { PROJECT_ROOT } from "../../stage/stack-files";
import type { PgCluster } from "./pg-cluster";

export const APP_DATABASE = "app";
export const MASTER_USER = "multistage";
export const MASTER_PASSWORD = "local-master-password-1234";
/** The `hash` rule's key in local runs; production's lives in Secrets Manager. */
export const LOCAL_HMAC_KEY = "local-refinery-hmac-key-0123456789abcdef";

const SCHEMA = fs.readFileSync(path.join(PROJECT_ROOT, "app", "sql", "schema.sql"), "utf8");

export interface SeededProduction {
  /** A random lower-case word in every original value. */
  token: string;
  /** Every distinct original value seeded, including the dead and the dropped ones. */
  originals: string[];
  counts: { users: number; orders: number; sessions: number; tokens: number };
}

/** Creates the master user and the app database, as RDS does for a new instance. */
export async function createAppDatabase(
  cluster: PgCluster,
  database = APP_DATABASE,
): Promise<void> {
  await cluster.superuser(async (client) => {
    const exists = await client.query("select 1 from pg_roles where rolname = $1", [MASTER_USER]);
    if (exists.rowCount === 0) {
      await client.query(
        `create role ${MASTER_USER} login createdb createrole password '${MASTER_PASSWORD}'`,
      );
      // What rds_superuser may do that a plain user may not: CHECKPOINT and pg_ls_waldir().
      await client.query(`grant pg_checkpoint, pg_monitor to ${MASTER_USER}`);
    }
    await client.query(`create database ${database} owner ${MASTER_USER}`);
  });
  await cluster.superuser(
    (client) => client.query(`grant execute on function pg_switch_wal() to ${MASTER_USER}`),
    database,
  );
}

export async function asMaster<T>(
  cluster: PgCluster,
  body: (client: Client) => Promise<T>,
  database = APP_DATABASE,
): Promise<T> {
  const { Client: PgClient } = await import("pg");
  const client = new PgClient({
    host: "127.0.0.1",
    port: cluster.port,
    user: MASTER_USER,
    password: MASTER_PASSWORD,
    database,
  });
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

function randomText(length: number): string {
  // Base64 of random bytes does not compress, so a long value is stored as it is (TOAST).
  return randomBytes(length).toString("base64").slice(0, length);
}

/** The hand-written people: unicode, NULLs, duplicates, quotes, a very long value. */
function people(token: string) {
  const long = `${token}-long-${randomText(6000)}`;
  return [
    {
      email: `ada.${token}@lovelace.example`,
      name: `Ada Lovelace ${token}`,
      phone: `+44 20 7946 ${token}`,
      street: `12 St James's Square ${token}`,
      city: `London ${token}`,
      postal: `SW1Y-${token}`,
    },
    {
      email: `zoe.${token}@例え.jp`,
      name: `Zoë Ñúñez-Løvås 李小龍 🚀 ${token}`,
      phone: null,
      street: `Bahnhofstraße 1 ${token}`,
      city: `Zürich ${token}`,
      postal: null,
    },
    {
      email: `o'brien.${token}@quote.example`,
      name: `Seán O'Brien "\\ ${token}`,
      phone: `+353 1 ${token}`,
      street: null,
      city: null,
      postal: null,
    },
    // The same name and city twice: an original that occurs in many rows.
    {
      email: `twin1.${token}@dup.example`,
      name: `Sam Twin ${token}`,
      phone: `+1 212 ${token}`,
      street: long,
      city: `Springfield ${token}`,
      postal: `62701-${token}`,
    },
    {
      email: `twin2.${token}@dup.example`,
      name: `Sam Twin ${token}`,
      phone: `+1 213 ${token}`,
      street: `742 Evergreen Terrace ${token}`,
      city: `Springfield ${token}`,
      postal: `62701-${token}`,
    },
  ];
}

/**
 * Seeds `bulkUsers` generated users (one order each; a session for every second, a token for
 * every fifth) plus the hand-written people, then gives production its history.
 */
export async function seedProduction(
  cluster: PgCluster,
  bulkUsers: number,
): Promise<SeededProduction> {
  const token = `q${randomBytes(8)
    .toString("hex")
    .replace(/[0-9]/g, (d) => "ghijklmnop"[Number(d)])
    .slice(0, 11)}`;
  const originals = new Set<string>();
  await asMaster(cluster, async (client) => {
    await client.query(SCHEMA);
    await client.query(
      `insert into users (email, full_name, phone, street_address, city, postal_code, password_hash)
       select 'person' || g || '.' || $2 || '@mail.example', 'Person ' || g || ' ' || $2,
              case when g % 7 = 0 then null else '+44 20 ' || g || ' ' || $2 end,
              case when g % 5 = 0 then null else g || ' High Street ' || $2 end,
              'Town ' || (g % 40) || ' ' || $2, 'PC' || (g % 90) || '-' || $2,
              '$2b$10$' || $2 || md5(g::text)
         from generate_series(1, $1::int) g`,
      [bulkUsers, token],
    );
    await client.query(
      `insert into orders (user_id, total_cents, shipping_address) select id, (id % 10000)::int, id || ' Dock Road ' || $1 from users`,
      [token],
    );
    for (const person of people(token)) {
      const { rows } = await client.query<{ id: string }>(
        "insert into users (email, full_name, phone, street_address, city, postal_code, password_hash) values ($1, $2, $3, $4, $5, $6, $7) returning id",
        [
          person.email,
          person.name,
          person.phone,
          person.street,
          person.city,
          person.postal,
          `$2b$10$${token}handwritten`,
        ],
      );
      await client.query(
        "insert into orders (user_id, total_cents, shipping_address) values ($1, 1999, $2), ($1, 500, null)",
        [rows[0].id, person.street],
      );
      for (const value of Object.values(person)) if (value !== null) originals.add(value);
    }
    await client.query(
      "insert into sessions (id, user_id, expires_at) select 'sess-' || $1 || '-' || id, id, now() + interval '1 day' from users where id % 2 = 0",
      [token],
    );
    await client.query(
      "insert into api_tokens (user_id, token_hash) select id, 'tokh-' || $1 || '-' || md5(id::text) from users where id % 5 = 0",
      [token],
    );

    // History: earlier emails live on as dead row versions, a dropped column's values stay in
    // the rows, and statistics sample the originals.
    await client.query(
      "update users set email = 'old-' || email where id % 10 = 1 and email like 'person%'",
    );
    await client.query("update users set email = substr(email, 5) where email like 'old-%'");
    await client.query("alter table users add column legacy_ssn text");
    await client.query("update users set legacy_ssn = 'ssn-' || $1 || '-' || id where id % 3 = 0", [
      token,
    ]);
    await client.query("alter table users drop column legacy_ssn");
    await client.query("analyze");
    // Production has long since written all this to its data files; a snapshot is not a crash.
    await client.query("checkpoint");
  });
  const counts = await asMaster(cluster, async (client) => {
    const { rows } = await client.query<{
      users: number;
      orders: number;
      sessions: number;
      tokens: number;
    }>(
      "select (select count(*) from users)::int as users, (select count(*) from orders)::int as orders, (select count(*) from sessions)::int as sessions, (select count(*) from api_tokens)::int as tokens",
    );
    // A sample of the generated values too (all of them would make the scan slow, and each holds the token).
    const sample = await client.query<{ v: string }>(
      `select unnest(array[email, full_name, phone, street_address, city, postal_code, password_hash]) as v from users where id % 97 = 1
       union select id from sessions where user_id % 97 = 0 union select token_hash from api_tokens where user_id % 97 = 0
       union select 'old-' || email from users where id % 970 = 1 union select 'ssn-' || $1 || '-' || id from users where id % 291 = 0`,
      [token],
    );
    for (const row of sample.rows) if (row.v !== null) originals.add(row.v);
    return rows[0];
  });
  return { token, originals: [...originals], counts };
}
