/**
 * Images the stacks run that are not the app's. Pinned so a new release never changes a task
 * unseen; the policy pack's digest rule knows them by this constant, not by a copy.
 */

/** The AWS CLI image the bucket copies run in (the lower stages' sync, the refinery's copy). */
export const AWS_CLI_IMAGE = "public.ecr.aws/aws-cli/aws-cli:2.22.35";
