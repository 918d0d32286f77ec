import type { AppStageKind } from "./contract";

/** Banner colours: everywhere but production, people see at once which environment this is. */
export const STAGE_COLOURS: Readonly<Record<Exclude<AppStageKind, "production">, string>> = {
  development: "#2e7d32",
  testing: "#6a1b9a",
  staging: "#ef6c00",
  feature: "#1565c0",
  local: "#455a64",
};

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function homePage(stage: string, kind: AppStageKind): string {
  const banner =
    kind === "production"
      ? ""
      : `<div class="stage-banner" role="status" style="background:${STAGE_COLOURS[kind]};color:#fff;padding:.5rem 1rem;font:600 1rem system-ui">` +
        `${escape(kind.toUpperCase())} &middot; ${escape(stage)} &middot; not production</div>`;
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>multistage (${escape(stage)})</title></head>
<body>
${banner}
<main style="font:1rem system-ui;padding:1rem">
<h1>multistage</h1>
<p>This is the <strong data-stage="${escape(stage)}">${escape(stage)}</strong> stage.</p>
</main>
</body>
</html>
`;
}
