import ms from "ms";
import { UsageError } from "../commands/run-command";

export interface DurationLimits {
  /** Accept "0" (e.g. --wait 0: do not wait). */
  allowZero?: boolean;
  /** Longest accepted duration, in ms, and how to say it. */
  max: { ms: number; text: string };
}

/**
 * Parses a duration option such as 72h, 3d or 90m into milliseconds, within the option's
 * limits: `--ttl 300000y` is a typo to report, not a date far past JavaScript's range.
 */
export function parseDuration(option: string, text: string, limits: DurationLimits): number {
  const trimmed = text.trim();
  const value =
    /^\d+(\.\d+)?\s*[a-z]+$/i.test(trimmed) || (limits.allowZero && trimmed === "0")
      ? ms(trimmed as ms.StringValue)
      : undefined;
  const valid =
    value !== undefined && Number.isFinite(value) && value >= 0 && (limits.allowZero || value > 0);
  if (!valid) {
    throw new UsageError(
      `${option}: got ${JSON.stringify(text)}; expected a duration like 90m, 72h or 7d${limits.allowZero ? ", or 0" : ""}`,
    );
  }
  if (value > limits.max.ms)
    throw new UsageError(
      `${option}: got ${JSON.stringify(text)}; expected at most ${limits.max.text}`,
    );
  return value;
}

/** `--wait`: how long a command waits for another update's lock. */
export const LOCK_WAIT_LIMITS: DurationLimits = {
  allowZero: true,
  max: { ms: 2 * 3_600_000, text: "2h" },
};

/** `--ready-timeout`: how long `feature up` waits for the URL to serve after the update. */
export const READY_WAIT_LIMITS: DurationLimits = {
  allowZero: true,
  max: { ms: 3_600_000, text: "1h" },
};
