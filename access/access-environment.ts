import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { secretsKeyAlias } from "../lib/aws/naming";
import { PROJECT } from "../stage/resolve";
import { DeployerRole } from "./components/deployer-role";
import { SecretsKey } from "./components/secrets-key";
import { AccessConfig } from "./config";
import { GITHUB_OIDC_HOST } from "./deployer-policies";
import { SHARED_REPOSITORY, StageDocuments } from "./documents";

export interface AccessOutputs {
  deployerRoleArns: Record<string, pulumi.Output<string>>;
  reviewerRoleArns: Record<string, pulumi.Output<string>>;
  permissionsBoundaryArns: Record<string, pulumi.Output<string>>;
  secretsKeyAliases: Record<string, string>;
  sharedRepositoryUrl: pulumi.Output<string>;
  githubOidcProviderArn?: pulumi.Output<string>;
}

/** Everything access/ creates: per stage a deployer, a reviewer and a boundary; GitHub trust; secrets keys; the shared repository. */
export class AccessEnvironment extends pulumi.ComponentResource {
  readonly outputs: AccessOutputs;

  constructor(
    name: string,
    config: AccessConfig,
    region: string,
    documents: StageDocuments[],
    opts?: pulumi.ComponentResourceOptions,
  ) {
    const provider = new aws.Provider(`${name}-aws`, {
      region: region as aws.Region,
      defaultTags: { tags: { project: PROJECT, "managed-by": "pulumi", stack: "access" } },
    });
    super(
      "multistage:access:AccessEnvironment",
      name,
      {},
      { ...opts, providers: { aws: provider } },
    );
    const child = { parent: this };

    const repository = new aws.ecr.Repository(
      `${name}-shared-repo`,
      {
        name: SHARED_REPOSITORY,
        // A digest is what gets promoted; tags never move under it.
        imageTagMutability: "IMMUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
      },
      { ...child, protect: true },
    );

    let githubProviderArn: pulumi.Output<string> | undefined;
    if (config.github) {
      githubProviderArn = config.github.oidcProviderArn
        ? pulumi.output(config.github.oidcProviderArn)
        : new aws.iam.OpenIdConnectProvider(
            `${name}-github`,
            { url: `https://${GITHUB_OIDC_HOST}`, clientIdLists: ["sts.amazonaws.com"] },
            child,
          ).arn;
    }

    const deployerRoleArns: Record<string, pulumi.Output<string>> = {};
    const reviewerRoleArns: Record<string, pulumi.Output<string>> = {};
    const permissionsBoundaryArns: Record<string, pulumi.Output<string>> = {};
    const secretsKeyAliases: Record<string, string> = {};
    for (const stage of documents) {
      const roles = new DeployerRole(`${name}-${stage.stage}`, { documents: stage }, child);
      deployerRoleArns[stage.stage] = roles.roleArn;
      reviewerRoleArns[stage.stage] = roles.reviewerArn;
      permissionsBoundaryArns[stage.stage] = roles.boundaryArn;
      if (config.secretsKeys) {
        const alias = secretsKeyAlias(PROJECT, stage.stage);
        new SecretsKey(
          `${name}-${stage.stage}-secrets`,
          {
            stage: stage.stage,
            alias,
            accountId: config.accountId,
            deployerRoleArn: roles.roleArn,
            reviewerRoleArn: roles.reviewerArn,
          },
          child,
        );
        secretsKeyAliases[stage.stage] = alias;
      }
    }
    this.outputs = {
      deployerRoleArns,
      reviewerRoleArns,
      permissionsBoundaryArns,
      secretsKeyAliases,
      sharedRepositoryUrl: repository.repositoryUrl,
      githubOidcProviderArn: githubProviderArn,
    };
    this.registerOutputs({ ...this.outputs });
  }
}
