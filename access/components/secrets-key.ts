import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface SecretsKeyArgs {
  /** Stage whose stack secrets the key protects. */
  stage: string;
  /** The key's alias (lib/aws/naming.ts secretsKeyAlias). */
  alias: string;
  /** Account that administers (but cannot use) the key. */
  accountId: string;
  /** The only role that may encrypt with the key: the stage's deployer. */
  deployerRoleArn: pulumi.Input<string>;
  /** The stage's reviewer, which decrypts to preview (a preview reads the state's secrets). */
  reviewerRoleArn: pulumi.Input<string>;
}

/**
 * A KMS key for a stage's stack secrets (`pulumi stack change-secrets-provider
 * awskms://alias/multistage-<stage>-secrets`). The account can administer it but not use it;
 * only the stage's deployer role can decrypt, so only it can read the stage's secrets.
 */
export class SecretsKey extends pulumi.ComponentResource {
  readonly alias: string;
  readonly keyArn: pulumi.Output<string>;

  constructor(name: string, args: SecretsKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("multistage:access:SecretsKey", name, {}, opts);
    const child = { parent: this };
    const key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `Stack secrets of the multistage ${args.stage} stage`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: pulumi
          .all([args.deployerRoleArn, args.reviewerRoleArn])
          .apply(([deployer, reviewer]) =>
            JSON.stringify({
              Version: "2012-10-17",
              Statement: [
                {
                  Sid: "AccountAdministersButCannotRead",
                  Effect: "Allow",
                  Principal: { AWS: `arn:aws:iam::${args.accountId}:root` },
                  Action: [
                    "kms:Create*",
                    "kms:Describe*",
                    "kms:Enable*",
                    "kms:List*",
                    "kms:Put*",
                    "kms:Update*",
                    "kms:Revoke*",
                    "kms:Disable*",
                    "kms:Get*",
                    "kms:Delete*",
                    "kms:TagResource",
                    "kms:UntagResource",
                    "kms:ScheduleKeyDeletion",
                    "kms:CancelKeyDeletion",
                  ],
                  Resource: "*",
                },
                {
                  Sid: "OnlyTheStageDeployerUsesIt",
                  Effect: "Allow",
                  Principal: { AWS: deployer },
                  Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"],
                  Resource: "*",
                },
                {
                  Sid: "TheStageReviewerReads",
                  Effect: "Allow",
                  Principal: { AWS: reviewer },
                  Action: ["kms:Decrypt", "kms:DescribeKey"],
                  Resource: "*",
                },
              ],
            }),
          ),
      },
      { ...child, protect: true },
    );
    this.alias = args.alias;
    new aws.kms.Alias(`${name}-alias`, { name: this.alias, targetKeyId: key.keyId }, child);
    this.keyArn = key.arn;
    this.registerOutputs({ keyArn: this.keyArn });
  }
}
