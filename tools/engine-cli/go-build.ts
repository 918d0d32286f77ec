/**
 * Builds the Pulumi CLI from its Go modules, as released: a throw-away wrapper module that
 * requires github.com/pulumi/pulumi/pkg/v3 and sdk/v3 at one version, carries pkg's own
 * `replace` lines (a wrapper, not `go install pkg@version`, because `go install` refuses modules
 * with replace directives), and builds pkg/v3/cmd/pulumi with the version stamped in, as
 * Pulumi's release build does (the Automation API refuses a CLI that reports no version).
 * Also builds our language host (tools/engine-host) to sit next to it.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../stage/stack-files";

const PKG = "github.com/pulumi/pulumi/pkg/v3";
const SDK = "github.com/pulumi/pulumi/sdk/v3";
const VERSION_FLAG = `${SDK}/go/common/version.Version`;

export type Log = (message: string) => void;

function go(args: string[], cwd: string, log?: Log): string {
  log?.(`go ${args.join(" ")}`);
  return execFileSync("go", args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", log ? "inherit" : "pipe"],
    maxBuffer: 64 * 2 ** 20,
  });
}

export function goVersion(): string | undefined {
  try {
    return execFileSync("go", ["version"], { encoding: "utf8" }).trim();
  } catch {
    return undefined;
  }
}

/** Versions of pkg/v3 the Go module proxy serves. */
export function servedCliVersions(): string[] {
  return go(["list", "-m", "-versions", PKG], PROJECT_ROOT).trim().split(/\s+/).slice(1);
}

/**
 * pkg's own replace directives at `version`, minus those pointing at a directory of the
 * pulumi repository (`sdk/v3 => ../sdk`): in the wrapper, that module is required instead.
 */
export function pkgReplaces(version: string): string[] {
  const info = JSON.parse(go(["list", "-m", "-json", `${PKG}@v${version}`], PROJECT_ROOT)) as {
    GoMod: string;
  };
  const gomod = fs.readFileSync(info.GoMod, "utf8");
  const lines: string[] = [];
  let inBlock = false;
  for (const raw of gomod.split("\n")) {
    const line = raw.replace(/\/\/.*$/, "").trim();
    if (line === "replace (") inBlock = true;
    else if (inBlock && line === ")") inBlock = false;
    else if (inBlock && line) lines.push(line);
    else if (line.startsWith("replace ")) lines.push(line.slice("replace ".length).trim());
  }
  return lines.filter((replace) => {
    const target = replace.split("=>")[1]?.trim() ?? "";
    return !target.startsWith(".") && !target.startsWith("/");
  });
}

/** Writes the wrapper module and builds `<outDir>/pulumi`. Returns the build time in ms. */
export function buildCli(version: string, scratchDir: string, outDir: string, log: Log): number {
  const started = Date.now();
  fs.mkdirSync(scratchDir, { recursive: true });
  fs.mkdirSync(outDir, { recursive: true });
  const replaces = pkgReplaces(version);
  log(
    `wrapper module in ${scratchDir}: ${PKG} and ${SDK} at v${version}; replaces copied from pkg: ${replaces.join("; ") || "none"}`,
  );
  fs.writeFileSync(
    path.join(scratchDir, "go.mod"),
    [
      "module multistage.local/pulumi-build",
      "",
      "go 1.25",
      "",
      `require (\n\t${PKG} v${version}\n\t${SDK} v${version}\n)`,
      "",
      ...replaces.map((r) => `replace ${r}`),
      "",
    ].join("\n"),
  );
  // Keeps cmd/pulumi's packages in the module graph for `go mod tidy`.
  fs.writeFileSync(
    path.join(scratchDir, "tools.go"),
    `//go:build tools\n\npackage tools\n\nimport _ "${PKG}/cmd/pulumi"\n`,
  );
  go(["mod", "tidy"], scratchDir, log);
  go(
    [
      "build",
      "-o",
      path.join(outDir, "pulumi"),
      "-ldflags",
      `-X ${VERSION_FLAG}=v${version}`,
      `${PKG}/cmd/pulumi`,
    ],
    scratchDir,
    log,
  );
  return Date.now() - started;
}

export const HOST_DIR = path.join(PROJECT_ROOT, "tools", "engine-host");

/** The sdk/v3 version tools/engine-host is built against (its go.mod). */
export function hostSdkVersion(): string {
  const match = /github\.com\/pulumi\/pulumi\/sdk\/v3 v(\d+\.\d+\.\d+)/.exec(
    fs.readFileSync(path.join(HOST_DIR, "go.mod"), "utf8"),
  );
  if (!match) throw new Error("tools/engine-host/go.mod requires no sdk/v3");
  return match[1];
}

/** Builds `<outDir>/pulumi-language-nodejs` from tools/engine-host. Returns the build time in ms. */
export function buildLanguageHost(outDir: string, log: Log): number {
  const started = Date.now();
  go(
    [
      "build",
      "-o",
      path.join(outDir, "pulumi-language-nodejs"),
      "-ldflags",
      `-X ${VERSION_FLAG}=v${hostSdkVersion()}`,
      ".",
    ],
    HOST_DIR,
    log,
  );
  return Date.now() - started;
}
