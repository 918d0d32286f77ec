/**
 * Makes two stacks' renders comparable: every mention of a stack's own name (in physical
 * names, ARNs, paths, tags, environment values) and of its kind becomes a placeholder, so
 * `multistage-staging-db` and `multistage-production-db` compare as one resource.
 */
import { ACCESS_STAGE, logGroupPrefix, stagePrefix } from "../../lib/aws/naming";
import { PROJECT } from "../../stage/keys";
import { flatten } from "../render/format";
import type { Render } from "../render/harness";

export const STAGE_PLACEHOLDER = "<stage>";
export const NETWORK_PLACEHOLDER = "<net>";
export const KIND_PLACEHOLDER = "<kind>";

/** Resource key -> property path -> value (as JSON text), for every resource of a render. */
export type FlatRender = Map<string, Map<string, string>>;

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export function normalizeValue(
  value: string,
  stack: string,
  kind: string,
  networkPrefix?: string,
): string {
  const name = escapeRegex(stack);
  // A stage's address range is part of its identity, like its name (every stage has its own /16).
  const ranged = networkPrefix
    ? value.replace(
        new RegExp(`(?<![0-9.])${escapeRegex(networkPrefix)}`, "g"),
        `${NETWORK_PLACEHOLDER}.`,
      )
    : value;
  return (
    ranged
      .replace(
        new RegExp(`${escapeRegex(stagePrefix(PROJECT, stack))}(?![a-z0-9])`, "g"),
        stagePrefix(PROJECT, STAGE_PLACEHOLDER),
      )
      // The stage's deployer and boundary (access/) are named after its kind.
      .replace(
        new RegExp(`${escapeRegex(stagePrefix(PROJECT, ACCESS_STAGE))}-${escapeRegex(kind)}-`, "g"),
        `${stagePrefix(PROJECT, ACCESS_STAGE)}-${KIND_PLACEHOLDER}-`,
      )
      .replace(
        new RegExp(escapeRegex(logGroupPrefix(PROJECT, stack)), "g"),
        logGroupPrefix(PROJECT, STAGE_PLACEHOLDER),
      )
      // The stage's name alone (APP_STAGE), or as its cache key prefix (REDIS_KEY_PREFIX, `<stage>:`).
      .replace(new RegExp(`^"${name}(:?)"$`), `"${STAGE_PLACEHOLDER}$1"`)
      .replace(new RegExp(`^"${escapeRegex(kind)}"$`), `"${KIND_PLACEHOLDER}"`)
  );
}

/** Flattens a render's inputs and options with the stage normalised away. */
export function flattenRender(render: Render, kind: string): FlatRender {
  const flat: FlatRender = new Map();
  const vpcCidr = render.resources.find((r) => r.type === "aws:ec2/vpc:Vpc")?.inputs.cidrBlock;
  // "10.30.0.0/16" -> "10.30.": the first two octets every address of the stage starts with.
  const networkPrefix =
    typeof vpcCidr === "string" ? `${vpcCidr.split(".").slice(0, 2).join(".")}.` : undefined;
  for (const resource of render.resources) {
    const properties = new Map<string, string>();
    for (const [path, value] of flatten(resource.inputs))
      properties.set(path, normalizeValue(value, render.stack, kind, networkPrefix));
    for (const [path, value] of flatten(resource.options))
      properties.set(`(options).${path}`, value);
    flat.set(resource.key, properties);
  }
  return flat;
}

export interface PropertyDifference {
  resource: string;
  /** Property path; empty when the whole resource exists on one side only. */
  path: string;
  a?: string;
  b?: string;
}

/** Every difference between two flattened renders: resources on one side only, and properties. */
export function diffFlat(a: FlatRender, b: FlatRender): PropertyDifference[] {
  const differences: PropertyDifference[] = [];
  const resources = [...new Set([...a.keys(), ...b.keys()])].sort();
  for (const resource of resources) {
    const left = a.get(resource);
    const right = b.get(resource);
    if (!left || !right) {
      differences.push({
        resource,
        path: "",
        a: left ? "present" : undefined,
        b: right ? "present" : undefined,
      });
      continue;
    }
    const paths = [...new Set([...left.keys(), ...right.keys()])].sort();
    for (const path of paths) {
      if (left.get(path) !== right.get(path))
        differences.push({ resource, path, a: left.get(path), b: right.get(path) });
    }
  }
  return differences;
}

export function differenceKey(d: PropertyDifference): string {
  return `${d.resource}|${d.path}`;
}
