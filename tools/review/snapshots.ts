/**
 * Stage snapshots: the render of every long-lived stack, committed under snapshots/, so a pull
 * request that changes infrastructure shows its effect on every stage in its own diff.
 * `npm run snapshots` rewrites them; a test fails while one is stale.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { listStackFiles, PROJECT_ROOT } from "../../stage/stack-files";
import { renderToJson } from "../render/format";
import { Render, renderStack } from "../render/harness";

export const SNAPSHOT_DIR = path.join(PROJECT_ROOT, "snapshots");
export const REFRESH_COMMAND = "npm run snapshots";

export function snapshotPath(stack: string, dir = SNAPSHOT_DIR): string {
  return path.join(dir, `${stack}.json`);
}

/** Why a stack's committed snapshot does not match its render, or undefined when it does. */
export function staleness(render: Render, dir = SNAPSHOT_DIR): string | undefined {
  const file = snapshotPath(render.stack, dir);
  if (!fs.existsSync(file))
    return `snapshots/${render.stack}.json is missing; run ${REFRESH_COMMAND} and commit it`;
  if (fs.readFileSync(file, "utf8") !== renderToJson(render)) {
    return `snapshots/${render.stack}.json is stale: the ${render.stack} render changed; run ${REFRESH_COMMAND} and commit the result`;
  }
  return undefined;
}

export function writeSnapshot(render: Render, dir = SNAPSHOT_DIR): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(snapshotPath(render.stack, dir), renderToJson(render));
}

if (require.main === module) {
  (async () => {
    for (const stack of listStackFiles()) {
      writeSnapshot(await renderStack(stack));
      process.stdout.write(`snapshots/${stack}.json\n`);
    }
  })().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
