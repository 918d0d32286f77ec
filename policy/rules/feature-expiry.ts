import type { StackValidationPolicy } from "@pulumi/policy";
import { FEATURE_STACK_TAGS } from "../../stage/keys";
import { ISO_TIME } from "../../stage/schema";
import { defaultTagsOf, stageKindOf } from "../resources";

/** A feature stack says when it expires, so the reaper (and people) can act on it. */
export const featureExpiry: StackValidationPolicy = {
  name: "feature-stacks-expire",
  description:
    "Feature stacks tag every resource with expires-at (and the stack with multistage:expires-at when set by stagectl).",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    if (stageKindOf(args.resources) !== "feature") return;
    const expiresAt = defaultTagsOf(args.resources)["expires-at"];
    if (!expiresAt || !ISO_TIME.test(expiresAt))
      reportViolation(
        `feature stack resources carry no valid expires-at tag (got ${JSON.stringify(expiresAt ?? null)})`,
      );
    const stackTag = args.stackTags.get(FEATURE_STACK_TAGS.expiresAt);
    if (stackTag !== undefined && stackTag !== expiresAt)
      reportViolation(
        `stack tag ${FEATURE_STACK_TAGS.expiresAt} (${stackTag}) disagrees with the resources' expires-at (${expiresAt})`,
      );
  },
};
