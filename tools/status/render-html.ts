/**
 * `stagectl status --html <file>`: one self-contained page (inline CSS, no script, no external
 * asset, so it opens from a CI artifact or a mail attachment) with the stages as columns, left
 * to right in promotion order, and the commits waiting for each stage under it.
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
import type { StageStatus, StatusDocument } from "./model";

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );
}

/** One colour per kind of stage, as the app's banner tells stages apart. */
const KIND_COLOUR: Record<StageStatus["kind"], string> = {
  development: "#2e7d32",
  testing: "#6a1b9a",
  staging: "#ef6c00",
  production: "#c62828",
};

const CSS = `
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; background: #f4f5f7; color: #1d1f23; }
header { padding: 12px 16px; }
h1 { margin: 0; font-size: 20px; }
.stages { display: grid; gap: 16px; padding: 0 16px 16px; }
.stage { background: #fff; border: 1px solid #d0d4da; border-radius: 6px; overflow: hidden; min-width: 0; }
.stage h2 { margin: 0; padding: 10px 12px; color: #fff; font-size: 18px; }
.stage dl { margin: 0; padding: 8px 12px; display: grid; grid-template-columns: max-content 1fr; gap: 4px 10px; }
.stage dt { font-weight: 600; }
.stage dd { margin: 0; overflow-wrap: anywhere; }
.unknown { color: #8a5a00; }
.waiting { margin: 0; padding: 0 12px 12px 28px; }
.waiting li { overflow-wrap: anywhere; }
code { font-family: ui-monospace, monospace; font-size: 12px; }
section { padding: 0 16px 16px; }
table { border-collapse: collapse; background: #fff; }
td, th { border: 1px solid #d0d4da; padding: 4px 8px; text-align: left; }
`;

function cell(value: string): string {
  return value.startsWith("unknown: ")
    ? `<span class="unknown">${escapeHtml(value)}</span>`
    : escapeHtml(value);
}

function column(stage: StageStatus): string {
  const rows: Array<[string, string]> = [
    ["image", field(stage.image, showImage)],
    ["commit", field(stage.commit, showCommit)],
    ["deployed", field(stage.lastDeployed, showDeployment)],
  ];
  if (stage.behind) rows.push(["behind", field(stage.behind, showBehind)]);
  if (stage.review) rows.push(["review", field(stage.review, showReview)]);
  const waiting =
    stage.behind && "value" in stage.behind && stage.behind.value.count > 0
      ? `<ul class="waiting">${stage.behind.value.commits.map((c) => `<li><code>${shortId(c.id)}</code> ${escapeHtml(c.subject)} <small>${escapeHtml(c.committedAt)}</small></li>`).join("")}</ul>`
      : "";
  return [
    `<article class="stage" data-stage="${escapeHtml(stage.stack)}">`,
    `<h2 style="background:${KIND_COLOUR[stage.kind]}">${escapeHtml(stage.stack)}</h2>`,
    `<dl>${rows.map(([k, v]) => `<dt>${k}</dt><dd>${cell(v)}</dd>`).join("")}</dl>`,
    waiting,
    `</article>`,
  ].join("");
}

export function statusToHtml(doc: StatusDocument): string {
  const lead = doc.leadTime.stages
    .map(
      (s) =>
        `<li>to ${escapeHtml(s.stack)}: ${cell(field(s.reached, (r) => `${duration(r.hours)} (${r.at})`))}</li>`,
    )
    .join("");
  const median = cell(
    field(
      doc.leadTime.median,
      (m) => `${duration(m.hours)} over the last ${m.samples.length} deployment(s)`,
    ),
  );
  const features =
    "unknown" in doc.features
      ? `<p>${cell(`unknown: ${doc.features.unknown}`)}</p>`
      : doc.features.value.length === 0
        ? "<p>none</p>"
        : `<table><tr><th>stack</th><th>branch</th><th>PR</th><th>age</th><th>expires</th></tr>${doc.features.value
            .map(
              (f) =>
                `<tr>${[f.stack, f.branch ?? "?", f.pr === undefined ? "-" : `#${f.pr}`, f.ageHours === undefined ? "?" : duration(f.ageHours), `${f.expiresAt ?? "?"}${f.expired ? " (expired)" : ""}`].map((v) => `<td>${escapeHtml(v)}</td>`).join("")}</tr>`,
            )
            .join("")}</table>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>multistage pipeline status</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>Pipeline status</h1><p>${escapeHtml(doc.order.join(" → "))}, at ${escapeHtml(doc.generatedAt)}</p></header>
<main class="stages" style="grid-template-columns: repeat(${Math.max(doc.stages.length, 1)}, minmax(0, 1fr))">
${doc.stages.map(column).join("\n")}
</main>
<section><h2>Lead time</h2>${"unknown" in doc.leadTime.commit ? `<p>${cell(`unknown: production's commit is unknown (${doc.leadTime.commit.unknown})`)}</p><ul>` : `<p>For production's commit ${escapeHtml(showCommit(doc.leadTime.commit.value))}:</p><ul>${lead}`}<li>median to production: ${median}</li></ul></section>
<section><h2>Feature stacks</h2>${features}</section>
</body>
</html>
`;
}
