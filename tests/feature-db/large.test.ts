import { strict as assert } from "node:assert";
import { FeatureHost } from "./fixture";

const USERS = 500_000;

describe("feature-db create from a template holding 1,000,000 rows (real PostgreSQL)", function () {
  this.timeout(300_000);
  let host: FeatureHost;

  before(async () => {
    host = await FeatureHost.start("feature-db-large");
    await host.seedSource("source", USERS, "large");
    const uri = await host.exportFrom("source", "large");
    const refreshed = await host.run(["refresh-template", "--from", uri]);
    assert.equal(refreshed.code, 0, refreshed.text);
    assert.match(refreshed.text, /4 tables, 1000000 rows/);
  });

  after(async () => {
    await host?.stop();
  });

  it("creates the feature database, and its rows equal the ones the template was built from", async () => {
    const started = Date.now();
    const ran = await host.create("large");
    const ms = Date.now() - started;
    assert.equal(ran.code, 0, ran.text);
    // A figure for the reader, not an assertion: durations depend on the machine.
    console.log(`      create of a 1,000,000-row feature database: ${ms} ms (${ran.lines[0]})`);
    const copied = await host.fingerprint("feature_large");
    assert.deepEqual(copied, await host.fingerprint("source"));
    assert.equal(
      Number(copied.users.split(":")[0]) + Number(copied.orders.split(":")[0]),
      1_000_000,
    );
  });
});
