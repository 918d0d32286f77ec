/**
 * The two rules of ARCHITECTURE.md that a linter cannot see, checked on the source: no file
 * outside stage/ reads or writes a `multistage:` config key by its literal name, and no file
 * outside the naming module builds a physical name from the project's prefix.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { stageConfigSchema } from "../stage/schema";
import { PROJECT_ROOT } from "../stage/stack-files";

/** Every TypeScript source file but the tests' own (they state expected values on purpose). */
function sources(): string[] {
  return execFileSync("git", ["ls-files", "*.ts"], { cwd: PROJECT_ROOT, encoding: "utf8" })
    .split("\n")
    .filter(
      (file) =>
        file &&
        !file.startsWith("tests/") &&
        !file.startsWith("tests-engine/") &&
        fs.existsSync(path.join(PROJECT_ROOT, file)),
    );
}

/** The file's code with comments blanked, so a comment may still name a key or a name. */
function code(file: string): string {
  return fs
    .readFileSync(path.join(PROJECT_ROOT, file), "utf8")
    .replace(/\/\*[^]*?\*\//g, "")
    .replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
}

/**
 * Names with the project's prefix that are not AWS resources: local directories, a file
 * kind, the app's own connection label (the app ships alone and imports nothing of ours).
 */
const NOT_AWS_NAMES: ReadonlyArray<[file: string, literal: string]> = [
  ["tools/local/dev.ts", "${PROJECT}-"],
  ["tools/local/pg-cluster.ts", "multistage-${name}-"],
  ["tools/local/refinery.ts", "multistage-${name}-"],
  ["tools/local/services.ts", "multistage-test-assets"],
  ["tools/local/services.ts", "multistage-pg-"],
  ["tools/local/services.ts", "multistage-s3-"],
  ["tools/engine/config-overlay.ts", "multistage-${stack}-preview-"],
  ["tools/promote/review-record.ts", "multistage-promotion-review"],
  ["app/src/sanitizer/run.ts", "multistage-sanitizer"],
  // The stage model's messages describe the names' shape to whoever set a too-long stack name.
  ["stage/resolve.ts", "${PROJECT}-"],
  ["app/src/sanitizer/scrub.ts", "multistage-scrub"],
  // The feature-db provisioner's connection label, its export's file kind, and test directories.
  ["app/src/feature-db/connect.ts", "multistage-feature-db"],
  ["app/src/feature-db/manifest.ts", "multistage-feature-export"],
  ["tools/local/feature-host.ts", "multistage-${name}-"],
];

describe("one source of truth", () => {
  it("no file outside stage/ names a multistage: config key", () => {
    const keys = Object.keys(stageConfigSchema.shape).join("|");
    const literal = new RegExp(`["'\`]multistage:(${keys})(?=["'\`.])`, "g");
    const found = sources()
      .filter((file) => !file.startsWith("stage/"))
      .flatMap((file) => [...code(file).matchAll(literal)].map((m) => `${file}: ${m[0]}`));
    assert.deepEqual(found, []);
  });

  it("no file outside the naming module builds a physical name from the project's prefix", () => {
    // A literal with the project's prefix, or a template that puts any project or prefix variable
    // (PROJECT, namer.project, stage.project, ...) before a hyphen.
    const prefixed = /["'`](multistage-[^"'`]*)|\$\{[\w.]*(?:PROJECT|[pP]roject|[pP]refix)\}-/g;
    const found = sources()
      // The naming module makes the names; the guard checks them against the same prefix.
      .filter((file) => file !== "lib/aws/naming.ts" && file !== "lib/aws/name-guard.ts")
      .flatMap((file) =>
        [...code(file).matchAll(prefixed)].map((m) => [file, m[1] ?? m[0]] as const),
      )
      .filter(
        ([file, text]) =>
          !NOT_AWS_NAMES.some(
            ([allowedFile, literal]) => allowedFile === file && text.startsWith(literal),
          ),
      )
      .map(([file, text]) => `${file}: ${text}`);
    assert.deepEqual(found, []);
  });

  it("the checks see what they look for", () => {
    const keys = Object.keys(stageConfigSchema.shape);
    assert.ok(
      keys.includes("stage") && keys.includes("image") && keys.includes("data"),
      keys.join(", "),
    );
    assert.match(code("stage/keys.ts"), /`\$\{PROJECT\}:stage`/);
    assert.match(code("lib/aws/naming.ts"), /`\$\{project\}-app`/);
  });
});
