/**
 * Reads the project's Pulumi.yaml and stack files the way the Pulumi CLI would hand them to
 * the program: project defaults first, the stack file over them, every value as a string
 * (objects as JSON). Secure values cannot be decrypted offline: they become a placeholder
 * and are marked secret, never faked.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  projectDefaults,
  ProjectFile,
  readProjectFile as readProjectFileAt,
  readStackFileConfig,
} from "./config-files";

export { projectDefaults, ProjectFileError } from "./config-files";
export type { ProjectFile } from "./config-files";

/** The repository root: Pulumi.yaml and the committed stack files. */
export const PROJECT_ROOT = path.resolve(__dirname, "..");
export const SECRET_PLACEHOLDER = "[secret]";

export interface StackConfig {
  /** Config as the program sees it, e.g. `{ "multistage:stage": "staging" }`. */
  values: Record<string, string>;
  /** Keys whose values are secret. */
  secretKeys: string[];
}

export function readProjectFile(root = PROJECT_ROOT): ProjectFile {
  return readProjectFileAt(root);
}

/** Path of a stack's config file. */
export function stackFilePath(stack: string, root = PROJECT_ROOT): string {
  return path.join(root, `Pulumi.${stack}.yaml`);
}

/** Stacks that have a committed config file (long-lived stages). */
export function listStackFiles(root = PROJECT_ROOT): string[] {
  return fs
    .readdirSync(root)
    .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
    .filter((stack): stack is string => stack !== undefined)
    .sort();
}

/**
 * Config of one stack: Pulumi.yaml defaults, then the stack file (if any), then overrides
 * (as set programmatically, e.g. for feature stacks or tests).
 */
export function loadStackConfig(
  stack: string,
  overrides: Record<string, unknown> = {},
  root = PROJECT_ROOT,
  stackFile?: string,
): StackConfig {
  const project = readProjectFile(root);
  const merged: Record<string, unknown> = { ...projectDefaults(project) };
  // A stack file named on purpose must exist; the default one may not (feature stacks have none).
  const file = stackFile ?? stackFilePath(stack, root);
  if (stackFile !== undefined || fs.existsSync(file)) {
    for (const [key, value] of Object.entries(readStackFileConfig(file)))
      merged[qualify(key, project.name)] = value;
  }
  for (const [key, value] of Object.entries(overrides)) merged[qualify(key, project.name)] = value;

  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(merged)) {
    if (isSecure(value)) {
      values[key] = SECRET_PLACEHOLDER;
      secretKeys.push(key);
    } else {
      values[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  return { values, secretKeys };
}

function qualify(key: string, project: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

function isSecure(value: unknown): boolean {
  return value !== null && typeof value === "object" && !Array.isArray(value) && "secure" in value;
}
