/**
 * `stagectl promote --from A --to B`: take the exact image A runs, preview what setting it on
 * B would do (saving an update plan and a review record), and write the review report. With
 * --apply, deploy only a plan such a review saved, and only if nothing it looked at has
 * changed since (review-record.ts). Every refusal happens before anything is changed.
 */
import * as fs from "node:fs";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { StageConfigError } from "../../stage/errors";
import { resolveStageFromConfig } from "../../stage/resolve";
import { DIGEST_PINNED_IMAGE, GIT_COMMIT_ID } from "../../stage/schema";
import { CommandContext, elapsedWriter, lockWait } from "../commands/context";
import { RefusalError, UsageError } from "../commands/run-command";
import { withBusyRetry } from "../engine/retry";
import type { ConfigEntry, StageWorkspace } from "../engine/workspace";
import {
  IMAGE_COMMIT_KEY,
  IMAGE_KEY,
  PromotedImage,
  promotedEntries,
  withImageSet,
} from "./apply-image";
import { promotionCost } from "./promotion-cost";
import {
  collectSteps,
  dangerousSteps,
  PlannedStep,
  ReviewReport,
  reportToMarkdown,
} from "./report";
import {
  configFingerprint,
  fileSha256,
  newRecord,
  readRecordFor,
  recordPath,
  writeRecord,
} from "./review-record";
import { checkPromotionRoute } from "./route";

export { IMAGE_KEY } from "./apply-image";
export { checkPromotionRoute } from "./route";

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
  /** The commit the image was built from, as the source's `commit` output says; it travels with the image. */
  commit?: string;
  previousImage?: string;
  skippedLevels: string[];
  counts: ReviewReport["counts"];
  statefulChanges: PlannedStep[];
  report: string;
  plan: string;
  applied: boolean;
}

export async function promote(
  context: CommandContext,
  options: PromoteOptions,
): Promise<PromoteResult> {
  const skippedLevels = checkPromotionRoute(options);
  const workspace = await context.openWorkspace();
  for (const stack of [options.from, options.to]) {
    if (!(await workspace.stackExists(stack)))
      throw new UsageError(`Stack ${stack} does not exist in the backend`);
  }
  const promoted = await sourceImage(workspace, options.from);
  const { image } = promoted;
  const config = await workspace.getAllConfig(options.to);
  const previousImage = config[IMAGE_KEY]?.value;
  // The config the preview runs with and the apply deploys: the target's own, with the image and its commit.
  const withImage = withPromoted(config, promoted);
  refuseImageTheTargetRejects(options.to, withImage, image);
  const promotedConfig = configFingerprint(withImage);
  // Read before the preview: a deployment while the preview runs must also void the review.
  const target = await workspace.stackState(options.to);
  const onOutput = elapsedWriter(context);
  const retry = lockWait(context, options.to, options.waitMs);

  if (options.apply) {
    const record = readRecordFor({
      from: options.from,
      to: options.to,
      image,
      planPath: options.planPath,
      target,
      config: promotedConfig,
    });
    context.stderr(`Applying the plan reviewed at ${record.reviewedAt} (${options.planPath})\n`);
    await withImageSet(
      workspace,
      options.to,
      promoted,
      () =>
        withBusyRetry(() => workspace.up(options.to, { plan: options.planPath, onOutput }), retry),
      context.stderr,
    );
    return result(options, {
      image,
      ...commitOf(promoted),
      previousImage,
      skippedLevels,
      counts: record.counts,
      statefulChanges: record.statefulChanges,
    });
  }

  // A failed review must not leave an earlier review's record beside whatever plan remains.
  fs.rmSync(recordPath(options.planPath), { force: true });
  const events: EngineEvent[] = [];
  await withBusyRetry(
    () =>
      workspace.preview(options.to, {
        // The preview sees the new image without it being written to the stack's config.
        configOverride: Object.fromEntries(
          Object.entries(promotedEntries(promoted)).filter(
            (entry): entry is [string, ConfigEntry] => entry[1] !== undefined,
          ),
        ),
        savePlanTo: options.planPath,
        onEvent: (event) => events.push(event),
        onOutput,
      }),
    retry,
  );
  if (!fs.existsSync(options.planPath))
    throw new RefusalError(
      `The preview of ${options.to} saved no plan at ${options.planPath}; nothing can be applied from this review`,
    );
  const steps = collectSteps(events);
  const cost = await promotionCost(options.to, image, steps.steps, options.configDir);
  const report: ReviewReport = {
    from: options.from,
    to: options.to,
    image,
    previousImage,
    skipReason: options.reason,
    ...steps,
    cost,
  };
  fs.writeFileSync(options.reportPath, reportToMarkdown(report));
  const statefulChanges = dangerousSteps(report);
  writeRecord(
    options.planPath,
    newRecord({
      from: options.from,
      to: options.to,
      image,
      reviewedAt: context.now().toISOString(),
      planSha256: fileSha256(options.planPath),
      target: {
        checkpoint: target.fingerprint,
        ...(target.lastUpdate ? { lastUpdate: target.lastUpdate } : {}),
        config: promotedConfig,
      },
      counts: report.counts,
      statefulChanges,
    }),
  );
  context.stderr(`Review report written to ${options.reportPath}\n`);
  return result(options, {
    image,
    ...commitOf(promoted),
    previousImage,
    skippedLevels,
    counts: report.counts,
    statefulChanges,
  });
}

