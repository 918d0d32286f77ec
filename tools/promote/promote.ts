/**
 * `stagectl promote --from A --to B`: take the exact image A runs, preview what setting it on
 * B would do (saving an update plan), write the review report, and only with --apply run the
 * update constrained to that plan. Every refusal happens before anything is changed.
 */
import * as fs from "node:fs";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { DIGEST_PINNED_IMAGE } from "../../components/stage-schema";
import { CommandContext, elapsedWriter, lockWait } from "../commands/context";
import { RefusalError, UsageError } from "../commands/run-command";
import { withBusyRetry } from "../engine/retry";
import { collectSteps, dangerousSteps, PlannedStep, ReviewReport, reportToMarkdown } from "./report";
import { checkPromotionRoute } from "./route";

export { checkPromotionRoute } from "./route";

export const IMAGE_KEY = "multistage:image";

export interface PromoteOptions {
  from: string;
  to: string;
  apply: boolean;
  skipLevel: boolean;
  reason?: string;
  reportPath: string;
  planPath: string;
  waitMs: number;
  /** Directory holding the stack files (tests point it elsewhere). */
  configDir?: string;
}

export interface PromoteResult {
  from: string;
  to: string;
  image: string;
  previousImage?: string;
  skippedLevels: string[];
  counts: ReviewReport["counts"];
  statefulChanges: PlannedStep[];
  report: string;
  plan: string;
  applied: boolean;
}

/** What was reviewed, saved beside the plan so --apply can prove it applies the same thing. */
interface ReviewedPlan {
  from: string;
  to: string;
  image: string;
  counts: ReviewReport["counts"];
  statefulChanges: PlannedStep[];
}

export async function promote(context: CommandContext, options: PromoteOptions): Promise<PromoteResult> {
  const skippedLevels = checkPromotionRoute(options);
  const workspace = await context.openWorkspace();
  for (const stack of [options.from, options.to]) {
    if (!(await workspace.stackExists(stack))) throw new UsageError(`Stack ${stack} does not exist in the backend`);
  }
  const image = (await workspace.outputs(options.from)).image?.value;
  if (typeof image !== "string" || image === "") {
    throw new RefusalError(`${options.from} has no deployed image (no "image" stack output); deploy it before promoting from it`);
  }
  if (!DIGEST_PINNED_IMAGE.test(image)) {
    throw new RefusalError(`${options.from} runs ${image}, which is not pinned by digest (<repository>@sha256:<64 hex>); only a digest can be promoted`);
  }
  const previousImage = (await workspace.getAllConfig(options.to))[IMAGE_KEY]?.value;
  const onOutput = elapsedWriter(context);
  const retry = lockWait(context, options.to, options.waitMs);

  const reviewed = options.apply ? readReviewedPlan(options, image) : undefined;
  let counts: ReviewReport["counts"];
  let statefulChanges: PlannedStep[];
  if (reviewed) {
    context.stderr(`Applying the plan reviewed in ${options.planPath}\n`);
    counts = reviewed.counts;
    statefulChanges = reviewed.statefulChanges;
  } else {
    const events: EngineEvent[] = [];
    await withBusyRetry(
      () =>
        workspace.preview(options.to, {
          // The preview sees the new image without it being written to the stack's config.
          configOverride: { [IMAGE_KEY]: { value: image } },
          savePlanTo: options.planPath,
          onEvent: (event) => events.push(event),
          onOutput,
        }),
      retry,
    );
    const report: ReviewReport = { from: options.from, to: options.to, image, previousImage, skipReason: options.reason, ...collectSteps(events) };
    fs.writeFileSync(options.reportPath, reportToMarkdown(report));
    counts = report.counts;
    statefulChanges = dangerousSteps(report);
    const metadata: ReviewedPlan = { from: options.from, to: options.to, image, counts, statefulChanges };
    fs.writeFileSync(metadataPath(options.planPath), `${JSON.stringify(metadata, null, 2)}\n`);
    context.stderr(`Review report written to ${options.reportPath}\n`);
  }

  if (options.apply) {
    await workspace.setAllConfig(options.to, { [IMAGE_KEY]: { value: image } });
    await withBusyRetry(() => workspace.up(options.to, { plan: options.planPath, onOutput }), retry);
  }
  return {
    from: options.from,
    to: options.to,
    image,
    previousImage,
    skippedLevels,
    counts,
    statefulChanges,
    report: options.reportPath,
    plan: options.planPath,
    applied: options.apply,
  };
}

function metadataPath(planPath: string): string {
  return `${planPath}.meta.json`;
}

/**
 * A plan saved by an earlier review of the same promotion. It is used only if it promotes the
 * same image between the same stages; otherwise the source moved on and we review again.
 */
function readReviewedPlan(options: PromoteOptions, image: string): ReviewedPlan | undefined {
  if (!fs.existsSync(options.planPath) || !fs.existsSync(metadataPath(options.planPath))) return undefined;
  const metadata = JSON.parse(fs.readFileSync(metadataPath(options.planPath), "utf8")) as ReviewedPlan;
  if (metadata.from !== options.from || metadata.to !== options.to) return undefined;
  if (metadata.image !== image) {
    throw new RefusalError(
      `The saved plan ${options.planPath} promotes ${metadata.image}, but ${options.from} now runs ${image}; review again (run promote without --apply)`,
    );
  }
  return metadata;
}
