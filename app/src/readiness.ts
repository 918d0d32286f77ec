import type { DependencyCheck } from "./dependencies";

export interface CheckResult {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

export interface Readiness {
  ok: boolean;
  checks: Record<string, CheckResult>;
}

/** Runs every check at once, each bounded by the timeout, and reports each by name. */
export async function checkReadiness(checks: DependencyCheck[], timeoutMs: number): Promise<Readiness> {
  const results = await Promise.all(checks.map(async (dependency) => [dependency.name, await runCheck(dependency, timeoutMs)] as const));
  return { ok: results.every(([, r]) => r.ok), checks: Object.fromEntries(results) };
}

async function runCheck(dependency: DependencyCheck, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    await Promise.race([dependency.check(controller.signal), timeout]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: describe(error) };
  } finally {
    clearTimeout(timer);
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
