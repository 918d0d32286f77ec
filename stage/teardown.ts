/**
 * What a teardown mode means for stateful resources, decided once so every component
 * treats production's data the same way.
 */
import { TeardownMode } from "./profile";

export interface TeardownPolicy {
  /** Pulumi `protect`: the engine refuses to delete the resource. */
  protect: boolean;
  /** Pulumi `retainOnDelete`: removing it from the program leaves it in AWS. */
  retainOnDelete: boolean;
  /** The AWS-side deletion protection flag (RDS, ALB). */
  deletionProtection: boolean;
  /** Take a final snapshot before a database or cache is deleted. */
  finalSnapshot: boolean;
  /** Let `pulumi destroy` empty buckets and repositories. */
  forceDestroy: boolean;
  /** Secrets Manager recovery window; 0 deletes at once so the same name can be re-created. */
  secretRecoveryDays: number;
}

const POLICIES: Readonly<Record<TeardownMode, TeardownPolicy>> = {
  destroyable: {
    protect: false,
    retainOnDelete: false,
    deletionProtection: false,
    finalSnapshot: false,
    forceDestroy: true,
    secretRecoveryDays: 0,
  },
  "deletion-protection": {
    protect: false,
    retainOnDelete: false,
    deletionProtection: true,
    finalSnapshot: true,
    forceDestroy: false,
    secretRecoveryDays: 7,
  },
  retain: {
    protect: true,
    retainOnDelete: true,
    deletionProtection: true,
    finalSnapshot: true,
    forceDestroy: false,
    secretRecoveryDays: 30,
  },
};

export function teardownPolicy(mode: TeardownMode): TeardownPolicy {
  return POLICIES[mode];
}
