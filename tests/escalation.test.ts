/**
 * The escalation suite: every way a hostile pull request (whose CI job runs its own code as the
 * feature deployer) or a careless lower stage was found to climb, replayed through the IAM
 * policy simulator against access/'s rendered documents. Each must be denied; each has a
 * control that is allowed, so no check passes by denying everything.
 */
import { strict as assert } from "node:assert";
import { createValidatedPolicy, validateIdentityPolicy } from "@cloud-copilot/iam-policy";
import { runUnsafeSimulation } from "@cloud-copilot/iam-simulate";
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

const ecs = (resource: string) => `arn:aws:ecs:${R}:${ACCOUNT}:${resource}`;
const elb = (resource: string) => `arn:aws:elasticloadbalancing:${R}:${ACCOUNT}:${resource}`;
const cache = (resource: string) => `arn:aws:elasticache:${R}:${ACCOUNT}:${resource}`;
/** A stage's HTTPS listener and a rule on it (`<load balancer>/<id>/<listener id>[/<rule id>]`). */
const listener = (stage: string) =>
  elb(`listener/app/multistage-${stage}/0123456789abcdef/fedcba9876543210`);
const rule = (stage: string) =>
  elb(`listener-rule/app/multistage-${stage}/0123456789abcdef/fedcba9876543210/00aa11bb22cc33dd`);

/**
 * ELB AddTags and RemoveTags on a listener rule: iam-data keeps Elastic Load Balancing v1's
 * resource types for them (tools/deployer-needs/required-calls.ts IAM_DATA_GAPS), so the
 * simulator is run without its resource-type check, as tools/deployer-needs/evaluate.ts does.
 */
function ruleTagsAsDeployer(
  roles: StageRoles,
  action: "elasticloadbalancing:AddTags" | "elasticloadbalancing:RemoveTags",
  resource: string,
  context: Record<string, string | string[]>,
): string {
  const validated = (name: string, policy: Document) =>
    createValidatedPolicy(policy, validateIdentityPolicy, { name });
  return runUnsafeSimulation(
    {
      identityPolicies: [
        { name: "permissions", policy: validated("permissions", roles.permissions) },
      ],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      permissionBoundaryPolicies: [
        { name: "boundary", policy: validated("boundary", roles.boundary) },
      ],
      request: {
        principal: roles.deployerArn,
        action,
        resource: { accountId: ACCOUNT, resource },
        contextVariables: context,
      },
    } as Parameters<typeof runUnsafeSimulation>[0],
    {},
  ) as string;
}