/**
 * The digest the source runs, which is the only thing promotion ever moves, and the commit it
 * was built from when the source's `commit` output names one (it goes along, so the target's
 * `commit` output, which `stagectl status` reads, stays true).
 */
async function sourceImage(workspace: StageWorkspace, from: string): Promise<PromotedImage> {
  const outputs = await workspace.outputs(from);
  const image = outputs.image?.value;
  const commit = outputs.commit?.value;
  if (typeof image !== "string" || image === "") {
    throw new RefusalError(
      `${from} has no deployed image (no "image" stack output); deploy it before promoting from it`,
    );
  }
  if (!DIGEST_PINNED_IMAGE.test(image)) {
    throw new RefusalError(
      `${from} runs ${image}, which is not pinned by digest (<repository>@sha256:<64 hex>); only a digest can be promoted`,
    );
  }
  return typeof commit === "string" && GIT_COMMIT_ID.test(commit) ? { image, commit } : { image };
}

const commitOf = (promoted: PromotedImage) =>
  promoted.commit === undefined ? {} : { commit: promoted.commit };

/** The target's config as the promotion deploys it: its own, with the image and the image's commit (or none). */
function withPromoted(
  config: Record<string, ConfigEntry>,
  promoted: PromotedImage,
): Record<string, ConfigEntry> {
  const { [IMAGE_COMMIT_KEY]: _previousCommit, ...rest } = config;
  return {
    ...rest,
    [IMAGE_KEY]: { value: promoted.image },
    ...(promoted.commit === undefined ? {} : { [IMAGE_COMMIT_KEY]: { value: promoted.commit } }),
  };
}

/**
 * The target's stage model with the promoted image, as the program will run it: an image the
 * target may not run (e.g. one a lower stage built into its own repository, when staging and
 * production run only the shared repository's) is refused here in one line, before the
 * preview, instead of failing the preview after it has started the program.
 */
function refuseImageTheTargetRejects(
  to: string,
  config: Record<string, ConfigEntry>,
  image: string,
): void {
  const values = Object.fromEntries(
    Object.entries(config).map(([key, entry]) => [key, entry.value]),
  );
  try {
    resolveStageFromConfig(to, values);
  } catch (error) {
    if (!(error instanceof StageConfigError)) throw error;
    // Only what the stage model says about the image; the rest of the target's config is its own.
    const problems = error.problems.filter(
      (p) => p.key === IMAGE_KEY || p.key === IMAGE_COMMIT_KEY,
    );
    if (problems.length > 0)
      throw new RefusalError(
        `Refusing to promote ${image} to ${to}: ${new StageConfigError(to, problems).message}`,
      );
  }
}

function result(
  options: PromoteOptions,
  fields: Pick<
    PromoteResult,
    "image" | "commit" | "previousImage" | "skippedLevels" | "counts" | "statefulChanges"
  >,
): PromoteResult {
  return {
    from: options.from,
    to: options.to,
    ...fields,
    report: options.reportPath,
    plan: options.planPath,
    applied: options.apply,
  };
}
