/**
 * EventBridge Scheduler's recurring expressions, checked as the service checks them, so a bad
 * `syncSchedule` fails validation instead of the deployment. Rules from the EventBridge
 * Scheduler user guide, "Schedule types" (rate-based and cron-based schedules):
 * - `rate(value unit)`: a positive whole number and minute(s), hour(s) or day(s), singular
 *   for 1 and plural otherwise;
 * - `cron(minutes hours day-of-month month day-of-week year)`: six fields; one of
 *   day-of-month and day-of-week must be `?`.
 * One-time `at(...)` schedules are valid for Scheduler but never for a recurring copy.
 */

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;

const MONTHS = "JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC";
const DAYS = "SUN|MON|TUE|WED|THU|FRI|SAT";

/** One value of a field: a number in range, or a name where the field has names. */
function valuePattern(min: number, max: number, names?: string): string {
  const numbers = Array.from({ length: max - min + 1 }, (_, i) => String(min + i))
    .sort((a, b) => b.length - a.length)
    .join("|");
  return names ? `(?:${numbers}|${names})` : `(?:${numbers})`;
}

/** `*`, a value, a range, a list of those, each optionally stepped with `/n`. */
function listField(min: number, max: number, names?: string, extra = ""): RegExp {
  const value = valuePattern(min, max, names);
  const item = `(?:\\*|${value}(?:-${value})?)(?:/\\d+)?${extra ? `|${extra}` : ""}`;
  return new RegExp(`^(?:${item})(?:,(?:${item}))*$`, "i");
}

const FIELDS: ReadonlyArray<{ name: string; pattern: RegExp }> = [
  { name: "minutes", pattern: listField(0, 59) },
  { name: "hours", pattern: listField(0, 23) },
  { name: "day-of-month", pattern: listField(1, 31, undefined, "\\?|L|LW|\\d{1,2}W") },
  { name: "month", pattern: listField(1, 12, MONTHS) },
  {
    name: "day-of-week",
    pattern: listField(1, 7, DAYS, `\\?|L|(?:[1-7]|${DAYS})L|(?:[1-7]|${DAYS})#[1-5]`),
  },
  { name: "year", pattern: listField(1970, 2199) },
];

/** Why an expression is not a recurring Scheduler schedule, or undefined when it is one. */
export function scheduleExpressionProblem(expression: string): string | undefined {
  const rate = RATE.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    if (value < 1) return "a rate needs a value of at least 1";
    const plural = rate[2].endsWith("s");
    if (value === 1 && plural)
      return `rate(1 ${rate[2]}) takes the singular unit: rate(1 ${rate[2].slice(0, -1)})`;
    if (value > 1 && !plural)
      return `rate(${value} ${rate[2]}) takes the plural unit: rate(${value} ${rate[2]}s)`;
    return undefined;
  }
  if (expression.startsWith("rate("))
    return "a rate is rate(<whole number> minute(s)|hour(s)|day(s)), e.g. rate(12 hours)";
  if (expression.startsWith("at("))
    return "a one-time at(...) schedule would copy once; use a cron or rate expression";
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (!cron) return "a cron(...) or rate(...) expression";
  const fields = cron[1].trim().split(/\s+/);
  if (fields.length !== FIELDS.length)
    return `cron takes ${FIELDS.length} fields (${FIELDS.map((f) => f.name).join(" ")}), got ${fields.length}`;
  for (const [i, field] of FIELDS.entries()) {
    if (!field.pattern.test(fields[i]))
      return `cron field ${field.name} ${JSON.stringify(fields[i])} is not valid`;
  }
  if ((fields[2] === "?") === (fields[4] === "?"))
    return "exactly one of day-of-month and day-of-week must be ?";
  return undefined;
}
