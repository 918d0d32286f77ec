/**
 * Prices an offline render: every resource is priced (a pricer in pricers/), free (with the
 * reason), or not priced (with the reason), and the lines' prices come from the price table of
 * the stack's region. Nothing here calls AWS.
 */
import { STAGE_KINDS, type StageKind } from "../../stage/profile";
import type { Render, RenderedResource } from "../render/harness";
import { HOURS_PER_DAY, HOURS_PER_MONTH, STAGE_USAGE } from "./assumptions";
import { freeReason } from "./free-types";
import type {
  CostLine,
  FreeType,
  LineSpec,
  NotPriced,
  PricedCharge,
  RenderIndex,
  StackCost,
} from "./model";
import { lastSegment } from "./pricers/common";
import { PRICERS } from "./pricers";
import { MissingPriceError, type PriceBook, shippedPrices } from "./price-book";

export interface PriceRenderOptions {
  /** The region the stack deploys to (its `aws:region`): whose prices apply. */
  region: string;
  /** The price table. @default the committed tools/cost/prices.json */
  prices?: PriceBook;
}

/** How the cost tool treats a resource type. */
export type TypeClass =
  { kind: "priced" } | { kind: "free"; reason: string } | { kind: "not priced" };

export function classifyType(type: string): TypeClass {
  if (PRICERS[type]) return { kind: "priced" };
  const reason = freeReason(type);
  return reason ? { kind: "free", reason } : { kind: "not priced" };
}

export function priceRender(render: Render, options: PriceRenderOptions): StackCost {
  const prices = options.prices ?? shippedPrices();
  const index = renderIndex(render);
  const lines: CostLine[] = [];
  const notPriced: NotPriced[] = [];
  const free = new Map<string, FreeType>();
  const asOf = new Set<string>();
  const addFree = (type: string, reason: string) => {
    const key = `${type}\n${reason}`;
    const entry = free.get(key) ?? { type, count: 0, reason };
    entry.count += 1;
    free.set(key, entry);
  };

  for (const resource of render.resources) {
    const kind = classifyType(resource.type);
    if (kind.kind === "free") {
      addFree(resource.type, kind.reason);
      continue;
    }
    if (kind.kind === "not priced") {
      notPriced.push({
        resource: resource.name,
        type: resource.type,
        reason:
          "no price rule for this type in tools/cost (a new type: price it or declare it free)",
      });
      continue;
    }
    const pricing = PRICERS[resource.type](resource, index);
    for (const reason of pricing.notPriced ?? [])
      notPriced.push({ resource: resource.name, type: resource.type, reason });
    if (pricing.lines.length === 0 && pricing.free) addFree(resource.type, pricing.free);
    // A pricer that says nothing of a resource must not make it vanish from the output.
    if (pricing.lines.length === 0 && !pricing.free && !pricing.notPriced?.length) {
      notPriced.push({
        resource: resource.name,
        type: resource.type,
        reason: "its pricer gave no line and no reason",
      });
    }
    for (const spec of pricing.lines) {
      const priced = resolve(spec, resource, prices, options.region);
      if ("reason" in priced) notPriced.push(priced);
      else {
        lines.push(priced.line);
        priced.asOf.forEach((date) => asOf.add(date));
      }
    }
  }

  const monthlyUsd = lines.reduce((sum, line) => sum + line.monthlyUsd, 0);
  const featureHost = featureHostCost(render, lines);
  return {
    stack: render.stack,
    ...(index.stageKind ? { stageKind: index.stageKind } : {}),
    region: options.region,
    monthlyUsd,
    dailyUsd: (monthlyUsd * HOURS_PER_DAY) / HOURS_PER_MONTH,
    lines,
    notPriced,
    free: [...free.values()].sort(
      (a, b) => a.type.localeCompare(b.type) || a.reason.localeCompare(b.reason),
    ),
    pricesAsOf: [...asOf].sort(),
    ...(featureHost ? { featureHost } : {}),
  };
}

