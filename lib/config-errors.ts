/**
 * Config problems, for any config this repository reads (a stage's stack file, the access
 * project's): one problem per bad key, naming the key, the value found and what is valid.
 */
import type { ZodError } from "zod";

/** One bad config key: where it is, what was found, what would be valid. */
export interface ConfigProblem {
  /** Full key path, e.g. `multistage:app.cpu`. */
  key: string;
  /** The value found, as JSON, or `(not set)`. */
  value: string;
  /** What would be valid. */
  expected: string;
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

/**
 * One problem per zod issue, keyed `<namespace>:<path>`, with the value found in the raw
 * config. `validKeysAt` names the keys a typo could have meant.
 */
export function zodIssueProblems(
  error: ZodError,
  raw: unknown,
  namespace: string,
  validKeysAt: (path: readonly (string | number)[]) => string[] = () => [],
): ConfigProblem[] {
  return error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys") {
      const parent = issue.path.length ? `${issue.path.join(".")}.` : "";
      return {
        key: issue.keys.map((k) => `${namespace}:${parent}${k}`).join(", "),
        value: issue.keys.map((k) => describeValue(valueAt(raw, [...issue.path, k]))).join(", "),
        expected: `no such key; valid keys here are ${validKeysAt(issue.path).join(", ")}`,
      };
    }
    const expected =
      issue.code === "invalid_enum_value"
        ? `one of ${issue.options.join(", ")}`
        : issue.code === "invalid_type"
          ? `a ${issue.expected}`
          : issue.message;
    return {
      key: `${namespace}:${issue.path.join(".")}`,
      value: describeValue(valueAt(raw, issue.path)),
      expected,
    };
  });
}

/** Invalid config, every problem listed: one line for one problem, a heading and a line each for several. */
export class ConfigError extends Error {
  constructor(
    /** What the config configures, e.g. `stack "staging"`. */
    readonly subject: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    const line = (p: ConfigProblem) => `${p.key}: got ${p.value}; expected ${p.expected}`;
    super(
      problems.length === 1
        ? `Invalid configuration for ${subject}: ${line(problems[0])}`
        : [
            `Invalid configuration for ${subject} (${problems.length} problems):`,
            ...problems.map((p) => `  - ${line(p)}`),
          ].join("\n"),
    );
    this.name = "ConfigError";
  }
}
