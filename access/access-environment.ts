import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DeployerRole } from "./components/deployer-role";
import { SecretsKey } from "./components/secrets-key";
import { AccessConfig, deployableStages, principalsFor } from "./config";
import { GITHUB_OIDC_HOST } from "./deployer-policies";

/** The shared image repository: one image per commit, built once, promoted by digest. */
export const SHARED_REPOSITORY = "multistage-app";

export interface AccessOutputs {
  deployerRoleArns: Record<string, pulumi.Output<string>>;
  permissionsBoundaryArns: Record<string, pulumi.Output<string>>;
  secretsKeyAliases: Record<string, string>;
  sharedRepositoryUrl: pulumi.Output<string>;
  githubOidcProviderArn?: pulumi.Output<string>;
}

/** Everything access/ creates: deployer roles per stage, GitHub trust, secrets keys, the shared repository. */
export class AccessEnvironment extends pulumi.ComponentResource {
  readonly outputs: AccessOutputs;

  constructor(name: string, config: AccessConfig, region: string, opts?: pulumi.ComponentResourceOptions) {
    const provider = new aws.Provider(`${name}-aws`, { region: region as aws.Region, defaultTags: { tags: { project: "multistage", "managed-by": "pulumi", stack: "access" } } });
    super("multistage:access:AccessEnvironment", name, {}, { ...opts, providers: { aws: provider } });
    const child = { parent: this };

    const repository = new aws.ecr.Repository(`${name}-shared-repo`, {
      name: SHARED_REPOSITORY,
      // A digest is what gets promoted; tags never move under it.
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
    }, { ...child, protect: true });

    let githubProviderArn: pulumi.Output<string> | undefined;
    if (config.github) {
      githubProviderArn = config.github.oidcProviderArn
        ? pulumi.output(config.github.oidcProviderArn)
        : new aws.iam.OpenIdConnectProvider(`${name}-github`, { url: `https://${GITHUB_OIDC_HOST}`, clientIdLists: ["sts.amazonaws.com"] }, child).arn;
    }

    const stages = deployableStages(config);
    const deployerRoleArns: Record<string, pulumi.Output<string>> = {};
    const permissionsBoundaryArns: Record<string, pulumi.Output<string>> = {};
    const secretsKeyAliases: Record<string, string> = {};
    for (const stage of stages) {
      const deployer = new DeployerRole(`${name}-${stage}`, {
        stage,
        allStages: stages,
        accountId: config.accountId,
        principals: principalsFor(config, stage),
        sharedRepositoryArn: repository.arn,
        github: config.github && githubProviderArn ? { providerArn: githubProviderArn, repository: config.github.repository, defaultBranch: config.github.defaultBranch } : undefined,
      }, child);
      deployerRoleArns[stage] = deployer.roleArn;
      permissionsBoundaryArns[stage] = deployer.boundaryArn;
      if (config.secretsKeys) {
        secretsKeyAliases[stage] = new SecretsKey(`${name}-${stage}-secrets`, { stage, accountId: config.accountId, deployerRoleArn: deployer.roleArn }, child).alias;
      }
    }
    this.outputs = { deployerRoleArns, permissionsBoundaryArns, secretsKeyAliases, sharedRepositoryUrl: repository.repositoryUrl, githubOidcProviderArn: githubProviderArn };
    this.registerOutputs({ ...this.outputs });
  }
}
