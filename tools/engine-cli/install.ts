/**
 * `npm run engine:install [-- --build] [--force]`: makes a Pulumi CLI available to the engine
 * suite, idempotently, and records the choice in ~/.cache/multistage/engine.json.
 *
 * - A `pulumi` on PATH whose version is supported is used as it is, with its own language host.
 * - Otherwise (or with --build) the CLI is built from Go modules at the version of the
 *   @pulumi/pulumi SDK in package-lock.json (or the nearest the Go proxy serves), cached under
 *   ~/.cache/multistage/pulumi-<version>/, with our language host (tools/engine-host) next to
 *   it, since the real one is not served as a Go module. --force rebuilds both.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { buildCli, buildLanguageHost, goVersion, HOST_DIR, servedCliVersions } from "./go-build";
import { cacheDir, EngineManifest, writeManifest } from "./manifest";
import {
  describeSupported,
  isSupported,
  lockedSdkVersion,
  nearestServed,
  parseVersion,
} from "./versions";

const log = (message: string) => process.stderr.write(`engine:install: ${message}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** `pulumi version` of an executable, e.g. "3.248.0", or undefined when it prints none. */
export function cliVersion(executable: string): string | undefined {
  try {
    const out = execFileSync(executable, ["version"], {
      encoding: "utf8",
      env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
    }).trim();
    const parsed = parseVersion(out);
    return parsed ? parsed.join(".") : undefined;
  } catch {
    return undefined;
  }
}

function pulumiOnPath(): string | undefined {
  try {
    return (
      execFileSync("sh", ["-c", "command -v pulumi"], { encoding: "utf8" }).trim() || undefined
    );
  } catch {
    return undefined;
  }
}

/** A hash of the language host's sources, so a changed host is rebuilt. */
function hostSourceStamp(): string {
  const hash = createHash("sha256");
  for (const file of fs
    .readdirSync(HOST_DIR)
    .filter((f) => /\.go$|^go\.(mod|sum)$/.test(f))
    .sort()) {
    hash.update(file).update(fs.readFileSync(path.join(HOST_DIR, file)));
  }
  return hash.digest("hex");
}

function useCliOnPath(): EngineManifest | undefined {
  const onPath = pulumiOnPath();
  if (!onPath) {
    log("no pulumi on PATH");
    return undefined;
  }
  const version = cliVersion(onPath);
  if (!version || !isSupported(version)) {
    log(`${onPath} is version ${version ?? "unknown"}; supported: ${describeSupported()}`);
    return undefined;
  }
  log(`using ${onPath} (v${version}) and its own language host`);
  return { pulumi: onPath, version, source: "path", languageHost: "bundled" };
}

function buildFromGo(force: boolean): EngineManifest {
  const gv = goVersion();
  if (!gv)
    throw new Error(
      `No supported pulumi on PATH (${describeSupported()}) and no Go toolchain to build one`,
    );
  const wanted = lockedSdkVersion();
  log(`${gv}; package-lock.json pins @pulumi/pulumi ${wanted}`);
  // A CLI already built at the wanted version needs no word from the module proxy (works offline).
  const cached = path.join(cacheDir(), `pulumi-${wanted}`, "pulumi");
  const version =
    !force && fs.existsSync(cached) && cliVersion(cached) === wanted
      ? wanted
      : nearestServed(wanted, servedCliVersions());
  if (!version)
    throw new Error("the Go module proxy serves no github.com/pulumi/pulumi/pkg/v3 version");
  const plain = version.replace(/^v/, "");
  if (plain !== wanted)
    log(`v${wanted} is not served; building the nearest served version, ${version}`);

  const binDir = path.join(cacheDir(), `pulumi-${plain}`);
  const pulumi = path.join(binDir, "pulumi");
  if (!force && fs.existsSync(pulumi) && cliVersion(pulumi) === plain) {
    log(`CLI v${plain} already built: ${pulumi}`);
  } else {
    log(
      `building the Pulumi CLI v${plain} from Go modules (several minutes the first time; cached afterwards)`,
    );
    const ms = buildCli(plain, path.join(cacheDir(), `build-${plain}`), binDir, log);
    log(`built ${pulumi} in ${seconds(ms)}`);
  }

  const stampFile = path.join(binDir, ".language-host-stamp");
  const stamp = hostSourceStamp();
  const host = path.join(binDir, "pulumi-language-nodejs");
  if (
    !force &&
    fs.existsSync(host) &&
    fs.existsSync(stampFile) &&
    fs.readFileSync(stampFile, "utf8") === stamp
  ) {
    log(`language host up to date: ${host}`);
  } else {
    log("building the nodejs language host from tools/engine-host");
    const ms = buildLanguageHost(binDir, log);
    fs.writeFileSync(stampFile, stamp);
    log(`built ${host} in ${seconds(ms)}`);
  }
  const dynamic = installDynamicProviderPlugin(binDir);
  log(`dynamic provider plugin: ${dynamic}`);
  return { pulumi, version: plain, source: "built", languageHost: "multistage" };
}

/** The plugin the engine starts for `pulumi.dynamic` resources of a nodejs program. */
export const DYNAMIC_PROVIDER_PLUGIN = "pulumi-resource-pulumi-nodejs";

/**
 * Writes `pulumi-resource-pulumi-nodejs` next to a built CLI, as a Pulumi release ships it: the
 * release copies sdk/nodejs/dist/pulumi-resource-pulumi-nodejs next to the `pulumi` binary
 * (scripts/prep-for-goreleaser.sh), and the engine looks for this bundled plugin there
 * (sdk/go/common/workspace/plugins.go: IsPluginBundled names the resource plugin
 * "pulumi-nodejs"; getPluginInfoAndPath looks next to os.Executable()). Like the SDK's own
 * script, it runs the dynamic provider entry of the program's @pulumi/pulumi
 * (cmd/dynamic-provider), resolved from the working directory the engine starts it in, the
 * program's, so the provider is deserialized by the same SDK that serialized it.
 */
export function installDynamicProviderPlugin(binDir: string): string {
  const file = path.join(binDir, DYNAMIC_PROVIDER_PLUGIN);
  const script = [
    "#!/bin/sh",
    "# Pulumi's dynamic provider plugin for nodejs programs, as sdk/nodejs/dist/pulumi-resource-pulumi-nodejs",
    "# ships it (written by multistage's npm run engine:install next to a CLI built from Go modules).",
    `PULUMI_DYNAMIC_PROVIDER_SCRIPT_PATH=$(node -e "console.log(require.resolve('@pulumi/pulumi/cmd/dynamic-provider'))")`,
    'if [ ! -z "$PULUMI_DYNAMIC_PROVIDER_SCRIPT_PATH" ]; then',
    '    exec node "$PULUMI_DYNAMIC_PROVIDER_SCRIPT_PATH" "$@"',
    "fi",
    "exit 1",
    "",
  ].join("\n");
  if (!fs.existsSync(file) || fs.readFileSync(file, "utf8") !== script)
    fs.writeFileSync(file, script, { mode: 0o755 });
  fs.chmodSync(file, 0o755);
  return file;
}

function main(argv: string[]): void {
  const build = argv.includes("--build");
  const force = argv.includes("--force");
  const manifest = (!build && useCliOnPath()) || buildFromGo(force);
  writeManifest(manifest);
  log(
    `ready: ${manifest.pulumi} v${manifest.version} (${manifest.source === "path" ? "from PATH" : "built from Go modules"})`,
  );
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    log(`failed: ${(error as Error).message}`);
    process.exit(1);
  }
}
