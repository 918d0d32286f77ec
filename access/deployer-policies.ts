/**
 * The IAM documents behind "who may deploy which stage": each stage's deployer role may manage
 * only resources named or tagged for that stage, is explicitly denied every other stage's, can
 * only create roles that carry its permissions boundary, and is assumable only by the
 * principals and GitHub workflows configured for that stage. Pure functions, so tests can run
 * them through an IAM policy simulator.
 */
import { FEATURE } from "./config";

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: Array<Record<string, unknown>>;
}

export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
const PROJECT = "multistage";

/** Name prefix of a stage's resources: `multistage-staging`, `multistage-feature` (all feature stacks). */
function prefix(stage: string): string {
  return `${PROJECT}-${stage}`;
}

/** ARN patterns of everything a stage's stacks create, by the naming rules of components/naming.ts. */
export function stageResourcePatterns(account: string, stage: string): string[] {
  const p = prefix(stage);
  return [
    `arn:aws:s3:::${p}-*`,
    `arn:aws:rds:*:${account}:db:${p}-*`,
    `arn:aws:rds:*:${account}:subgrp:${p}-*`,
    `arn:aws:rds:*:${account}:pg:${p}-*`,
    `arn:aws:rds:*:${account}:snapshot:${p}-*`,
    `arn:aws:elasticache:*:${account}:replicationgroup:${p}-*`,
    `arn:aws:elasticache:*:${account}:subnetgroup:${p}-*`,
    `arn:aws:elasticache:*:${account}:cluster:${p}-*`,
    `arn:aws:elasticache:*:${account}:snapshot:${p}-*`,
    `arn:aws:secretsmanager:*:${account}:secret:${p}-*`,
    `arn:aws:logs:*:${account}:log-group:/${PROJECT}/${stage}*`,
    `arn:aws:ecs:*:${account}:cluster/${p}-*`,
    `arn:aws:ecs:*:${account}:service/${p}-*`,
    `arn:aws:ecs:*:${account}:task-definition/${p}-*`,
    `arn:aws:ecs:*:${account}:task/${p}-*`,
    `arn:aws:ecr:*:${account}:repository/${p}-*`,
    // Load balancers and target groups are named `multistage-<stage>` exactly (32-character limit).
    `arn:aws:elasticloadbalancing:*:${account}:loadbalancer/app/${p}*`,
    `arn:aws:elasticloadbalancing:*:${account}:targetgroup/${p}*`,
    `arn:aws:elasticloadbalancing:*:${account}:listener/app/${p}*`,
    `arn:aws:elasticloadbalancing:*:${account}:listener-rule/app/${p}*`,
    `arn:aws:iam::${account}:role/${p}-*`,
    `arn:aws:scheduler:*:${account}:schedule/default/${p}-*`,
  ];
}

/** The `stage` tag values a stage's resources carry (feature stacks: `feature-<slug>`). */
function stageTagValues(stage: string): string[] {
  return stage === FEATURE ? [`${FEATURE}-*`] : [stage];
}

const MANAGED_SERVICES = ["s3:*", "rds:*", "elasticache:*", "secretsmanager:*", "logs:*", "ecs:*", "ecr:*", "elasticloadbalancing:*", "scheduler:*"];
const READS_ANYWHERE = [
  "ec2:Describe*",
  "rds:Describe*",
  "rds:ListTagsForResource",
  "elasticache:Describe*",
  "ecs:Describe*",
  "ecs:List*",
  "elasticloadbalancing:Describe*",
  "logs:Describe*",
  "iam:Get*",
  "iam:List*",
  "secretsmanager:ListSecrets",
  "ecr:GetAuthorizationToken",
  "ecr:DescribeRepositories",
  "s3:ListAllMyBuckets",
  "acm:DescribeCertificate",
  "route53:Get*",
  "route53:List*",
  "sts:GetCallerIdentity",
  "scheduler:ListSchedules",
  "kms:DescribeKey",
];
/** What a lower stage may do to production: read its bucket, restore or replicate its database. */
const PRODUCTION_DATA_ACTIONS = ["s3:GetObject", "s3:GetObjectTagging", "s3:ListBucket", "rds:RestoreDBInstanceFromDBSnapshot", "rds:CreateDBInstanceReadReplica"];

