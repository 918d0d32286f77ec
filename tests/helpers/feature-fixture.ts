/**
 * A feature stack as `stagectl feature up` configures it (the stage model's featureStackConfig,
 * the same function feature up calls), for the tests that render one: a branch, its stack and
 * its config, opened 2026-03-01 12:00 UTC with a 72-hour time to live.
 */
import type { FeatureCacheMode } from "../../stage/profile";
import { featureStackConfig } from "../../stage/stack-facts";
import { featureTargetForBranch, loadBranchRules } from "../../tools/feature/branches";

export interface FeatureFixture {
  branch: string;
  /** The feature stack's name (`feature-<slug>`). */
  stack: string;
  /** Config overrides a render takes: exactly what feature up writes. */
  config: Record<string, string>;
}

export function featureFixture(
  options: { branch?: string; region?: string; pr?: number; cache?: FeatureCacheMode } = {},
): FeatureFixture {
  const branch = options.branch ?? "feature/checkout-v2";
  const stack = featureTargetForBranch(branch, loadBranchRules()).stack;
  const facts = {
    branch,
    createdAt: "2026-03-01T12:00:00Z",
    expiresAt: "2026-03-04T12:00:00Z",
    dataGeneration: 0,
    ...(options.pr !== undefined ? { pr: options.pr } : {}),
  };
  return {
    branch,
    stack,
    config: featureStackConfig(
      facts,
      options.region ?? "eu-west-1",
      undefined,
      undefined,
      // As development's featureStacks would say it, with this cache mode.
      options.cache ? { isolation: "shared", cache: options.cache, maxStacks: 40 } : undefined,
    ),
  };
}
