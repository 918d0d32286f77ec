/**
 * How `stagectl cost` shows a priced stack (a table by resource with its sum) and every level
 * side by side (`--all`: a column per level, a row per category, what a fourth level adds and
 * what a feature stack costs a day), as text for people and JSON for machines.
 */
import {
  assumptionLines,
  CONCURRENT_FEATURE_STACKS,
  HOURS_PER_DAY,
  HOURS_PER_MONTH,
  NOT_ESTIMATED,
} from "./assumptions";
import { CATEGORIES, type CostLine } from "./model";
import { FOURTH_LEVEL, type TargetCost } from "./targets";

/** Dollars as the tables show them. */
export function usd(value: number): string {
  return value.toFixed(2);
}

/** Money in JSON: rounded to a hundredth of a cent, so sums read cleanly. */
function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/** `ecs/service` from `aws:ecs/service:Service`. */
function shortType(type: string): string {
  return type.split(":")[1] ?? type;
}

function sortedLines(lines: readonly CostLine[]): CostLine[] {
  const order = (line: CostLine) => CATEGORIES.indexOf(line.category);
  // Stable: a resource's lines keep the pricer's order.
  return [...lines].sort((a, b) => order(a) - order(b) || a.resource.localeCompare(b.resource));
}

/** Left-aligned columns, the last one (money) right-aligned. */
function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join("  ")
      .trimEnd(),
  );
}

function source(cost: TargetCost): string {
  return cost.from === "stack file"
    ? `Pulumi.${cost.stack}.yaml`
    : cost.from === "profile"
      ? `the ${cost.kind} profile (no Pulumi.${cost.stack}.yaml)`
      : "the config feature up writes";
}

/** Development's feature host spread over the feature stacks that share it: USD per feature-day. */
export function hostShare(
  cost: TargetCost,
):
  | { monthlyUsd: number; dailyUsd: number; perFeatureDay: Array<{ stacks: number; usd: number }> }
  | undefined {
  const host = cost.featureHost;
  if (!host) return undefined;
  const dailyUsd = (host.monthlyUsd * HOURS_PER_DAY) / HOURS_PER_MONTH;
  const counts = [
    ...(host.maxDatabases !== undefined ? [host.maxDatabases] : []),
    CONCURRENT_FEATURE_STACKS,
  ];
  return {
    monthlyUsd: host.monthlyUsd,
    dailyUsd,
    perFeatureDay: [...new Set(counts)].map((stacks) => ({ stacks, usd: dailyUsd / stacks })),
  };
}

function hostShareText(cost: TargetCost): string[] {
  const share = hostShare(cost);
  if (!share) return [];
  const per = share.perFeatureDay
    .map(
      (p) =>
        `$${usd(p.usd)} per feature-day with ${p.stacks} stacks at once${p.stacks === cost.featureHost?.maxDatabases ? " (its limit, featureStacks.host.maxDatabases)" : ""}`,
    )
    .join(", ");
  return [
    `Of ${cost.name}'s sum, its feature host (shared feature stacks' databases) is $${usd(share.monthlyUsd)} a month ($${usd(share.dailyUsd)} a day), whether or not a feature stack runs; spread over the stacks that share it: ${per}.`,
  ];
}

function notPricedText(cost: TargetCost): string[] {
  if (cost.notPriced.length === 0) return ["Not priced: nothing."];
  return [
    "Not priced (not in the sum):",
    ...cost.notPriced.map((n) => `  ${n.resource} (${n.type}): ${n.reason}`),
  ];
}

function footer(costs: readonly TargetCost[]): string[] {
  const regions = [...new Set(costs.map((c) => c.region))].sort().join(", ");
  const asOf = [...new Set(costs.flatMap((c) => c.pricesAsOf))].sort().join(", ");
  return [
    `Prices: on-demand list prices in USD for ${regions} as of ${asOf} (tools/cost/prices.json); a month is ${HOURS_PER_MONTH} h, a day ${HOURS_PER_DAY} h.`,
    `Not estimated: ${NOT_ESTIMATED.join("; ")}.`,
  ];
}

/** One stack: a row per priced line, its sum, and what is not priced or free. */
export function costToText(cost: TargetCost): string {
  const feature = cost.kind === "feature";
  const headline = feature
    ? `$${usd(cost.dailyUsd)} a day ($${usd(cost.monthlyUsd)} for a whole month)`
    : `$${usd(cost.monthlyUsd)} a month ($${usd(cost.dailyUsd)} a day)`;
  const rows = [
    ["resource", "type", "what is priced", "USD a month"],
    ...sortedLines(cost.lines).map((line) => [
      line.resource,
      shortType(line.type),
      `${line.what}${line.assumed ? " *" : ""}`,
      usd(line.monthlyUsd),
    ]),
    ["total", "", "", usd(cost.monthlyUsd)],
  ];
  const freeCount = cost.free.reduce((sum, f) => sum + f.count, 0);
  const freeTypes = new Set(cost.free.map((f) => f.type)).size;
  return [
    `${cost.name}: stack ${cost.stack} (${cost.kind}${cost.isolation ? `, ${cost.isolation} isolation` : ""}, ${cost.region}, from ${source(cost)}): ${headline}`,
    "",
    ...table(rows),
    "",
    "* an assumed quantity (tools/cost/assumptions.ts; stagectl cost --all lists them all)",
    ...hostShareText(cost),
    ...notPricedText(cost),
    `No charge of their own: ${freeCount} resources of ${freeTypes} types (--json gives each type's reason).`,
    ...footer([cost]),
    "",
  ].join("\n");
}

/** What `--all` adds below the table: a feature stack priced in the other isolation mode. */
export interface AllExtras {
  /** The feature stack as `featureStacks.isolation: dedicated` makes it, when the table's is shared. */
  otherFeature?: TargetCost;
}

