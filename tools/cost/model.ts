/**
 * The shapes `stagectl cost` works with: what a pricer says of a resource (quantities times
 * price keys), and what a priced stack is (lines with dollars, what is free, what is not priced).
 */
import type { RenderedResource } from "../render/harness";
import type { StageKind } from "../../stage/profile";
import type { StageUsage } from "./assumptions";

/** What a line pays for, for the per-level summary. */
export const CATEGORIES = [
  "app",
  "nightly jobs",
  "database",
  "cache",
  "load balancer",
  "network",
  "monitoring",
  "storage",
  "secrets",
] as const;
export type Category = (typeof CATEGORIES)[number];

/** A quantity of one price: `quantity` units of the price `price` (a key of prices.json). */
export interface Charge {
  price: string;
  quantity: number;
}

/** One thing a resource costs, as a pricer sees it: before prices are looked up. */
export interface LineSpec {
  category: Category;
  /** What is priced, with its quantities, e.g. `2 tasks × 1 vCPU, 2 GB (Linux/x86) × 730 h`. */
  what: string;
  charges: Charge[];
  /** A quantity comes from assumptions.ts, not from the render. */
  assumed?: boolean;
}

/** What a pricer says of one resource. */
export interface Pricing {
  lines: LineSpec[];
  /** Parts of the resource's cost the pricer cannot estimate, each with why. */
  notPriced?: string[];
  /** Why this resource costs nothing, when it has no line (e.g. a cluster without Container Insights). */
  free?: string;
}

/** What a pricer may ask of the rest of the render. */
export interface RenderIndex {
  /** The stage kind the render says it is (its `stageKind` output). */
  stageKind?: StageKind;
  /** Usage assumptions for the stage kind; undefined for an unknown kind. */
  usage?: StageUsage;
  resources: readonly RenderedResource[];
  /** The task definition an ARN (`.../task-definition/<family>:<revision>`) or family names. */
  taskDefinition(arnOrFamily: string): RenderedResource | undefined;
  /** The schedules that start the state machine of this name. */
  schedulesStarting(stateMachineName: string): RenderedResource[];
  /** The render's own database instances (not read replicas): what a restore in the stack copies. */
  databases(): RenderedResource[];
}

export type Pricer = (resource: RenderedResource, index: RenderIndex) => Pricing;

/** A charge with its price looked up. */
export interface PricedCharge extends Charge {
  usdPerUnit: number;
  per: string;
  /** When the price was taken, and the AWS Price List offer file it comes from. */
  asOf: string;
  source: string;
}

/** One row of a stack's cost table. */
export interface CostLine {
  resource: string;
  type: string;
  category: Category;
  what: string;
  monthlyUsd: number;
  charges: PricedCharge[];
  assumed: boolean;
}

export interface NotPriced {
  resource: string;
  type: string;
  reason: string;
}

/** Types that cost nothing, with how many of each the stack has. */
export interface FreeType {
  type: string;
  count: number;
  reason: string;
}

/** A stack, priced. */
export interface StackCost {
  stack: string;
  stageKind?: string;
  region: string;
  monthlyUsd: number;
  /** What the stack costs for a day (24 of the month's 730 hours). */
  dailyUsd: number;
  lines: CostLine[];
  notPriced: NotPriced[];
  free: FreeType[];
  /** The dates of the prices used, oldest first. */
  pricesAsOf: string[];
  /** Development's feature host, when the stack has one: its part of the sum, and its limit. */
  featureHost?: { monthlyUsd: number; maxDatabases?: number };
}
