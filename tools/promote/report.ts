/**
 * The promotion review: what a preview says will happen to the target stage, with every
 * replace or delete of a stateful resource (data!) called out first.
 */
import type { EngineEvent, OpType } from "@pulumi/pulumi/automation";
import { type PromotionCost, promotionCostLine } from "./promotion-cost";

/** Types whose replacement or deletion loses data or breaks what depends on it. */
export const STATEFUL_TYPES: readonly string[] = [
  "aws:rds/instance:Instance",
  "aws:rds/cluster:Cluster",
  "aws:elasticache/replicationGroup:ReplicationGroup",
  "aws:s3/bucket:Bucket",
  "aws:secretsmanager/secret:Secret",
  "aws:cloudwatch/logGroup:LogGroup",
  "aws:ecr/repository:Repository",
];

const REPLACE_OPS: readonly OpType[] = ["replace", "create-replacement", "delete-replaced"];

export type Change = "create" | "update" | "replace" | "delete";

export interface PlannedStep {
  change: Change;
  type: string;
  name: string;
  urn: string;
  /** Top-level properties whose change caused the step. */
  diffs: string[];
  stateful: boolean;
}

export interface ReviewReport {
  from: string;
  to: string;
  image: string;
  previousImage?: string;
  skipReason?: string;
  counts: Record<Change | "same", number>;
  steps: PlannedStep[];
  warnings: string[];
  /** What the promotion does to the target's monthly cost (promotion-cost.ts). */
  cost?: PromotionCost | { problem: string };
}

function changeOf(op: OpType): Change | "same" | undefined {
  if (REPLACE_OPS.includes(op)) return "replace";
  if (op === "create" || op === "update" || op === "delete" || op === "same") return op;
  return undefined;
}

/** Builds the report's steps and counts from a preview's engine events. */
export function collectSteps(
  events: readonly EngineEvent[],
): Pick<ReviewReport, "counts" | "steps" | "warnings"> {
  const byUrn = new Map<string, PlannedStep>();
  const same = new Set<string>();
  const warnings: string[] = [];
  for (const event of events) {
    const metadata = event.resourcePreEvent?.metadata;
    if (metadata) {
      const change = changeOf(metadata.op);
      if (change === "same") same.add(metadata.urn);
      else if (change) {
        const existing = byUrn.get(metadata.urn);
        // A replacement shows as several steps (create-replacement, replace, delete-replaced); keep one.
        if (!existing || change === "replace") {
          byUrn.set(metadata.urn, {
            change,
            type: metadata.type,
            name: metadata.urn.split("::").pop() ?? metadata.urn,
            urn: metadata.urn,
            diffs: [...(metadata.diffs ?? existing?.diffs ?? [])].sort(),
            stateful: STATEFUL_TYPES.includes(metadata.type),
          });
        }
      }
    }
    const diagnostic = event.diagnosticEvent;
    if (diagnostic && (diagnostic.severity === "warning" || diagnostic.severity === "error"))
      warnings.push(diagnostic.message.trim());
  }
  const steps = [...byUrn.values()].sort(
    (a, b) => Number(b.stateful) - Number(a.stateful) || a.urn.localeCompare(b.urn),
  );
  const counts = { create: 0, update: 0, replace: 0, delete: 0, same: same.size };
  for (const step of steps) counts[step.change] += 1;
  return { counts, steps, warnings };
}

/** Stateful resources the promotion would replace or delete. */
export function dangerousSteps(report: ReviewReport): PlannedStep[] {
  return report.steps.filter(
    (s) => s.stateful && (s.change === "replace" || s.change === "delete"),
  );
}

export function reportToMarkdown(report: ReviewReport): string {
  const danger = dangerousSteps(report);
  const lines = [
    `# Promotion review: ${report.from} -> ${report.to}`,
    "",
    `- Image: \`${report.image}\` (what ${report.from} runs)`,
    `- Replaces: ${report.previousImage ? `\`${report.previousImage}\`` : "nothing (first deployment of an image)"}`,
    ...(report.skipReason ? [`- **Skips a level.** Reason given: ${report.skipReason}`] : []),
    ...(report.cost ? [promotionCostLine(report.to, report.cost)] : []),
    "",
    "## Stateful resources replaced or deleted",
    "",
    ...(danger.length
      ? danger.map(
          (s) =>
            `- **WARNING: ${s.change}** \`${s.type}\` \`${s.name}\`${s.diffs.length ? ` (because of ${s.diffs.map((d) => `\`${d}\``).join(", ")})` : ""}`,
        )
      : [
          "None: no database, cache, bucket, secret, log group or repository is replaced or deleted.",
        ]),
    "",
    "## Summary",
    "",
    "| create | update | replace | delete | unchanged |",
    "|---|---|---|---|---|",
    `| ${report.counts.create} | ${report.counts.update} | ${report.counts.replace} | ${report.counts.delete} | ${report.counts.same} |`,
    ...(report.warnings.length
      ? ["", "## Engine warnings", "", ...report.warnings.map((w) => `- ${w}`)]
      : []),
    "",
    "<details>",
    `<summary>Full diff (${report.steps.length} change${report.steps.length === 1 ? "" : "s"})</summary>`,
    "",
    "| change | type | name | changed properties |",
    "|---|---|---|---|",
    ...report.steps.map(
      (s) =>
        `| ${s.change}${s.stateful ? " (stateful)" : ""} | \`${s.type}\` | \`${s.name}\` | ${s.diffs.join(", ") || "-"} |`,
    ),
    "",
    "</details>",
    "",
  ];
  return lines.join("\n");
}
