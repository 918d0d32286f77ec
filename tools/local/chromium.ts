/**
 * `pretest`'s second system package: a headless Chromium, in which the tests open
 * `stagectl status --html`'s page and take a screenshot. Like redis-server (prerequisites.ts):
 * installed from Debian's `chromium` when missing and this machine allows it (root, or sudo
 * without a password prompt), otherwise one line saying what to install.
 * MULTISTAGE_CHROMIUM names another Chromium or Chrome binary to use instead.
 */
import { spawnSync } from "node:child_process";
import {
  aptInstructionFor,
  debianPackagePlan,
  type PackagePlan,
  type SystemFacts,
} from "./system-packages";

const APT_PACKAGE = "chromium";

/** The binary the tests run: MULTISTAGE_CHROMIUM, or Debian's `chromium` on PATH. */
export function chromiumBinary(env: NodeJS.ProcessEnv = process.env): string {
  return env.MULTISTAGE_CHROMIUM || APT_PACKAGE;
}

/** The version the binary reports, or undefined when it cannot be run. */
export function chromiumVersion(binary = chromiumBinary()): string | undefined {
  const found = spawnSync(binary, ["--version"], { encoding: "utf8" });
  if (found.error || found.status !== 0) return undefined;
  return /(\d+\.\d+\.\d+\.\d+)/.exec(found.stdout)?.[1] ?? found.stdout.trim();
}

/** What to do about a missing Chromium on this system (the same shape as redisPlan's). */
export function chromiumPlan(system: SystemFacts): PackagePlan {
  const elsewhere = "install Chromium or Chrome and set MULTISTAGE_CHROMIUM to its binary";
  if (system.platform === "darwin")
    return {
      action: "tell",
      instruction: `run \`brew install --cask chromium\` and set MULTISTAGE_CHROMIUM=/Applications/Chromium.app/Contents/MacOS/Chromium (macOS), or ${elsewhere}`,
    };
  return debianPackagePlan(system, APT_PACKAGE) ?? { action: "tell", instruction: elsewhere };
}

export function missingChromiumLine(instruction: string, then = "npm test"): string {
  return `chromium is not installed (the status page's browser test needs it): ${instruction}, then run ${then} again.`;
}

/** Makes sure a headless Chromium runs; returns its version or throws with the one line. */
export function ensureChromium(
  system: SystemFacts,
  then = "npm test",
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  env: NodeJS.ProcessEnv = process.env,
): string {
  const present = chromiumVersion(chromiumBinary(env));
  if (present) return present;
  if (env.MULTISTAGE_CHROMIUM)
    throw new Error(
      `MULTISTAGE_CHROMIUM=${env.MULTISTAGE_CHROMIUM} does not run (\`${env.MULTISTAGE_CHROMIUM} --version\` failed); expected the path of a Chromium or Chrome binary.`,
    );
  const plan = chromiumPlan(system);
  if (plan.action === "tell") throw new Error(missingChromiumLine(plan.instruction, then));
  log(
    `chromium is not installed; installing Debian's ${APT_PACKAGE} (the status page's browser test needs it):`,
  );
  for (const [command, ...args] of plan.commands) {
    log(`$ ${[command, ...args].join(" ")}`);
    // The package manager's output goes to stderr, so stdout stays clean.
    const result = spawnSync(command, args, {
      stdio: ["ignore", 2, 2],
      env: { ...process.env, ...plan.env },
    });
    if (result.error || result.status !== 0) {
      throw new Error(
        `${[command, ...args].join(" ")} failed (${result.error?.message ?? `exit ${result.status}`}). ${missingChromiumLine(aptInstructionFor(APT_PACKAGE, system.isRoot), then)}`,
      );
    }
  }
  const installed = chromiumVersion(chromiumBinary(env));
  if (!installed)
    throw new Error(
      `${APT_PACKAGE} was installed but \`chromium --version\` still fails (PATH ${process.env.PATH ?? ""}).`,
    );
  log(`chromium ${installed} installed.`);
  return installed;
}