const FEATURE_HOST = "multistage:data:FeatureHost";

/**
 * What development's feature host costs of the stack's sum: the lines of every resource under
 * a FeatureHost component (its database instance, storage, provisioner logs, nightly refresh),
 * and the most feature stacks it holds (its `featureHost` output's maxDatabases).
 */
function featureHostCost(render: Render, lines: readonly CostLine[]): StackCost["featureHost"] {
  const byKey = new Map(render.resources.map((r) => [r.key, r]));
  const underHost = (resource: RenderedResource): boolean => {
    const seen = new Set<string>();
    for (let parent = resource.parent; parent && !seen.has(parent);) {
      seen.add(parent);
      if (parent.startsWith(`${FEATURE_HOST}::`)) return true;
      parent = byKey.get(parent)?.parent;
    }
    return false;
  };
  const hosted = new Set(render.resources.filter(underHost).map((r) => r.name));
  if (hosted.size === 0) return undefined;
  const monthlyUsd = lines
    .filter((line) => hosted.has(line.resource))
    .reduce((sum, line) => sum + line.monthlyUsd, 0);
  const output = render.outputs.featureHost?.value as { maxDatabases?: unknown } | undefined;
  const maxDatabases = typeof output?.maxDatabases === "number" ? output.maxDatabases : undefined;
  return { monthlyUsd, ...(maxDatabases !== undefined ? { maxDatabases } : {}) };
}

/** A line with its prices looked up, or why it cannot be priced. */
function resolve(
  spec: LineSpec,
  resource: RenderedResource,
  prices: PriceBook,
  region: string,
): { line: CostLine; asOf: string[] } | NotPriced {
  try {
    const found = spec.charges.map((charge) => ({
      charge,
      price: prices.get(region, charge.price),
    }));
    const charges: PricedCharge[] = found.map(({ charge, price }) => ({
      ...charge,
      usdPerUnit: price.usd,
      per: price.per,
      asOf: price.asOf,
      source: price.source,
    }));
    return {
      line: {
        resource: resource.name,
        type: resource.type,
        category: spec.category,
        what: spec.what,
        monthlyUsd: charges.reduce((sum, c) => sum + c.quantity * c.usdPerUnit, 0),
        charges,
        assumed: spec.assumed === true,
      },
      asOf: found.map(({ price }) => price.asOf),
    };
  } catch (error) {
    if (error instanceof MissingPriceError)
      return {
        resource: resource.name,
        type: resource.type,
        reason: `${spec.what}: ${error.message}`,
      };
    throw error;
  }
}

/** What pricers may look up in the rest of the render. */
function renderIndex(render: Render): RenderIndex {
  const kind = render.outputs.stageKind?.value;
  const stageKind = (STAGE_KINDS as readonly string[]).includes(String(kind))
    ? (kind as StageKind)
    : undefined;
  const ofType = (type: string) => render.resources.filter((r) => r.type === type);
  return {
    stageKind,
    usage: stageKind ? STAGE_USAGE[stageKind] : undefined,
    resources: render.resources,
    taskDefinition(arnOrFamily) {
      // `arn:aws:ecs:<region>:<account>:task-definition/<family>:<revision>`, or the family alone.
      const family = (arnOrFamily.split("task-definition/")[1] ?? arnOrFamily).split(":")[0];
      return ofType("aws:ecs/taskDefinition:TaskDefinition").find(
        (r) => r.inputs.family === family,
      );
    },
    schedulesStarting(name) {
      return ofType("aws:scheduler/schedule:Schedule").filter((s) => {
        const arn = (s.inputs.target as { arn?: unknown } | undefined)?.arn;
        return (
          typeof arn === "string" && arn.includes(":stateMachine:") && lastSegment(arn) === name
        );
      });
    },
    databases() {
      return ofType("aws:rds/instance:Instance").filter(
        (r) => r.inputs.replicateSourceDb === undefined,
      );
    },
  };
}
