import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { createConfigOverlay } from "../tools/engine/config-overlay";

describe("the preview config overlay", () => {
  it("changes only the given keys in a copy, keeps secure values and salt, and leaves the real file alone", () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "multistage-project-"));
    fs.writeFileSync(
      path.join(project, "Pulumi.yaml"),
      "name: multistage\nruntime: nodejs\nmain: index.ts\n",
    );
    fs.writeFileSync(path.join(project, "index.ts"), "export = async () => ({});\n");
    const original = [
      "encryptionsalt: v1:abc:def",
      "config:",
      "  aws:region: eu-west-1",
      "  multistage:stage: production",
      "  # the digest staging ran",
      "  multistage:image: repo@sha256:" + "f".repeat(64),
      "  multistage:alertToken:",
      "    secure: v1:xyz",
      "",
    ].join("\n");
    fs.writeFileSync(path.join(project, "Pulumi.production.yaml"), original);
    const overlay = createConfigOverlay(project, "production", {
      "multistage:image": { value: "repo@sha256:" + "e".repeat(64) },
    });
    try {
      const copied = parse(
        fs.readFileSync(path.join(overlay.dir, "Pulumi.production.yaml"), "utf8"),
      ) as { encryptionsalt: string; config: Record<string, unknown> };
      assert.equal(copied.config["multistage:image"], "repo@sha256:" + "e".repeat(64));
      assert.deepEqual(copied.config["multistage:alertToken"], { secure: "v1:xyz" });
      assert.equal(copied.encryptionsalt, "v1:abc:def");
      assert.equal(fs.readFileSync(path.join(project, "Pulumi.production.yaml"), "utf8"), original);
      assert.ok(fs.lstatSync(path.join(overlay.dir, "index.ts")).isSymbolicLink());
      assert.ok(fs.existsSync(path.join(overlay.dir, "Pulumi.yaml")));
    } finally {
      overlay.remove();
    }
    assert.ok(!fs.existsSync(overlay.dir));
  });

  it("refuses to carry a secret in plain text", () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "multistage-project-"));
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: multistage\nruntime: nodejs\n");
    assert.throws(
      () =>
        createConfigOverlay(project, "staging", {
          "multistage:token": { value: "x", secret: true },
        }),
      /cannot carry the secret/,
    );
  });
});
