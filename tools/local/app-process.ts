import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import { PROJECT_ROOT } from "../project/project-files";

export interface AppProcess {
  child: ChildProcess;
  /** Every line the app printed (stdout and stderr). */
  lines: string[];
  port: Promise<number>;
  exited: Promise<number | null>;
}

/** Starts app/src/server.ts in its own process with exactly the given environment. */
export function startAppProcess(env: Record<string, string>): AppProcess {
  const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(PROJECT_ROOT, "app", "src", "server.ts")], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? "", TS_NODE_SWC: "true", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let resolvePort: (port: number) => void = () => undefined;
  const port = new Promise<number>((resolve) => {
    resolvePort = resolve;
  });
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) {
      lines.push(line);
      if (lines.length > 2000) lines.shift(); // a benchmark logs every request; keep the tail
      const listening = /listening at http:\/\/[^:]+:(\d+)/i.exec(line);
      if (listening) resolvePort(Number(listening[1]));
    }
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, lines, port, exited };
}
