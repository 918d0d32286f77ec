/**
 * The escalation suite: every way a hostile pull request (whose CI job runs its own code as the
 * feature deployer) or a careless lower stage was found to climb, replayed through the IAM
 * policy simulator against access/'s rendered documents. Each must be denied; each has a
 * control that is allowed, so no check passes by denying everything.
 */
import { strict as assert } from "node:assert";
import {
  ACCOUNT,
  asDeployer,
  Document,
  exampleAccess,
  OIDC,
  simulate,
  stageRoles,
  StageRoles,
} from "./helpers/access";

const R = "eu-west-1";
const ec2 = (resource: string) => `arn:aws:ec2:${R}:${ACCOUNT}:${resource}`;
const rds = (resource: string) => `arn:aws:rds:${R}:${ACCOUNT}:${resource}`;
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const ADMIN: Document = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
};

async function roles(stage: string): Promise<StageRoles> {
  return stageRoles(await exampleAccess(), stage);
}

function denied(result: string, what: string): void {
  assert.notEqual(result, "Allowed", what);
}

describe("escalation suite: a hostile pull request cannot climb", function () {
  this.timeout(120_000);

  describe("network takeover (re-tagging another stage's network as one's own)", () => {
    for (const stage of ["feature", "development"]) {
      it(`${stage}: cannot re-tag, change or extend production's network`, async () => {
        const attacker = await roles(stage);
        const own = stage === "feature" ? "feature-x" : stage;
        const productionSg = { "aws:ResourceTag/stage": "production" };
        denied(
          await asDeployer(attacker, "ec2:CreateTags", ec2("security-group/sg-0production"), {
            ...productionSg,
            "aws:RequestTag/stage": own,
            "aws:TagKeys": ["stage"],
          }),
          "re-tag production's security group",
        );
        denied(
          await asDeployer(attacker, "ec2:CreateTags", ec2("vpc/vpc-0production"), {
            ...productionSg,
            "aws:RequestTag/stage": own,
            "aws:TagKeys": ["stage"],
          }),
          "re-tag production's VPC",
        );
        denied(
          await asDeployer(
            attacker,
            "ec2:DeleteSecurityGroup",
            ec2("security-group/sg-0production"),
            productionSg,
          ),
          "delete production's security group",
        );
        denied(
          await asDeployer(
            attacker,
            "ec2:AuthorizeSecurityGroupIngress",
            ec2("security-group/sg-0production"),
            productionSg,
          ),
          "open production's security group",
        );
        denied(
          await asDeployer(
            attacker,
            "ec2:DeleteRoute",
            ec2("route-table/rtb-0production"),
            productionSg,
          ),
          "delete production's route",
        );
        denied(
          await asDeployer(attacker, "ec2:CreateSubnet", ec2("vpc/vpc-0production"), {
            ...productionSg,
            "aws:RequestTag/stage": own,
          }),
          "a subnet in production's VPC",
        );
        // Control: its own network, created with its tag, is its own to manage.
        assert.equal(
          await asDeployer(attacker, "ec2:DeleteSecurityGroup", ec2("security-group/sg-0own"), {
            "aws:ResourceTag/stage": own,
          }),
          "Allowed",
        );
        assert.equal(
          await asDeployer(attacker, "ec2:CreateTags", ec2("security-group/sg-0new"), {
            "aws:RequestTag/stage": own,
            "aws:TagKeys": ["stage"],
            "ec2:CreateAction": "CreateSecurityGroup",
          }),
          "Allowed",
          "tags on create",
        );
      });
    }

    it("feature: may add its security groups to development's VPC, and nothing else of it", async () => {
      const feature = await roles("feature");
      const development = { "aws:ResourceTag/stage": "development" };
      assert.equal(
        await asDeployer(feature, "ec2:CreateSecurityGroup", ec2("vpc/vpc-0development"), {
          ...development,
          "aws:RequestTag/stage": "feature-x",
        }),
        "Allowed",
      );
      denied(
        await asDeployer(feature, "ec2:CreateSubnet", ec2("vpc/vpc-0development"), {
          ...development,
          "aws:RequestTag/stage": "feature-x",
        }),
        "a subnet in development's VPC",
      );
      denied(
        await asDeployer(
          feature,
          "ec2:DeleteSecurityGroup",
          ec2("security-group/sg-0development"),
          development,
        ),
        "delete development's security group",
      );
      denied(
        await asDeployer(
          feature,
          "ec2:ModifyVpcAttribute",
          ec2("vpc/vpc-0development"),
          development,
        ),
        "change development's VPC",
      );
    });
  });

  describe("boundary escape (a role that escapes the stage's ceiling)", () => {
    it("feature: cannot create or reshape a role without its own boundary", async () => {
      const feature = await roles("feature");
      const production = await roles("production");
      const target = role("multistage-feature-x-admin");
      denied(await asDeployer(feature, "iam:CreateRole", target), "a role without a boundary");
      denied(
        await asDeployer(feature, "iam:CreateRole", target, {
          "iam:PermissionsBoundary": production.boundaryArn,
        }),
        "a role with production's boundary",
      );
      denied(
        await asDeployer(feature, "iam:PutRolePolicy", target),
        "a policy on a role without the boundary",
      );
      denied(
        await asDeployer(feature, "iam:PutRolePermissionsBoundary", target, {
          "iam:PermissionsBoundary": production.boundaryArn,
        }),
        "swap in production's boundary",
      );
      denied(
        await asDeployer(feature, "iam:DeleteRolePermissionsBoundary", target, {
          "iam:PermissionsBoundary": feature.boundaryArn,
        }),
        "remove the boundary",
      );
      denied(
        await asDeployer(feature, "iam:AttachRolePolicy", target, {
          "iam:PermissionsBoundary": feature.boundaryArn,
          "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess",
        }),
        "attach AdministratorAccess",
      );
      denied(
        await asDeployer(
          feature,
          "iam:CreatePolicyVersion",
          `arn:aws:iam::${ACCOUNT}:policy/multistage-access-feature-boundary`,
        ),
        "rewrite the boundary",
      );
      denied(
        await asDeployer(feature, "iam:PassRole", role("multistage-production-app-task"), {
          "iam:PassedToService": "ecs-tasks.amazonaws.com",
        }),
        "pass production's role to a task",
      );
      assert.equal(
        await asDeployer(feature, "iam:CreateRole", target, {
          "iam:PermissionsBoundary": feature.boundaryArn,
        }),
        "Allowed",
        "control: with its boundary",
      );
    });

    it("a role created within the boundary, given every permission, still cannot leave the stage", async () => {
      const feature = await roles("feature");
      const bounded = (
        action: string,
        resource: string,
        context: Record<string, string | string[]> = {},
      ) =>
        simulate(
          { principal: role("multistage-feature-x-admin"), action, resource, context },
          { identity: ADMIN, boundary: feature.boundary },
        );
      denied(
        await bounded("iam:CreateRole", role("multistage-feature-x-free")),
        "create an unbounded role",
      );
      denied(
        await bounded("rds:DeleteDBInstance", rds("db:multistage-production-db")),
        "delete production's database",
      );
      denied(
        await bounded("s3:GetObject", "arn:aws:s3:::multistage-production-assets/users.csv"),
        "read production's bucket",
      );
      denied(
        await bounded("iam:UpdateAssumeRolePolicy", role("multistage-access-feature-deployer"), {
          "iam:PermissionsBoundary": feature.boundaryArn,
        }),
        "edit the deployer's trust",
      );
      assert.equal(
        await bounded("s3:PutObject", "arn:aws:s3:::multistage-feature-x-assets/a.png"),
        "Allowed",
        "control: its own bucket",
      );
    });
  });

  describe("own trust policy", () => {
    for (const stage of ["feature", "development", "staging", "production"]) {
      it(`${stage}: cannot edit any deployer's trust or permissions, its own included`, async () => {
        const deployer = await roles(stage);
        for (const target of ["feature", "staging", "production"]) {
          const context = { "iam:PermissionsBoundary": (await roles(target)).boundaryArn };
          denied(
            await asDeployer(
              deployer,
              "iam:UpdateAssumeRolePolicy",
              role(`multistage-access-${target}-deployer`),
              context,
            ),
            `${stage} edits ${target}'s trust`,
          );
          denied(
            await asDeployer(
              deployer,
              "iam:PutRolePolicy",
              role(`multistage-access-${target}-deployer`),
              context,
            ),
            `${stage} rewrites ${target}'s permissions`,
          );
        }
      });
    }
  });

  describe("an environment claim without the right ref or workflow", () => {
    const repo = "example-org/example-app";
    const jobs: Array<[string, Record<string, string>]> = [
      [
        "a pull request that declares environment: staging",
        { ref: "refs/pull/7/merge", environment: "staging" },
      ],
      [
        "a tag push in the staging environment",
        {
          ref: "refs/tags/v1.0.0",
          environment: "staging",
          job_workflow_ref: `${repo}/.github/workflows/promote.yml@refs/tags/v1.0.0`,
        },
      ],
      [
        "a pull request that runs promote.yml in the production environment",
        {
          ref: "refs/pull/7/merge",
          environment: "production",
          job_workflow_ref: `${repo}/.github/workflows/promote.yml@refs/pull/7/merge`,
        },
      ],
      [
        "a branch's own workflow in the production environment",
        {
          ref: "refs/heads/main",
          environment: "production",
          job_workflow_ref: `${repo}/.github/workflows/evil.yml@refs/heads/main`,
        },
      ],
    ];
    for (const [job, claims] of jobs) {
      it(`${job} assumes neither staging nor production`, async () => {
        const context: Record<string, string> = {
          "token.actions.githubusercontent.com:repository": repo,
        };
        for (const [claim, value] of Object.entries(claims))
          context[`token.actions.githubusercontent.com:${claim}`] = value;
        for (const stage of ["staging", "production"]) {
          const target = await roles(stage);
          denied(
            await simulate(
              {
                principal: OIDC,
                action: "sts:AssumeRoleWithWebIdentity",
                resource: target.deployerArn,
                context,
              },
              { resource: target.trust },
            ),
            `${job} -> ${stage}`,
          );
        }
      });
    }
  });

  describe("getting in the way of production's refinery", () => {
    for (const stage of ["feature", "development", "staging"]) {
      it(`${stage}: cannot take the sanitizer's name, nor deregister the refinery's task definitions`, async () => {
        const deployer = await roles(stage);
        // A restore names its new instance (db) as well as the snapshot: an instance called
        // multistage-production-sanitizer before 02:30 would fail every night's refinery.
        denied(
          await asDeployer(
            deployer,
            "rds:RestoreDBInstanceFromDBSnapshot",
            rds("db:multistage-production-sanitizer"),
          ),
          "restore into the sanitizer's name",
        );
        denied(
          await asDeployer(
            deployer,
            "rds:CreateDBInstance",
            rds("db:multistage-production-sanitizer"),
          ),
          "create the sanitizer's name",
        );
        // No resource-level permissions: granting it to anyone would reach every stage's revisions.
        denied(
          await asDeployer(deployer, "ecs:DeregisterTaskDefinition", "*"),
          "deregister any task definition",
        );
        assert.equal(
          await asDeployer(
            deployer,
            "ecs:RegisterTaskDefinition",
            `arn:aws:ecs:${R}:${ACCOUNT}:task-definition/multistage-${stage}-app:1`,
          ),
          "Allowed",
          "control: its own revisions",
        );
      });
    }
  });

  describe("raw production data", () => {
    for (const stage of ["feature", "development", "staging"]) {
      it(`${stage}: reads none of production's data, and restores only sanitized snapshots`, async () => {
        const deployer = await roles(stage);
        denied(
          await asDeployer(
            deployer,
            "s3:GetObject",
            "arn:aws:s3:::multistage-production-assets/users.csv",
          ),
          "production's objects",
        );
        denied(
          await asDeployer(deployer, "s3:ListBucket", "arn:aws:s3:::multistage-production-assets"),
          "production's object list",
        );
        denied(
          await asDeployer(
            deployer,
            "rds:CreateDBInstanceReadReplica",
            rds("db:multistage-production-db"),
          ),
          "a replica of production",
        );
        denied(
          await asDeployer(
            deployer,
            "rds:RestoreDBInstanceFromDBSnapshot",
            rds("snapshot:rds:multistage-production-db-2026-11-25-03-10"),
          ),
          "production's raw snapshot",
        );
        denied(
          await asDeployer(
            deployer,
            "rds:CopyDBSnapshot",
            rds("snapshot:rds:multistage-production-db-2026-11-25-03-10"),
          ),
          "a copy of production's raw snapshot",
        );
        denied(
          await asDeployer(
            deployer,
            "rds:ModifyDBSnapshotAttribute",
            rds("snapshot:multistage-sanitized-2026-11-25"),
          ),
          "share a sanitized snapshot",
        );
        denied(
          await asDeployer(
            deployer,
            "secretsmanager:GetSecretValue",
            `arn:aws:secretsmanager:${R}:${ACCOUNT}:secret:multistage-production-db-credentials-AbCdEf`,
          ),
          "production's credentials",
        );
        denied(
          await asDeployer(
            deployer,
            "logs:GetLogEvents",
            `arn:aws:logs:${R}:${ACCOUNT}:log-group:/multistage/production/app:log-stream:x`,
          ),
          "production's logs",
        );
        assert.equal(
          await asDeployer(
            deployer,
            "rds:RestoreDBInstanceFromDBSnapshot",
            rds("snapshot:multistage-sanitized-2026-11-25"),
          ),
          "Allowed",
          "control: a sanitized snapshot",
        );
        assert.equal(
          await asDeployer(
            deployer,
            "rds:DescribeDBSnapshots",
            rds("db:multistage-production-sanitizer"),
          ),
          "Allowed",
          "control: finding the newest among the sanitizer's snapshots",
        );
        assert.equal(
          await asDeployer(
            deployer,
            "s3:GetObject",
            "arn:aws:s3:::multistage-production-sanitized/public/logo.png",
          ),
          "Allowed",
          "control: the sanitized bucket",
        );
      });
    }
  });
});
