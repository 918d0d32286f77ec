import { strict as assert } from "node:assert";
import * as path from "node:path";
import { nameOutsideStage, OWN_NAME_PROPERTIES } from "../lib/aws/name-guard";
import { renderStack } from "../tools/render/harness";
import { expectRenderFailure } from "./helpers/renders";

const FIXTURE = path.join(__dirname, "fixtures", "name-guard");
const BUCKET = "aws:s3/bucket:Bucket";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";

describe("the stage name guard", () => {
  it("accepts the stage's prefix alone and names under it", () => {
    assert.equal(
      nameOutsideStage(
        "multistage",
        "staging",
        "aws:lb/loadBalancer:LoadBalancer",
        "name",
        "multistage-staging",
      ),
      undefined,
    );
    assert.equal(
      nameOutsideStage("multistage", "staging", BUCKET, "bucket", "multistage-staging-assets"),
      undefined,
    );
    assert.equal(
      nameOutsideStage("multistage", "staging", LOG_GROUP, "name", "/multistage/staging/app"),
      undefined,
    );
  });

  it("refuses another stage's names, a longer stage name sharing the prefix, and a log group elsewhere", () => {
    assert.match(
      nameOutsideStage("multistage", "staging", BUCKET, "bucket", "multistage-production-assets") ??
        "",
      /aws:s3\/bucket:Bucket bucket "multistage-production-assets" is outside stage staging's names: expected multistage-staging or a name starting with multistage-staging-/,
    );
    assert.ok(
      nameOutsideStage("multistage", "staging", BUCKET, "bucket", "multistage-stagingx-assets"),
    );
    assert.ok(
      nameOutsideStage("multistage", "feature-a", BUCKET, "bucket", "multistage-feature-ab-assets"),
    );
    assert.match(
      nameOutsideStage("multistage", "staging", LOG_GROUP, "name", "/multistage/production/app") ??
        "",
      /expected a name starting with \/multistage\/staging\//,
    );
  });

  it("stops a program that registers a name outside its stage, before that resource reaches the engine", async () => {
    const failure = await expectRenderFailure(
      renderStack("staging", {
        programDir: FIXTURE,
        configOverrides: { "guard:bucket": "multistage-production-assets" },
      }),
    );
    assert.match(
      failure.message,
      /stage-bucket: aws:s3\/bucket:Bucket bucket "multistage-production-assets" is outside stage staging's names/,
    );
    assert.equal(failure.registeredResources, 1, "only the component itself was registered");
  });

  it("lets the same program through with a name of its own stage", async () => {
    const render = await renderStack("staging", {
      programDir: FIXTURE,
      configOverrides: { "guard:bucket": "multistage-staging-assets" },
    });
    assert.deepEqual(
      render.resources.filter((r) => r.type === BUCKET).map((r) => r.physicalName),
      ["multistage-staging-assets"],
    );
  });

  for (const stack of ["development", "staging", "production"]) {
    it(`${stack}: every own name of every guarded type in the shipped render is inside the stage's names`, async () => {
      const render = await renderStack(stack);
      const named = render.resources.filter((r) => OWN_NAME_PROPERTIES[r.type]);
      assert.ok(named.length >= 20, `only ${named.length} named resources`);
      for (const resource of named) {
        for (const property of OWN_NAME_PROPERTIES[resource.type]) {
          const value = resource.inputs[property];
          if (typeof value === "string")
            assert.equal(
              nameOutsideStage("multistage", stack, resource.type, property, value),
              undefined,
            );
        }
      }
    });
  }
});

describe("the stage name guard on names that are not plain strings", () => {
  it("refuses an output as a name: it could not be checked before the resource is created", async () => {
    const { stageNameGuard } = await import("../lib/aws/name-guard");
    const pulumi = await import("@pulumi/pulumi");
    const guard = stageNameGuard("multistage", "staging");
    assert.throws(
      () =>
        guard({
          type: BUCKET,
          name: "stage-bucket",
          props: { bucket: pulumi.output("multistage-staging-assets") },
          opts: {},
          resource: undefined as never,
        }),
      /stage-bucket: aws:s3\/bucket:Bucket bucket is not a plain string; make it with the naming module/,
    );
    assert.equal(
      guard({
        type: BUCKET,
        name: "stage-bucket",
        props: { bucket: "multistage-staging-assets" },
        opts: {},
        resource: undefined as never,
      }),
      undefined,
    );
  });
});
