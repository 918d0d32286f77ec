/**
 * How often a recurring EventBridge Scheduler expression fires in an average month, for what a
 * nightly job costs. Expressions the stage model accepts (lib/aws/schedule-expression.ts);
 * the rarer cron forms (L, W, #) are answered with undefined and priced as "not priced".
 */
import { HOURS_PER_MONTH } from "./assumptions";

const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;
const DAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const MONTH_NAMES = [
  "JAN",
  "FEB",
  "MAR",
  "APR",
  "MAY",
  "JUN",
  "JUL",
  "AUG",
  "SEP",
  "OCT",
  "NOV",
  "DEC",
];

/** Runs in an average month (730 hours), or undefined for an expression this does not count. */
export function runsPerMonth(expression: string): number | undefined {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const every = Number(rate[1]);
    const hours = rate[2].startsWith("minute")
      ? every / 60
      : rate[2].startsWith("hour")
        ? every
        : every * 24;
    return every > 0 ? HOURS_PER_MONTH / hours : undefined;
  }
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (!cron) return undefined;
  const [minutes, hours, dayOfMonth, month, dayOfWeek] = cron[1].trim().split(/\s+/);
  const perDay = multiply(count(minutes, 0, 59), count(hours, 0, 23));
  const monthShare = month === "*" ? 1 : divide(count(month, 1, 12, MONTH_NAMES, 1), 12);
  let daysPerMonth: number | undefined;
  if (isEvery(dayOfMonth) && isEvery(dayOfWeek)) daysPerMonth = DAYS_PER_MONTH;
  else if (isEvery(dayOfMonth))
    daysPerMonth = multiply(divide(count(dayOfWeek, 1, 7, DAY_NAMES, 1), 7), DAYS_PER_MONTH);
  else if (isEvery(dayOfWeek)) daysPerMonth = count(dayOfMonth, 1, 31);
  return multiply(multiply(perDay, daysPerMonth), monthShare);
}

function isEvery(field: string | undefined): boolean {
  return field === "*" || field === "?";
}

/**
 * Values a cron field matches: `*`, numbers, names, ranges and lists, each with an optional
 * `/step`. Names count from `nameBase` (SUN is 1 in day-of-week, JAN is 1 in month).
 */
function count(
  field: string | undefined,
  min: number,
  max: number,
  names: readonly string[] = [],
  nameBase = 0,
): number | undefined {
  if (field === undefined) return undefined;
  const value = (text: string): number | undefined => {
    const named = names.indexOf(text.toUpperCase());
    if (named >= 0) return named + nameBase;
    return /^\d+$/.test(text) ? Number(text) : undefined;
  };
  const matched = new Set<number>();
  for (const item of field.split(",")) {
    const parts = /^(\*|[A-Za-z0-9]+)(?:-([A-Za-z0-9]+))?(?:\/(\d+))?$/.exec(item);
    if (!parts) return undefined;
    const from = parts[1] === "*" ? min : value(parts[1]);
    const to =
      parts[1] === "*"
        ? max
        : parts[2] !== undefined
          ? value(parts[2])
          : parts[3] !== undefined
            ? max
            : from;
    const step = parts[3] !== undefined ? Number(parts[3]) : 1;
    if (from === undefined || to === undefined || step < 1 || from < min || to > max || from > to)
      return undefined;
    for (let v = from; v <= to; v += step) matched.add(v);
  }
  return matched.size;
}

function multiply(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : a * b;
}

function divide(a: number | undefined, b: number): number | undefined {
  return a === undefined ? undefined : a / b;
}
