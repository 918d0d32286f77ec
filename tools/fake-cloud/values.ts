/**
 * Property values as the engine sends them to a provider that accepts secrets: plain JSON in
 * which a secret is `{ <sig key>: <secret sig>, value }` and, during a preview, a value not yet
 * known is the unknown sentinel string (both defined in @pulumi/pulumi/runtime/rpc).
 */
import { specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { isSecretMarker } from "../render/redact";

export type Props = Record<string, unknown>;

export function isUnknown(value: unknown): boolean {
  return value === unknownValue;
}

/** True when the value holds an unknown anywhere (a preview of something not yet created). */
export function containsUnknown(value: unknown): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object")
    return Object.values(value).some(containsUnknown);
  return false;
}

/** The value with every secret marker replaced by the plaintext it wraps. */
export function reveal(value: unknown): unknown {
  if (isSecretMarker(value)) return reveal((value as { value: unknown }).value);
  if (Array.isArray(value)) return value.map(reveal);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)]));
  }
  return value;
}

export function secret(value: unknown): Props {
  return { [specialSigKey]: specialSecretSig, value };
}

/** Structural equality of two plaintext values; key order does not matter. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  if (
    a !== null &&
    b !== null &&
    typeof a === "object" &&
    typeof b === "object" &&
    !Array.isArray(a) &&
    !Array.isArray(b)
  ) {
    const keysA = Object.keys(a as Props).filter((k) => (a as Props)[k] !== undefined);
    const keysB = Object.keys(b as Props).filter((k) => (b as Props)[k] !== undefined);
    return (
      keysA.length === keysB.length &&
      keysA.every((k) => sameValue((a as Props)[k], (b as Props)[k]))
    );
  }
  return false;
}

/** Provider config arrives with nested objects as JSON strings (as in the provider's state). */
export function parseJsonString(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

export interface UrnParts {
  stack: string;
  project: string;
  type: string;
  name: string;
}

/** `urn:pulumi:<stack>::<project>::<parent types$>type::<name>` */
export function parseUrn(urn: string): UrnParts {
  const [prefix, project, qualifiedType, ...name] = urn.split("::");
  const stack = prefix.replace(/^urn:pulumi:/, "");
  const type = qualifiedType.split("$").pop() ?? qualifiedType;
  return { stack, project, type, name: name.join("::") };
}
