/** `stagectl eta`'s defaults and the bounds of its options. */
import * as os from "node:os";

/** One real second per AWS minute: a stage's ~10 min critical path runs in ~10 s plus the engine's own time. */
export const DEFAULT_SECONDS_PER_MINUTE = 1;
/** world.json's own bound (tools/fake-cloud/aws-time.ts): beyond it an eta would run for hours. */
export const MAX_SECONDS_PER_MINUTE = 60;

/**
 * The Pulumi CLI's own default --parallel: GOMAXPROCS x 4 (pkg/cmd/pulumi/operations/up.go:71-88
 * at v3.248.0, defaultParallel); GOMAXPROCS defaults to the number of CPUs.
 */
export function pulumiDefaultParallel(): number {
  return os.availableParallelism() * 4;
}
