import { strict as assert } from "node:assert";
import fc from "fast-check";
import { scheduleExpressionProblem } from "../lib/aws/schedule-expression";
import { STAGE_PROFILES } from "../stage/profile";
import { resolveStage } from "../stage/resolve";
import { StageConfigError } from "../stage/errors";

describe("EventBridge Scheduler expressions (multistage:data.syncSchedule)", () => {
  const valid = [
    STAGE_PROFILES.development.data.syncSchedule,
    "cron(0 3 ? * MON-FRI *)",
    "cron(0/15 * * * ? *)",
    "cron(0 18 ? * 6L 2027-2030)",
    "cron(10 1 L * ? *)",
    "cron(0 9 ? JAN,JUL 2#1 *)",
    "rate(1 day)",
    "rate(12 hours)",
    "rate(5 minutes)",
  ];
  const invalid: Array<[string, RegExp]> = [
    ["cron(30 4 * * *)", /takes 6 fields/],
    ["cron(30 4 * * 1 *)", /exactly one of day-of-month and day-of-week must be \?/],
    ["cron(30 4 ? * ? *)", /exactly one of/],
    ["cron(61 4 * * ? *)", /field minutes "61"/],
    ["cron(30 24 * * ? *)", /field hours "24"/],
    ["cron(30 4 * 13 ? *)", /field month "13"/],
    ["cron(30 4 * * ? 1969)", /field year "1969"/],
    ["rate(1 days)", /singular unit: rate\(1 day\)/],
    ["rate(3 hour)", /plural unit: rate\(3 hours\)/],
    ["rate(0 hours)", /at least 1/],
    ["rate(1 week)", /a rate is rate\(/],
    ["at(2026-01-01T00:00:00)", /one-time/],
    ["every night", /a cron\(\.\.\.\) or rate\(\.\.\.\) expression/],
  ];

  for (const expression of valid) {
    it(`accepts ${expression}`, () =>
      assert.equal(scheduleExpressionProblem(expression), undefined));
  }
  for (const [expression, reason] of invalid) {
    it(`refuses ${expression}`, () =>
      assert.match(scheduleExpressionProblem(expression) ?? "(accepted)", reason));
  }

  it("a rate is valid exactly when its value is positive and its unit agrees in number", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.constantFrom("minute", "hour", "day"),
        fc.boolean(),
        (value, unit, plural) => {
          const problem = scheduleExpressionProblem(`rate(${value} ${unit}${plural ? "s" : ""})`);
          assert.equal(problem === undefined, value >= 1 && plural === value > 1);
        },
      ),
    );
  });

  it("the stage model names the key, the value and the reason", () => {
    try {
      resolveStage(
        "development",
        { stage: "development", data: { syncSchedule: "cron(30 4 * * *)" } },
        "eu-west-1",
      );
      assert.fail("accepted");
    } catch (error) {
      assert.ok(error instanceof StageConfigError);
      assert.match(
        error.message,
        /multistage:data\.syncSchedule: got "cron\(30 4 \* \* \*\)"; expected a recurring EventBridge Scheduler expression like cron\(30 4 \* \* \? \*\): cron takes 6 fields/,
      );
    }
  });
});
