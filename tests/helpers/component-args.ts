/** Every exported `...Args` interface of the components (and access/'s), with each property's TSDoc, read from the source. */
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { PROJECT_ROOT } from "../../stage/stack-files";

export interface ComponentArg {
  file: string;
  name: string;
  property: string;
  optional: boolean;
  doc: string;
  /** The text after `@default`, when there is one. */
  defaultText?: string;
}

export const COMPONENT_DIRS = [
  path.join(PROJECT_ROOT, "components"),
  path.join(PROJECT_ROOT, "access", "components"),
];

export function componentArgs(dirs: readonly string[] = COMPONENT_DIRS): ComponentArg[] {
  const found: ComponentArg[] = [];
  for (const dir of dirs) {
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
      const source = ts.createSourceFile(
        file,
        fs.readFileSync(path.join(dir, file), "utf8"),
        ts.ScriptTarget.ES2022,
        true,
      );
      source.forEachChild((node) => {
        if (!ts.isInterfaceDeclaration(node) || !node.name.text.endsWith("Args")) return;
        if (!node.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) return;
        for (const member of node.members) {
          if (!ts.isPropertySignature(member)) continue;
          const docs = ts.getJSDocCommentsAndTags(member).filter(ts.isJSDoc);
          const tag = ts.getJSDocTags(member).find((t) => t.tagName.text === "default");
          found.push({
            file: path.relative(PROJECT_ROOT, path.join(dir, file)),
            name: node.name.text,
            property: member.name.getText(source),
            optional: member.questionToken !== undefined,
            doc: docs.map((d) => (typeof d.comment === "string" ? d.comment : "")).join(" "),
            ...(tag ? { defaultText: typeof tag.comment === "string" ? tag.comment : "" } : {}),
          });
        }
      });
    }
  }
  return found;
}

/**
 * The value a `@default` states: its leading literal (a JSON string, number, boolean, array or
 * `undefined`), the rest being an explanation, e.g. `"." (Pulumi runs ...)`.
 */
export function documentedDefault(text: string): { value: unknown } | { unparsable: string } {
  const literal =
    /^("(?:[^"\\]|\\.)*"|\[[^\]]*\]|-?\d+(?:\.\d+)?|true|false|undefined)(?=\s|$)/.exec(
      text.trim(),
    )?.[1];
  if (literal === undefined) return { unparsable: text };
  if (literal === "undefined") return { value: undefined };
  return { value: JSON.parse(literal) as unknown };
}
