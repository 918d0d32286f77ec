/**
 * What `npm run engine:install` chose, for the engine suite and bench:engine to use:
 * `~/.cache/multistage/engine.json`.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export interface EngineManifest {
  /** The `pulumi` executable. */
  pulumi: string;
  /** Its version, e.g. "3.248.0". */
  version: string;
  /** "path": a supported CLI found on PATH (with its own language host); "built": built from Go modules here. */
  source: "path" | "built";
  /** The language host next to it: the CLI's own, or ours (tools/engine-host) for a built CLI. */
  languageHost: "bundled" | "multistage";
}

export function cacheDir(): string {
  return process.env.MULTISTAGE_CACHE_DIR ?? path.join(os.homedir(), ".cache", "multistage");
}

export const manifestPath = () => path.join(cacheDir(), "engine.json");

export function readManifest(): EngineManifest {
  const file = manifestPath();
  if (!fs.existsSync(file))
    throw new Error(
      `No Pulumi CLI for the engine suite yet (${file} is missing): run npm run engine:install`,
    );
  const manifest = JSON.parse(fs.readFileSync(file, "utf8")) as EngineManifest;
  if (!fs.existsSync(manifest.pulumi))
    throw new Error(`${manifest.pulumi} is gone: run npm run engine:install`);
  return manifest;
}

export function writeManifest(manifest: EngineManifest): void {
  fs.mkdirSync(cacheDir(), { recursive: true });
  fs.writeFileSync(manifestPath(), `${JSON.stringify(manifest, null, 2)}\n`);
}
