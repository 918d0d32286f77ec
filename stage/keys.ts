/**
 * The names of the stage model's config, as Pulumi hands config to a program
 * (`<namespace>:<key>`). Tools that write or read a stack's config use these names, so a key is
 * renamed in one place.
 */

/** The Pulumi project, and the namespace of its config keys. */
export const PROJECT = "multistage";

/** Fully-qualified config keys a tool may set or read. Every other key is the stage model's alone. */
export const CONFIG_KEYS = {
  stage: `${PROJECT}:stage`,
  feature: `${PROJECT}:feature`,
  image: `${PROJECT}:image`,
  imageCommit: `${PROJECT}:imageCommit`,
  access: `${PROJECT}:access`,
  data: `${PROJECT}:data`,
  featureStacks: `${PROJECT}:featureStacks`,
  domain: `${PROJECT}:domain`,
  region: "aws:region",
} as const;

/** The stack whose network feature stacks borrow unless they name another (`feature.networkStack`). */
export const DEFAULT_NETWORK_STACK = "development";

/** Every stack tag stagectl writes starts with this (the backend keeps tags; see feature-identity.ts). */
export const STACK_TAG_NAMESPACE = `${PROJECT}:`;

/** The stack tags that make a stack a feature stack: what every CI job can read from the backend. */
export const FEATURE_STACK_TAGS = {
  stage: `${PROJECT}:stage`,
  branch: `${PROJECT}:branch`,
  pr: `${PROJECT}:pr`,
  createdAt: `${PROJECT}:created-at`,
  expiresAt: `${PROJECT}:expires-at`,
  dataGeneration: `${PROJECT}:data-generation`,
} as const;
