/** Replaces the engine's secret markers with a placeholder, so a render never holds a secret. */
export const REDACTED = "[secret]";

// The Pulumi wire format marks a secret as { [SIG_KEY]: SECRET_SIG, value }.
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export function isSecretMarker(value: unknown): boolean {
  return (
    value !== null &&
    typeof value === "object" &&
    (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG
  );
}

/**
 * Rebuilds a JSON-like tree with sorted object keys; `replace` may substitute any node (its
 * result is not descended into unless it returns `undefined`, meaning "keep walking").
 */
function mapTree(value: unknown, replace: (node: unknown) => unknown): unknown {
  const replaced = replace(value);
  if (replaced !== undefined) return replaced;
  if (Array.isArray(value)) return value.map((item) => mapTree(item, replace));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort())
      out[key] = mapTree((value as Record<string, unknown>)[key], replace);
    return out;
  }
  return value;
}

/** A deep copy of `value` with every secret replaced by REDACTED and keys sorted. */
export function redact(value: unknown): unknown {
  return mapTree(value, (node) => (isSecretMarker(node) ? REDACTED : undefined));
}

/**
 * Policies and container definitions travel as JSON strings; a render shows them as
 * structure so reviewers and diffs can read them property by property.
 */
export function decodeJsonStrings(value: unknown): unknown {
  return mapTree(value, (node) => {
    if (typeof node !== "string" || !/^\s*[[{]/.test(node)) return undefined;
    try {
      return decodeJsonStrings(JSON.parse(node));
    } catch {
      return node;
    }
  });
}
