/**
 * Which Pulumi CLI the engine suite runs: the version of the @pulumi/pulumi SDK the lockfile
 * pins (the CLI built from Go modules matches it), and the range of CLIs we support when one is
 * already on PATH.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../stage/stack-files";

/**
 * Supported CLI versions: 3.211 is the first whose DIY (file://, s3://) backend keeps stack tags
 * (pkg/backend/diy/stack_tags.go), which `stagectl feature` relies on; 4.x may break the CLI's
 * command line and the Automation API.
 */
export const SUPPORTED_CLI = { min: "3.211.0", belowMajor: 4 } as const;

export function describeSupported(): string {
  return `>= ${SUPPORTED_CLI.min} and < ${SUPPORTED_CLI.belowMajor}.0.0`;
}

/** The @pulumi/pulumi version package-lock.json pins, e.g. "3.248.0". */
export function lockedSdkVersion(root = PROJECT_ROOT): string {
  const lock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8")) as {
    packages: Record<string, { version?: string }>;
  };
  const version = lock.packages["node_modules/@pulumi/pulumi"]?.version;
  if (!version) throw new Error("package-lock.json pins no @pulumi/pulumi");
  return version;
}

export function parseVersion(text: string): [number, number, number] | undefined {
  const match = /v?(\d+)\.(\d+)\.(\d+)/.exec(text);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

export function compareVersions(a: string, b: string): number {
  const [x, y] = [parseVersion(a), parseVersion(b)];
  if (!x || !y) throw new Error(`not a version: ${!x ? a : b}`);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

export function isSupported(version: string): boolean {
  const parsed = parseVersion(version);
  return (
    parsed !== undefined &&
    compareVersions(version, SUPPORTED_CLI.min) >= 0 &&
    parsed[0] < SUPPORTED_CLI.belowMajor
  );
}

/** The wanted version if served, else the newest served below it, else the oldest above it. */
export function nearestServed(wanted: string, served: readonly string[]): string | undefined {
  if (served.some((v) => compareVersions(v, wanted) === 0))
    return served.find((v) => compareVersions(v, wanted) === 0);
  const sorted = [...served]
    .filter((v) => parseVersion(v) && !v.includes("-"))
    .sort(compareVersions);
  return (
    sorted.filter((v) => compareVersions(v, wanted) < 0).pop() ??
    sorted.find((v) => compareVersions(v, wanted) > 0)
  );
}
