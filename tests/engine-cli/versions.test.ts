import { strict as assert } from "node:assert";
import { isSupported, lockedSdkVersion, nearestServed } from "../../tools/engine-cli/versions";

describe("engine:install's choice of CLI version", () => {
  it("supports 3.211 (DIY stack tags) up to, not including, 4.0", () => {
    assert.equal(isSupported("v3.211.0"), true);
    assert.equal(isSupported("3.248.0"), true);
    assert.equal(isSupported("v3.210.9"), false);
    assert.equal(isSupported("v4.0.0"), false);
    assert.equal(isSupported("no version"), false);
  });

  it("builds the lockfile's SDK version, or the nearest the proxy serves below it, else above", () => {
    assert.match(lockedSdkVersion(), /^\d+\.\d+\.\d+$/);
    const served = ["v3.246.0", "v3.247.0", "v3.248.0", "v3.250.0-rc.1", "v3.251.0"];
    assert.equal(nearestServed("3.248.0", served), "v3.248.0");
    assert.equal(nearestServed("3.249.0", served), "v3.248.0");
    assert.equal(nearestServed("3.200.0", served), "v3.246.0");
  });
});
