import { strict as assert } from "node:assert";
import { featureCacheAccessString } from "../components/feature-cache-user";
import { nameViolations, NamedResourceType } from "../lib/aws/naming";
import { featureFixture } from "./helpers/feature-fixture";
import { featureTargetForBranch, loadBranchRules } from "../tools/feature/branches";
import { renderToJson, renderToText } from "../tools/render/format";
import { defaultStackOutputs, renderStack, RenderWithSecrets } from "../tools/render/harness";
import {
  appContainer,
  expectRenderFailure,
  named,
  ofType,
  once,
  onlyOfType,
  TYPES,
} from "./helpers/renders";

const DEVELOPMENT = "organization/multistage/development";
const USER = "aws:elasticache/user:User";
const USER_GROUP = "aws:elasticache/userGroup:UserGroup";
const ASSOCIATION = "aws:elasticache/userGroupAssociation:UserGroupAssociation";
const SERVERLESS = "aws:elasticache/serverlessCache:ServerlessCache";

/** Development's featureCache output, shaped as its render exports it. */
const FEATURE_CACHE = {
  address: "master.multistage-development-cache.abc123.euw1.cache.amazonaws.com",
  port: 6379,
  userGroupId: "multistage-development-cache",
};

const target = featureTargetForBranch("feature/checkout-v2", loadBranchRules());
const sharedCacheConfig = featureFixture({ cache: "shared" }).config;
const developmentOutputs = defaultStackOutputs("multistage")[DEVELOPMENT];
const withFeatureCache = { [DEVELOPMENT]: { ...developmentOutputs, featureCache: FEATURE_CACHE } };

interface Container {
  environment: Array<{ name: string; value: string }>;
  secrets: Array<{ name: string; valueFrom: string }>;
}

/** No generated secret in the outputs or either render format (tests/secrets.test.ts's check). */
function assertNoPlaintextSecret(render: RenderWithSecrets, stack: string): void {
  assert.ok(render.generatedSecrets.length >= 1, "the stack generated secrets");
  const documents = [JSON.stringify(render.outputs), renderToJson(render), renderToText(render)];
  for (const secret of render.generatedSecrets)
    for (const document of documents)
      assert.ok(!document.includes(secret), `plaintext secret leaked in ${stack}`);
}

/** Every physical name of the render fits its AWS rule, as the naming module states them. */
function assertNamesFit(render: RenderWithSecrets, types: Record<string, NamedResourceType>): void {
  for (const [type, rule] of Object.entries(types))
    for (const resource of ofType(render.resources, type)) {
      const name = resource.physicalName as string;
      assert.deepEqual(nameViolations(rule, name), [], `${type} ${name}`);
    }
}

describe("featureStacks.cache shared: a feature stack's user on development's cache", () => {
  const render = once(() =>
    renderStack(target.stack, {
      configOverrides: sharedCacheConfig,
      stackOutputs: withFeatureCache,
    }),
  );

  it("has no cache of its own: no replication group, no serverless cache, no user group", async () => {
    const { resources } = await render();
    for (const type of [TYPES.cache, SERVERLESS, USER_GROUP])
      assert.equal(ofType(resources, type).length, 0, type);
  });

  it("has a user named after the stack that reaches only its own keys and channels, in development's group", async () => {
    const { resources } = await render();
    const user = onlyOfType(resources, USER).inputs;
    assert.equal(user.userName, target.stack);
    assert.equal(user.engine, "redis");
    assert.equal(
      user.accessString,
      `on ~${target.stack}:* &${target.stack}:* +@all -@dangerous -@admin`,
    );
    assert.equal(user.accessString, featureCacheAccessString(target.stack));
    assert.equal(user.passwords, "[secret]");
    const association = onlyOfType(resources, ASSOCIATION).inputs;
    assert.equal(association.userGroupId, FEATURE_CACHE.userGroupId);
    assert.equal(association.userId, user.userId);
  });

  it("points the app at development's cache as that user, under its prefix, with the password from its own secret", async () => {
    const { resources } = await render();
    const container = appContainer<Container>(resources);
    const env = Object.fromEntries(container.environment.map((e) => [e.name, e.value]));
    assert.equal(env.REDIS_HOST, FEATURE_CACHE.address);
    assert.equal(env.REDIS_PORT, "6379");
    assert.equal(env.REDIS_USERNAME, target.stack);
    assert.equal(env.REDIS_KEY_PREFIX, `${target.stack}:`);
    const token = container.secrets.find((s) => s.name === "REDIS_TOKEN");
    assert.ok(token);
    const secret = named(resources, "env-cache-secret");
    assert.match(token.valueFrom, /:password::$/);
    assert.equal(secret.physicalName, `multistage-${target.stack}-cache-user-credentials`);
    assert.equal(named(resources, "env-cache-secret-value").inputs.secretString, "[secret]");
  });

  it("keeps every password out of its outputs and renders", async () => {
    assertNoPlaintextSecret(await render(), target.stack);
  });

  it("names its user within ElastiCache's rules", async () => {
    const result = await render();
    assertNamesFit(result, { [USER]: "elasticache-user" });
    assert.equal(
      onlyOfType(result.resources, USER).physicalName,
      `multistage-${target.stack}-cache`,
    );
  });

  it("with a serverless cache, authenticates as default under the same prefix", async () => {
    const { resources } = await renderStack(target.stack, {
      configOverrides: featureFixture({ cache: "serverless" }).config,
      stackOutputs: withFeatureCache,
    });
    assert.equal(ofType(resources, SERVERLESS).length, 1);
    assert.equal(ofType(resources, ASSOCIATION).length, 0);
    // Switching modes creates the new resources before deleting the old: no name in common
    // within one type (users and user groups are named apart by AWS).
    const cacheNames = (list: typeof resources) =>
      list
        .filter((r) => [TYPES.secret, USER, USER_GROUP].includes(r.type) && /cache/.test(r.name))
        .map((r) => `${r.type} ${String(r.physicalName)}`);
    const shared = cacheNames((await render()).resources);
    assert.ok(shared.length >= 2);
    for (const name of cacheNames(resources)) assert.ok(!shared.includes(name), name);
    const container = appContainer<Container>(resources);
    const env = Object.fromEntries(container.environment.map((e) => [e.name, e.value]));
    assert.equal(env.REDIS_USERNAME, "default");
    assert.equal(env.REDIS_KEY_PREFIX, `${target.stack}:`);
    assert.match(
      container.secrets.find((s) => s.name === "REDIS_TOKEN")?.valueFrom ?? "",
      /:authToken::$/,
    );
  });

  it("fails before registering anything of its own when development offers no shared cache", async () => {
    const failure = await expectRenderFailure(
      renderStack(target.stack, { configOverrides: sharedCacheConfig }),
    );
    assert.match(
      failure.message,
      /^Stack organization\/multistage\/development has no output "featureCache"; .*multistage:featureStacks\.cache shared/,
    );
    assert.equal(failure.registeredResources, 2);
  });
});

