/**
 * The feature role's password: a Secrets Manager secret whose SecretString is JSON with a
 * `password` field (the shape RDS and the stack's random passwords use). Reading it is behind
 * `readSecret` so tests and the fake ECS endpoint need no AWS; the password is returned to the
 * caller only, never logged, and reaches PostgreSQL only as a SCRAM verifier (scram.ts).
 */
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { FEATURE_DB_EXIT, FeatureDbFailure } from "./failure";

/** Resolves to the secret's SecretString. */
export type ReadSecret = (arn: string) => Promise<string>;

export const readSecretFromAws: ReadSecret = async (arn) => {
  const client = new SecretsManagerClient({});
  try {
    const answer = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    if (answer.SecretString === undefined)
      throw new FeatureDbFailure(FEATURE_DB_EXIT.failed, `secret ${arn} holds no SecretString`);
    return answer.SecretString;
  } finally {
    client.destroy();
  }
};

/** Printable ASCII: what SCRAM's SASLprep leaves unchanged, and what generated passwords hold. */
const PASSWORD = /^[\x21-\x7e]{12,256}$/;

export async function readPassword(readSecret: ReadSecret, arn: string): Promise<string> {
  const text = await readSecret(arn);
  let password: unknown;
  try {
    password = (JSON.parse(text) as { password?: unknown }).password;
  } catch {
    password = undefined;
  }
  if (typeof password !== "string")
    throw new FeatureDbFailure(
      FEATURE_DB_EXIT.invalid,
      `--password-secret-arn: secret ${arn} is not JSON with a "password" string field`,
    );
  if (!PASSWORD.test(password))
    throw new FeatureDbFailure(
      FEATURE_DB_EXIT.invalid,
      `--password-secret-arn: the password in secret ${arn} (value hidden) is not 12 to 256 printable ASCII characters without spaces`,
    );
  return password;
}
