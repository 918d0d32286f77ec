/**
 * Runs the dependency checks for /readyz. The result is public (see failure-reason.ts): each
 * failure is a category; the error itself goes to `onFailure`, which logs it.
 */
import type { DependencyCheck } from "./dependencies";
import { CheckTimeoutError, FailureReason, failureReason } from "./failure-reason";

export interface CheckResult {
  ok: boolean;
  latencyMs: number;
  /** Why the check failed, as a category; never the error's text. */
  error?: FailureReason;
}

export interface Readiness {
  ok: boolean;
  checks: Record<string, CheckResult>;
}

/** A failed check with everything an operator needs; for the log only. */
export interface CheckFailure {
  dependency: DependencyCheck["name"];
  /** Where the dependency was looked for (host:port, bucket). */
  target: string;
  reason: FailureReason;
  error: unknown;
}

/** Runs every check at once, each bounded by the timeout, and reports each by name. */
export async function checkReadiness(
  checks: DependencyCheck[],
  timeoutMs: number,
  onFailure: (failure: CheckFailure) => void = () => undefined,
): Promise<Readiness> {
  const results = await Promise.all(
    checks.map(async (dependency) => {
      const { result, error } = await runCheck(dependency, timeoutMs);
      if (result.error)
        onFailure({
          dependency: dependency.name,
          target: dependency.target,
          reason: result.error,
          error,
        });
      return [dependency.name, result] as const;
    }),
  );
  return { ok: results.every(([, r]) => r.ok), checks: Object.fromEntries(results) };
}

async function runCheck(
  dependency: DependencyCheck,
  timeoutMs: number,
): Promise<{ result: CheckResult; error?: unknown }> {
  const started = performance.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new CheckTimeoutError(timeoutMs));
    }, timeoutMs);
  });
  try {
    await Promise.race([dependency.check(controller.signal), timeout]);
    return { result: { ok: true, latencyMs: Math.round(performance.now() - started) } };
  } catch (error) {
    return {
      result: {
        ok: false,
        latencyMs: Math.round(performance.now() - started),
        error: failureReason(error),
      },
      error,
    };
  } finally {
    clearTimeout(timer);
  }
}
