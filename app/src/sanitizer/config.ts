/**
 * The sanitize task's environment: exactly the contract's variables (app/src/contract.ts, which
 * the refinery's task definition reads too), plus the local-only TLS switch the app has.
 */
import { z } from "zod";
import type { SanitizeEnvironmentName, SanitizeSecretName } from "../contract";

const port = z.coerce.number({ invalid_type_error: "a port number" }).int().min(1).max(65535);
const identifier = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, "an identifier");

export const sanitizeContract = z.object({
  APP_STAGE: z.string().regex(/^[a-z][a-z0-9-]*$/, "the stage whose stack runs the refinery"),
  DB_HOST: z
    .string()
    .min(1, "the sanitizer instance's host name")
    .regex(/^[A-Za-z0-9.:-]+$/, "a host name"),
  DB_PORT: port,
  DB_NAME: identifier,
  DB_USER: identifier,
  DB_PASSWORD: z.string().min(8, "the sanitizer's master password (at least 8 characters)"),
  // 32 bytes at least: the key is what keeps a hashed email from being found by hashing guesses.
  SANITIZE_HMAC_KEY: z.string().min(32, "the HMAC key (at least 32 characters)"),
  // Optional to the program (local runs export nothing); its form is checked before anything
  // changes by the export step (app/src/feature-db/after-sanitize.ts).
  FEATURE_TEMPLATE_EXPORT_URI: z.string().optional(),
} satisfies Record<SanitizeEnvironmentName | SanitizeSecretName, z.ZodTypeAny>);

export const sanitizeLocal = z.object({
  /** Talk to PostgreSQL without TLS: local runs only (the guard refuses it for a remote host). */
  APP_DISABLE_TLS: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true"),
  /** PEM bundle to verify RDS certificates with (the image sets it). */
  DB_CA_FILE: z.string().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace"]).default("info"),
});

export type SanitizeConfig = z.infer<typeof sanitizeContract> & z.infer<typeof sanitizeLocal>;

export const SANITIZE_SECRET_KEYS: readonly string[] = [
  "DB_PASSWORD",
  "SANITIZE_HMAC_KEY",
] satisfies SanitizeSecretName[];

/** Every problem with the environment, secrets named but never shown. */
export function loadSanitizeConfig(
  env: NodeJS.ProcessEnv,
): { ok: true; config: SanitizeConfig } | { ok: false; problems: string[] } {
  const contract = sanitizeContract.safeParse(env);
  const local = sanitizeLocal.safeParse(env);
  if (contract.success && local.success)
    return { ok: true, config: { ...contract.data, ...local.data } };
  const problems: string[] = [];
  for (const result of [contract, local]) {
    if (result.success) continue;
    for (const issue of result.error.issues) {
      const key = String(issue.path[0]);
      if (env[key] === undefined)
        problems.push(`${key}: missing; the refinery's task definition sets it`);
      else
        problems.push(
          `${key}: ${SANITIZE_SECRET_KEYS.includes(key) ? "malformed (value hidden)" : `got ${JSON.stringify(env[key])}`}; expected ${issue.message}`,
        );
    }
  }
  return { ok: false, problems };
}
