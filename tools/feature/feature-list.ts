import { CommandContext } from "../commands/context";
import { StageWorkspace } from "../engine/workspace";
import { FEATURE_STACK_PREFIX } from "./branches";
import { featureInfoOf, notAFeatureStackReason } from "./feature-stacks";

export interface FeatureStackRow {
  stack: string;
  branch?: string;
  pr?: number;
  createdAt?: string;
  ageHours?: number;
  expiresAt?: string;
  expired: boolean;
  lastUpdate?: string;
  url?: unknown;
  /** Set when the stack is named like a feature stack but is not one by its config. */
  notFeature?: string;
}

/** Every stack whose name starts with `feature-`, with what its config says about it. */
export async function listFeatureStacks(context: CommandContext, workspace: StageWorkspace): Promise<FeatureStackRow[]> {
  const now = context.now().getTime();
  const stacks = (await workspace.listStacks()).filter((s) => s.name.startsWith(FEATURE_STACK_PREFIX));
  const rows: FeatureStackRow[] = [];
  for (const summary of stacks.sort((a, b) => a.name.localeCompare(b.name))) {
    const config = await workspace.getAllConfig(summary.name);
    const notFeature = notAFeatureStackReason(summary.name, config);
    const info = featureInfoOf(config);
    const url = await workspace.outputs(summary.name).then((o) => o.url?.value, () => undefined);
    rows.push({
      stack: summary.name,
      branch: info?.branch,
      pr: info?.pr,
      createdAt: info?.createdAt,
      ageHours: info ? Math.round(((now - Date.parse(info.createdAt)) / 3_600_000) * 10) / 10 : undefined,
      expiresAt: info?.expiresAt,
      expired: info ? Date.parse(info.expiresAt) <= now : false,
      lastUpdate: summary.lastUpdate,
      url,
      ...(notFeature ? { notFeature } : {}),
    });
  }
  return rows;
}

export async function featureList(context: CommandContext): Promise<FeatureStackRow[]> {
  return listFeatureStacks(context, await context.openWorkspace());
}

export function featureRowsToText(rows: FeatureStackRow[]): string {
  if (rows.length === 0) return "No feature stacks.\n";
  const lines = rows.map((r) =>
    [r.stack, r.branch ?? "?", r.ageHours !== undefined ? `${r.ageHours}h` : "?", `${r.expiresAt ?? "?"}${r.expired ? " (expired)" : ""}`, r.lastUpdate ?? "never", r.url ?? "-", r.notFeature ? `NOT A FEATURE STACK: ${r.notFeature}` : ""]
      .join("  ")
      .trimEnd(),
  );
  return `${["stack  branch  age  expires  last update  url", ...lines].join("\n")}\n`;
}
