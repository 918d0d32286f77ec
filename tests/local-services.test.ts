import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startServiceSet } from "../tools/local/services";

/** Command lines of every running process that mentions a text (Linux /proc). */
function processesMentioning(text: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const command = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ");
      if (command.includes(text)) found.push(`${entry} ${command}`);
    } catch {
      // Gone while listing.
    }
  }
  return found;
}

describe("local services", function () {
  this.timeout(120_000);

  it("when one cannot start, the others are stopped again and the reason is one line", async () => {
    const postgresDir = path.join("/tmp", `multistage-pg-partial-${process.pid}`);
    const s3Dir = fs.mkdtempSync(path.join(os.tmpdir(), "multistage-s3-partial-"));
    // A redis-server that is not one (as if it were missing) ahead of everything else on PATH.
    const emptyBin = fs.mkdtempSync(path.join(os.tmpdir(), "multistage-nobin-"));
    fs.writeFileSync(path.join(emptyBin, "redis-server"), "#!/bin/sh\nexit 127\n", { mode: 0o755 });
    const savedPath = process.env.PATH;
    process.env.PATH = `${emptyBin}:${savedPath ?? ""}`;
    try {
      await assert.rejects(
        startServiceSet({ postgresDir, s3Dir }),
        (error: Error) =>
          /^redis-server is not installed/.test(error.message) && !error.message.includes("\n"),
      );
    } finally {
      process.env.PATH = savedPath;
      fs.rmSync(emptyBin, { recursive: true, force: true });
    }
    try {
      // Long enough for a PostgreSQL still starting in the background to show up.
      for (const deadline = Date.now() + 2000; Date.now() < deadline;) {
        assert.deepEqual(processesMentioning(postgresDir), [], "PostgreSQL was left running");
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    } finally {
      fs.rmSync(postgresDir, { recursive: true, force: true });
      fs.rmSync(s3Dir, { recursive: true, force: true });
    }
  });
});
