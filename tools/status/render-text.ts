/** `stagectl status` for a terminal: one block per stage, then lead time and feature stacks. */
import { featureRowsToText } from "../feature/feature-list";
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

export function statusToText(doc: StatusDocument): string {
  const lines = [`Pipeline at ${doc.generatedAt}: ${doc.order.join(" -> ")}`, ""];
  for (const stage of doc.stages) {
    lines.push(stage.stack);
    lines.push(`  image     ${field(stage.image, showImage)}`);
    lines.push(`  commit    ${field(stage.commit, showCommit)}`);
    lines.push(`  deployed  ${field(stage.lastDeployed, showDeployment)}`);
    if (stage.behind) {
      lines.push(`  behind    ${field(stage.behind, showBehind)}`);
      if ("value" in stage.behind)
        for (const c of stage.behind.value.commits)
          lines.push(`              ${shortId(c.id)} ${c.committedAt} ${c.subject}`);
    }
    if (stage.review) lines.push(`  review    ${field(stage.review, showReview)}`);
  }
  if ("unknown" in doc.leadTime.commit)
    lines.push("", `Lead time: production's commit is unknown (${doc.leadTime.commit.unknown})`);
  else {
    lines.push("", `Lead time for production's commit ${showCommit(doc.leadTime.commit.value)}:`);
    for (const s of doc.leadTime.stages)
      lines.push(`  to ${s.stack}: ${field(s.reached, (r) => `${duration(r.hours)} (${r.at})`)}`);
  }
  lines.push(
    `Median lead time to production: ${field(doc.leadTime.median, (m) => `${duration(m.hours)} over the last ${m.samples.length} deployment(s) (window ${m.window})`)}`,
  );
  lines.push("", "Feature stacks:");
  lines.push(
    ...field(doc.features, (rows) => featureRowsToText(rows).trimEnd())
      .split("\n")
      .map((l) => `  ${l}`),
  );
  return `${lines.join("\n")}\n`;
}
