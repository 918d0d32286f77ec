/**
 * Connections to the feature host: the admin's, to any database on it, with TLS as the app
 * connects (postgresSettings), and a feature role's, to check its password without changing it.
 */
import { Client } from "pg";
import { postgresSettings, type DatabaseSettings } from "../dependencies";

export async function connectAs(
  settings: DatabaseSettings,
  database: string,
  user?: { name: string; password: string },
): Promise<Client> {
  const client = new Client({
    ...postgresSettings({
      ...settings,
      DB_NAME: database,
      ...(user ? { DB_USER: user.name, DB_PASSWORD: user.password } : {}),
    }),
    application_name: "multistage-feature-db",
    connectionTimeoutMillis: 15_000,
  });
  // An error event on an idle client (its session terminated) would otherwise crash the process.
  client.on("error", () => undefined);
  await client.connect();
  return client;
}

/** Runs body on a fresh admin connection to `database` and always closes it. */
export async function withClient<T>(
  settings: DatabaseSettings,
  database: string,
  body: (client: Client) => Promise<T>,
): Promise<T> {
  const client = await connectAs(settings, database);
  try {
    return await body(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
