/**
 * What a promotion does to the target's monthly cost, for the review. A promotion changes one
 * config value, the image, and no price depends on the image: the target keeps the same
 * resources at the same sizes, so the change is usually zero. What can move it is what the
 * preview also does (the target's deployed state may predate the code): resources it creates,
 * priced from the target's offline render with the promoted image, and resources it deletes,
 * which are no longer in the render and are named instead.
 */
import * as fs from "node:fs";
import { classifyType, priceRender } from "../cost/price-render";
import { usd } from "../cost/report";
import { loadStackConfig, PROJECT_ROOT, stackFilePath } from "../../stage/stack-files";
import { renderStack } from "../render/harness";
import { IMAGE_KEY } from "./apply-image";
import type { PlannedStep } from "./report";
import { CONFIG_KEYS } from "../../stage/keys";

export interface PromotionCost {
  /** The target's monthly cost after the promotion, in USD. */
  monthlyUsd: number;
  /** What the promotion adds to it a month: the priced resources the preview creates. */
  changeUsd: number;
  /** Priced resources the preview creates and deletes, by logical name. */
  created: string[];
  deleted: string[];
}

/**
 * Prices the target as the promotion leaves it, or says why it could not.
 * @param steps the preview's planned steps (report.ts)
 * @param configDir directory holding Pulumi.yaml and the target's stack file. @default the project root
 */
export async function promotionCost(
  to: string,
  image: string,
  steps: readonly PlannedStep[],
  configDir = PROJECT_ROOT,
): Promise<PromotionCost | { problem: string }> {
  if (!fs.existsSync(stackFilePath(to, configDir)))
    return { problem: `this checkout has no Pulumi.${to}.yaml to render` };
  const overrides = { [IMAGE_KEY]: image };
  try {
    const render = await renderStack(to, { configDir, configOverrides: overrides });
    const cost = priceRender(render, {
      region: loadStackConfig(to, overrides, configDir).values[CONFIG_KEYS.region] ?? "us-east-1",
    });
    const priced = steps.filter((s) => classifyType(s.type).kind === "priced");
    const created = priced.filter((s) => s.change === "create");
    const changeUsd = cost.lines
      .filter((l) => created.some((s) => s.name === l.resource && s.type === l.type))
      .reduce((sum, l) => sum + l.monthlyUsd, 0);
    return {
      monthlyUsd: cost.monthlyUsd,
      changeUsd,
      created: created.map((s) => s.name),
      deleted: priced.filter((s) => s.change === "delete").map((s) => s.name),
    };
  } catch (error) {
    return {
      problem: `the offline render failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/** The review's one line on cost. */
export function promotionCostLine(to: string, cost: PromotionCost | { problem: string }): string {
  if ("problem" in cost) return `- Cost: not estimated (${cost.problem}).`;
  const why =
    cost.created.length === 0
      ? "the image is not priced: the same resources at the same sizes"
      : `the preview creates ${cost.created.map((n) => `\`${n}\``).join(", ")}, priced from the render`;
  const deleted = cost.deleted.length
    ? `; it also deletes ${cost.deleted.map((n) => `\`${n}\``).join(", ")}, no longer in the render and so not subtracted`
    : "";
  return `- Cost: $${usd(cost.monthlyUsd)} a month for ${to} after this promotion, a change of +$${usd(cost.changeUsd)} (${why}${deleted}; offline estimate, \`stagectl cost ${to}\`).`;
}
