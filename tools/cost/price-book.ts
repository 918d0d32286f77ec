/**
 * The price table `stagectl cost` multiplies: `prices.json` beside this file, one block per
 * AWS price-list offer, and in it per region the date the prices were taken and the prices.
 * Kept as data so that updating a price is editing one number and its date; read through a
 * zod schema so that a typo in the file fails loudly instead of pricing something at zero.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";

/** AWS's Price List bulk API: one offer file per service and region, the source of every price. */
export function offerFileUrl(offer: string, region: string): string {
  return `https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/${offer}/current/${region}/index.json`;
}

const priceEntry = z
  .object({
    usd: z.number().nonnegative(),
    /** The unit one `usd` buys, as the pricing page words it. */
    per: z.string().min(1),
    /** Why a price needs a second look before anyone relies on it. */
    note: z.string().min(1).optional(),
  })
  .strict();

const regionBlock = z
  .object({
    /** When the prices were taken: `YYYY-MM` or `YYYY-MM-DD`. */
    asOf: z.string().regex(/^\d{4}-\d{2}(-\d{2})?$/, "a date like 2025-06 or 2025-06-30"),
    prices: z.record(
      z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, "a price key like alb.hour"),
      priceEntry,
    ),
  })
  .strict();

const priceFile = z
  .object({
    $comment: z.string().optional(),
    currency: z.literal("USD"),
    offers: z.record(
      z.string().regex(/^[A-Za-z0-9]+$/, "a price-list offer code like AmazonECS"),
      z
        .object({
          page: z.string().url(),
          regions: z.record(
            z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "a region like eu-west-1"),
            regionBlock,
          ),
        })
        .strict(),
    ),
  })
  .strict();

export type PriceFile = z.infer<typeof priceFile>;

/** One price with everything a reader needs to check it. */
export interface Price {
  key: string;
  region: string;
  usd: number;
  per: string;
  asOf: string;
  offer: string;
  /** The offer file it comes from (AWS Price List API). */
  source: string;
  /** The human-readable pricing page. */
  page: string;
  note?: string;
}

/** A price the table does not have: the resource it was needed for is listed as not priced. */
export class MissingPriceError extends Error {
  constructor(
    readonly key: string,
    readonly region: string,
  ) {
    super(`no ${region} price for ${key} in tools/cost/prices.json`);
    this.name = "MissingPriceError";
  }
}

/** The table, flattened: every price by region and key. */
export class PriceBook {
  private readonly byRegion = new Map<string, Map<string, Price>>();

  constructor(file: PriceFile) {
    for (const [offer, { page, regions }] of Object.entries(file.offers)) {
      for (const [region, block] of Object.entries(regions)) {
        const prices = this.byRegion.get(region) ?? new Map<string, Price>();
        for (const [key, entry] of Object.entries(block.prices)) {
          // A key in two offers would make one of them silently win.
          if (prices.has(key))
            throw new Error(
              `tools/cost/prices.json: ${key} is priced twice for ${region} (${prices.get(key)?.offer} and ${offer})`,
            );
          prices.set(key, {
            key,
            region,
            ...entry,
            asOf: block.asOf,
            offer,
            source: offerFileUrl(offer, region),
            page,
          });
        }
        this.byRegion.set(region, prices);
      }
    }
  }

  /** Regions the table has prices for. */
  regions(): string[] {
    return [...this.byRegion.keys()].sort();
  }

  find(region: string, key: string): Price | undefined {
    return this.byRegion.get(region)?.get(key);
  }

  get(region: string, key: string): Price {
    const price = this.find(region, key);
    if (!price) throw new MissingPriceError(key, region);
    return price;
  }

  /** Every price of a region, by key. */
  all(region: string): Price[] {
    return [...(this.byRegion.get(region)?.values() ?? [])].sort((a, b) =>
      a.key.localeCompare(b.key),
    );
  }
}

export const PRICE_FILE = path.join(__dirname, "prices.json");

/** Parses a price file's text; a problem names its path in the file. */
export function parsePriceFile(text: string, file = PRICE_FILE): PriceBook {
  const parsed = priceFile.safeParse(JSON.parse(text));
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".")}: ${issue.message}`,
    );
    throw new Error(`${file} is not a valid price table:\n  ${problems.join("\n  ")}`);
  }
  return new PriceBook(parsed.data);
}

let shipped: PriceBook | undefined;

/** The committed price table, read once. */
export function shippedPrices(): PriceBook {
  shipped ??= parsePriceFile(fs.readFileSync(PRICE_FILE, "utf8"));
  return shipped;
}
