import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { ofTypes } from "../resources";

const LISTENER_TYPES = ["aws:lb/listener:Listener", "aws:alb/listener:Listener"];

interface Action {
  type?: string;
  redirect?: { protocol?: string };
}

/** The load balancer a listener belongs to: by dependency in a real preview, by ARN offline. */
function loadBalancerOf(listener: PolicyResource): string {
  const dependency = listener.propertyDependencies.loadBalancerArn?.[0];
  return dependency ? dependency.urn : String(listener.props.loadBalancerArn);
}

/**
 * HTTP redirects to HTTPS wherever a certificate exists. Mirrors AWS Guard's
 * `alb-http-to-https-redirection` (@pulumi/awsguard 0.3.1: an HTTP listener's one default action
 * is a redirect to HTTPS), applied to each HTTP listener whose load balancer also listens on
 * HTTPS. A production without a certificate is not refused here: it deploys over plain HTTP and
 * its program warns on every preview (components/environment.ts), because a stack file cannot
 * carry a certificate that exists only in one team's account.
 */
export const httpsRedirect: StackValidationPolicy = {
  name: "http-redirects-to-https",
  description:
    "HTTP listeners redirect to HTTPS wherever their load balancer has an HTTPS listener (AWS Guard: alb-http-to-https-redirection).",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const listeners = ofTypes(args.resources, LISTENER_TYPES);
    const withHttps = new Set(
      listeners.filter((l) => l.props.protocol === "HTTPS").map(loadBalancerOf),
    );
    for (const listener of listeners.filter(
      (l) => l.props.protocol === "HTTP" && withHttps.has(loadBalancerOf(l)),
    )) {
      const actions = (listener.props.defaultActions ?? []) as Action[];
      const redirects =
        actions.length === 1 &&
        actions[0].type === "redirect" &&
        actions[0].redirect?.protocol === "HTTPS";
      if (!redirects) {
        reportViolation(
          `${listener.name} (HTTP, port ${listener.props.port}) must have one default action, a redirect to HTTPS; it has ${actions.map((a) => a.type).join(", ") || "none"}`,
          listener.urn,
        );
      }
    }
  },
};
