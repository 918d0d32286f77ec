import type { StackValidationPolicy } from "@pulumi/policy";
import { asList, ofType, stageKindOf, statementsOf } from "../resources";

/** Actions that only read. Anything else, granted on production, is a write. */
const READ_ONLY = /^[a-z0-9-]+:(Get|List|Describe|Head|BatchGet|BatchCheck)[A-Za-z]*$/;
const PRODUCTION_RESOURCE = /multistage-production(?![a-z0-9])|\/multistage\/production\//;

/** No principal of a lower stage can write to production: data only flows down. */
export const productionUntouchable: StackValidationPolicy = {
  name: "no-lower-stage-writes-to-production",
  description: "Outside production, no IAM policy allows anything but reads on production's resources.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const kind = stageKindOf(args.resources);
    if (kind === undefined || kind === "production") return;
    const policies = [...ofType(args.resources, "aws:iam/rolePolicy:RolePolicy"), ...ofType(args.resources, "aws:iam/policy:Policy")];
    for (const policy of policies) {
      for (const statement of statementsOf(policy.props.policy)) {
        if (statement.Effect !== "Allow") continue;
        const production = asList(statement.Resource).filter((r) => r === "*" || PRODUCTION_RESOURCE.test(r));
        const writes = asList(statement.Action).filter((a) => !READ_ONLY.test(a));
        if (production.length > 0 && writes.length > 0) {
          reportViolation(`${policy.name} lets a ${kind} principal ${writes.join(", ")} on ${production.join(", ")}`, policy.urn);
        }
      }
    }
  },
};
