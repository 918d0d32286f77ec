import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * Stores a JSON document in Secrets Manager. The whole document is marked secret so it never
 * shows in state diffs or outputs, whatever fields it holds.
 */
export function jsonSecret(
  name: string,
  args: {
    secretName: string;
    description: string;
    value: pulumi.Input<Record<string, pulumi.Input<string | number>>>;
    recoveryDays: number;
  },
  parent: pulumi.Resource,
): { secret: aws.secretsmanager.Secret; version: aws.secretsmanager.SecretVersion } {
  const secret = new aws.secretsmanager.Secret(
    `${name}-secret`,
    {
      name: args.secretName,
      description: args.description,
      recoveryWindowInDays: args.recoveryDays,
    },
    { parent },
  );
  const version = new aws.secretsmanager.SecretVersion(
    `${name}-secret-value`,
    {
      secretId: secret.id,
      secretString: pulumi.secret(pulumi.jsonStringify(args.value)),
    },
    { parent },
  );
  return { secret, version };
}
