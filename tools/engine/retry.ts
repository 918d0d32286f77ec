import { StackBusyError } from "./workspace";

export interface BusyRetryOptions {
  /** Longest total time to keep waiting for the lock, in ms; 0 means do not wait. */
  maxWaitMs: number;
  /** Pause between attempts, in ms. */
  intervalMs?: number;
  /** Told before each pause, so the wait is visible. */
  onWait?: (attempt: number, waitedMs: number) => void;
  /** Injected so tests do not sleep. */
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs an engine operation, waiting and retrying while another update holds the stack,
 * for at most `maxWaitMs`. Any other error passes straight through.
 */
export async function withBusyRetry<T>(
  operation: () => Promise<T>,
  options: BusyRetryOptions,
): Promise<T> {
  const interval = options.intervalMs ?? 15_000;
  const sleep = options.sleep ?? realSleep;
  let waited = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!(error instanceof StackBusyError)) throw error;
      if (waited + interval > options.maxWaitMs) {
        const waitedText = waited > 0 ? ` after waiting ${Math.round(waited / 1000)} s` : "";
        throw new StackBusyError(
          error.stackName,
          `still locked${waitedText}; retry later, or pass a longer --wait (e.g. --wait 10m)`,
        );
      }
      options.onWait?.(attempt, waited);
      await sleep(interval);
      waited += interval;
    }
  }
}
