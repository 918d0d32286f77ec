import { strict as assert } from "node:assert";
import type { PolicyResource, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { digestPinned } from "../policy/rules/digest-pinned";
import { encryption } from "../policy/rules/encryption";
import { featureExpiry } from "../policy/rules/feature-expiry";
import { nothingPublic } from "../policy/rules/nothing-public";
import { productionProtected } from "../policy/rules/production-protected";
import { productionUntouchable } from "../policy/rules/production-untouchable";
import { checkPolicies } from "../tools/policy/offline";
import { runStagectl, stdoutJson, testContext } from "./helpers/context";
import { MemoryWorkspace } from "./helpers/memory-workspace";
import { renderStack } from "../tools/render/harness";
import { featureTargetForBranch, loadBranchRules } from "../tools/feature/branches";
import { accessFor, LONG_LIVED_STACKS, PINNED_IMAGE, renderWithConfig, shippedRender } from "./helpers/renders";

function resource(type: string, name: string, props: Record<string, unknown>, protect = false): PolicyResource {
  return {
    type,
    name,
    props,
    urn: `urn:pulumi:s::multistage::${type}::${name}`,
    opts: { protect, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
    dependencies: [],
    propertyDependencies: {},
    isType: () => false,
    asType: () => undefined,
  };
}

const provider = (kind: string, extra: Record<string, string> = {}) =>
  resource("pulumi:providers:aws", "env-aws", { defaultTags: { tags: { project: "multistage", stage: kind, "stage-kind": kind, ...extra } } });

async function violations(policy: StackValidationPolicy, resources: PolicyResource[], stackTags = new Map<string, string>()): Promise<string[]> {
  const found: string[] = [];
  const args: StackValidationArgs = { resources, stackTags, getConfig: <T extends object>() => ({}) as T, notApplicable: (): never => { throw new Error("n/a"); } };
  await policy.validateStack(args, (message) => found.push(message));
  return found;
}

const goodDb = { deletionProtection: true, skipFinalSnapshot: false, storageEncrypted: true, publiclyAccessible: false };
const bucket = (props: Record<string, unknown> = {}) => resource("aws:s3/bucket:Bucket", "env-bucket-bucket", { bucket: "multistage-x-assets", forceDestroy: false, ...props }, true);
const accessBlock = (flags: boolean) =>
  resource("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "env-bucket-public-access", {
    bucket: "multistage-x-assets",
    blockPublicAcls: flags,
    blockPublicPolicy: flags,
    ignorePublicAcls: flags,
    restrictPublicBuckets: flags,
  });

describe("mandatory policies, each on a passing and a violating fixture", () => {
  it("production-stateful-protected", async () => {
    const passing = [provider("production"), resource("aws:rds/instance:Instance", "db", goodDb, true), bucket()];
    assert.deepEqual(await violations(productionProtected, passing), []);
    const failing = [provider("production"), resource("aws:rds/instance:Instance", "db", { ...goodDb, deletionProtection: false, skipFinalSnapshot: true }, false), bucket({ forceDestroy: true })];
    const found = await violations(productionProtected, failing);
    assert.ok(found.some((v) => /db .* must be protected/.test(v)));
    assert.ok(found.some((v) => /deletion protection/.test(v)));
    assert.ok(found.some((v) => /final snapshot/.test(v)));
    assert.ok(found.some((v) => /force-destroyable/.test(v)));
    assert.deepEqual(await violations(productionProtected, [provider("development"), ...failing.slice(1)]), [], "lower stages may be destroyable");
  });

  it("nothing-public-but-the-load-balancer", async () => {
    const web = (port: number) => resource("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", `in-${port}`, { cidrIpv4: "0.0.0.0/0", fromPort: port, toPort: port });
    const passing = [provider("staging"), bucket(), accessBlock(true), web(443), web(80)];
    assert.deepEqual(await violations(nothingPublic, passing), []);
    const failing = [
      provider("staging"),
      bucket(),
      accessBlock(false),
      web(5432),
      resource("aws:rds/instance:Instance", "db", { ...goodDb, publiclyAccessible: true }),
      resource("aws:s3/bucketPolicy:BucketPolicy", "policy", { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "*" }] }) }),
    ];
    const found = await violations(nothingPublic, failing);
    assert.equal(found.length, 4, found.join("\n"));
  });

  it("encryption-at-rest-and-in-transit", async () => {
    const sse = resource("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "sse", { bucket: "multistage-x-assets" });
    const params = (value: string) => resource("aws:rds/parameterGroup:ParameterGroup", "params", { parameters: [{ name: "rds.force_ssl", value }] });
    const cache = (on: boolean) => resource("aws:elasticache/replicationGroup:ReplicationGroup", "cache", { atRestEncryptionEnabled: on, transitEncryptionEnabled: on });
    assert.deepEqual(await violations(encryption, [resource("aws:rds/instance:Instance", "db", goodDb), params("1"), cache(true), bucket(), sse]), []);
    const found = await violations(encryption, [resource("aws:rds/instance:Instance", "db", { ...goodDb, storageEncrypted: false }), params("0"), cache(false), bucket()]);
    assert.equal(found.length, 5, found.join("\n"));
  });

  it("images-pinned-by-digest", async () => {
    const task = (image: string) => resource("aws:ecs/taskDefinition:TaskDefinition", "task", { containerDefinitions: JSON.stringify([{ name: "app", image }]) });
    assert.deepEqual(await violations(digestPinned, [provider("production"), task(PINNED_IMAGE)]), []);
    assert.match((await violations(digestPinned, [provider("production"), task("repo/app:v2")]))[0], /not pinned by digest/);
    assert.deepEqual(await violations(digestPinned, [provider("development"), task("repo/app:v2")]), [], "development may run tags");
  });

  it("feature-stacks-expire", async () => {
    assert.deepEqual(await violations(featureExpiry, [provider("feature", { "expires-at": "2026-03-04T12:00:00Z" })]), []);
    assert.match((await violations(featureExpiry, [provider("feature")]))[0], /no valid expires-at tag/);
    const disagree = await violations(featureExpiry, [provider("feature", { "expires-at": "2026-03-04T12:00:00Z" })], new Map([["multistage:expires-at", "2026-03-09T00:00:00Z"]]));
    assert.match(disagree[0], /disagrees/);
  });

  it("no-lower-stage-writes-to-production", async () => {
    const rolePolicy = (statement: Record<string, unknown>) => resource("aws:iam/rolePolicy:RolePolicy", "policy", { role: "multistage-development-x", policy: { Version: "2012-10-17", Statement: [statement] } });
    const sanitized = rolePolicy({ Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket"], Resource: ["arn:aws:s3:::multistage-production-sanitized/*"] });
    assert.deepEqual(await violations(productionUntouchable, [provider("development"), sanitized]), [], "the sanitized copy is what lower stages read");
    const write = rolePolicy({ Effect: "Allow", Action: ["s3:PutObject"], Resource: ["arn:aws:s3:::multistage-production-assets/*"] });
    assert.match((await violations(productionUntouchable, [provider("development"), write]))[0], /lets a development principal s3:PutObject on arn:aws:s3:::multistage-production-assets\/index\.html/);
    assert.deepEqual(await violations(productionUntouchable, [provider("production"), write]), [], "production's own roles write production");
  });

  describe("no-lower-stage-writes-to-production cannot be bypassed (each found by a review)", () => {
    const account = "123456789012";
    const role = resource("aws:iam/role:Role", "env-app-task-role", { name: "multistage-development-app-task" });
    const inline = (statement: Record<string, unknown>) => resource("aws:iam/rolePolicy:RolePolicy", "p", { role: "multistage-development-app-task", policy: { Version: "2012-10-17", Statement: [statement] } });
    const bypasses: Array<[string, PolicyResource[], RegExp]> = [
      ["a read of production's secret", [inline({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: `arn:aws:secretsmanager:*:${account}:secret:multistage-production-*` })], /secretsmanager:GetSecretValue/],
      ["a multistage-prod* wildcard", [inline({ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::multistage-prod*" })], /s3:PutBucketPolicy on arn:aws:s3:::multistage-production-assets/],
      ["a db:multistage-* wildcard", [inline({ Effect: "Allow", Action: "rds:*", Resource: `arn:aws:rds:*:${account}:db:multistage-*` })], /rds:DeleteDBInstance/],
      ["NotAction", [inline({ Effect: "Allow", NotAction: "iam:*", Resource: "*" })], /rds:DeleteDBInstance/],
      ["NotResource", [inline({ Effect: "Allow", Action: "s3:PutObject", NotResource: "arn:aws:s3:::multistage-development-*" })], /s3:PutObject on arn:aws:s3:::multistage-production-assets/],
      ["an AdministratorAccess attachment", [resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "admin", { role: "multistage-development-app-task", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" })], /ecs:UpdateService/],
      ["an unknown managed policy", [resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "other", { role: "multistage-development-app-task", policyArn: "arn:aws:iam::aws:policy/AmazonS3FullAccess" })], /attaches arn:aws:iam::aws:policy\/AmazonS3FullAccess, a managed policy the pack cannot read/],
      ["Role.inlinePolicies", [resource("aws:iam/role:Role", "sneaky", { name: "multistage-development-sneaky", inlinePolicies: [{ name: "x", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }) }] })], /multistage-development-sneaky lets a development principal/],
    ];
    for (const [what, added, message] of bypasses) {
      it(`reports ${what}`, async () => {
        const found = await violations(productionUntouchable, [provider("development"), role, ...added]);
        assert.ok(found.some((v) => message.test(v)), found.join("\n") || "(no violation)");
      });
    }
  });
});

describe("every shipped stack passes every mandatory policy offline", () => {
  for (const stack of LONG_LIVED_STACKS) {
    it(stack, async () => {
      assert.deepEqual(await checkPolicies(await shippedRender(stack)), []);
    });
  }

  it("a feature stack and a staging replica", async () => {
    const target = featureTargetForBranch("feature/policy", loadBranchRules());
    const feature = await renderStack(target.stack, {
      configOverrides: {
        "aws:region": "eu-west-1",
        "multistage:stage": "feature",
        "multistage:feature": { branch: "feature/policy", createdAt: "2026-03-01T12:00:00Z", expiresAt: "2026-03-04T12:00:00Z" },
      },
    });
    assert.deepEqual(await checkPolicies(feature, new Map([["multistage:expires-at", "2026-03-04T12:00:00Z"]])), []);
    const replica = await renderWithConfig("staging", {
      "aws:region": "eu-west-1",
      "multistage:stage": "staging",
      "multistage:image": PINNED_IMAGE,
      "multistage:data": { source: "production-replica", acknowledgeProductionData: true },
      "multistage:access": accessFor("staging"),
    });
    assert.deepEqual(await checkPolicies(replica), []);
  });

  it("stagectl policy reports a clean stack and exits 0", async () => {
    const context = await runStagectl(testContext(new MemoryWorkspace()), ["policy", "production", "--json"]);
    assert.equal(context.exitCode, 0, context.err.join(""));
    assert.deepEqual(stdoutJson(context), { stack: "production", violations: [] });
  });

  it("a render that breaks a rule is caught offline", async () => {
    const render = structuredClone(await shippedRender("production"));
    const db = render.resources.find((r) => r.type === "aws:rds/instance:Instance");
    assert.ok(db);
    db.options.protect = false;
    db.inputs.storageEncrypted = false;
    const found = await checkPolicies(render);
    assert.deepEqual(found.map((v) => v.policy).sort(), ["encryption-at-rest-and-in-transit", "production-stateful-protected"]);
  });
});
