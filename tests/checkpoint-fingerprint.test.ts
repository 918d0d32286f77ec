/**
 * The target state a promotion review records comes from the exported checkpoint: any write
 * must change it, a second read must not, and no secret's plaintext may reach it.
 */
import { strict as assert } from "node:assert";
import { checkpointFingerprint } from "../tools/engine/pulumi-workspace";

const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };

/** The shape `pulumi stack export --show-secrets` prints (apitype.UntypedDeployment). */
function exported(time: string, password: string, image: string) {
  return {
    version: 3,
    deployment: {
      manifest: { time, magic: "abc", version: "v3.248.0" },
      secrets_providers: { type: "passphrase", state: { salt: "v1:salt" } },
      resources: [
        {
          urn: "urn:pulumi:production::multistage::pulumi:pulumi:Stack::multistage-production",
          type: "pulumi:pulumi:Stack",
          outputs: { image },
        },
        {
          urn: "urn:pulumi:production::multistage::aws:rds/instance:Instance::db",
          type: "aws:rds/instance:Instance",
          inputs: { password: { ...SECRET, plaintext: JSON.stringify(password) } },
        },
      ],
    },
  };
}

describe("checkpoint fingerprints", () => {
  const base = exported("2026-03-01T12:00:00Z", "hunter22", "repo@sha256:aa");

  it("is the same for two reads of one checkpoint", () => {
    assert.equal(
      checkpointFingerprint(base),
      checkpointFingerprint(JSON.parse(JSON.stringify(base))),
    );
  });

  it("changes with any write: a new manifest time, a new output", () => {
    assert.notEqual(
      checkpointFingerprint(exported("2026-03-01T12:05:00Z", "hunter22", "repo@sha256:aa")),
      checkpointFingerprint(base),
    );
    assert.notEqual(
      checkpointFingerprint(exported("2026-03-01T12:00:00Z", "hunter22", "repo@sha256:bb")),
      checkpointFingerprint(base),
    );
  });

  it("leaves secret plaintext out (a hash of a short secret can be guessed back)", () => {
    assert.equal(
      checkpointFingerprint(exported("2026-03-01T12:00:00Z", "other-password", "repo@sha256:aa")),
      checkpointFingerprint(base),
    );
  });
});
