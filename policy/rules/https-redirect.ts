import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { ofTypes, stageKindOf } from "../resources";

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
 * HTTP redirects to HTTPS wherever a certificate exists, and production always has one.
 * Mirrors AWS Guard's `alb-http-to-https-redirection` (@pulumi/awsguard 0.3.1: an HTTP
 * listener's one default action is a redirect to HTTPS), applied in production to every HTTP
 * listener and elsewhere to each one whose load balancer also listens on HTTPS.
 */
export const httpsRedirect: StackValidationPolicy = {
  name: "http-redirects-to-https",
  description: "HTTP listeners redirect to HTTPS: in production every one (and production listens on HTTPS), elsewhere each one whose load balancer has an HTTPS listener (AWS Guard: alb-http-to-https-redirection).",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const production = stageKindOf(args.resources) === "production";
    const listeners = ofTypes(args.resources, LISTENER_TYPES);
    const withHttps = new Set(listeners.filter((l) => l.props.protocol === "HTTPS").map(loadBalancerOf));
    for (const listener of listeners.filter((l) => l.props.protocol === "HTTP")) {
      const https = withHttps.has(loadBalancerOf(listener));
      if (!production && !https) continue;
      const actions = (listener.props.defaultActions ?? []) as Action[];
      const redirects = actions.length === 1 && actions[0].type === "redirect" && actions[0].redirect?.protocol === "HTTPS";
      if (!redirects) {
        reportViolation(`${listener.name} (HTTP, port ${listener.props.port}) must have one default action, a redirect to HTTPS; it has ${actions.map((a) => a.type).join(", ") || "none"}`, listener.urn);
      }
      if (production && !https) {
        reportViolation(`${listener.name}'s load balancer has no HTTPS listener: production serves HTTPS only (set multistage:domain.certificateArn)`, listener.urn);
      }
    }
  },
};
