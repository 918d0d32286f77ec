/**
 * `stagectl diff A B`: what would differ between two stacks' desired state, split into what
 * the stage profile explains and everything else. A difference "comes from the profile" when
 * it disappears once A is rendered with B's profile defaults (A's own stack-file overrides
 * kept); whatever remains was declared by a stack file override or by code, and deserves a
 * reviewer's eye.
 */
import { namespaceConfig } from "../../stage/config-values";
import { CONFIG_KEYS } from "../../stage/keys";
import { configUnderProfileOf } from "../../stage/profile-overlay";
import { StageKind } from "../../stage/profile";
import { PROJECT, resolveStage } from "../../stage/resolve";
import { loadStackConfig } from "../../stage/stack-files";
import { Render, renderStack, RenderOptions } from "../render/harness";
import {
  differenceKey,
  diffFlat,
  flattenRender,
  normalizeValue,
  PropertyDifference,
} from "./normalize";

export interface ClassifiedDifference extends PropertyDifference {
  origin: "profile" | "other";
}

export interface StackDiff {
  a: string;
  b: string;
  fromProfile: ClassifiedDifference[];
  other: ClassifiedDifference[];
}

interface StackView {
  stack: string;
  kind: StageKind;
  fileConfig: Record<string, unknown>;
}

function viewOf(stack: string, options: RenderOptions): StackView {
  const config = loadStackConfig(
    stack,
    options.configOverrides,
    options.configDir,
    options.stackFile,
  );
  const raw = namespaceConfig(config.values, PROJECT);
  const stage = resolveStage(stack, raw, config.values[CONFIG_KEYS.region]);
  return { stack, kind: stage.kind, fileConfig: raw };
}

export interface DiffInputs {
  a: string;
  b: string;
  /** Render options per side (tests point one side at an altered stack file). */
  aOptions?: RenderOptions;
  bOptions?: RenderOptions;
}

export async function diffStacks(inputs: DiffInputs): Promise<StackDiff> {
  const aOptions = inputs.aOptions ?? {};
  const bOptions = inputs.bOptions ?? {};
  const a = viewOf(inputs.a, aOptions);
  const b = viewOf(inputs.b, bOptions);
  const [renderA, renderB] = [
    await renderStack(inputs.a, aOptions),
    await renderStack(inputs.b, bOptions),
  ];
  const flatB = flattenRender(renderB, b.kind);
  const differences = diffFlat(flattenRender(renderA, a.kind), flatB);

  const counterfactual = await renderStack(inputs.a, {
    ...aOptions,
    configOverrides: {
      ...aOptions.configOverrides,
      ...configUnderProfileOf(a.fileConfig, a.kind, b.kind),
    },
  });
  const unexplained = new Set(
    diffFlat(flattenRender(counterfactual, a.kind), flatB).map(differenceKey),
  );

  const kindOnly = new Set([...kindOnlyResources(renderA), ...kindOnlyResources(renderB)]);
  const byKind = kindExplained([renderA, renderB], kindOnly);
  const classified = differences.map((d): ClassifiedDifference => ({
    ...d,
    origin: unexplained.has(differenceKey(d)) && !byKind(d) ? "other" : "profile",
  }));
  return {
    a: inputs.a,
    b: inputs.b,
    fromProfile: classified.filter((d) => d.origin === "profile"),
    other: classified.filter((d) => d.origin === "other"),
  };
}

/**
 * Components a stage has because of its kind, not its settings (production's refinery): the
 * counterfactual render keeps its own kind, so what lives under them is explained by the kind.
 */
const KIND_ONLY_COMPONENTS: ReadonlyArray<{ type: string; name?: RegExp }> = [
  { type: "multistage:data:Refinery" },
  // The bucket the refinery fills (components/environment.ts creates it beside the assets bucket).
  { type: "multistage:storage:Bucket", name: /-sanitized$/ },
];

function kindOnlyResources(render: Render): string[] {
  const byKey = new Map(render.resources.map((r) => [r.key, r]));
  const isKindOnly = (key: string) => {
    const [type, name] = key.split("::");
    return KIND_ONLY_COMPONENTS.some(
      (c) => c.type === type && (!c.name || c.name.test(name ?? "")),
    );
  };
  const underKindOnly = (key: string | undefined): boolean => {
    for (let current = key; current; current = byKey.get(current)?.parent) {
      if (isKindOnly(current)) return true;
    }
    return false;
  };
  return render.resources.filter((r) => underKindOnly(r.key)).map((r) => r.key);
}

/**
 * A difference the kind explains: on a kind-only resource, or pointing at one by its physical
 * name (the log delivery of production's sanitized bucket, its ARN in the log bucket's policy).
 */
function kindExplained(
  renders: Render[],
  kindOnly: ReadonlySet<string>,
): (d: PropertyDifference) => boolean {
  const resources = renders.flatMap((r) => r.resources);
  // Property values are compared with the stage normalised away (normalize.ts), so the names are too.
  const names = [
    ...new Set(
      renders.flatMap((render) =>
        render.resources
          .filter((r) => kindOnly.has(r.key) && r.physicalName)
          .flatMap((r) => [
            r.physicalName as string,
            normalizeValue(r.physicalName as string, render.stack, render.stack),
          ]),
      ),
    ),
  ].map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const mentions = (text: string | undefined) =>
    text !== undefined &&
    names.some((name) => new RegExp(`(^|[^a-z0-9-])${name}($|[^a-z0-9-])`).test(text));
  const presentFor = new Set(
    resources.filter((r) => mentions(JSON.stringify(r.inputs))).map((r) => r.key),
  );
  return (d) =>
    kindOnly.has(d.resource) ||
    (d.path === "" ? presentFor.has(d.resource) : mentions(d.a) || mentions(d.b));
}

export function stackDiffToText(diff: StackDiff): string {
  const line = (d: ClassifiedDifference) =>
    d.path === ""
      ? `  ${d.resource}: only in ${d.a ? diff.a : diff.b}`
      : `  ${d.resource}  ${d.path}: ${d.a ?? "(unset)"} -> ${d.b ?? "(unset)"}`;
  return [
    `${diff.a} -> ${diff.b}: ${diff.fromProfile.length + diff.other.length} differences`,
    "",
    `Not explained by the stage profile (${diff.other.length}) - check these:`,
    ...(diff.other.length ? diff.other.map(line) : ["  none"]),
    "",
    `From the stage profile (${diff.fromProfile.length}):`,
    ...(diff.fromProfile.length ? diff.fromProfile.map(line) : ["  none"]),
    "",
  ].join("\n");
}
