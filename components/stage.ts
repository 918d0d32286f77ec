/**
 * The only place that reads Pulumi config: collects the `multistage:` keys and `aws:region`
 * and hands them to the pure resolver, which validates them before any resource exists.
 */
import * as pulumi from "@pulumi/pulumi";
import { namespaceConfig } from "./config-values";
import { PROJECT, resolveStage, Stage } from "./stage-resolve";

export type { Stage } from "./stage-resolve";

/** Loads and validates the current stack's stage. Throws StageConfigError on bad config. */
export function loadStage(): Stage {
  const all = pulumi.runtime.allConfig();
  return resolveStage(pulumi.getStack(), namespaceConfig(all, PROJECT), all["aws:region"]);
}
