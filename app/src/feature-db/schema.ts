/**
 * The app's schema (app/sql/schema.sql, which the image ships beside dist/), applied as local
 * runs apply it (tools/local/dev.ts): the whole file as one simple query.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ClientBase } from "pg";

/** From app/src/feature-db/ and from app/dist/feature-db/ alike. */
export const SCHEMA_FILE = path.join(__dirname, "..", "..", "sql", "schema.sql");

export async function applySchema(client: ClientBase, file = SCHEMA_FILE): Promise<void> {
  await client.query(await fs.promises.readFile(file, "utf8"));
}
