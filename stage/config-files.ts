/**
 * Reading the project's own YAML files (Pulumi.yaml, Pulumi.<stack>.yaml) safely: a file that
 * is missing, a directory, not YAML, full of aliases (a "billion laughs" bomb) or with a key
 * given twice becomes one ProjectFileError line naming the file, never a stack trace.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

/** A project or stack file that cannot be used; the message is the whole story. */
export class ProjectFileError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = "ProjectFileError";
  }
}

/** More aliases than any hand-written config needs; the yaml library's own default is 100. */
const MAX_ALIASES = 50;

/** Parses a YAML file the user wrote. Throws ProjectFileError with one line of reason. */
export function readYamlFile(file: string): unknown {
  let text: string;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) throw new ProjectFileError(file, "is not a file");
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if (error instanceof ProjectFileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new ProjectFileError(
      file,
      code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? String(error)})`,
    );
  }
  try {
    // uniqueKeys: a key given twice is an error, as it is for the Pulumi CLI's own YAML reader.
    return parse(text, { maxAliasCount: MAX_ALIASES, uniqueKeys: true, prettyErrors: true });
  } catch (error) {
    if (error instanceof ReferenceError && /alias/i.test(error.message)) {
      throw new ProjectFileError(
        file,
        `uses more than ${MAX_ALIASES} YAML aliases; refusing to expand it (resource exhaustion)`,
      );
    }
    const first = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new ProjectFileError(file, `is not valid YAML: ${first}`);
  }
}

export interface ProjectFile {
  name: string;
  config?: Record<string, unknown>;
}

export function projectFilePath(root: string): string {
  return path.join(root, "Pulumi.yaml");
}

export function readProjectFile(root: string): ProjectFile {
  const file = projectFilePath(root);
  const parsed = readYamlFile(file) as ProjectFile | null;
  if (!parsed || typeof parsed !== "object" || typeof parsed.name !== "string")
    throw new ProjectFileError(file, "has no project name");
  return parsed;
}

/** Project-level defaults from Pulumi.yaml, keyed by full config key. */
export function projectDefaults(project: ProjectFile): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const [rawKey, declaration] of Object.entries(project.config ?? {})) {
    const key = rawKey.includes(":") ? rawKey : `${project.name}:${rawKey}`;
    if (declaration && typeof declaration === "object" && !Array.isArray(declaration)) {
      const decl = declaration as Record<string, unknown>;
      if ("default" in decl) defaults[key] = decl.default;
      else if ("value" in decl) defaults[key] = decl.value;
    } else {
      defaults[key] = declaration;
    }
  }
  return defaults;
}

/** The `config:` map of a stack file, checked to be a map. */
export function readStackFileConfig(file: string): Record<string, unknown> {
  const parsed = readYamlFile(file);
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== "object" || Array.isArray(parsed))
    throw new ProjectFileError(file, "is not a YAML map (expected `config:` at the top)");
  const config = (parsed as { config?: unknown }).config;
  if (config === undefined || config === null) return {};
  if (typeof config !== "object" || Array.isArray(config))
    throw new ProjectFileError(file, "`config` is not a map of keys to values");
  return config as Record<string, unknown>;
}
