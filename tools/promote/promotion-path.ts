import { decodeConfigValue } from "../../components/config-values";
import { LONG_LIVED_KINDS, LongLivedKind } from "../../components/stage-profile";
import { listStackFiles, loadStackConfig } from "../project/project-files";

export interface PathStage {
  stack: string;
  kind: LongLivedKind;
}

/**
 * The promotion path: the long-lived stacks that have a stack file, lowest level first
 * (development -> [testing ->] staging -> production). A team with four levels gets four.
 */
export function promotionPath(configDir?: string): PathStage[] {
  const stages: PathStage[] = [];
  for (const stack of listStackFiles(configDir)) {
    const kind = decodeConfigValue(loadStackConfig(stack, {}, configDir).values["multistage:stage"] ?? "");
    if ((LONG_LIVED_KINDS as readonly unknown[]).includes(kind)) stages.push({ stack, kind: kind as LongLivedKind });
  }
  return stages.sort((a, b) => LONG_LIVED_KINDS.indexOf(a.kind) - LONG_LIVED_KINDS.indexOf(b.kind) || a.stack.localeCompare(b.stack));
}
