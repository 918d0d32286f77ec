/**
 * What the machine is and how to get a Debian package onto it: what `pretest` and `npm run dev`
 * ask before installing redis-server (prerequisites.ts) or chromium (chromium.ts).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";

export interface SystemFacts {
  platform: NodeJS.Platform;
  isRoot: boolean;
  /** ID and ID_LIKE from /etc/os-release, lowercased (Linux only). */
  distro: string[];
  /** Whether a command is on PATH. */
  has(command: string): boolean;
  /** Whether `sudo -n true` succeeds: sudo that will not stop to ask for a password. */
  sudoWithoutPrompt: boolean;
  /** The user asked for no install (MULTISTAGE_NO_INSTALL=1). */
  noInstall: boolean;
}

/** What to do about a missing package: run these commands, or tell the person one thing. */
export type PackagePlan =
  | { action: "install"; commands: string[][]; env: Record<string, string> }
  /** What the person has to do, as the middle of one sentence. */
  | { action: "tell"; instruction: string };

/** The apt-get line a person runs for `pkg`, as the middle of one sentence. */
export function aptInstructionFor(pkg: string, isRoot: boolean): string {
  return `run \`${isRoot ? "" : "sudo "}apt-get install ${pkg}\` (Debian/Ubuntu)`;
}

/**
 * On Debian or Ubuntu: install `pkg` with apt-get where this machine allows it (root, or sudo
 * that does not prompt for a password), else the apt-get line to run; undefined on any other
 * system, where each caller says what to do.
 */
export function debianPackagePlan(system: SystemFacts, pkg: string): PackagePlan | undefined {
  const debianLike =
    system.platform === "linux" &&
    system.has("apt-get") &&
    system.distro.some((id) => id === "debian" || id === "ubuntu");
  if (!debianLike) return undefined;
  const install = ["apt-get", "install", "-y", "--no-install-recommends", pkg];
  const tell: PackagePlan = { action: "tell", instruction: aptInstructionFor(pkg, system.isRoot) };
  if (system.noInstall) return tell;
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  if (system.isRoot) return { action: "install", commands: [["apt-get", "update"], install], env };
  if (system.has("sudo") && system.sudoWithoutPrompt) {
    // sudo resets the environment; pass DEBIAN_FRONTEND through env(1).
    const viaSudo = (command: string[]) => [
      "sudo",
      "-n",
      "env",
      "DEBIAN_FRONTEND=noninteractive",
      ...command,
    ];
    return {
      action: "install",
      commands: [viaSudo(["apt-get", "update"]), viaSudo(install)],
      env,
    };
  }
  return tell;
}

function onPath(command: string): boolean {
  const paths = (process.env.PATH ?? "").split(":").filter(Boolean);
  return paths.some((dir) => {
    try {
      fs.accessSync(`${dir}/${command}`, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function distroIds(): string[] {
  try {
    const release = fs.readFileSync("/etc/os-release", "utf8");
    const field = (name: string) =>
      new RegExp(`^${name}=["']?([^"'\\n]*)`, "m").exec(release)?.[1] ?? "";
    return `${field("ID")} ${field("ID_LIKE")}`.toLowerCase().split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
}

/** Facts about the machine this runs on. */
export function thisSystem(env: NodeJS.ProcessEnv = process.env): SystemFacts {
  const isRoot = process.getuid?.() === 0;
  return {
    platform: process.platform,
    isRoot,
    distro: process.platform === "linux" ? distroIds() : [],
    has: onPath,
    // Only asked when it matters (not root, on Linux); `-n` never prompts.
    get sudoWithoutPrompt() {
      return (
        !isRoot &&
        onPath("sudo") &&
        spawnSync("sudo", ["-n", "true"], { stdio: "ignore" }).status === 0
      );
    },
    noInstall: env.MULTISTAGE_NO_INSTALL === "1" || env.MULTISTAGE_NO_INSTALL === "true",
  };
}
