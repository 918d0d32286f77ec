import { strict as assert } from "node:assert";
import { StageConfigError } from "../components/stage-errors";
import { STAGE_PROFILES } from "../components/stage-profile";
import { resolveStage } from "../components/stage-resolve";
import { decodeConfigValue, namespaceConfig } from "../components/config-values";
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
    const stage = resolveStage("staging", { stage: "staging", image: PINNED_IMAGE, access: accessFor("staging") }, "eu-west-1");
    assert.equal(stage.kind, "staging");
    assert.deepEqual(stage.database, STAGE_PROFILES.staging.database);
    assert.deepEqual(stage.app, { cpu: 512, memory: 1024, desiredCount: 2 });
    assert.equal(stage.teardown, "deletion-protection");
    assert.equal(stage.dbEngineVersion, "16");
  });

  it("lets a stack override any row and keeps the rest of the profile", () => {
    const stage = resolveStage(
      "development",
      { stage: "development", database: { instanceClass: "db.t4g.large" }, app: { cpu: 512, memory: 2048 }, logs: { retentionDays: 30 }, teardown: "retain" },
      "eu-west-1",
    );
    assert.equal(stage.database.instanceClass, "db.t4g.large");
    assert.equal(stage.database.backupRetentionDays, STAGE_PROFILES.development.database.backupRetentionDays);
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
    const error = problemsOf(() => resolveStage("development", { stage: "development", databse: { multiAz: true } }, "eu-west-1"));
    assert.equal(error.problems.length, 1);
    assert.match(error.message, /multistage:databse: got \{"multiAz":true\}; expected no such key; valid keys here are .*database/);
  });

  it("reports an unknown nested key", () => {
    const error = problemsOf(() => resolveStage("development", { stage: "development", app: { cpus: 512 } }, "eu-west-1"));
    assert.match(error.message, /multistage:app\.cpus: got 512; expected no such key; valid keys here are cpu, memory, desiredCount/);
  });

  it("reports a wrong type with the value found", () => {
    const error = problemsOf(() => resolveStage("development", { stage: "development", database: { multiAz: "yes" } }, "eu-west-1"));
    assert.match(error.message, /multistage:database\.multiAz: got "yes"; expected a boolean/);
  });

  it("rejects a Fargate cpu/memory pair that does not exist, naming the valid ones", () => {
    const error = problemsOf(() => resolveStage("development", { stage: "development", app: { cpu: 256, memory: 4096 } }, "eu-west-1"));
    assert.match(error.message, /multistage:app\.memory: got 4096; expected memory 4096 is not valid with cpu 256; Fargate allows 512, 1024, 2048 MiB/);
  });

  it("rejects a cpu Fargate does not offer", () => {
    const error = problemsOf(() => resolveStage("development", { stage: "development", app: { cpu: 300 } }, "eu-west-1"));
    assert.match(error.message, /multistage:app\.cpu: got 300; expected one of the Fargate cpu sizes 256, 512, 1024/);
  });

  it("rejects a mutable image tag in production and a missing image in staging", () => {
    const prod = problemsOf(() => resolveStage("production", { stage: "production", image: "repo/app:latest" }, "eu-west-1"));
    assert.match(prod.message, /multistage:image: got "repo\/app:latest"; expected an image pinned by digest/);
    const staging = problemsOf(() => resolveStage("staging", { stage: "staging" }, "eu-west-1"));
    assert.match(staging.message, /multistage:image: got \(not set\); expected an image pinned by digest/);
  });

  it("refuses a stack named staging that declares another kind", () => {
    const error = problemsOf(() => resolveStage("staging", { stage: "production", image: PINNED_IMAGE }, "eu-west-1"));
    assert.match(error.message, /multistage:stage: got "production"; expected stage staging, because the stack is named "staging"/);
  });

  it("refuses a kind whose stack name does not say it", () => {
    const error = problemsOf(() => resolveStage("sandbox", { stage: "production", image: PINNED_IMAGE }, "eu-west-1"));
    assert.match(error.message, /expected a stack named "production" or "production-<suffix>"/);
  });

  it("refuses production settings that would make its data destroyable", () => {
    const error = problemsOf(() => resolveStage("production", { stage: "production", image: PINNED_IMAGE, teardown: "destroyable" }, "eu-west-1"));
    assert.match(error.message, /multistage:teardown: got "destroyable"; expected retain/);
  });

  it("reports every problem at once", () => {
    const error = problemsOf(() =>
      resolveStage("staging", { stage: "production", typo: 1, app: { cpu: 256, memory: 4096 }, database: { multiAz: "no" } }, undefined),
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
    assert.deepEqual(namespaceConfig({ "multistage:app": '{"cpu":512}', "aws:region": "eu-west-1", "multistage:image": "r@sha256:1" }, "multistage"), {
      app: { cpu: 512 },
      image: "r@sha256:1",
    });
  });

  it("requires the deployer role and boundary in staging and production, naming what to set", () => {
    const error = problemsOf(() => resolveStage("production", { stage: "production", image: PINNED_IMAGE }, "eu-west-1"));
    assert.deepEqual(error.problems.map((p) => p.key), ["multistage:access.deployerRoleArn", "multistage:access.permissionsBoundaryArn"]);
    assert.match(error.message, /the production deployer role ARN exported by the access\/ project/);
    const malformed = problemsOf(() => resolveStage("staging", { stage: "staging", image: PINNED_IMAGE, access: { ...accessFor("staging"), deployerRoleArn: "staging-deployer" } }, "eu-west-1"));
    assert.match(malformed.message, /multistage:access\.deployerRoleArn: got "staging-deployer"; expected an IAM role ARN/);
    assert.equal(resolveStage("development", { stage: "development" }, "eu-west-1").access.deployerRoleArn, undefined, "development may go without");
  });

  it("accepts engine versions given as numbers", () => {
    const stage = resolveStage("development", { stage: "development", dbEngineVersion: 15 }, "eu-west-1");
    assert.equal(stage.dbEngineVersion, "15");
  });
});
