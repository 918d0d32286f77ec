import type { StackValidationPolicy } from "@pulumi/policy";
import { bucketAccessLogs } from "./bucket-access-logs";
import { digestPinned } from "./digest-pinned";
import { encryption } from "./encryption";
import { featureExpiry } from "./feature-expiry";
import { httpsRedirect } from "./https-redirect";
import { loadBalancerAccessLogs } from "./load-balancer-access-logs";
import { nothingPublic } from "./nothing-public";
import { productionProtected } from "./production-protected";
import { productionUntouchable } from "./production-untouchable";

/** Every mandatory rule, in the order reports list them. */
export const MANDATORY_POLICIES: readonly StackValidationPolicy[] = [
  productionProtected,
  nothingPublic,
  encryption,
  httpsRedirect,
  loadBalancerAccessLogs,
  bucketAccessLogs,
  digestPinned,
  featureExpiry,
  productionUntouchable,
];
