import type { StackValidationPolicy } from "@pulumi/policy";
import { digestPinned } from "./digest-pinned";
import { encryption } from "./encryption";
import { featureExpiry } from "./feature-expiry";
import { nothingPublic } from "./nothing-public";
import { productionProtected } from "./production-protected";
import { productionUntouchable } from "./production-untouchable";

/** Every mandatory rule, in the order reports list them. */
export const MANDATORY_POLICIES: readonly StackValidationPolicy[] = [
  productionProtected,
  nothingPublic,
  encryption,
  digestPinned,
  featureExpiry,
  productionUntouchable,
];
