import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { PROJECT_ROOT } from "../stage/stack-files";

/** Every exported `...Args` interface of the components, with each property's docs. */
function componentArgs(): Array<{ file: string; name: string; property: string; optional: boolean; doc: string; hasDefault: boolean }> {
  const dirs = [path.join(PROJECT_ROOT, "components"), path.join(PROJECT_ROOT, "access", "components")];
  const found: ReturnType<typeof componentArgs> = [];
  for (const dir of dirs) {
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
      const source = ts.createSourceFile(file, fs.readFileSync(path.join(dir, file), "utf8"), ts.ScriptTarget.ES2022, true);
      source.forEachChild((node) => {
        if (!ts.isInterfaceDeclaration(node) || !node.name.text.endsWith("Args")) return;
        if (!node.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) return;
        for (const member of node.members) {
          if (!ts.isPropertySignature(member)) continue;
          const docs = ts.getJSDocCommentsAndTags(member).filter(ts.isJSDoc);
          const tags = ts.getJSDocTags(member);
          found.push({
            file,
            name: node.name.text,
            property: member.name.getText(source),
            optional: member.questionToken !== undefined,
            doc: docs.map((d) => (typeof d.comment === "string" ? d.comment : "")).join(" "),
            hasDefault: tags.some((t) => t.tagName.text === "default"),
          });
        }
      });
    }
  }
  return found;
}

describe("component args documentation", () => {
  const args = componentArgs();

  it("finds the components' args", () => {
    const interfaces = new Set(args.map((a) => a.name));
    for (const name of ["NetworkArgs", "DatabaseArgs", "CacheArgs", "BucketArgs", "AppServiceArgs", "BucketSyncArgs", "DeployerRoleArgs"]) assert.ok(interfaces.has(name), name);
  });

  it("every arg has TSDoc, and every optional one says its @default", () => {
    const missing = args.filter((a) => a.doc.trim() === "" || (a.optional && !a.hasDefault)).map((a) => `${a.file} ${a.name}.${a.property}${a.optional ? " (optional, needs @default)" : ""}`);
    assert.deepEqual(missing, []);
  });
});
