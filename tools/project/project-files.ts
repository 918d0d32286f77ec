/**
 * Reads the project's Pulumi.yaml and stack files the way the Pulumi CLI would hand them to
 * the program: project defaults first, the stack file over them, every value as a string
 * (objects as JSON). Secure values cannot be decrypted offline: they become a placeholder
 * and are marked secret, never faked.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
export const SECRET_PLACEHOLDER = "[secret]";

export interface StackConfig {
  /** Config as the program sees it, e.g. `{ "multistage:stage": "staging" }`. */
  values: Record<string, string>;
  /** Keys whose values are secret. */
  secretKeys: string[];
}

interface ProjectFile {
  name: string;
  config?: Record<string, unknown>;
}

export function readProjectFile(root = PROJECT_ROOT): ProjectFile {
  const file = path.join(root, "Pulumi.yaml");
  const parsed = parse(fs.readFileSync(file, "utf8")) as ProjectFile;
  if (!parsed || typeof parsed.name !== "string") throw new Error(`${file} has no project name`);
  return parsed;
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
  const file = stackFile ?? stackFilePath(stack, root);
  if (stackFile !== undefined && !fs.existsSync(stackFile)) throw new Error(`Stack file ${stackFile} does not exist`);
  if (fs.existsSync(file)) {
    const parsed = (parse(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
    for (const [key, value] of Object.entries(parsed.config ?? {})) merged[qualify(key, project.name)] = value;
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
