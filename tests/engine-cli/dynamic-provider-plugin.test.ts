import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  DYNAMIC_PROVIDER_PLUGIN,
  installDynamicProviderPlugin,
} from "../../tools/engine-cli/install";
import { PROJECT_ROOT } from "../../stage/stack-files";

describe("engine:install's dynamic provider plugin", () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "multistage-dynamic-plugin-"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("writes an executable pulumi-resource-pulumi-nodejs that starts the program's own SDK's dynamic provider", () => {
    const file = installDynamicProviderPlugin(dir);
    assert.equal(path.basename(file), DYNAMIC_PROVIDER_PLUGIN);
    assert.ok((fs.statSync(file).mode & 0o111) !== 0, "not executable");
    const script = fs.readFileSync(file, "utf8");
    assert.match(script, /require\.resolve\('@pulumi\/pulumi\/cmd\/dynamic-provider'\)/);
    // Resolved from the program's directory (the engine starts plugins there), it finds the
    // entry of the SDK that serialized the provider.
    const line = script
      .split("\n")
      .find((l) => l.startsWith("PULUMI_DYNAMIC_PROVIDER_SCRIPT_PATH="));
    assert.ok(line);
    const resolved = execFileSync(
      "sh",
      ["-c", `${line}; echo "$PULUMI_DYNAMIC_PROVIDER_SCRIPT_PATH"`],
      {
        cwd: PROJECT_ROOT,
        encoding: "utf8",
      },
    ).trim();
    assert.equal(
      fs.realpathSync(resolved),
      fs.realpathSync(require.resolve("@pulumi/pulumi/cmd/dynamic-provider")),
    );
    assert.equal(installDynamicProviderPlugin(dir), file, "idempotent");
  });
});
