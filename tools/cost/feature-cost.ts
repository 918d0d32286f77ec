/**
 * What a feature stack costs a day: the offline render of exactly the config `feature up`
 * deploys, priced. Its resources depend only on the feature profile, its region and whether it
 * builds its own image, so one render per process answers every later `up` of the same kind.
 */
import { CONFIG_KEYS } from "../../stage/keys";
import type { ConfigEntry } from "../engine/workspace";
import { renderStack } from "../render/harness";
import { priceRender } from "./price-render";
import type { StackCost } from "./model";

const REGION_KEY = CONFIG_KEYS.region;
const IMAGE_KEY = CONFIG_KEYS.image;
/** For a config without a region only, which the stage model refuses before any price matters. */
const FALLBACK_REGION = "us-east-1";

/** Prices the feature stack `stack` as `config` (the config `feature up` writes) makes it. */
export async function priceFeatureStack(
  stack: string,
  config: Record<string, ConfigEntry>,
  configDir?: string,
): Promise<StackCost> {
  const overrides = Object.fromEntries(
    Object.entries(config).map(([key, entry]) => [key, entry.value]),
  );
  const render = await renderStack(stack, {
    configOverrides: overrides,
    ...(configDir ? { configDir } : {}),
  });
  return priceRender(render, { region: config[REGION_KEY]?.value ?? FALLBACK_REGION });
}

const perDay = new Map<string, Promise<number>>();

/** The feature stack's cost per day in USD, rendered once per region and image kind. */
export function featureCostPerDay(
  stack: string,
  config: Record<string, ConfigEntry>,
): Promise<number> {
  const key = `${config[REGION_KEY]?.value ?? FALLBACK_REGION}\n${config[IMAGE_KEY] ? "image" : "build"}`;
  let cost = perDay.get(key);
  if (!cost) {
    cost = priceFeatureStack(stack, config).then((priced) => priced.dailyUsd);
    // A failed render is not remembered: the next `up` tries again.
    cost.catch(() => perDay.delete(key));
    perDay.set(key, cost);
  }
  return cost;
}
