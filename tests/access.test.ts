import { strict as assert } from "node:assert";
import { nameViolations } from "../lib/aws/naming";
import { AccessConfigError } from "../access/config";
import { stagePolicy } from "../access/deployer-policies";
import { accessDocuments, roleDocuments, stageAccess } from "../access/documents";
import { resolveAccessConfig } from "../access/config";
import { IAM_LIMITS, limitProblems, policySize } from "../access/iam-limits";
import { ofType } from "./helpers/renders";
import { expectRenderFailure } from "./helpers/renders";
import {
  ACCOUNT,
  asDeployer,
  exampleAccess,
  exampleAccessConfig,
  OIDC,
  renderAccessWith,
  simulate,
  stageRoles,
} from "./helpers/access";

const tiers = exampleAccessConfig["multistage-access:tiers"] as Record<
  string,
  { stages: string[]; principals: string[] }
>;
const STAGES = ["development", "staging", "production", "feature"];
const raw = (config: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(config)
      .filter(([k]) => k.startsWith("multistage-access:"))
      .map(([k, v]) => [k.slice("multistage-access:".length), v]),
  );

/** The largest configuration the schema allows: every stage, every option, long names. */
function largestConfig(principalsPerStage: number) {
  const stages = ["development", "testing", "staging", "production"];
  const principal = (i: number) =>
    `arn:aws:iam::${ACCOUNT}:role/${"a-very-long-team-role-name-for-deployments".slice(0, 40)}-${i}`;
  return resolveAccessConfig({
    accountId: ACCOUNT,
    stages,
    tiers: Object.fromEntries(
      [...stages, "feature"].map((stage) => [
        `tier-${stage}`,
        {
          stages: [stage],
          principals: Array.from({ length: principalsPerStage }, (_, i) => principal(i)),
        },
      ]),
    ),
    github: {
      repository: "an-organization-with-a-long-name/an-application-with-a-long-name",
      defaultBranch: "main",
    },
    secretsKeys: true,
    stateBucket: {
      name: "a-state-bucket-name-that-uses-all-of-its-sixty-three-characters",
      kmsKeyArn: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`,
    },
    dns: {
      hostedZoneId: "Z0123456789ABCDEFGHIJ",
      // Feature stacks write no records (they answer through development's preview domain).
      names: Object.fromEntries(
        stages.map((s) => [s, [`${s}.example-application.com`, `*.${s}.example-application.com`]]),
      ),
    },
    stagingReplica: true,
  });
}

describe("the access project", function () {
  this.timeout(120_000);

  it("creates per stage a deployer (with its boundary) and a reviewer, named outside every stage's prefix, and the shared repository", async () => {
    const render = await exampleAccess();
    for (const stage of STAGES) {
      const roles = stageRoles(render, stage);
      for (const arn of [roles.deployerArn, roles.reviewerArn]) {
        const name = arn.split("/").pop() as string;
        assert.deepEqual(nameViolations("iam-role", name), []);
        assert.ok(
          name.startsWith("multistage-access-") &&
            !STAGES.some((s) => name.startsWith(`multistage-${s}-`)),
          name,
        );
      }
      // Its permissions are its boundary's allows plus denies: it can create nothing that exceeds itself.
      assert.deepEqual(
        roles.permissions.Statement.filter((s) => (s as { Effect: string }).Effect === "Allow"),
        roles.boundary.Statement,
      );
    }
    const repository = ofType(render.resources, "aws:ecr/repository:Repository")[0];
    assert.equal(repository?.inputs.imageTagMutability, "IMMUTABLE");
    assert.equal(ofType(render.resources, "aws:kms/key:Key").length, STAGES.length);
  });

  it("names no wildcard principal and no account root anywhere", async () => {
    const { resources } = await exampleAccess();
    const text = JSON.stringify(resources.map((r) => r.inputs));
    assert.ok(!/"Principal":\s*"\*"|"AWS":\s*"\*"|"AWS":\s*\["\*"\]/.test(text));
    // Trust policies only: a KMS key policy names the account root on purpose (it delegates the key's administration to IAM).
    const trusts = JSON.stringify(
      ofType(resources, "aws:iam/role:Role").map((r) => r.inputs.assumeRolePolicy),
    );
    assert.ok(!/:root"/.test(trusts), trusts);
  });

  describe("IAM quotas, for every stage set the schema allows", () => {
    it("the example account's documents fit, each measured as IAM measures it", async () => {
      const config = resolveAccessConfig(raw(exampleAccessConfig));
      assert.deepEqual(
        limitProblems(accessDocuments(config, "eu-west-1").flatMap(roleDocuments)),
        [],
      );
    });

    it("the largest configuration fits: four stages and feature, every option, long names, the most principals a trust policy holds", () => {
      const documents = accessDocuments(largestConfig(8), "eu-west-1");
      const sizes = documents.map((d) => ({
        stage: d.stage,
        policy: policySize(d.boundary),
        trust: policySize(d.deployerTrust),
      }));
      for (const size of sizes) {
        assert.ok(
          size.policy <= IAM_LIMITS.managedPolicy,
          `${size.stage} boundary: ${size.policy}`,
        );
        assert.ok(size.trust <= IAM_LIMITS.trustPolicy, `${size.stage} trust: ${size.trust}`);
      }
    });

    it("a configuration that would break a quota stops before any resource, naming the document and its size", async () => {
      assert.throws(
        () => accessDocuments(largestConfig(40), "eu-west-1"),
        (error: unknown) => {
          assert.ok(error instanceof AccessConfigError);
          assert.match(
            error.message,
            /multistage-access-development-deployer trust policy: got \d{4} characters; expected at most 2048 \(IAM quota\)/,
          );
          return true;
        },
      );
    });

    it("measures without white space, as IAM does", () => {
      const policy = stagePolicy(
        stageAccess(resolveAccessConfig(raw(exampleAccessConfig)), "eu-west-1", "production"),
      );
      assert.equal(policySize(policy), JSON.stringify(policy).replace(/\s/g, "").length);
      assert.ok(policySize(policy) < JSON.stringify(policy, null, 2).length);
    });
  });

  for (const [tier, settings] of Object.entries(tiers)) {
    for (const principal of settings.principals) {
      it(`${tier} (${principal.split(":").pop()}) may assume exactly the deployers and reviewers of ${settings.stages.join(", ")}`, async () => {
        const render = await exampleAccess();
        for (const stage of STAGES) {
          const roles = stageRoles(render, stage);
          for (const [arn, trust] of [
            [roles.deployerArn, roles.trust],
            [roles.reviewerArn, roles.reviewerTrust],
          ] as const) {
            const result = await simulate(
              { principal, action: "sts:AssumeRole", resource: arn },
              { resource: trust },
            );
            assert.equal(
              result === "Allowed",
              settings.stages.includes(stage),
              `${tier} -> ${arn}: ${result}`,
            );
          }
        }
      });
    }
  }

  it("a principal in no tier may assume no role", async () => {
    const render = await exampleAccess();
    for (const stage of STAGES) {
      const roles = stageRoles(render, stage);
      assert.notEqual(
        await simulate(
          {
            principal: `arn:aws:iam::${ACCOUNT}:user/intern`,
            action: "sts:AssumeRole",
            resource: roles.deployerArn,
          },
          { resource: roles.trust },
        ),
        "Allowed",
      );
    }
  });

  const repo = "example-org/example-app";
  const promote = `${repo}/.github/workflows/promote.yml@refs/heads/main`;
  const githubJobs: Array<[string, Record<string, string>, string[], string[]]> = [
    ["a pull request", { ref: "refs/pull/42/merge" }, ["feature"], []],
    ["a push to develop", { ref: "refs/heads/develop" }, ["development"], []],
    ["a release branch", { ref: "refs/heads/release/2.4" }, ["staging"], []],
    [
      "the nightly reaper on main",
      {
        ref: "refs/heads/main",
        job_workflow_ref: `${repo}/.github/workflows/feature-stack.yml@refs/heads/main`,
      },
      ["feature"],
      [],
    ],
    [
      "the promote workflow's review job",
      { ref: "refs/heads/main", job_workflow_ref: promote },
      [],
      STAGES,
    ],
    [
      "the promote workflow's apply job in production",
      { ref: "refs/heads/main", environment: "production", job_workflow_ref: promote },
      ["production"],
      STAGES,
    ],
    [
      "the promote workflow's apply job in staging",
      { ref: "refs/heads/main", environment: "staging", job_workflow_ref: promote },
      ["staging"],
      STAGES,
    ],
    [
      "another workflow on main in the production environment",
      {
        ref: "refs/heads/main",
        environment: "production",
        job_workflow_ref: `${repo}/.github/workflows/other.yml@refs/heads/main`,
      },
      [],
      [],
    ],
    [
      "another repository's promote job",
      {
        ref: "refs/heads/main",
        environment: "production",
        job_workflow_ref: promote,
        repository: "someone/else",
      },
      [],
      [],
    ],
  ];
  for (const [job, claims, deployers, reviewers] of githubJobs) {
    it(`GitHub Actions: ${job} may assume the deployer of ${deployers.join(", ") || "no stage"} and the reviewer of ${reviewers.length === STAGES.length ? "every stage" : "none"}`, async () => {
      const render = await exampleAccess();
      const context: Record<string, string> = {
        "token.actions.githubusercontent.com:repository": repo,
      };
      for (const [claim, value] of Object.entries(claims))
        context[`token.actions.githubusercontent.com:${claim}`] = value;
      for (const stage of STAGES) {
        const roles = stageRoles(render, stage);
        const deployer = await simulate(
          {
            principal: OIDC,
            action: "sts:AssumeRoleWithWebIdentity",
            resource: roles.deployerArn,
            context,
          },
          { resource: roles.trust },
        );
        assert.equal(
          deployer === "Allowed",
          deployers.includes(stage),
          `${job} -> ${stage} deployer: ${deployer}`,
        );
        const reviewer = await simulate(
          {
            principal: OIDC,
            action: "sts:AssumeRoleWithWebIdentity",
            resource: roles.reviewerArn,
            context,
          },
          { resource: roles.reviewerTrust },
        );
        assert.equal(
          reviewer === "Allowed",
          reviewers.includes(stage),
          `${job} -> ${stage} reviewer: ${reviewer}`,
        );
      }
    });
  }

  it("a deployer manages its own stage, and its suffixed stacks, and may create a role only with its stage's boundary", async () => {
    const render = await exampleAccess();
    const staging = stageRoles(render, "staging");
    assert.equal(
      await asDeployer(
        staging,
        "rds:ModifyDBInstance",
        `arn:aws:rds:eu-west-1:${ACCOUNT}:db:multistage-staging-db`,
      ),
      "Allowed",
    );
    assert.equal(
      await asDeployer(
        staging,
        "rds:ModifyDBInstance",
        `arn:aws:rds:eu-west-1:${ACCOUNT}:db:multistage-staging-us-db`,
      ),
      "Allowed",
    );
    const create = (boundary?: string) =>
      asDeployer(
        staging,
        "iam:CreateRole",
        `arn:aws:iam::${ACCOUNT}:role/multistage-staging-app-task`,
        boundary ? { "iam:PermissionsBoundary": boundary } : {},
      );
    assert.equal(await create(staging.boundaryArn), "Allowed");
    assert.notEqual(await create(), "Allowed", "without a boundary");
    assert.notEqual(
      await create(stageRoles(render, "production").boundaryArn),
      "Allowed",
      "with another stage's boundary",
    );
  });

  it("the reviewer reads and previews, and changes nothing", async () => {
    const render = await exampleAccess();
    const production = stageRoles(render, "production");
    const as = (action: string, resource: string) =>
      simulate(
        { principal: production.reviewerArn, action, resource },
        { identity: production.reviewerPermissions },
      );
    assert.equal(
      await as(
        "rds:DescribeDBInstances",
        `arn:aws:rds:eu-west-1:${ACCOUNT}:db:multistage-production-db`,
      ),
      "Allowed",
    );
    assert.equal(
      await as(
        "s3:GetObject",
        "arn:aws:s3:::example-org-pulumi-state/.pulumi/stacks/multistage/production.json",
      ),
      "Allowed",
    );
    for (const [action, resource] of [
      [
        "s3:PutObject",
        "arn:aws:s3:::example-org-pulumi-state/.pulumi/stacks/multistage/production.json",
      ],
      ["rds:ModifyDBInstance", `arn:aws:rds:eu-west-1:${ACCOUNT}:db:multistage-production-db`],
      ["s3:GetObject", "arn:aws:s3:::multistage-production-assets/a.png"],
      [
        "secretsmanager:GetSecretValue",
        `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:multistage-production-db-credentials-AbCdEf`,
      ],
    ]) {
      assert.notEqual(await as(action, resource), "Allowed", `${action} ${resource}`);
    }
  });

  it("each deployer reads and writes only its own stacks in the state bucket", async () => {
    const render = await exampleAccess();
    const state = (key: string) => `arn:aws:s3:::example-org-pulumi-state/.pulumi/${key}`;
    const feature = stageRoles(render, "feature");
    assert.equal(
      await asDeployer(feature, "s3:PutObject", state("stacks/multistage/feature-login.json")),
      "Allowed",
    );
    assert.equal(
      await asDeployer(
        feature,
        "s3:PutObject",
        state("locks/organization/multistage/feature-login/abc.json"),
      ),
      "Allowed",
    );
    assert.equal(
      await asDeployer(feature, "s3:GetObject", state("stacks/multistage/development.json")),
      "Allowed",
      "feature stacks read development's outputs",
    );
    for (const key of [
      "stacks/multistage/production.json",
      "stacks/multistage/development.json",
      "history/multistage/staging/x.json",
      "locks/organization/multistage/production/abc.json",
    ]) {
      assert.notEqual(await asDeployer(feature, "s3:PutObject", state(key)), "Allowed", key);
    }
    assert.notEqual(
      await asDeployer(feature, "s3:GetObject", state("stacks/multistage/production.json")),
      "Allowed",
    );
    const development = stageRoles(render, "development");
    assert.equal(
      await asDeployer(development, "s3:PutObject", state("stacks/multistage/development.json")),
      "Allowed",
    );
    assert.notEqual(
      await asDeployer(development, "s3:PutObject", state("stacks/multistage/feature-login.json")),
      "Allowed",
    );
  });

  it("only a stage's deployer and reviewer can decrypt with the stage's secrets key; even an account admin cannot", async () => {
    const render = await exampleAccess();
    const production = ofType(render.resources, "aws:kms/key:Key").find((k) =>
      String(k.inputs.description).includes("production"),
    );
    assert.ok(production);
    const keyPolicy = production.inputs.policy as { Version: string; Statement: unknown[] };
    const keyArn = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
    const admin = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "kms:*", Resource: "*" }],
    };
    const decrypt = (principal: string, identity?: typeof admin) =>
      simulate(
        { principal, action: "kms:Decrypt", resource: keyArn },
        { identity, resource: keyPolicy },
      );
    const roles = stageRoles(render, "production");
    // The deployer as AWS evaluates it: key policy, its permissions and its boundary (a boundary
    // caps a role even where a resource policy names it). Pulumi's awskms provider encrypts and decrypts.
    const aliases = { "kms:ResourceAliases": ["alias/multistage-access-production-secrets"] };
    for (const action of ["kms:Encrypt", "kms:Decrypt"]) {
      const asDeployerOf = (stage: string) => {
        const r = stageRoles(render, stage);
        return simulate(
          { principal: r.deployerArn, action, resource: keyArn, context: aliases },
          { identity: r.permissions, boundary: r.boundary, resource: keyPolicy },
        );
      };
      assert.equal(await asDeployerOf("production"), "Allowed", `production's deployer: ${action}`);
      assert.notEqual(
        await asDeployerOf("staging"),
        "Allowed",
        `staging's deployer: ${action} with production's key`,
      );
    }
    assert.equal(
      await decrypt(roles.reviewerArn),
      "Allowed",
      "a preview decrypts the state's secrets",
    );
    assert.notEqual(
      await simulate(
        { principal: roles.reviewerArn, action: "kms:Encrypt", resource: keyArn },
        { resource: keyPolicy },
      ),
      "Allowed",
    );
    assert.notEqual(await decrypt(stageRoles(render, "staging").deployerArn, admin), "Allowed");
    assert.notEqual(await decrypt(`arn:aws:iam::${ACCOUNT}:user/account-admin`, admin), "Allowed");
    assert.equal(
      await simulate(
        {
          principal: `arn:aws:iam::${ACCOUNT}:user/account-admin`,
          action: "kms:ScheduleKeyDeletion",
          resource: keyArn,
        },
        { identity: admin, resource: keyPolicy },
      ),
      "Allowed",
      "the account still administers it",
    );
  });

  describe("config errors stop before any resource", () => {
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      [
        "a wildcard principal",
        { developers: { stages: ["development"], principals: ["*"] } },
        /tiers\.developers\.principals\[0\]: got "\*"; expected a single IAM user or role ARN: wildcards would let anyone deploy/,
      ],
      [
        "a wildcard inside an ARN",
        {
          developers: { stages: ["development"], principals: ["arn:aws:iam::123456789012:role/*"] },
        },
        /wildcards would let anyone deploy/,
      ],
      [
        "an account root",
        { developers: { stages: ["development"], principals: ["arn:aws:iam::123456789012:root"] } },
        /expected a single IAM user or role ARN: an account root trusts every identity in that account/,
      ],
      [
        "a malformed ARN",
        { developers: { stages: ["development"], principals: ["developers"] } },
        /tiers\.developers\.principals\[0\]: got "developers"; expected an IAM principal ARN/,
      ],
      [
        "a tier naming an unknown stage",
        {
          developers: {
            stages: ["development", "qa"],
            principals: ["arn:aws:iam::123456789012:role/developers"],
          },
        },
        /tiers\.developers\.stages\[1\]: got "qa"; expected one of development, staging, production, feature/,
      ],
    ];
    for (const [what, badTiers, message] of cases) {
      it(what, async () => {
        const failure = await expectRenderFailure(
          renderAccessWith({
            ...exampleAccessConfig,
            "multistage-access:tiers": { ...tiers, ...badTiers },
          }),
        );
        assert.ok(failure.cause instanceof AccessConfigError);
        assert.match(failure.message, message);
        assert.equal(failure.registeredResources, 0);
      });
    }

    it("record names for feature stacks (they answer through development's preview domain)", () => {
      const dns = exampleAccessConfig["multistage-access:dns"] as {
        hostedZoneId: string;
        names: Record<string, string[]>;
      };
      assert.throws(
        () =>
          resolveAccessConfig(
            raw({
              ...exampleAccessConfig,
              "multistage-access:dns": {
                ...dns,
                names: { ...dns.names, feature: ["*.feature.example.com"] },
              },
            }),
          ),
        /dns\.names\.feature: got "feature"; expected no names for feature stacks: they answer through development's preview domain/,
      );
    });
  });
});
