import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify, parse } from "yaml";
import { PROJECT_ROOT } from "../stage/stack-files";
import { renderStack } from "../tools/render/harness";
import { diffStacks } from "../tools/review/stack-diff";
import { staleness, writeSnapshot } from "../tools/review/snapshots";
import { LONG_LIVED_STACKS, shippedRender } from "./helpers/renders";

describe("stagectl diff", () => {
  it("staging vs production: the shipped differences all come from the profile", async () => {
    const diff = await diffStacks({ a: "staging", b: "production" });
    assert.deepEqual(diff.other, [], JSON.stringify(diff.other, null, 2));
    const has = (resource: string, property: string) =>
      diff.fromProfile.some((d) => d.resource.endsWith(resource) && d.path === property);
    assert.ok(has("env-db-instance", "instanceClass"));
    assert.ok(has("env-db-instance", "multiAz"));
    assert.ok(has("env-app-logs", "retentionInDays"));
    assert.ok(has("env-cache-redis", "numCacheClusters"));
    assert.ok(
      diff.fromProfile.some((d) => d.resource.endsWith("env-network-nat-1") && d.path === ""),
      "the second NAT exists only in production",
    );
    // Names were normalised: no difference is just the stage in a name.
    assert.ok(
      ![...diff.fromProfile].some((d) => /multistage-(staging|production)/.test(`${d.a}${d.b}`)),
    );
  });

  it("reports a difference nobody declared in the profile as such", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "multistage-diff-"));
    const production = parse(
      fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.production.yaml"), "utf8"),
    ) as { config: Record<string, unknown> };
    production.config["multistage:logs"] = { retentionDays: 365 };
    production.config["multistage:cache"] = { nodeType: "cache.r7g.large" };
    const stackFile = path.join(dir, "Pulumi.production.yaml");
    fs.writeFileSync(stackFile, stringify(production));
    const diff = await diffStacks({ a: "staging", b: "production", bOptions: { stackFile } });
    const other = diff.other.map(
      (d) => `${d.resource.split("::").pop()} ${d.path} ${d.a} -> ${d.b}`,
    );
    assert.ok(other.includes("env-app-logs retentionInDays 30 -> 365"), other.join("\n"));
    assert.ok(
      other.includes('env-cache-redis nodeType "cache.t4g.small" -> "cache.r7g.large"'),
      other.join("\n"),
    );
    assert.ok(
      diff.fromProfile.some((d) => d.path === "instanceClass"),
      "profile differences are still classified as profile",
    );
  });
});

describe("stage snapshots", () => {
  for (const stack of LONG_LIVED_STACKS) {
    it(`snapshots/${stack}.json matches the current render (run npm run snapshots if not)`, async () => {
      const problem = staleness(await shippedRender(stack));
      assert.equal(problem, undefined, problem);
    });
  }

  it("a changed component makes a snapshot stale, with the refresh command; refreshing fixes it", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "multistage-snap-"));
    const render = await renderStack("staging");
    writeSnapshot(render, dir);
    assert.equal(staleness(render, dir), undefined);
    const changed = structuredClone(render);
    const db = changed.resources.find((r) => r.type === "aws:rds/instance:Instance");
    assert.ok(db);
    db.inputs.storageEncrypted = false;
    assert.match(
      staleness(changed, dir) ?? "",
      /snapshots\/staging\.json is stale: .*run npm run snapshots/,
    );
    writeSnapshot(changed, dir);
    assert.equal(staleness(changed, dir), undefined);
  });
});
