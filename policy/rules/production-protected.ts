import type { StackValidationPolicy } from "@pulumi/policy";
import { ofType, stageKindOf, STATEFUL_TYPES } from "../resources";

/** Production's database, cache and bucket cannot be deleted by accident. */
export const productionProtected: StackValidationPolicy = {
  name: "production-stateful-protected",
  description:
    "Production's stateful resources are protected, keep a final snapshot and have deletion protection on.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    if (stageKindOf(args.resources) !== "production") return;
    for (const type of STATEFUL_TYPES) {
      for (const resource of ofType(args.resources, type)) {
        if (!resource.opts.protect)
          reportViolation(
            `${resource.name} (${type}) must be protected in production`,
            resource.urn,
          );
      }
    }
    for (const db of ofType(args.resources, "aws:rds/instance:Instance")) {
      if (db.props.deletionProtection !== true)
        reportViolation(`${db.name} must have deletion protection on in production`, db.urn);
      if (db.props.skipFinalSnapshot !== false)
        reportViolation(`${db.name} must take a final snapshot in production`, db.urn);
    }
    for (const bucket of ofType(args.resources, "aws:s3/bucket:Bucket")) {
      if (bucket.props.forceDestroy === true)
        reportViolation(`${bucket.name} must not be force-destroyable in production`, bucket.urn);
    }
  },
};
