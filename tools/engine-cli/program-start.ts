/**
 * How long the Pulumi program takes to start under the CLI: node's start to the project's
 * index.ts loaded and evaluated, measured by program-start-probe.js inside the real
 * `pulumi preview`/`up` (the language host passes NODE_OPTIONS on to the program).
 */
import * as fs from "node:fs";
import * as path from "node:path";

export interface ProgramStart {
  loadedMs: number;
  rssMb: number;
  maxRssMb: number;
  /** ts-node's transpileOnly; null when the program was not loaded through ts-node. */
  transpileOnly: boolean | null;
}

export const PROBE = path.join(__dirname, "program-start-probe.js");

/** Environment that makes the next CLI run record its program start in `log`. */
export function probeEnv(log: string): NodeJS.ProcessEnv {
  return { NODE_OPTIONS: `--require "${PROBE}"`, MULTISTAGE_PROGRAM_START_LOG: log };
}

export function readProgramStarts(log: string): ProgramStart[] {
  if (!fs.existsSync(log)) return [];
  return fs
    .readFileSync(log, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as ProgramStart);
}
