import { strict as assert } from "node:assert";
import { StageConfigError } from "../stage/errors";
import { STAGE_PROFILES } from "../stage/profile";
import { resolveStage } from "../stage/resolve";
import { decodeConfigValue, namespaceConfig } from "../stage/config-values";
import { accessFor, PINNED_IMAGE } from "./helpers/renders";

function problemsOf(fn: () => unknown): StageConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof StageConfigError) return error;
    throw error;
  }
  throw new Error("expected a StageConfigError");
}

describe("stage model", () => {
  it("fills every setting from the kind's profile", () => {
    const stage = resolveStage(
      "staging",
      { stage: "staging", image: PINNED_IMAGE, access: accessFor("staging") },
      "eu-west-1",
    );
    assert.equal(stage.kind, "staging");
    assert.deepEqual(stage.database, STAGE_PROFILES.staging.database);
    assert.deepEqual(stage.app, { cpu: 512, memory: 1024, desiredCount: 2 });
    assert.equal(stage.teardown, "deletion-protection");
    assert.equal(stage.dbEngineVersion, "16");
  });

  it("lets a stack override any row and keeps the rest of the profile", () => {
    const stage = resolveStage(
      "development",
      {
        stage: "development",
        database: { instanceClass: "db.t4g.large" },
        app: { cpu: 512, memory: 2048 },
        logs: { retentionDays: 30 },
        teardown: "retain",
      },
      "eu-west-1",
    );
    assert.equal(stage.database.instanceClass, "db.t4g.large");
    assert.equal(
      stage.database.backupRetentionDays,
      STAGE_PROFILES.development.database.backupRetentionDays,
    );
    assert.deepEqual(stage.app, { cpu: 512, memory: 2048, desiredCount: 1 });
    assert.equal(stage.logs.retentionDays, 30);
    assert.equal(stage.teardown, "retain");
  });

  it("is frozen all the way down", () => {
    const stage = resolveStage("development", { stage: "development" }, "eu-west-1");
    assert.throws(() => {
      (stage.database as { instanceClass: string }).instanceClass = "db.x";
    }, TypeError);
  });

  it("accepts a fourth level from its config alone", () => {
    const stage = resolveStage("testing", { stage: "testing" }, "eu-west-1");
    assert.equal(stage.kind, "testing");
    assert.equal(stage.network.cidr, "10.20.0.0/16");
    assert.equal(stage.logs.retentionDays, 14);
  });

  it("reports an unknown key with its path, its value and the valid keys", () => {
    const error = problemsOf(() =>
      resolveStage(
        "development",
        { stage: "development", databse: { multiAz: true } },
        "eu-west-1",
      ),
    );
    assert.equal(error.problems.length, 1);
    assert.match(
      error.message,
      /multistage:databse: got \{"multiAz":true\}; expected no such key; valid keys here are .*database/,
    );
  });

  it("reports an unknown nested key", () => {
    const error = problemsOf(() =>
      resolveStage("development", { stage: "development", app: { cpus: 512 } }, "eu-west-1"),
    );
    assert.match(
      error.message,
      /multistage:app\.cpus: got 512; expected no such key; valid keys here are cpu, memory, desiredCount/,
    );
  });

  it("reports a wrong type with the value found", () => {
    const error = problemsOf(() =>
      resolveStage(
        "development",
        { stage: "development", database: { multiAz: "yes" } },
        "eu-west-1",
      ),
    );
    assert.match(error.message, /multistage:database\.multiAz: got "yes"; expected a boolean/);
  });

  it("rejects a Fargate cpu/memory pair that does not exist, naming the valid ones", () => {
    const error = problemsOf(() =>
      resolveStage(
        "development",
        { stage: "development", app: { cpu: 256, memory: 4096 } },
        "eu-west-1",
      ),
    );
    assert.match(
      error.message,
      /multistage:app\.memory: got 4096; expected memory 4096 is not valid with cpu 256; Fargate allows 512, 1024, 2048 MiB/,
    );
  });

  it("rejects a cpu Fargate does not offer", () => {
    const error = problemsOf(() =>
      resolveStage("development", { stage: "development", app: { cpu: 300 } }, "eu-west-1"),
    );
    assert.match(
      error.message,
      /multistage:app\.cpu: got 300; expected one of the Fargate cpu sizes 256, 512, 1024/,
    );
  });

  it("rejects a mutable image tag in production and a missing image in staging", () => {
    const prod = problemsOf(() =>
      resolveStage("production", { stage: "production", image: "repo/app:latest" }, "eu-west-1"),
    );
    assert.match(
      prod.message,
      /multistage:image: got "repo\/app:latest"; expected an image pinned by digest/,
    );
    const staging = problemsOf(() => resolveStage("staging", { stage: "staging" }, "eu-west-1"));
    assert.match(
      staging.message,
      /multistage:image: got \(not set\); expected an image pinned by digest/,
    );
  });

  it("refuses a stack name too long for the load balancer's name, naming the limit and why", () => {
    const error = problemsOf(() =>
      resolveStage("development-eu-west-1a", { stage: "development" }, "eu-west-1"),
    );
    assert.match(
      error.message,
      /stack name: got "development-eu-west-1a"; expected .*at most 21 characters \(the load balancer is named multistage-<stack>, 32 characters at most\)/,
    );
    assert.equal(
      resolveStage("development-eu-west-1", { stage: "development" }, "eu-west-1").name,
      "development-eu-west-1",
    );
  });

  it("refuses a 21-character name for a stage that keeps final snapshots, which need room for a hash", () => {
    const error = problemsOf(() =>
      resolveStage(
        "staging-eu-central-1a",
        { stage: "staging", image: PINNED_IMAGE, access: accessFor("staging") },
        "eu-west-1",
      ),
    );
    assert.match(
      error.message,
      /stack name: got "staging-eu-central-1a"; expected at most 20 characters for a stage whose teardown \(deletion-protection\) keeps final snapshots/,
    );
    assert.equal(
      resolveStage(
        "staging-eu-central-1",
        { stage: "staging", image: PINNED_IMAGE, access: accessFor("staging") },
        "eu-west-1",
      ).name,
      "staging-eu-central-1",
    );
  });

  it("refuses a stack named staging that declares another kind", () => {
    const error = problemsOf(() =>
      resolveStage("staging", { stage: "production", image: PINNED_IMAGE }, "eu-west-1"),
    );
    assert.match(
      error.message,
      /multistage:stage: got "production"; expected stage staging, because the stack is named "staging"/,
    );
  });

  it("refuses a kind whose stack name does not say it", () => {
    const error = problemsOf(() =>
      resolveStage("sandbox", { stage: "production", image: PINNED_IMAGE }, "eu-west-1"),
    );
    assert.match(error.message, /expected a stack named "production" or "production-<suffix>"/);
  });

  it("refuses production settings that would make its data destroyable", () => {
    const error = problemsOf(() =>
      resolveStage(
        "production",
        { stage: "production", image: PINNED_IMAGE, teardown: "destroyable" },
        "eu-west-1",
      ),
    );
    assert.match(error.message, /multistage:teardown: got "destroyable"; expected retain/);
  });

  it("reports every problem at once", () => {
    const error = problemsOf(() =>
      resolveStage(
        "staging",
        {
          stage: "production",
          typo: 1,
          app: { cpu: 256, memory: 4096 },
          database: { multiAz: "no" },
        },
        undefined,
      ),
    );
    const keys = error.problems.map((p) => p.key).sort();
    assert.deepEqual(keys, [
      "aws:region",
      "multistage:access.deployerRoleArn",
      "multistage:access.permissionsBoundaryArn",
      "multistage:app.memory",
      "multistage:database.multiAz",
      "multistage:image",
      "multistage:stage",
      "multistage:typo",
    ]);
  });

  it("decodes config values the way the CLI passes them", () => {
    assert.deepEqual(decodeConfigValue('{"cpu":512}'), { cpu: 512 });
    assert.equal(decodeConfigValue("2"), 2);
    assert.equal(decodeConfigValue("true"), true);
    assert.equal(decodeConfigValue("repo/app:1.2"), "repo/app:1.2");
    assert.equal(decodeConfigValue("{not json"), "{not json");
    assert.deepEqual(
      namespaceConfig(
        {
          "multistage:app": '{"cpu":512}',
          "aws:region": "eu-west-1",
          "multistage:image": "r@sha256:1",
        },
        "multistage",
      ),
      {
        app: { cpu: 512 },
        image: "r@sha256:1",
      },
    );
  });

  it("requires the deployer role and boundary in staging and production, naming what to set", () => {
    const error = problemsOf(() =>
      resolveStage("production", { stage: "production", image: PINNED_IMAGE }, "eu-west-1"),
    );
    assert.deepEqual(
      error.problems.map((p) => p.key),
      ["multistage:access.deployerRoleArn", "multistage:access.permissionsBoundaryArn"],
    );
    assert.match(
      error.message,
      /the production deployer role ARN exported by the access\/ project/,
    );
    const malformed = problemsOf(() =>
      resolveStage(
        "staging",
        {
          stage: "staging",
          image: PINNED_IMAGE,
          access: { ...accessFor("staging"), deployerRoleArn: "staging-deployer" },
        },
        "eu-west-1",
      ),
    );
    assert.match(
      malformed.message,
      /multistage:access\.deployerRoleArn: got "staging-deployer"; expected an IAM role ARN/,
    );
    assert.equal(
      resolveStage("development", { stage: "development" }, "eu-west-1").access.deployerRoleArn,
      undefined,
      "development may go without",
    );
  });

  it("takes the commit an image was built from only with that image, and only as a full commit id", () => {
    const commit = "0123456789abcdef0123456789abcdef01234567";
    assert.equal(
      resolveStage(
        "development",
        { stage: "development", image: PINNED_IMAGE, imageCommit: commit },
        "eu-west-1",
      ).imageCommit,
      commit,
    );
    assert.ok(
      !("imageCommit" in resolveStage("development", { stage: "development" }, "eu-west-1")),
    );
    const alone = problemsOf(() =>
      resolveStage("development", { stage: "development", imageCommit: commit }, "eu-west-1"),
    );
    assert.deepEqual(
      alone.problems.map((p) => p.key),
      ["multistage:imageCommit"],
    );
    assert.match(alone.message, /nothing without multistage:image/);
    const short = problemsOf(() =>
      resolveStage(
        "development",
        { stage: "development", image: PINNED_IMAGE, imageCommit: "abc1234" },
        "eu-west-1",
      ),
    );
    assert.match(short.message, /multistage:imageCommit.*full git commit id/);
  });

  it("accepts engine versions given as numbers", () => {
    const stage = resolveStage(
      "development",
      { stage: "development", dbEngineVersion: 15 },
      "eu-west-1",
    );
    assert.equal(stage.dbEngineVersion, "15");
  });
});

