/**
 * The provisioner's environment: exactly the contract's variables (app/src/contract.ts, which
 * the feature host's task definition reads too), plus the local-only TLS switch and CA bundle
 * the app and the sanitizer have. TLS may be switched off only for a host on loopback, so a
 * misconfigured task cannot send the admin password in the clear.
 */
import { z } from "zod";
import {
  FEATURE_DB_NAME_PATTERN,
  type FeatureDbEnvironmentName,
  type FeatureDbSecretName,
} from "../contract";
import { isLoopback } from "../sanitizer/guard";
import { FEATURE_DB_EXIT, FeatureDbFailure } from "./failure";

const identifier = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, "an identifier");

export const featureDbContract = z.object({
  APP_STAGE: z.string().regex(/^[a-z][a-z0-9-]*$/, "the stage whose stack owns the feature host"),
  DB_HOST: z
    .string()
    .min(1, "the feature host's name")
    .regex(/^[A-Za-z0-9.:-]+$/, "a host name"),
  DB_PORT: z.coerce.number({ invalid_type_error: "a port number" }).int().min(1).max(65535),
  DB_NAME: identifier,
  DB_USER: identifier,
  DB_PASSWORD: z.string().min(8, "the feature host's admin password (at least 8 characters)"),
  FEATURE_DB_MAX: z.coerce
    .number({ invalid_type_error: "a whole number" })
    .int("a whole number")
    .min(1, "at least 1")
    .max(500, "at most 500"),
  FEATURE_DB_TEMPLATE: z
    .string()
    .regex(FEATURE_DB_NAME_PATTERN, `a name matching ${FEATURE_DB_NAME_PATTERN.source}`),
} satisfies Record<FeatureDbEnvironmentName | FeatureDbSecretName, z.ZodTypeAny>);

export const featureDbLocal = z.object({
  /** Talk to PostgreSQL without TLS: a host on loopback only (local runs and tests). */
  APP_DISABLE_TLS: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true"),
  /** PEM bundle to verify RDS certificates with (the image sets it). */
  DB_CA_FILE: z.string().optional(),
});

export type FeatureDbConfig = z.infer<typeof featureDbContract> & z.infer<typeof featureDbLocal>;

const SECRETS: readonly string[] = ["DB_PASSWORD"] satisfies FeatureDbSecretName[];

/** The config, or a failure listing every problem on one line, secrets named but never shown. */
export function loadFeatureDbConfig(env: Record<string, string | undefined>): FeatureDbConfig {
  const contract = featureDbContract.safeParse(env);
  const local = featureDbLocal.safeParse(env);
  const problems: string[] = [];
  for (const result of [contract, local]) {
    if (result.success) continue;
    for (const issue of result.error.issues) {
      const key = String(issue.path[0]);
      if (env[key] === undefined) problems.push(`${key}: missing; the task definition sets it`);
      else
        problems.push(
          `${key}: ${SECRETS.includes(key) ? "malformed (value hidden)" : `got ${JSON.stringify(env[key])}`}; expected ${issue.message}`,
        );
    }
  }
  if (contract.success && local.success) {
    const config = { ...contract.data, ...local.data };
    if (config.APP_DISABLE_TLS && !isLoopback(config.DB_HOST))
      problems.push(
        `APP_DISABLE_TLS: got "true" for DB_HOST ${config.DB_HOST}; expected TLS to any host not on loopback`,
      );
    if (problems.length === 0) return config;
  }
  throw new FeatureDbFailure(
    FEATURE_DB_EXIT.invalid,
    `invalid environment: ${problems.join("; ")}`,
  );
}
