import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { gunzipSync } from "node:zlib";
import type { Manifest } from "../../app/src/feature-db/manifest";
import { main } from "../../app/src/sanitize";
import { loadRules } from "../../app/src/sanitizer/rules";
import { PgCluster } from "../../tools/local/pg-cluster";
import { memoryLogger } from "../../tools/local/refinery";
import {
  createAppDatabase,
  seedProduction,
  type SeededProduction,
} from "../../tools/local/refinery-seed";
import { cloneDatabase, configFor, environment } from "../refinery/fixture";

describe("the sanitize task exports the scrubbed database for the feature template (real PostgreSQL)", function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  // A "production" of its own, not the refinery's shared one: the clones this file leaves
  // unsanitized (a refused run) must not be in the files the refinery's end-to-end test restores.
  let cluster: PgCluster;
  let seeded: SeededProduction;

  before(async () => {
    cluster = await PgCluster.create("feature-db-sanitize-export");
    await createAppDatabase(cluster);
    seeded = await seedProduction(cluster, 300);
  });

  after(async () => {
    await cluster?.remove();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function sanitizeWith(uri: string) {
    const database = await cloneDatabase(cluster);
    const log = memoryLogger();
    const code = await main(
      { ...environment(configFor(cluster, database)), FEATURE_TEMPLATE_EXPORT_URI: uri },
      { logger: log.logger, rules: loadRules() },
    );
    return { code, log, seeded };
  }

  it("writes a manifest and one file per table after the scrub, with no original value in any file", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "multistage-sanitize-export-"));
    dirs.push(dir);
    const { code, log, seeded } = await sanitizeWith(`${pathToFileURL(dir).href}/`);
    assert.equal(code, 0, log.text());
    const manifest = JSON.parse(
      fs.readFileSync(path.join(dir, "manifest.json"), "utf8"),
    ) as Manifest;
    const rows = Object.fromEntries(manifest.tables.map((t) => [t.name, t.rows]));
    assert.deepEqual(rows, {
      "public.api_tokens": 0,
      "public.orders": seeded.counts.orders,
      "public.sessions": 0,
      "public.users": seeded.counts.users,
    });
    for (const table of manifest.tables) {
      const text = gunzipSync(fs.readFileSync(path.join(dir, table.file))).toString("utf8");
      assert.equal(text.split("\n").length - 1, table.rows, table.name);
      assert.ok(!text.includes(seeded.token), `${table.name} holds an original value`);
    }
    assert.ok(log.lines().some((line) => line.step === "export" && line.tables === 4));
  });

  it("refuses an export URI that is neither s3 nor file before changing anything", async () => {
    const { code, log } = await sanitizeWith("https://example.test/exports/");
    assert.equal(code, 2, log.text());
    assert.match(
      log.text(),
      /FEATURE_TEMPLATE_EXPORT_URI: got \\"https:\/\/example.test\/exports\/\\"/,
    );
    assert.ok(!log.lines().some((line) => line.step === "apply"), "the sanitizer ran");
  });

  it("fails the run (no snapshot) when the export cannot be written", async () => {
    // A regular file where the export's directory would go: every write under it fails.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "multistage-sanitize-export-"));
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, "blocker"), "");
    const { code, log } = await sanitizeWith(`${pathToFileURL(path.join(dir, "blocker")).href}/`);
    assert.equal(code, 1, log.text());
    assert.match(log.text(), /export for the feature template failed/);
  });
});
