/**
 * A throw-away copy of the project in which one stack's config carries extra values, so the
 * engine can preview "this stack, with this change" without the change touching the stack's
 * real file or the backend. Everything but the Pulumi files is a symlink to the real project.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseDocument } from "yaml";
import type { ConfigEntry } from "./workspace";

export interface ConfigOverlay {
  dir: string;
  remove(): void;
}

export function createConfigOverlay(
  projectDir: string,
  stack: string,
  override: Record<string, ConfigEntry>,
): ConfigOverlay {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `multistage-${stack}-preview-`));
  for (const entry of fs.readdirSync(projectDir)) {
    if (/^Pulumi\..*ya?ml$/.test(entry)) continue;
    fs.symlinkSync(path.join(projectDir, entry), path.join(dir, entry));
  }
  fs.copyFileSync(path.join(projectDir, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  const stackFile = `Pulumi.${stack}.yaml`;
  const source = path.join(projectDir, stackFile);
  // Keep the file as it is (encryption salt, secure values, comments); change only the keys given.
  const document = parseDocument(
    fs.existsSync(source) ? fs.readFileSync(source, "utf8") : "config: {}\n",
  );
  for (const [key, entry] of Object.entries(override)) {
    if (entry.secret)
      throw new Error(
        `A preview overlay cannot carry the secret ${key}; set it with pulumi config set --secret`,
      );
    document.setIn(["config", key], entry.value);
  }
  fs.writeFileSync(path.join(dir, stackFile), document.toString());
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