describe("production guardrails (refused by the stage model, before any resource)", () => {
  const production = (extra: Record<string, unknown>) => ({
    stage: "production",
    image: PINNED_IMAGE,
    access: accessFor("production"),
    ...extra,
  });
  const cases: Array<[string, string, Record<string, unknown>, RegExp]> = [
    [
      "no backups",
      "production",
      production({ database: { backupRetentionDays: 0 } }),
      /multistage:database\.backupRetentionDays: got 0; expected at least 7 in production/,
    ],
    [
      "no running task",
      "production",
      production({ app: { desiredCount: 0 } }),
      /multistage:app\.desiredCount: got 0; expected at least 2 in production/,
    ],
    [
      "versioning off",
      "production",
      production({ bucket: { versioning: false } }),
      /multistage:bucket\.versioning: got false; expected true in production/,
    ],
    [
      "one day of logs",
      "production",
      production({ logs: { retentionDays: 1 } }),
      /multistage:logs\.retentionDays: got 1; expected at least 30 in production/,
    ],
    [
      "no access logs",
      "production",
      production({ logs: { accessLogs: false } }),
      /multistage:logs\.accessLogs: got false; expected true in production \(or leave it out\): load balancer and bucket access logs are the audit trail/,
    ],
    [
      "another stage's address range",
      "production",
      production({ network: { cidr: "10.30.0.0/16" } }),
      /multistage:network\.cidr: got "10\.30\.0\.0\/16"; expected a \/16 no other stage uses; 10\.30\.0\.0\/16 is staging's/,
    ],
    [
      "an image from another registry",
      "production",
      production({ image: `docker.io/library/app@sha256:${"a".repeat(64)}` }),
      /multistage:image: got "docker\.io.*expected an image of the shared repository/,
    ],
    [
      "an image from another account",
      "production",
      production({
        image: `999999999999.dkr.ecr.eu-west-1.amazonaws.com/multistage-app@sha256:${"a".repeat(64)}`,
      }),
      /expected an image of the shared repository.*in account 123456789012/,
    ],
    [
      "another stage's deployer and boundary",
      "production",
      production({ access: accessFor("staging") }),
      /multistage:access\.deployerRoleArn: got ".*staging-deployer"; expected the production deployer[^\n]*\n.*multistage:access\.permissionsBoundaryArn/s,
    ],
    [
      "a deployer in another account than its boundary",
      "production",
      production({
        access: {
          ...accessFor("production"),
          deployerRoleArn: "arn:aws:iam::999999999999:role/multistage-access-production-deployer",
        },
      }),
      /multistage:access: .*expected a deployer role and boundary in the same account/,
    ],
    [
      "staging borrowing production's range",
      "staging",
      {
        stage: "staging",
        image: PINNED_IMAGE,
        access: accessFor("staging"),
        network: { cidr: "10.40.0.0/16" },
      },
      /10\.40\.0\.0\/16 is production's/,
    ],
  ];
  for (const [what, stack, raw, message] of cases) {
    it(`refuses ${what}`, () => {
      assert.match(problemsOf(() => resolveStage(stack, raw, "eu-west-1")).message, message);
    });
  }

  it("refuses a feature stack in production's network", () => {
    const feature = {
      branch: "feature/x",
      createdAt: "2026-03-01T12:00:00Z",
      expiresAt: "2026-03-04T12:00:00Z",
      networkStack: "production",
    };
    assert.match(
      problemsOf(() => resolveStage("feature-x", { stage: "feature", feature }, "eu-west-1"))
        .message,
      /multistage:feature\.networkStack: got "production"; expected development, or a suffixed development stack/,
    );
  });

  it("keeps access logs on in staging and production by profile, lets staging turn them off, and reports a non-boolean", () => {
    const kinds = Object.fromEntries(
      Object.entries(STAGE_PROFILES).map(([kind, profile]) => [kind, profile.logs.accessLogs]),
    );
    assert.deepEqual(kinds, {
      development: false,
      testing: false,
      staging: true,
      production: true,
      feature: false,
    });
    const staging = { stage: "staging", image: PINNED_IMAGE, access: accessFor("staging") };
    assert.equal(
      resolveStage("staging", { ...staging, logs: { accessLogs: false } }, "eu-west-1").logs
        .accessLogs,
      false,
    );
    assert.equal(
      resolveStage("development", { stage: "development", logs: { accessLogs: true } }, "eu-west-1")
        .logs.accessLogs,
      true,
    );
    assert.equal(
      resolveStage("production", production({ logs: { accessLogs: true } }), "eu-west-1").logs
        .accessLogs,
      true,
    );
    assert.match(
      problemsOf(() =>
        resolveStage("staging", { ...staging, logs: { accessLogs: "yes" } }, "eu-west-1"),
      ).message,
      /multistage:logs\.accessLogs: got "yes"; expected a boolean/,
    );
  });

  it("accepts what the profile gives production, and overrides above the floors", () => {
    assert.doesNotThrow(() =>
      resolveStage(
        "production",
        production({
          database: { backupRetentionDays: 30 },
          app: { desiredCount: 4 },
          logs: { retentionDays: 365 },
        }),
        "eu-west-1",
      ),
    );
  });
});
