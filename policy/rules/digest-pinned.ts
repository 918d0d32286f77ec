import type { StackValidationPolicy } from "@pulumi/policy";
import { AWS_CLI_IMAGE } from "../../lib/aws/images";
import { DIGEST_PINNED_IMAGE } from "../../stage/schema";
import { ofType, parseJson, stageKindOf } from "../resources";

/** Staging and production run only images pinned by digest: what was reviewed is what runs. */
export const digestPinned: StackValidationPolicy = {
  name: "images-pinned-by-digest",
  description:
    "In staging and production every container image is pinned by digest (@sha256:...), never a tag.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const kind = stageKindOf(args.resources);
    if (kind !== "staging" && kind !== "production") return;
    for (const task of ofType(args.resources, "aws:ecs/taskDefinition:TaskDefinition")) {
      for (const container of (parseJson(task.props.containerDefinitions) ?? []) as Array<{
        name: string;
        image: string;
      }>) {
        // The one exception: the bucket copies (staging's, production's refinery) run the AWS CLI
        // release this project pins in components/bucket-sync.ts, not a promoted artifact.
        if (container.image === AWS_CLI_IMAGE) continue;
        if (!DIGEST_PINNED_IMAGE.test(container.image))
          reportViolation(
            `${task.name}: container ${container.name} runs ${container.image}, not pinned by digest`,
            task.urn,
          );
      }
    }
  },
};
