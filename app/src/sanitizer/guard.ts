/**
 * The sanitizer refuses to touch anything but the refinery's sanitizer instance. Sanitizing
 * production itself would destroy its data, so the guard rests on what only the refinery has,
 * not on a variable any task definition could set:
 *
 * 1. The host: DB_HOST is the sanitizer's RDS endpoint, whose first label is its instance
 *    identifier (`multistage-production-sanitizer`, lib/aws/naming.ts), or a loopback address
 *    (a local run; production is never on loopback).
 * 2. The server behind it: the address PostgreSQL says it was reached on (inet_server_addr())
 *    is one DB_HOST resolves to. A tunnel or proxy (an SSM port forward to production on
 *    127.0.0.1) is refused, since the server at its far end answers with its own address.
 * 3. Isolation: nobody else is connected to the database. A freshly restored sanitizer has
 *    only us; production always has its app.
 *
 * Besides, the entry point runs only in the refinery's task: lower stages have no sanitize
 * step, and the sanitizer keeps the master password of production's backup it was restored
 * from, which only production's roles (the refinery's task execution role among them) may read.
 */
import { promises as dns } from "node:dns";
import * as net from "node:net";
import type { ClientBase } from "pg";
import { EXIT, RefineryFailure } from "./failure";

export const SANITIZER_SUFFIX = "-sanitizer";

export function isLoopback(host: string): boolean {
  if (host === "localhost") return true;
  if (net.isIPv4(host)) return host.startsWith("127.");
  if (net.isIPv6(host)) return host === "::1";
  return false;
}

/** Step 1, before any connection: the host name says this is the sanitizer. */
export function checkHost(host: string, tlsDisabled: boolean): void {
  const instance = host.split(".")[0].toLowerCase();
  if (!isLoopback(host) && !instance.endsWith(SANITIZER_SUFFIX)) {
    throw new RefineryFailure(
      "guard",
      EXIT.refused,
      [
        `DB_HOST: instance ${instance} is not the refinery's sanitizer (its identifier ends with ${SANITIZER_SUFFIX})`,
      ],
      "refusing: not the sanitizer instance",
    );
  }
  if (tlsDisabled && !isLoopback(host)) {
    throw new RefineryFailure(
      "guard",
      EXIT.refused,
      ["APP_DISABLE_TLS: only for a database on loopback"],
      "refusing: TLS is mandatory for a remote database",
    );
  }
}

/** Steps 2 and 3, on the open connection, before anything is read or changed. */
export async function checkServer(
  client: ClientBase,
  host: string,
  resolve: (host: string) => Promise<string[]> = resolveAll,
): Promise<{ otherSessions: number }> {
  const { rows } = await client.query<{ address: string | null; others: number }>(
    `select host(inet_server_addr()) as address,
            (select count(*)::int from pg_stat_activity
              where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'
                and usename is distinct from 'rdsadmin') as others`,
  );
  const { address, others } = rows[0];
  const expected = await resolve(host);
  const problems: string[] = [];
  if (!address || !expected.includes(address)) {
    problems.push(
      `inet_server_addr: the server was reached on ${address ?? "a socket"}, not on an address ${host} resolves to (${expected.join(", ")}): a tunnel or proxy to another server`,
    );
  }
  // Counted, never listed: who is connected is none of the log's business.
  if (others > 0)
    problems.push(
      `pg_stat_activity: ${others} other sessions use this database; the sanitizer is a fresh restore nobody else connects to`,
    );
  if (problems.length > 0)
    throw new RefineryFailure(
      "guard",
      EXIT.refused,
      problems,
      "refusing: the server is not an isolated sanitizer",
    );
  return { otherSessions: others };
}

async function resolveAll(host: string): Promise<string[]> {
  if (net.isIP(host)) return [host];
  const found = await dns.lookup(host, { all: true });
  return found.map((a) => a.address);
}
