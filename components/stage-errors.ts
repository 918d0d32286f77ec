/** One bad config key: where it is, what was found, what would be valid. */
export interface ConfigProblem {
  /** Full key path, e.g. `multistage:app.cpu`. */
  key: string;
  /** The value found, as JSON, or `(not set)`. */
  value: string;
  /** What would be valid. */
  expected: string;
}

/**
 * Thrown before any resource is registered when a stack's config is invalid. Its message
 * lists every problem, one per line, so one `pulumi up` shows them all.
 */
export class StageConfigError extends Error {
  constructor(
    readonly stack: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(
      [
        `Invalid configuration for stack "${stack}" (${problems.length} problem${problems.length === 1 ? "" : "s"}):`,
        ...problems.map((p) => `  - ${p.key}: got ${p.value}; expected ${p.expected}`),
      ].join("\n"),
    );
    this.name = "StageConfigError";
  }
}

/** Renders a config value for an error message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "(not set)";
  return JSON.stringify(value);
}

/** Reads a nested value by path from raw config. */
export function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let current: unknown = root;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}
