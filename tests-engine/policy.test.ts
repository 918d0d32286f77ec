/**
 * Scenario 6, policy: `pulumi preview -s production --policy-pack policy` runs the project's
 * policy pack inside the real engine (through the language host's RunPlugin), and a change that
 * breaks a mandatory rule fails the preview with the violation.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { EngineSuite, expectFailure, expectSuccess } from "./harness/engine";

describe("policy: pulumi preview -s production --policy-pack policy", () => {
  let engine: EngineSuite;

  before(async () => {
    engine = await EngineSuite.start();
  });
  after(() => engine?.dispose());

  it("runs the pack on production's preview, and the program as committed passes every mandatory rule", async () => {
    const checkout = engine.checkout();
    expectSuccess(await engine.pulumi(["stack", "init", "production"], { cwd: checkout }));
    const preview = expectSuccess(
      await engine.pulumi(["preview", "-s", "production", "--policy-pack", "policy"], {
        cwd: checkout,
      }),
    );
    // The engine lists every pack it ran under "Policies:", with the pack's name and its local path.
    assert.match(preview.stdout, /Policies:[\s\S]*multistage@v[\d.]+ \(local: policy\)/);
    assert.doesNotMatch(preview.stdout, /\[mandatory\]/);
    assert.deepEqual(engine.journal(), [], "a preview reached the cloud");
  });

  it("reports a change that leaves production's data unprotected as mandatory violations, and fails", async () => {
    const checkout = engine.checkout();
    // A pull request that weakens production's teardown mode in code, where no config check sees it.
    const teardown = path.join(checkout.dir, "stage", "teardown.ts");
    const source = fs.readFileSync(teardown, "utf8");
    const weakened = source.replace(
      /retain: \{\n(\s+)protect: true,\n\s+retainOnDelete: true,\n\s+deletionProtection: true,/,
      "retain: {\n$1protect: false,\n$1retainOnDelete: true,\n$1deletionProtection: false,",
    );
    assert.notEqual(
      weakened,
      source,
      "stage/teardown.ts no longer has the retain block this test edits",
    );
    fs.writeFileSync(teardown, weakened);

    const preview = expectFailure(
      await engine.pulumi(["preview", "-s", "production", "--policy-pack", "policy"], {
        cwd: checkout,
      }),
    );
    const output = preview.stdout + preview.stderr;
    assert.match(output, /\[mandatory\]\s+production-stateful-protected/);
    assert.match(
      output,
      /env-db-instance \(aws:rds\/instance:Instance\) must be protected in production/,
    );
    assert.match(output, /env-db-instance must have deletion protection on in production/);
    assert.deepEqual(engine.journal(), [], "a preview reached the cloud");
  });
});
