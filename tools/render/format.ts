/** Turns a render into the text a person reads or the stable JSON a machine reads. */
import type { Render, RenderedResource } from "./harness";

/** Stable JSON: resources sorted by key, object keys sorted, no fake secrets. */
export function renderToJson(render: Render): string {
  return `${JSON.stringify({ stack: render.stack, project: render.project, warnings: render.warnings, outputs: render.outputs, resources: render.resources }, null, 2)}\n`;
}

export function renderToText(render: Render): string {
  const lines: string[] = [];
  const custom = render.resources.filter((r) => r.custom);
  lines.push(
    `Stack ${render.project}/${render.stack}: ${custom.length} resources in ${render.resources.length - custom.length} components`,
  );
  for (const warning of render.warnings) lines.push(`warning: ${warning}`);
  lines.push("");
  for (const resource of render.resources) {
    lines.push(
      `${resource.custom ? "+" : "#"} ${resource.type}  ${resource.name}${resource.physicalName ? `  (${resource.physicalName})` : ""}${flags(resource)}`,
    );
    if (!resource.custom) continue;
    for (const [key, value] of flatten(resource.inputs)) lines.push(`    ${key} = ${value}`);
  }
  lines.push("", "Outputs:");
  for (const [key, output] of Object.entries(render.outputs)) {
    lines.push(`  ${key} = ${JSON.stringify(output.value)}${output.secret ? " (secret)" : ""}`);
  }
  return `${lines.join("\n")}\n`;
}

function flags(resource: RenderedResource): string {
  const parts: string[] = [];
  if (resource.options.protect) parts.push("protect");
  if (resource.options.retainOnDelete) parts.push("retainOnDelete");
  if (resource.options.ignoreChanges.length)
    parts.push(`ignoreChanges=${resource.options.ignoreChanges.join(",")}`);
  if (resource.options.deleteBeforeReplace) parts.push("deleteBeforeReplace");
  return parts.length ? `  [${parts.join(" ")}]` : "";
}

/** Flattens nested inputs to `a.b[0].c = value` lines. */
export function flatten(value: unknown, prefix = ""): Array<[string, string]> {
  if (Array.isArray(value)) {
    if (value.length === 0) return [[prefix, "[]"]];
    return value.flatMap((item, i) => flatten(item, `${prefix}[${i}]`));
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value);
    if (entries.length === 0) return [[prefix, "{}"]];
    return entries.flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
  }
  return [[prefix, JSON.stringify(value)]];
}