function otherFeatureText(
  feature: TargetCost | undefined,
  other: TargetCost | undefined,
): string[] {
  if (!feature || !other) return [];
  return [
    `With featureStacks.isolation ${other.isolation} (${other.isolation === "dedicated" ? "its own database, cache and load balancer" : "a database on development's feature host and a cache in its own task"}) it costs $${usd(other.dailyUsd)} a day; the table's is ${feature.isolation ?? "the committed mode"}.`,
  ];
}

/** Every level: a column each, a row per category, then the answers a team asks before adding a level. */
export function allToText(costs: readonly TargetCost[], extras: AllExtras = {}): string {
  const levels = costs.filter((c) => c.kind !== "feature");
  const feature = costs.find((c) => c.kind === "feature");
  const fourth = costs.find((c) => c.kind === FOURTH_LEVEL);
  const byCategory = (cost: TargetCost, category: string) =>
    cost.lines.filter((l) => l.category === category).reduce((sum, l) => sum + l.monthlyUsd, 0);
  const rows = [
    ["USD a month", ...costs.map((c) => c.name)],
    [
      "",
      ...costs.map((c) =>
        c.from === "stack file" ? "" : c.from === "profile" ? "(profile)" : "(per day below)",
      ),
    ],
    ...CATEGORIES.map((category) => [category, ...costs.map((c) => usd(byCategory(c, category)))]),
    ["a month", ...costs.map((c) => usd(c.monthlyUsd))],
    ["a day", ...costs.map((c) => usd(c.dailyUsd))],
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const text = rows.map((row) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join("  ")
      .trimEnd(),
  );
  const longLived = levels.reduce((sum, c) => sum + c.monthlyUsd, 0);
  const notPriced = costs.flatMap((c) =>
    c.notPriced.map((n) => `  ${c.name}: ${n.resource} (${n.type}): ${n.reason}`),
  );
  return [
    "What each level costs, from the offline render of each stack (stagectl cost <stack> shows every resource):",
    "",
    ...text,
    "",
    `The long-lived levels together: $${usd(longLived)} a month (${levels.map((c) => c.name).join(", ")}).`,
    ...(fourth ? [`A fourth level (${fourth.name}) adds $${usd(fourth.monthlyUsd)} a month.`] : []),
    ...(feature
      ? [
          `A feature stack costs $${usd(feature.dailyUsd)} a day while it runs ($${usd(feature.dailyUsd * 3)} for feature up's default 72 h).`,
        ]
      : []),
    ...otherFeatureText(feature, extras.otherFeature),
    ...levels.flatMap(hostShareText),
    ...(notPriced.length
      ? ["Not priced (not in the sums):", ...notPriced]
      : ["Not priced: nothing."]),
    "",
    "Assumptions (tools/cost/assumptions.ts):",
    ...assumptionLines().map((line) => `- ${line}`),
    ...footer(costs),
    "",
  ].join("\n");
}

/** One stack for machines: the same figures, money rounded to a hundredth of a cent. */
export function costToJson(cost: TargetCost): Record<string, unknown> {
  return {
    name: cost.name,
    stack: cost.stack,
    kind: cost.kind,
    from: cost.from,
    region: cost.region,
    currency: "USD",
    monthlyUsd: round(cost.monthlyUsd),
    dailyUsd: round(cost.dailyUsd),
    lines: sortedLines(cost.lines).map((line) => ({ ...line, monthlyUsd: round(line.monthlyUsd) })),
    notPriced: cost.notPriced,
    free: cost.free,
    pricesAsOf: cost.pricesAsOf,
    ...(cost.isolation ? { isolation: cost.isolation } : {}),
    ...(cost.featureHost ? { featureHost: hostJson(cost) } : {}),
  };
}

function hostJson(cost: TargetCost): Record<string, unknown> | undefined {
  const share = hostShare(cost);
  if (!share) return undefined;
  return {
    monthlyUsd: round(share.monthlyUsd),
    dailyUsd: round(share.dailyUsd),
    maxDatabases: cost.featureHost?.maxDatabases ?? null,
    perFeatureDayUsd: share.perFeatureDay.map((p) => ({ stacks: p.stacks, usd: round(p.usd) })),
  };
}

/** Every level for machines: a summary row per level, the answers, and each stack in full. */
export function allToJson(
  costs: readonly TargetCost[],
  extras: AllExtras = {},
): Record<string, unknown> {
  const levels = costs.filter((c) => c.kind !== "feature");
  const feature = costs.find((c) => c.kind === "feature");
  const fourth = costs.find((c) => c.kind === FOURTH_LEVEL);
  return {
    currency: "USD",
    levels: costs.map((c) => ({
      name: c.name,
      stack: c.stack,
      kind: c.kind,
      from: c.from,
      region: c.region,
      monthlyUsd: round(c.monthlyUsd),
      dailyUsd: round(c.dailyUsd),
    })),
    longLivedMonthlyUsd: round(levels.reduce((sum, c) => sum + c.monthlyUsd, 0)),
    fourthLevel: fourth
      ? { name: fourth.name, stack: fourth.stack, monthlyUsd: round(fourth.monthlyUsd) }
      : null,
    featurePerDayUsd: feature ? round(feature.dailyUsd) : null,
    featureIsolation: feature?.isolation ?? null,
    ...(extras.otherFeature
      ? {
          otherFeature: {
            isolation: extras.otherFeature.isolation,
            dailyUsd: round(extras.otherFeature.dailyUsd),
          },
        }
      : {}),
    assumptions: assumptionLines(),
    notEstimated: [...NOT_ESTIMATED],
    stacks: costs.map(costToJson),
  };
}
