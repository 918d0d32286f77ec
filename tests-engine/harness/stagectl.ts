/**
 * The project's own commands as CI runs them, in a checkout of the engine suite: stagectl
 * through `npm run -s stagectl --` (its JSON on stdout, its log on stderr), and the backend's
 * view of a stack (list, tags) through the Pulumi CLI.
 */
import type { Checkout } from "./checkout";
import { EngineSuite, expectSuccess, RunOptions, RunResult, tail } from "./engine";

/**
 * Runs `npm run -s stagectl -- <args>` in the checkout. `feature up` gets `--ready-timeout 0`
 * unless a test says otherwise: the fake cloud's URLs resolve nowhere, so waiting for
 * `<url>/readyz` would only time out (the wait itself is tested with a probe double in
 * tests/feature-cli.test.ts).
 */
export function stagectl(
  engine: EngineSuite,
  args: string[],
  cwd: Checkout | string,
  options: Omit<RunOptions, "cwd"> = {},
): Promise<RunResult> {
  const featureUp = args[0] === "feature" && args[1] === "up";
  const ready = featureUp && !args.includes("--ready-timeout") ? ["--ready-timeout", "0"] : [];
  return engine.run("npm", ["run", "-s", "stagectl", "--", ...args, ...ready], {
    ...options,
    cwd,
  });
}

/** Runs a stagectl command that prints JSON with --json; fails unless it exited 0. */
export async function stagectlJson<T>(
  engine: EngineSuite,
  args: string[],
  cwd: Checkout | string,
  options: Omit<RunOptions, "cwd"> = {},
): Promise<{ result: RunResult; json: T }> {
  const result = expectSuccess(await stagectl(engine, [...args, "--json"], cwd, options));
  try {
    return { result, json: JSON.parse(result.stdout) as T };
  } catch {
    throw new Error(
      `${result.command} printed no JSON on stdout:\n${tail(result.stdout)}\n${tail(result.stderr, 20)}`,
    );
  }
}

/** The stacks of the project in the backend, by name (`pulumi stack ls --json`). */
export async function stackNames(engine: EngineSuite, cwd: Checkout | string): Promise<string[]> {
  const listed = JSON.parse(
    expectSuccess(await engine.pulumi(["stack", "ls", "--json"], { cwd })).stdout,
  ) as Array<{ name: string }>;
  return listed.map((s) => s.name).sort();
}

/** The stack's tags as the backend keeps them (`pulumi stack tag ls --json`). */
export async function stackTags(
  engine: EngineSuite,
  stack: string,
  cwd: Checkout | string,
): Promise<Record<string, string>> {
  return JSON.parse(
    expectSuccess(await engine.pulumi(["stack", "tag", "ls", "-s", stack, "--json"], { cwd }))
      .stdout,
  ) as Record<string, string>;
}

/** Only the tags stagectl writes (`multistage:*`), without the CLI's own (`pulumi:*`, `vcs:*`). */
export function multistageTags(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).filter(([key]) => key.startsWith("multistage:")));
}

/** The config `pulumi config` shows for the stack in this checkout (keys and values). */
export async function stackConfig(
  engine: EngineSuite,
  stack: string,
  cwd: Checkout | string,
): Promise<Record<string, unknown>> {
  const shown = JSON.parse(
    expectSuccess(await engine.pulumi(["config", "-s", stack, "--json"], { cwd })).stdout,
  ) as Record<string, { value?: unknown }>;
  return Object.fromEntries(Object.entries(shown).map(([key, entry]) => [key, entry.value]));
}