describe("escalation suite: a hostile pull request cannot climb", function () {
  this.timeout(120_000);

  describe("shared feature stacks: what they use of development's feature host and load balancer, and nothing else", () => {
    const developmentTag = { "aws:ResourceTag/stage": "development" };
    const inDevelopment = { "ecs:cluster": ecs("cluster/multistage-development-cluster") };

    it("feature: runs only development's provisioner task definition, in development's cluster", async () => {
      const feature = await roles("feature");
      assert.equal(
        await asDeployer(
          feature,
          "ecs:RunTask",
          ecs("task-definition/multistage-development-feature-db:7"),
          { ...inDevelopment, ...developmentTag },
        ),
        "Allowed",
        "control: the provisioner, any revision, in development's cluster",
      );
      for (const family of [
        "multistage-development-app:12",
        "multistage-development-bucket-sync:3",
        "multistage-staging-app:4",
        "multistage-production-sanitize:9",
        "multistage-production-sanitized-copy:2",
      ])
        denied(
          await asDeployer(feature, "ecs:RunTask", ecs(`task-definition/${family}`), {
            ...inDevelopment,
            "aws:ResourceTag/stage": family.split("-")[1],
          }),
          `run ${family}`,
        );
      for (const stage of ["staging", "production"])
        denied(
          await asDeployer(
            feature,
            "ecs:RunTask",
            ecs("task-definition/multistage-development-feature-db:7"),
            { "ecs:cluster": ecs(`cluster/multistage-${stage}-cluster`), ...developmentTag },
          ),
          `run the provisioner in ${stage}'s cluster`,
        );
      denied(
        await asDeployer(
          feature,
          "ecs:StopTask",
          ecs("task/multistage-development-cluster/0123456789abcdef0123456789abcdef"),
          inDevelopment,
        ),
        "stop development's tasks",
      );
      denied(
        await asDeployer(
          feature,
          "ecs:TagResource",
          ecs("task/multistage-development-cluster/0123456789abcdef0123456789abcdef"),
          { "aws:RequestTag/stage": "feature-x", "aws:TagKeys": ["stage"] },
        ),
        "tag development's running tasks",
      );
      assert.equal(
        await asDeployer(
          feature,
          "ecs:TagResource",
          ecs("task/multistage-development-cluster/0123456789abcdef0123456789abcdef"),
          { "ecs:CreateAction": "RunTask", "aws:TagKeys": ["multistage:resource"] },
        ),
        "Allowed",
        "control: the tags RunTask puts on the provisioner's new task",
      );
    });

    it("feature: passes only the provisioner's two roles, and only to ECS tasks", async () => {
      const feature = await roles("feature");
      const toTasks = { "iam:PassedToService": "ecs-tasks.amazonaws.com" };
      for (const name of [
        "multistage-development-feature-db-execution",
        "multistage-development-feature-db-task",
      ])
        assert.equal(
          await asDeployer(feature, "iam:PassRole", role(name), toTasks),
          "Allowed",
          `control: ${name}`,
        );
      for (const name of [
        "multistage-development-app-task",
        "multistage-development-app-execution",
        "multistage-development-feature-template-scheduler",
        "multistage-production-sanitize-task",
      ])
        denied(await asDeployer(feature, "iam:PassRole", role(name), toTasks), `pass ${name}`);
      for (const service of ["scheduler.amazonaws.com", "states.amazonaws.com"])
        denied(
          await asDeployer(
            feature,
            "iam:PassRole",
            role("multistage-development-feature-db-task"),
            {
              "iam:PassedToService": service,
            },
          ),
          `pass the provisioner's task role to ${service}`,
        );
    });

    it("feature: creates rules on development's listener only as a feature stack's, and changes only those", async () => {
      const feature = await roles("feature");
      const ownRule = { "aws:ResourceTag/stage": "feature-x" };
      assert.equal(
        await asDeployer(feature, "elasticloadbalancing:CreateRule", listener("development"), {
          ...developmentTag,
          "aws:RequestTag/stage": "feature-x",
          "aws:TagKeys": ["stage"],
        }),
        "Allowed",
        "control: a rule tagged as a feature stack's",
      );
      assert.equal(
        ruleTagsAsDeployer(feature, "elasticloadbalancing:AddTags", rule("development"), {
          "elasticloadbalancing:CreateAction": "CreateRule",
          "aws:RequestTag/stage": "feature-x",
          "aws:TagKeys": ["stage"],
        }),
        "Allowed",
        "control: the tags CreateRule brings",
      );
      for (const action of ["ModifyRule", "DeleteRule", "SetRulePriorities"])
        assert.equal(
          await asDeployer(feature, `elasticloadbalancing:${action}`, rule("development"), ownRule),
          "Allowed",
          `control: ${action} on its own rule`,
        );
      denied(
        await asDeployer(
          feature,
          "elasticloadbalancing:CreateRule",
          listener("development"),
          developmentTag,
        ),
        "an untagged rule on development's listener",
      );
      denied(
        await asDeployer(feature, "elasticloadbalancing:CreateRule", listener("development"), {
          ...developmentTag,
          "aws:RequestTag/stage": "development",
          "aws:TagKeys": ["stage"],
        }),
        "a rule tagged as development's",
      );
      for (const action of ["ModifyRule", "DeleteRule", "SetRulePriorities"])
        denied(
          await asDeployer(
            feature,
            `elasticloadbalancing:${action}`,
            rule("development"),
            developmentTag,
          ),
          `${action} on development's own rule`,
        );
      denied(
        ruleTagsAsDeployer(feature, "elasticloadbalancing:AddTags", rule("development"), {
          ...developmentTag,
          "aws:RequestTag/stage": "feature-x",
          "aws:TagKeys": ["stage"],
        }),
        "claim development's rule by re-tagging it",
      );
      denied(
        ruleTagsAsDeployer(feature, "elasticloadbalancing:RemoveTags", rule("development"), {
          ...developmentTag,
          "aws:TagKeys": ["stage"],
        }),
        "untag development's rule",
      );
      for (const action of [
        "ModifyListener",
        "DeleteListener",
        "AddListenerCertificates",
        "RemoveListenerCertificates",
      ])
        denied(
          await asDeployer(
            feature,
            `elasticloadbalancing:${action}`,
            listener("development"),
            developmentTag,
          ),
          `${action} on development's listener (its default actions, its certificates)`,
        );
      denied(
        await asDeployer(
          feature,
          "elasticloadbalancing:DeleteLoadBalancer",
          elb("loadbalancer/app/multistage-development/0123456789abcdef"),
          developmentTag,
        ),
        "delete development's load balancer",
      );
      denied(
        await asDeployer(
          feature,
          "elasticloadbalancing:ModifyTargetGroup",
          elb("targetgroup/multistage-development/0123456789abcdef"),
          developmentTag,
        ),
        "change development's target group",
      );
      for (const stage of ["staging", "production"])
        denied(
          await asDeployer(feature, "elasticloadbalancing:CreateRule", listener(stage), {
            "aws:ResourceTag/stage": stage,
            "aws:RequestTag/stage": "feature-x",
            "aws:TagKeys": ["stage"],
          }),
          `a rule on ${stage}'s listener`,
        );
    });

    it("development: hosts feature stacks' rules on its listener without reaching into them", async () => {
      const development = await roles("development");
      assert.equal(
        await asDeployer(
          development,
          "elasticloadbalancing:AddListenerCertificates",
          listener("development"),
          developmentTag,
        ),
        "Allowed",
        "control: the preview domain's certificate on its own listener",
      );
      denied(
        await asDeployer(development, "elasticloadbalancing:ModifyRule", rule("development"), {
          "aws:ResourceTag/stage": "feature-x",
        }),
        "change a feature stack's rule",
      );
    });

    it("feature: cannot read the feature host's admin login or change the host", async () => {
      const feature = await roles("feature");
      const secret = (name: string) =>
        `arn:aws:secretsmanager:${R}:${ACCOUNT}:secret:${name}-AbCdEf`;
      denied(
        await asDeployer(
          feature,
          "secretsmanager:GetSecretValue",
          secret("multistage-development-feature-host-credentials"),
          developmentTag,
        ),
        "the feature host's admin secret",
      );
      for (const action of ["rds:ModifyDBInstance", "rds:DeleteDBInstance", "rds:RebootDBInstance"])
        denied(
          await asDeployer(
            feature,
            action,
            rds("db:multistage-development-feature-host"),
            developmentTag,
          ),
          `${action} on the feature host`,
        );
      assert.equal(
        await asDeployer(
          feature,
          "secretsmanager:GetSecretValue",
          secret("multistage-feature-x-db-credentials"),
          { "aws:ResourceTag/stage": "feature-x" },
        ),
        "Allowed",
        "control: its own database's credentials",
      );
    });

    it("feature: manages its own serverless cache, users and user groups, and no other stage's", async () => {
      const feature = await roles("feature");
      for (const [action, resource] of [
        ["elasticache:ModifyServerlessCache", "serverlesscache:multistage-feature-x-cache"],
        ["elasticache:DeleteServerlessCache", "serverlesscache:multistage-feature-x-cache"],
        ["elasticache:ModifyUser", "user:multistage-feature-x-0123abcd"],
        ["elasticache:DeleteUserGroup", "usergroup:multistage-feature-x-cache"],
      ])
        assert.equal(
          await asDeployer(feature, action, cache(resource), {
            "aws:ResourceTag/stage": "feature-x",
          }),
          "Allowed",
          `control: ${action} on its own ${resource}`,
        );
      for (const stage of ["development", "staging", "production"]) {
        const tag = { "aws:ResourceTag/stage": stage };
        for (const [action, resource] of [
          ["elasticache:ModifyServerlessCache", `serverlesscache:multistage-${stage}-cache`],
          ["elasticache:DeleteServerlessCache", `serverlesscache:multistage-${stage}-cache`],
          ["elasticache:ModifyUser", `user:multistage-${stage}-cache-default`],
          // Development's cache user group takes feature stacks' users (the next test).
          ...(stage === "development"
            ? []
            : [["elasticache:ModifyUserGroup", `usergroup:multistage-${stage}-cache`]]),
          ["elasticache:DeleteUserGroup", `usergroup:multistage-${stage}-cache`],
        ])
          denied(
            await asDeployer(feature, action, cache(resource), tag),
            `${action} on ${stage}'s ${resource}`,
          );
      }
    });

    it("feature: adds and removes only its own users in development's cache user group, and touches no other group or user", async () => {
      const feature = await roles("feature");
      const developmentGroup = cache("usergroup:multistage-development-cache");
      const ownUser = cache("user:multistage-feature-x-cache");
      // ModifyUserGroup is authorized against the group and every user it adds or removes
      // (Service Authorization Reference): each is a request of its own here.
      for (const action of ["elasticache:ModifyUserGroup", "elasticache:DescribeUserGroups"])
        assert.equal(
          await asDeployer(feature, action, developmentGroup, developmentTag),
          "Allowed",
          `control: ${action} on development's cache user group`,
        );
      assert.equal(
        await asDeployer(feature, "elasticache:ModifyUserGroup", ownUser, {
          "aws:ResourceTag/stage": "feature-x",
        }),
        "Allowed",
        "control: ModifyUserGroup naming its own user",
      );
      for (const [stage, group] of [
        ["staging", "multistage-staging-cache"],
        ["production", "multistage-production-cache"],
        ["development", "multistage-development-cache-2"],
        ["development", "multistage-development-other"],
      ])
        for (const action of ["elasticache:ModifyUserGroup", "elasticache:DescribeUserGroups"])
          denied(
            await asDeployer(feature, action, cache(`usergroup:${group}`), {
              "aws:ResourceTag/stage": stage,
            }),
            `${action} on ${stage}'s user group ${group}`,
          );
      // Development's default user: not removed from its group (ModifyUserGroup names it), not
      // changed (its access string or password), not deleted; nor another stage's user added.
      for (const [action, user] of [
        ["elasticache:ModifyUserGroup", "multistage-development-cache-default"],
        ["elasticache:ModifyUser", "multistage-development-cache-default"],
        ["elasticache:DeleteUser", "multistage-development-cache-default"],
        ["elasticache:ModifyUserGroup", "multistage-production-cache-default"],
      ])
        denied(
          await asDeployer(feature, action, cache(`user:${user}`), {
            "aws:ResourceTag/stage": user.split("-")[1],
          }),
          `${action} naming ${user}`,
        );
      // Nothing but the membership calls on development's group.
      for (const action of [
        "elasticache:DeleteUserGroup",
        "elasticache:AddTagsToResource",
        "elasticache:RemoveTagsFromResource",
      ])
        denied(
          await asDeployer(feature, action, developmentGroup, developmentTag),
          `${action} on development's cache user group`,
        );
    });

    it("development: manages its own cache users and user group, no other stage's", async () => {
      const development = await roles("development");
      const developmentTag = { "aws:ResourceTag/stage": "development" };
      for (const [action, resource] of [
        ["elasticache:CreateUserGroup", "usergroup:multistage-development-cache"],
        ["elasticache:ModifyUserGroup", "usergroup:multistage-development-cache"],
        ["elasticache:ModifyUser", "user:multistage-development-cache-default"],
        ["elasticache:DeleteUser", "user:multistage-development-cache-default"],
      ])
        assert.equal(
          await asDeployer(development, action, cache(resource), developmentTag),
          "Allowed",
          `control: ${action} on its own ${resource}`,
        );
      for (const stage of ["staging", "production"])
        for (const [action, resource] of [
          ["elasticache:ModifyUserGroup", `usergroup:multistage-${stage}-cache`],
          ["elasticache:ModifyUser", `user:multistage-${stage}-cache-default`],
        ])
          denied(
            await asDeployer(development, action, cache(resource), {
              "aws:ResourceTag/stage": stage,
            }),
            `${action} on ${stage}'s ${resource}`,
          );
    });
  });

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
