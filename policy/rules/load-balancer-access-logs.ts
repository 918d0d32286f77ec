import type { StackValidationPolicy } from "@pulumi/policy";
import { logDestinationProblems, LOAD_BALANCER_TYPES } from "../log-destinations";
import { ofTypes, stageKindOf } from "../resources";

/**
 * Production's load balancers write access logs into a bucket of their own stack that expires
 * them. Mirrors AWS Guard's `elb-logging-enabled` (@pulumi/awsguard 0.3.1, which reads
 * `accessLogs.enabled` of @pulumi/aws 4's load balancers; the property is still inline in
 * v7's `aws.lb.LoadBalancer`), and adds where the logs go.
 */
export const loadBalancerAccessLogs: StackValidationPolicy = {
  name: "load-balancer-access-logs",
  description:
    "In production every application and classic load balancer writes access logs into a bucket of the stack that expires them (AWS Guard: elb-logging-enabled).",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    if (stageKindOf(args.resources) !== "production") return;
    for (const lb of ofTypes(args.resources, LOAD_BALANCER_TYPES)) {
      // As in AWS Config's elb-logging-enabled: network and gateway load balancers log only
      // TLS connections, if anything, and are out of scope.
      if (lb.props.loadBalancerType === "network" || lb.props.loadBalancerType === "gateway")
        continue;
      const logs = lb.props.accessLogs as { bucket?: string; enabled?: boolean } | undefined;
      // The classic load balancer's `enabled` defaults to true; the v2 one's to false.
      const classic = lb.type === "aws:elb/loadBalancer:LoadBalancer";
      const enabled =
        logs !== undefined && (logs.enabled === true || (classic && logs.enabled !== false));
      if (!enabled) {
        reportViolation(
          `${lb.name} writes no access logs (accessLogs.enabled is not true); production keeps an audit trail of every request`,
          lb.urn,
        );
        continue;
      }
      for (const problem of logDestinationProblems(args.resources, logs.bucket))
        reportViolation(`${lb.name} ${problem}`, lb.urn);
    }
  },
};
