import { strict as assert } from "node:assert";
import { componentArgs } from "./helpers/component-args";

describe("component args documentation", () => {
  const args = componentArgs();

  it("finds the components' args", () => {
    const interfaces = new Set(args.map((a) => a.name));
    for (const name of [
      "NetworkArgs",
      "DatabaseArgs",
      "CacheArgs",
      "BucketArgs",
      "AppServiceArgs",
      "BucketSyncArgs",
      "DeployerRoleArgs",
    ])
      assert.ok(interfaces.has(name), name);
  });

  it("every arg has TSDoc, and every optional one says its @default", () => {
    const missing = args
      .filter((a) => a.doc.trim() === "" || (a.optional && a.defaultText === undefined))
      .map(
        (a) =>
          `${a.file} ${a.name}.${a.property}${a.optional ? " (optional, needs @default)" : ""}`,
      );
    assert.deepEqual(missing, []);
  });
});
