/**
 * After `pulumi up` returns, a feature stack's URL is not serving yet: ECS reports the service
 * ACTIVE at once (pulumi-aws does not wait for a steady state unless waitForSteadyState is set),
 * and its tasks start and pass the target group's health checks afterwards. `feature up` waits
 * for what a reviewer clicks on instead: the app's readiness path answering 200 through the load
 * balancer, which also proves the database and cache answer (the app's /readyz checks both).
 */
import { READY_PATH } from "../../app/src/contract";
import type { CommandContext } from "../commands/context";

/** How often the URL is asked: a preview target group checks every 5 s, healthy after two. */
export const READY_POLL_MS = 2_000;

export interface ReadyWait {
  /** Whether the URL answered 200 in time. */
  ready: boolean;
  /** Seconds from the first request until the 200 (or until giving up). */
  seconds: number;
  /** The last answer: an HTTP status, or why there was none. */
  last: string;
}

/** Asks `<url>/readyz` until it answers 200 or `timeoutMs` has passed since the first request. */
export async function waitUntilReady(
  context: CommandContext,
  url: string,
  timeoutMs: number,
): Promise<ReadyWait> {
  const target = `${url.replace(/\/$/, "")}${READY_PATH}`;
  const started = context.now().getTime();
  let last = "no answer yet";
  for (let polls = 0; ; polls++) {
    const answer = await context.probe(target);
    last = typeof answer === "number" ? `HTTP ${answer}` : answer;
    // The time slept counts even where the clock does not move (a test's fixed clock).
    const seconds = Math.max(context.now().getTime() - started, polls * READY_POLL_MS) / 1000;
    if (answer === 200) return { ready: true, seconds, last };
    if (seconds * 1000 >= timeoutMs) return { ready: false, seconds, last };
    await context.sleep(READY_POLL_MS);
  }
}

/** One GET with a short timeout: the status, or the reason there was none (DNS, refused, timeout). */
export async function probeOnce(url: string, timeoutMs = 5_000): Promise<number | string> {
  try {
    const response = await fetch(url, {
      signal: AbortSignal.timeout(timeoutMs),
      redirect: "manual",
    });
    await response.body?.cancel();
    return response.status;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return cause ?? (error instanceof Error ? error.name : String(error));
  }
}
