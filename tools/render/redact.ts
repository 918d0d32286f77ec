/** Replaces the engine's secret markers with a placeholder, so a render never holds a secret. */
export const REDACTED = "[secret]";

// The Pulumi wire format marks a secret as { [SIG_KEY]: SECRET_SIG, value }.
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export function isSecretMarker(value: unknown): boolean {
  return value !== null && typeof value === "object" && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** A deep copy of `value` with every secret replaced by REDACTED and keys sorted. */
export function redact(value: unknown): unknown {
  if (isSecretMarker(value)) return REDACTED;
  if (Array.isArray(value)) return value.map(redact);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = redact((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}
