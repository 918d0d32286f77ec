/**
 * `stagectl status`: the pipeline at a glance. For each long-lived stage in promotion order
 * (tools/promote/promotion-path.ts): the image and commit it runs, its last deployment, how far
 * it is behind the stage below and whether a promotion review waits; lead time from commit to
 * each stage; the feature stacks. Reads only: the backend (outputs, history, tags), git and
 * review records. Every field it cannot learn is "unknown" with the reason.
 */
import type { CommandContext } from "../commands/context";
import { errorSummary } from "../engine/error-summary";
import { listFeatureStacks } from "../feature/feature-list";
import { longLivedStacks, pathTo } from "../promote/promotion-path";
import { behindBelow } from "./behind";
import { Field, known, unknown } from "./fields";
import type { GitHistory } from "./git-history";
import { leadTime } from "./lead-time";
import type { StageStatus, StatusDocument } from "./model";
import { findReviews, reviewState } from "./reviews";
import { readStackFacts, StackFacts } from "./backend-facts";
import { commitField, imageField, lastDeployedField } from "./stage-fields";

export interface StatusOptions {
  /** Where review records (`*.plan.json.meta.json`) are looked for. */
  reviewsDir: string;
  /** How many production deployments the median lead time covers. */
  deployments: number;
  git: GitHistory;
  /** Directory holding the stack files (tests point it elsewhere). */
  configDir?: string;
}

/** History entries read per stack: enough for the lead-time window with refreshes and re-runs in between. */
const historyLimit = (deployments: number) => Math.max(100, deployments * 10);

export async function pipelineStatus(
  context: CommandContext,
  options: StatusOptions,
): Promise<StatusDocument> {
  const now = context.now();
  const stacks = longLivedStacks(options.configDir);
  const workspace = await context.openWorkspace();
  let listed: Field<Set<string>>;
  try {
    listed = known(
      new Set(
        (await workspace.listStacks())
          .filter((s) => s.foreignName === undefined)
          .map((s) => s.name),
      ),
    );
  } catch (error) {
    listed = unknown(`cannot list the backend's stacks: ${errorSummary(error)}`);
  }
  const facts = new Map<string, StackFacts>();
  for (const { stack } of stacks)
    facts.set(
      stack,
      await readStackFacts(workspace, stack, listed, historyLimit(options.deployments)),
    );

  const reviews = findReviews(options.reviewsDir);
  const stages: StageStatus[] = [];
  for (const { stack, kind } of stacks) {
    const mine = facts.get(stack) as StackFacts;
    const image = imageField(mine);
    const status: StageStatus = {
      stack,
      kind,
      deployed: "value" in mine.exists && mine.exists.value,
      image,
      commit: commitField(mine, image, options.git),
      lastDeployed: lastDeployedField(mine),
    };
    const path = pathTo(stack, options.configDir) ?? [];
    const below = path[path.findIndex((p) => p.stack === stack) - 1];
    if (below) {
      const lower = stages.find((s) => s.stack === below.stack) as StageStatus;
      status.below = below.stack;
      status.behind = behindBelow(status, lower, options.git, now);
      status.review = await reviewState(reviews, {
        from: below.stack,
        to: stack,
        dir: options.reviewsDir,
        sourceImage: imageReference(facts.get(below.stack)),
        targetImage: imageReference(mine),
        targetCheckpoint: async () => (await workspace.stackState(stack)).fingerprint,
      });
    }
    stages.push(status);
  }

  const production =
    stages.find((s) => s.stack === "production") ?? stages.find((s) => s.kind === "production");
  const productionPath = production ? (pathTo(production.stack, options.configDir) ?? []) : [];
  const history = (stack: string) => ({ stack, history: (facts.get(stack) as StackFacts).history });
  return {
    generatedAt: now.toISOString(),
    order: stacks.map((s) => s.stack),
    stages,
    leadTime: production
      ? leadTime({
          production: history(production.stack),
          productionCommit: production.commit,
          stages: productionPath.map((p) => history(p.stack)),
          commitInfo: (id) => options.git.commit(id),
          window: options.deployments,
          where: options.git.where,
        })
      : {
          commit: unknown("no production stack file"),
          stages: [],
          median: unknown("no production stack file"),
        },
    features: await featureRows(context, workspace),
  };
}

function imageReference(facts: StackFacts | undefined): string | undefined {
  const image = facts && "value" in facts.outputs ? facts.outputs.value.image?.value : undefined;
  return typeof image === "string" ? image : undefined;
}

async function featureRows(
  context: CommandContext,
  workspace: Awaited<ReturnType<CommandContext["openWorkspace"]>>,
): Promise<StatusDocument["features"]> {
  try {
    return known(await listFeatureStacks(context, workspace));
  } catch (error) {
    return unknown(`cannot list the feature stacks: ${errorSummary(error)}`);
  }
}