describe("featureStacks.cache shared: development's cache", () => {
  const render = once(() =>
    renderStack("development", {
      configOverrides: {
        "multistage:featureStacks": JSON.stringify({ isolation: "shared", cache: "shared" }),
      },
    }),
  );

  it("authenticates its replication group with a user group, not an AUTH token", async () => {
    const { resources } = await render();
    const group = onlyOfType(resources, TYPES.cache).inputs;
    assert.equal(group.authToken, undefined);
    assert.equal(group.authTokenUpdateStrategy, "DELETE");
    const users = onlyOfType(resources, USER_GROUP);
    assert.deepEqual(group.userGroupIds, [users.inputs.userGroupId]);
    assert.equal(users.inputs.engine, "redis");
    assert.deepEqual(users.options.ignoreChanges, ["userIds"]);
    const user = onlyOfType(resources, USER).inputs;
    assert.equal(user.userName, "default");
    assert.equal(user.accessString, "on ~* +@all");
    assert.equal(user.passwords, "[secret]");
    assert.deepEqual(users.inputs.userIds, [user.userId]);
  });

  it("admits the feature apps' group on the Redis port, beside its own app", async () => {
    const { resources } = await render();
    // Group ids as the mocks hand them out: the app's rule names the cache's group, the feature
    // apps' egress rule names theirs.
    const fromApp = named(resources, "env-cache-from-app").inputs;
    const featureAppsGroupId = named(resources, "env-firewall-feature-apps-out").inputs
      .securityGroupId;
    const rule = named(resources, "env-cache-from-feature-apps").inputs;
    assert.equal(rule.securityGroupId, fromApp.securityGroupId);
    assert.equal(rule.referencedSecurityGroupId, featureAppsGroupId);
    assert.notEqual(featureAppsGroupId, fromApp.referencedSecurityGroupId);
    assert.equal(rule.ipProtocol, "tcp");
    assert.equal(rule.fromPort, 6379);
    assert.equal(rule.toPort, 6379);
  });

  it("exports featureCache: its address, port and user group", async () => {
    const { outputs, resources } = await render();
    assert.equal(outputs.featureCache.secret, false);
    const exported = outputs.featureCache.value as Record<string, unknown>;
    // The shape a feature stack reads (FeatureCacheRef), as this file's fixture holds it.
    assert.deepEqual(Object.keys(exported).sort(), Object.keys(FEATURE_CACHE).sort());
    assert.equal(exported.port, 6379);
    assert.equal(exported.userGroupId, onlyOfType(resources, USER_GROUP).inputs.userGroupId);
    assert.equal(typeof exported.address, "string");
  });

  it("keeps the token out of its outputs and renders, and names within ElastiCache's rules", async () => {
    const result = await render();
    assertNoPlaintextSecret(result, "development");
    assertNamesFit(result, {
      [USER]: "elasticache-user",
      [USER_GROUP]: "elasticache-user-group",
      [TYPES.cache]: "elasticache-replication-group",
    });
  });

  it("keeps its AUTH token, and exports no featureCache, with sidecar feature caches (the default)", async () => {
    const { resources, outputs } = await renderStack("development");
    assert.equal(onlyOfType(resources, TYPES.cache).inputs.authToken, "[secret]");
    assert.equal(onlyOfType(resources, TYPES.cache).inputs.userGroupIds, undefined);
    assert.equal(ofType(resources, USER_GROUP).length, 0);
    assert.equal(outputs.featureCache, undefined);
  });
});
