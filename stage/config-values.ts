/**
 * Turning config as Pulumi hands it to a program (every value a string) back into values.
 * Pure, so the program, the tools and the access project read config the same way.
 */

/**
 * Objects and lists arrive as JSON, numbers and booleans as their text. Decode those; leave
 * every other string alone.
 */
export function decodeConfigValue(value: string): unknown {
  const looksStructured =
    /^[[{]/.test(value) || value === "true" || value === "false" || /^-?\d+(\.\d+)?$/.test(value);
  if (!looksStructured) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** The keys of one namespace (`multistage:stage` -> `stage`), decoded. */
export function namespaceConfig(
  values: Record<string, string>,
  namespace: string,
): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (key.startsWith(`${namespace}:`))
      raw[key.slice(namespace.length + 1)] = decodeConfigValue(value);
  }
  return raw;
}
