import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { parse } from "yaml";
import { nameViolations } from "../components/naming";
import { StageConfigError } from "../components/stage-errors";
import { PROJECT_ROOT } from "../tools/project/project-files";
import { RenderedResource, renderStack } from "../tools/render/harness";
import { expectRenderFailure, ofType, once, tempStackFile } from "./helpers/renders";

const ACCESS_DIR = path.join(PROJECT_ROOT, "access");
const ACCOUNT = "123456789012";
const OIDC = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
const exampleConfig = (parse(fs.readFileSync(path.join(ACCESS_DIR, "Pulumi.account.yaml"), "utf8")) as { config: Record<string, unknown> }).config;
const tiers = exampleConfig["multistage-access:tiers"] as Record<string, { stages: string[]; principals: string[] }>;
const STAGES = ["development", "staging", "production", "feature"];

const exampleRender = once(() => renderWith(exampleConfig));

/** The example account's render (shared), or a render of other config. */
function renderAccess(config?: Record<string, unknown>) {
  return config ? renderWith(config) : exampleRender();
}

function renderWith(config: Record<string, unknown>) {
  const { dir } = tempStackFile("account", config);
  fs.copyFileSync(path.join(ACCESS_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  return renderStack("account", { programDir: ACCESS_DIR, configDir: dir });
}

interface Document {
  Version: string;
  Statement: unknown[];
}

function roleOf(resources: RenderedResource[], stage: string) {
  const role = resources.find((r) => r.type === "aws:iam/role:Role" && r.physicalName === `multistage-${stage}-deployer`);
  assert.ok(role, `no deployer role for ${stage}`);
  const permissions = resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.inputs.name === `multistage-${stage}-deployer-permissions`);
  const boundary = resources.find((r) => r.type === "aws:iam/policy:Policy" && r.physicalName === `multistage-${stage}-deployer-boundary`);
  assert.ok(permissions && boundary);
  return {
    arn: `arn:aws:iam::${ACCOUNT}:role/multistage-${stage}-deployer`,
    trust: role.inputs.assumeRolePolicy as Document,
    permissions: permissions.inputs.policy as Document,
    boundary: boundary.inputs.policy as Document,
    boundaryArn: role.inputs.permissionsBoundary,
  };
}

async function simulate(request: { principal: string; action: string; resource: string; context?: Record<string, string> }, policies: { identity?: Document; boundary?: Document; resource?: Document }): Promise<string> {
  const response = await runSimulation(
    {
      identityPolicies: policies.identity ? [{ name: "permissions", policy: policies.identity }] : [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(policies.boundary ? { permissionBoundaryPolicies: [{ name: "boundary", policy: policies.boundary }] } : {}),
      ...(policies.resource ? { resourcePolicy: policies.resource } : {}),
      request: { principal: request.principal, action: request.action, resource: { accountId: ACCOUNT, resource: request.resource }, contextVariables: request.context ?? {} },
    } as Parameters<typeof runSimulation>[0],
    {},
  );
  if (response.resultType === "error") throw new Error(`${request.action} on ${request.resource}: ${JSON.stringify(response.errors)}`);
  return response.overallResult;
}

describe("the access project", function () {
  this.timeout(120_000);

  it("creates one deployer role per stage and one for feature stacks, named within IAM limits, and the shared repository", async () => {
    const { resources, outputs } = await renderAccess();
    for (const stage of STAGES) {
      const role = roleOf(resources, stage);
      assert.deepEqual(nameViolations("iam-role", role.arn.split("/").pop() as string), []);
      assert.equal(role.boundaryArn, `arn:aws:iam::${ACCOUNT}:policy/multistage-${stage}-deployer-boundary`, "the deployer carries its own boundary");
    }
    assert.deepEqual(Object.keys(outputs.deployerRoleArns.value as object).sort(), [...STAGES].sort());
    const repository = resources.find((r) => r.type === "aws:ecr/repository:Repository");
    assert.equal(repository?.inputs.imageTagMutability, "IMMUTABLE");
    assert.equal(ofType(resources, "aws:kms/key:Key").length, STAGES.length);
  });

  it("names no wildcard principal anywhere", async () => {
    const { resources } = await renderAccess();
    const text = JSON.stringify(resources.map((r) => r.inputs));
    assert.ok(!/"Principal":\s*"\*"|"AWS":\s*"\*"|"AWS":\s*\["\*"\]/.test(text));
  });

  for (const [tier, settings] of Object.entries(tiers)) {
    for (const principal of settings.principals) {
      it(`${tier} (${principal.split(":").pop()}) may assume exactly the roles of ${settings.stages.join(", ")}`, async () => {
        const { resources } = await renderAccess();
        for (const stage of STAGES) {
          const role = roleOf(resources, stage);
          const result = await simulate({ principal, action: "sts:AssumeRole", resource: role.arn }, { resource: role.trust });
          assert.equal(result === "Allowed", settings.stages.includes(stage), `${tier} -> ${stage}: ${result}`);
        }
      });
    }
  }

  it("a principal in no tier may assume no role", async () => {
    const { resources } = await renderAccess();
    for (const stage of STAGES) {
      const role = roleOf(resources, stage);
      assert.notEqual(await simulate({ principal: `arn:aws:iam::${ACCOUNT}:user/intern`, action: "sts:AssumeRole", resource: role.arn }, { resource: role.trust }), "Allowed");
    }
  });

  const githubJobs: Array<[string, Record<string, string>, string[]]> = [
    ["a pull request", { ref: "refs/pull/42/merge" }, ["feature"]],
    ["a push to develop", { ref: "refs/heads/develop" }, ["development"]],
    ["a release branch", { ref: "refs/heads/release/2.4" }, ["staging"]],
    ["a job in the production environment", { ref: "refs/heads/main", environment: "production" }, ["production", "feature"]],
    ["another repository's job in the production environment", { ref: "refs/heads/main", environment: "production", repository: "someone/else" }, []],
  ];
  for (const [job, claims, allowed] of githubJobs) {
    it(`GitHub Actions: ${job} may assume ${allowed.join(", ") || "no role"}`, async () => {
      const { resources } = await renderAccess();
      const context: Record<string, string> = { "token.actions.githubusercontent.com:repository": "example-org/example-app" };
      for (const [claim, value] of Object.entries(claims)) context[`token.actions.githubusercontent.com:${claim}`] = value;
      for (const stage of STAGES) {
        const role = roleOf(resources, stage);
        const result = await simulate({ principal: OIDC, action: "sts:AssumeRoleWithWebIdentity", resource: role.arn, context }, { resource: role.trust });
        assert.equal(result === "Allowed", allowed.includes(stage), `${job} -> ${stage}: ${result}`);
      }
    });
  }

  it("a lower stage's deployer is denied writes on production's resources, and may manage its own", async () => {
    const { resources } = await renderAccess();
    const writes: Array<[string, string]> = [
      ["s3:PutObject", "arn:aws:s3:::multistage-production-assets/a.png"],
      ["s3:DeleteBucket", "arn:aws:s3:::multistage-production-assets"],
      ["s3:PutBucketPolicy", "arn:aws:s3:::multistage-production-assets"],
      ["rds:DeleteDBInstance", `arn:aws:rds:eu-west-1:${ACCOUNT}:db:multistage-production-db`],
      ["rds:ModifyDBInstance", `arn:aws:rds:eu-west-1:${ACCOUNT}:db:multistage-production-db`],
      ["secretsmanager:PutSecretValue", `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:multistage-production-db-credentials-AbCdEf`],
      ["secretsmanager:GetSecretValue", `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:multistage-production-db-credentials-AbCdEf`],
      ["iam:PutRolePolicy", `arn:aws:iam::${ACCOUNT}:role/multistage-production-app-task`],
      ["ecs:UpdateService", `arn:aws:ecs:eu-west-1:${ACCOUNT}:service/multistage-production-cluster/multistage-production-app`],
    ];
    for (const stage of ["development", "staging", "feature"]) {
      const role = roleOf(resources, stage);
      for (const [action, resource] of writes) {
        const result = await simulate({ principal: role.arn, action, resource }, { identity: role.permissions, boundary: role.boundary });
        assert.notEqual(result, "Allowed", `${stage} deployer may ${action} on ${resource}`);
      }
      // The simulation is not vacuous: the same role manages its own stage.
      const own = stage === "feature" ? "feature-login" : stage;
      assert.equal(await simulate({ principal: role.arn, action: "rds:ModifyDBInstance", resource: `arn:aws:rds:eu-west-1:${ACCOUNT}:db:multistage-${own}-db` }, { identity: role.permissions, boundary: role.boundary }), "Allowed", stage);
    }
  });

  it("a deployer may create a role only with its stage's boundary", async () => {
    const { resources } = await renderAccess();
    const role = roleOf(resources, "staging");
    const create = (boundary?: string) =>
      simulate(
        { principal: role.arn, action: "iam:CreateRole", resource: `arn:aws:iam::${ACCOUNT}:role/multistage-staging-app-task`, context: boundary ? { "iam:PermissionsBoundary": boundary } : {} },
        { identity: role.permissions, boundary: role.boundary },
      );
    assert.equal(await create(`arn:aws:iam::${ACCOUNT}:policy/multistage-staging-deployer-boundary`), "Allowed");
    assert.notEqual(await create(), "Allowed", "without a boundary");
    assert.notEqual(await create(`arn:aws:iam::${ACCOUNT}:policy/multistage-production-deployer-boundary`), "Allowed", "with another stage's boundary");
  });

  it("only a stage's deployer can decrypt with the stage's secrets key; even an account admin cannot", async () => {
    const { resources } = await renderAccess();
    const keys = ofType(resources, "aws:kms/key:Key");
    const production = keys.find((k) => String(k.inputs.description).includes("production"));
    assert.ok(production);
    const keyPolicy = production.inputs.policy as Document;
    const keyArn = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
    const admin: Document = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "kms:*", Resource: "*" }] };
    const decrypt = (principal: string, identity?: Document) => simulate({ principal, action: "kms:Decrypt", resource: keyArn }, { identity, resource: keyPolicy });
    assert.equal(await decrypt(roleOf(resources, "production").arn), "Allowed");
    assert.notEqual(await decrypt(roleOf(resources, "staging").arn, admin), "Allowed");
    assert.notEqual(await decrypt(`arn:aws:iam::${ACCOUNT}:user/account-admin`, admin), "Allowed");
    assert.equal(await simulate({ principal: `arn:aws:iam::${ACCOUNT}:user/account-admin`, action: "kms:ScheduleKeyDeletion", resource: keyArn }, { identity: admin, resource: keyPolicy }), "Allowed", "the account still administers it");
  });

  describe("config errors stop before any resource", () => {
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ["a wildcard principal", { developers: { stages: ["development"], principals: ["*"] } }, /tiers\.developers\.principals\[0\]: got "\*"; expected a single IAM user, role or account ARN: wildcards would let anyone deploy/],
      ["a wildcard inside an ARN", { developers: { stages: ["development"], principals: ["arn:aws:iam::123456789012:role/*"] } }, /wildcards would let anyone deploy/],
      ["a malformed ARN", { developers: { stages: ["development"], principals: ["developers"] } }, /tiers\.developers\.principals\[0\]: got "developers"; expected an IAM principal ARN/],
      ["a tier naming an unknown stage", { developers: { stages: ["development", "qa"], principals: ["arn:aws:iam::123456789012:role/developers"] } }, /tiers\.developers\.stages\[1\]: got "qa"; expected one of development, staging, production, feature/],
    ];
    for (const [what, badTiers, message] of cases) {
      it(what, async () => {
        const failure = await expectRenderFailure(renderAccess({ ...exampleConfig, "multistage-access:tiers": { ...tiers, ...badTiers } }));
        assert.ok(failure.cause instanceof StageConfigError);
        assert.match(failure.message, message);
        assert.equal(failure.registeredResources, 0);
      });
    }
  });
});
