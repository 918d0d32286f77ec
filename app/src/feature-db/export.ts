/**
 * `export`: the sanitized database as the feature template's source, written by the app itself
 * because neither the app image nor the feature host's task has pg_dump. The schema is the
 * app's own (app/sql/schema.sql, applied by refresh-template); the data is one gzip'd COPY text
 * file per table, all read in one REPEATABLE READ transaction so they agree with each other,
 * plus the manifest, written last.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { to as copyTo } from "pg-copy-streams";
import type { DatabaseSettings } from "../dependencies";
import { withClient } from "./connect";
import { MANIFEST_FORMAT, MANIFEST_KEY, type Manifest } from "./manifest";
import type { ExportStore } from "./store";
import { columnList, readTables } from "./tables";

export interface ExportOutcome {
  directory: string;
  tables: number;
  rows: number;
  bytes: number;
}

export async function exportDatabase(
  settings: DatabaseSettings,
  store: ExportStore,
  now: Date = new Date(),
): Promise<ExportOutcome> {
  // One directory per export: the manifest that names it is the only thing replaced in place.
  const directory = `export-${now.toISOString().replace(/[:.]/g, "-")}`;
  const work = await fs.promises.mkdtemp(path.join(os.tmpdir(), "feature-export-"));
  try {
    const manifest = await withClient(settings, settings.DB_NAME, async (client) => {
      await client.query("begin isolation level repeatable read read only");
      try {
        const source = await client.query<{ snapshot: string; version: string }>(
          "select pg_current_snapshot()::text as snapshot, current_setting('server_version') as version",
        );
        const tables: Manifest["tables"] = [];
        for (const table of await readTables(client)) {
          const file = `${directory}/${table.name}.tsv.gz`;
          const stream = client.query(
            copyTo(`copy ${table.sql} (${columnList(table.columns)}) to stdout`),
          );
          // Level 1: most of the size win for a fraction of the default level's time.
          await pipeline(
            stream,
            createGzip({ level: 1 }),
            fs.createWriteStream(path.join(work, path.basename(file))),
          );
          tables.push({ name: table.name, columns: table.columns, rows: stream.rowCount, file });
        }
        await client.query("commit");
        return {
          format: MANIFEST_FORMAT,
          version: 1,
          exportedAt: now.toISOString(),
          source: {
            database: settings.DB_NAME,
            snapshot: source.rows[0].snapshot,
            serverVersion: source.rows[0].version,
          },
          tables,
        } satisfies Manifest;
      } catch (error) {
        await client.query("rollback").catch(() => undefined);
        throw error;
      }
    });
    let bytes = 0;
    for (const table of manifest.tables) {
      const local = path.join(work, path.basename(table.file));
      bytes += (await fs.promises.stat(local)).size;
      await store.put(table.file, local);
    }
    const manifestFile = path.join(work, MANIFEST_KEY);
    await fs.promises.writeFile(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
    await store.put(MANIFEST_KEY, manifestFile);
    return {
      directory,
      tables: manifest.tables.length,
      rows: manifest.tables.reduce((sum, table) => sum + table.rows, 0),
      bytes,
    };
  } finally {
    await fs.promises.rm(work, { recursive: true, force: true });
  }
}
