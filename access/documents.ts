/**
 * Every IAM document access/ creates, computed from its config alone (all ARNs in them are
 * deterministic), so they can be measured against IAM's quotas before any resource exists.
 */
import {
  boundaryPolicyName,
  deployerRoleName,
  reviewerRoleName,
  secretsKeyAlias,
} from "../lib/aws/naming";
import { DEFAULT_NETWORK_STACK } from "../stage/keys";
import { PROJECT, SHARED_REPOSITORY } from "../stage/resolve";
import { AccessConfig, AccessConfigError, deployableStages, principalsFor } from "./config";
import {
  deployerPermissions,
  githubRoutes,
  GithubTrust,
  PolicyDocument,
  reviewerPolicy,
  reviewerRoutes,
  StageAccess,
  stagePolicy,
  trustPolicy,
  GITHUB_OIDC_HOST,
} from "./deployer-policies";
import { limitProblems, RoleDocuments } from "./iam-limits";

export { SHARED_REPOSITORY } from "../stage/resolve";

export interface StageDocuments {
  stage: string;
  deployerRole: string;
  reviewerRole: string;
  boundaryPolicy: string;
  /** The stage's boundary: the ceiling of the deployer and of every role the stage creates. */
  boundary: PolicyDocument;
  /** The deployer's inline permissions: the boundary's allows and explicit denies. */
  permissions: PolicyDocument;
  deployerTrust: PolicyDocument;
  reviewerPolicy: PolicyDocument;
  reviewerTrust: PolicyDocument;
}

export function githubOidcProviderArn(config: AccessConfig): string | undefined {
  if (!config.github) return undefined;
  return (
    config.github.oidcProviderArn ??
    `arn:aws:iam::${config.accountId}:oidc-provider/${GITHUB_OIDC_HOST}`
  );
}

export function sharedRepositoryArn(config: AccessConfig, region: string): string {
  return `arn:aws:ecr:${region}:${config.accountId}:repository/${SHARED_REPOSITORY}`;
}

export function stageAccess(config: AccessConfig, region: string, stage: string): StageAccess {
  const names = config.dns?.names[stage];
  return {
    account: config.accountId,
    stage,
    sharedRepositoryArn: sharedRepositoryArn(config, region),
    stateBucket: config.stateBucket,
    dns: config.dns && names ? { hostedZoneId: config.dns.hostedZoneId, names } : undefined,
    // Feature stacks borrow the default network stack's VPC (stage/keys.ts); its tag is its stage.
    networkStage: DEFAULT_NETWORK_STACK,
    stagingReplica: config.stagingReplica,
    ...(config.secretsKeys ? { secretsKeyAlias: secretsKeyAlias(PROJECT, stage) } : {}),
  };
}

/** Every stage's documents; throws an AccessConfigError when any breaks an IAM quota. */
export function accessDocuments(config: AccessConfig, region: string): StageDocuments[] {
  const providerArn = githubOidcProviderArn(config);
  const github: GithubTrust | undefined =
    config.github && providerArn
      ? {
          providerArn,
          repository: config.github.repository,
          defaultBranch: config.github.defaultBranch,
          promoteWorkflow: config.github.promoteWorkflow,
          featureWorkflow: config.github.featureWorkflow,
        }
      : undefined;
  const documents = deployableStages(config).map((stage): StageDocuments => {
    const access = stageAccess(config, region, stage);
    const principals = principalsFor(config, stage);
    return {
      stage,
      deployerRole: deployerRoleName(PROJECT, stage),
      reviewerRole: reviewerRoleName(PROJECT, stage),
      boundaryPolicy: boundaryPolicyName(PROJECT, stage),
      boundary: stagePolicy(access),
      permissions: deployerPermissions(access),
      deployerTrust: trustPolicy(
        `${stage} deployer`,
        principals,
        github ? { trust: github, routes: githubRoutes(stage, github) } : undefined,
      ),
      reviewerPolicy: reviewerPolicy(access),
      reviewerTrust: trustPolicy(
        `${stage} reviewer`,
        principals,
        github ? { trust: github, routes: reviewerRoutes(github) } : undefined,
      ),
    };
  });
  const problems = limitProblems(documents.flatMap(roleDocuments));
  if (problems.length > 0) throw new AccessConfigError(problems);
  return documents;
}

/** The documents each role of a stage carries, as IAM counts them. */
export function roleDocuments(stage: StageDocuments): RoleDocuments[] {
  return [
    {
      role: stage.deployerRole,
      trust: stage.deployerTrust,
      inline: [stage.permissions],
      managed: [{ name: stage.boundaryPolicy, document: stage.boundary }],
    },
    {
      role: stage.reviewerRole,
      trust: stage.reviewerTrust,
      inline: [stage.reviewerPolicy],
      managed: [],
    },
  ];
}