function productionDataResources(account: string): string[] {
  return [
    `arn:aws:s3:::${prefix("production")}-*`,
    `arn:aws:rds:*:${account}:db:${prefix("production")}-*`,
    `arn:aws:rds:*:${account}:snapshot:rds:${prefix("production")}-*`,
  ];
}

/**
 * What a stage's deployer may do. Also used, minus the IAM administration, as the permissions
 * boundary of every role the stage creates, so nothing it creates can do more than it can.
 */
function stageStatements(account: string, stage: string, allStages: readonly string[], sharedRepository: string): Array<Record<string, unknown>> {
  const others = allStages.filter((s) => s !== stage);
  const statements: Array<Record<string, unknown>> = [
    { Sid: "ManageOwnStage", Effect: "Allow", Action: MANAGED_SERVICES, Resource: stageResourcePatterns(account, stage) },
    { Sid: "ReadAnything", Effect: "Allow", Action: READS_ANYWHERE, Resource: "*" },
    {
      Sid: "OwnTaggedNetwork",
      Effect: "Allow",
      Action: "ec2:*",
      Resource: "*",
      Condition: { StringLike: { "aws:ResourceTag/stage": stageTagValues(stage) } },
    },
    {
      Sid: "CreateTaggedNetwork",
      Effect: "Allow",
      Action: ["ec2:Create*", "ec2:AllocateAddress", "ec2:AuthorizeSecurityGroup*"],
      Resource: "*",
      Condition: { StringLike: { "aws:RequestTag/stage": stageTagValues(stage) } },
    },
    { Sid: "PullSharedImages", Effect: "Allow", Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"], Resource: sharedRepository },
  ];
  if (stage !== "production" && allStages.includes("production")) {
    statements.push({ Sid: "ReadProductionData", Effect: "Allow", Action: PRODUCTION_DATA_ACTIONS, Resource: productionDataResources(account) });
  }
  if (others.length > 0) {
    statements.push({
      Sid: "NeverOtherStages",
      Effect: "Deny",
      // Everything but reads (and, below production, the data reads allowed above).
      NotAction: [...READS_ANYWHERE, ...(stage !== "production" ? PRODUCTION_DATA_ACTIONS : [])],
      Resource: others.flatMap((other) => stageResourcePatterns(account, other)),
    });
    statements.push({
      Sid: "NeverOtherStagesNetwork",
      Effect: "Deny",
      NotAction: ["ec2:Describe*", "ec2:CreateSecurityGroup", "ec2:CreateTags"],
      Resource: "*",
      Condition: { StringLike: { "aws:ResourceTag/stage": others.flatMap(stageTagValues) } },
    });
  }
  return statements;
}

export function boundaryPolicyName(stage: string): string {
  return `${prefix(stage)}-deployer-boundary`;
}

export function deployerRoleName(stage: string): string {
  return `${prefix(stage)}-deployer`;
}

/** The ceiling of every role a stage's deployer creates (and of the deployer itself). */
export function deployerBoundary(account: string, stage: string, allStages: readonly string[], sharedRepository: string): PolicyDocument {
  const statements = stageStatements(account, stage, allStages, sharedRepository);
  return {
    Version: "2012-10-17",
    Statement: [
      ...statements,
      // Roles within the boundary may pass roles of their own stage (ECS, the scheduler) and nothing else.
      { Sid: "PassOwnRoles", Effect: "Allow", Action: ["iam:PassRole", "iam:CreateRole", "iam:PutRolePolicy", "iam:DeleteRole", "iam:DeleteRolePolicy", "iam:TagRole", "iam:UntagRole", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:UpdateAssumeRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePermissionsBoundary"], Resource: `arn:aws:iam::${account}:role/${prefix(stage)}-*` },
      { Sid: "KeepBoundaries", Effect: "Deny", Action: ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion"], Resource: `arn:aws:iam::${account}:policy/${PROJECT}-*-deployer-boundary` },
      { Sid: "NoBoundaryRemoval", Effect: "Deny", Action: ["iam:DeleteRolePermissionsBoundary"], Resource: "*" },
    ],
  };
}

/** The deployer's own permissions: its stage, and roles only with the stage's boundary attached. */
export function deployerPermissions(account: string, stage: string, allStages: readonly string[], sharedRepository: string): PolicyDocument {
  const boundaryArn = `arn:aws:iam::${account}:policy/${boundaryPolicyName(stage)}`;
  const statements = stageStatements(account, stage, allStages, sharedRepository);
  const ownRoles = `arn:aws:iam::${account}:role/${prefix(stage)}-*`;
  statements.push(
    {
      Sid: "CreateRolesOnlyWithinBoundary",
      Effect: "Allow",
      Action: ["iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:PutRolePermissionsBoundary"],
      Resource: ownRoles,
      Condition: { StringEquals: { "iam:PermissionsBoundary": boundaryArn } },
    },
    {
      Sid: "ManageOwnRoles",
      Effect: "Allow",
      Action: ["iam:DeleteRole", "iam:DeleteRolePolicy", "iam:DetachRolePolicy", "iam:TagRole", "iam:UntagRole", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:UpdateAssumeRolePolicy", "iam:PassRole"],
      Resource: ownRoles,
    },
    { Sid: "KeepBoundaries", Effect: "Deny", Action: ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion"], Resource: `arn:aws:iam::${account}:policy/${PROJECT}-*-deployer-boundary` },
    { Sid: "NoBoundaryRemoval", Effect: "Deny", Action: ["iam:DeleteRolePermissionsBoundary"], Resource: "*" },
  );
  if (stage === FEATURE || stage === "development") {
    // CI builds the one image per commit with these roles and pushes it to the shared repository.
    statements.push({
      Sid: "PushSharedImages",
      Effect: "Allow",
      Action: ["ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage"],
      Resource: sharedRepository,
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

/** One way a GitHub Actions job may qualify: claims of its OIDC token that must all match. */
export interface GithubRoute {
  /** `refs/heads/release/*`-style patterns the job's ref must match. */
  refs?: string[];
  /** The GitHub environment the job runs in (environments carry required reviewers). */
  environment?: string;
}

/** Which GitHub Actions jobs may deploy each stage (see .github/workflows). */
export function githubRoutes(stage: string, defaultBranch: string): GithubRoute[] {
  switch (stage) {
    case FEATURE:
      // Pull requests deploy their own stack; the nightly reaper runs on the default branch.
      return [{ refs: ["refs/pull/*"] }, { refs: [`refs/heads/${defaultBranch}`] }];
    case "development":
      return [{ refs: ["refs/heads/develop"] }];
    case "testing":
      return [{ environment: "testing" }];
    case "staging":
      return [{ refs: ["refs/heads/release/*", "refs/heads/hotfix/*"] }, { environment: "staging" }];
    case "production":
      // Only jobs bound to the `production` environment, which carries required reviewers.
      return [{ environment: "production" }];
    default:
      return [];
  }
}

/** Who may assume a stage's deployer role: the configured principals and the stage's workflows. */
export function deployerTrust(stage: string, principals: readonly string[], github?: { providerArn: string; repository: string; defaultBranch: string }): PolicyDocument {
  const statements: Array<Record<string, unknown>> = [];
  if (principals.length > 0) {
    statements.push({ Sid: "People", Effect: "Allow", Principal: { AWS: [...principals] }, Action: ["sts:AssumeRole", "sts:TagSession"] });
  }
  if (github) {
    // The provider's client id list already pins the audience (sts.amazonaws.com); these
    // conditions use GitHub's repository, ref and environment claims, which IAM evaluates directly.
    githubRoutes(stage, github.defaultBranch).forEach((route, i) => {
      statements.push({
        Sid: `GitHubActions${i}`,
        Effect: "Allow",
        Principal: { Federated: github.providerArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${GITHUB_OIDC_HOST}:repository`]: github.repository,
            ...(route.environment ? { [`${GITHUB_OIDC_HOST}:environment`]: route.environment } : {}),
          },
          ...(route.refs ? { StringLike: { [`${GITHUB_OIDC_HOST}:ref`]: route.refs } } : {}),
        },
      });
    });
  }
  if (statements.length === 0) throw new Error(`Nobody may deploy ${stage}: name a tier for it or configure GitHub`);
  return { Version: "2012-10-17", Statement: statements };
}
