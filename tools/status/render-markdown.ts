/**
 * `stagectl status --markdown`: what the workflows append to `$GITHUB_STEP_SUMMARY` (GitHub
 * Flavored Markdown): a table with the stages as columns, the waiting commits under it, lead
 * time and the feature stacks. Every value from outside (commit subjects, branches) is escaped.
 */
import {
  duration,
  field,
  shortId,
  showBehind,
  showCommit,
  showDeployment,
  showImage,
  showReview,
} from "./format";
import type { StatusDocument } from "./model";

/** Text safe in a table cell: no pipe, no HTML, no line break, no code span breaking out. */
export function mdText(text: string): string {
  return text.replace(/[\\`*_[\]<>|#!~]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, " ");
}

export function statusToMarkdown(doc: StatusDocument): string {
  const row = (label: string, cells: string[]) => `| ${label} | ${cells.map(mdText).join(" | ")} |`;
  const out = [
    "## Pipeline status",
    "",
    `${mdText(doc.order.join(" → "))}, at ${doc.generatedAt}`,
    "",
    `| | ${doc.stages.map((s) => `**${mdText(s.stack)}**`).join(" | ")} |`,
    `|---|${doc.stages.map(() => "---").join("|")}|`,
    row(
      "image",
      doc.stages.map((s) => field(s.image, showImage)),
    ),
    row(
      "commit",
      doc.stages.map((s) => field(s.commit, showCommit)),
    ),
    row(
      "deployed",
      doc.stages.map((s) => field(s.lastDeployed, showDeployment)),
    ),
    row(
      "behind",
      doc.stages.map((s) => field(s.behind, showBehind)),
    ),
    row(
      "review",
      doc.stages.map((s) => field(s.review, showReview)),
    ),
    "",
  ];
  for (const stage of doc.stages) {
    if (!stage.behind || !("value" in stage.behind) || stage.behind.value.count === 0) continue;
    out.push(
      `**Waiting for ${mdText(stage.stack)}** (in ${mdText(stage.behind.value.below)}, not yet in ${mdText(stage.stack)}):`,
      "",
    );
    for (const c of stage.behind.value.commits)
      out.push(`- \`${shortId(c.id)}\` ${mdText(c.subject)} (${c.committedAt})`);
    out.push("");
  }
  if ("unknown" in doc.leadTime.commit)
    out.push(
      `**Lead time**: production's commit is unknown (${mdText(doc.leadTime.commit.unknown)})`,
      "",
    );
  else {
    out.push(
      `**Lead time** for production's commit ${mdText(showCommit(doc.leadTime.commit.value))}:`,
      "",
    );
    for (const s of doc.leadTime.stages)
      out.push(
        `- to ${mdText(s.stack)}: ${mdText(field(s.reached, (r) => `${duration(r.hours)} (${r.at})`))}`,
      );
  }
  out.push(
    `- median to production: ${mdText(field(doc.leadTime.median, (m) => `${duration(m.hours)} over the last ${m.samples.length} deployment(s)`))}`,
    "",
  );
  out.push("**Feature stacks**", "");
  if ("unknown" in doc.features) out.push(mdText(`unknown: ${doc.features.unknown}`));
  else if (doc.features.value.length === 0) out.push("none");
  else {
    out.push("| stack | branch | PR | age | expires |", "|---|---|---|---|---|");
    for (const f of doc.features.value) {
      const cells = [
        f.stack,
        f.branch ?? "?",
        f.pr === undefined ? "-" : `#${f.pr}`,
        f.ageHours === undefined ? "?" : duration(f.ageHours),
        `${f.expiresAt ?? "?"}${f.expired ? " (expired)" : ""}`,
      ];
      out.push(`| ${cells.map(mdText).join(" | ")} |`);
    }
  }
  return `${out.join("\n")}\n`;
}
