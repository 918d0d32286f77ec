import ms from "ms";
import { UsageError } from "../commands/run-command";

/** Parses a duration option such as 72h, 3d or 90m into milliseconds. */
export function parseDuration(option: string, text: string, { allowZero = false } = {}): number {
  const value = /^\d+(\.\d+)?\s*[a-z]+$/i.test(text.trim()) || (allowZero && text.trim() === "0") ? ms(text.trim() as ms.StringValue) : undefined;
  if (value === undefined || Number.isNaN(value) || value < 0 || (!allowZero && value === 0)) {
    throw new UsageError(`${option}: got ${JSON.stringify(text)}; expected a duration like 90m, 72h or 7d${allowZero ? ", or 0" : ""}`);
  }
  return value;
}
