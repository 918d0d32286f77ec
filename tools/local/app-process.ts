import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import * as readline from "node:readline";
import { PROJECT_ROOT } from "../../stage/stack-files";

export interface AppProcess {
  child: ChildProcess;
  /** Every line the app printed (stdout and stderr). */
  lines: string[];
  port: Promise<number>;
  exited: Promise<number | null>;
}

export interface AppProcessOptions {
  /** Restarts the app whenever a file under these paths changes (Node's own `--watch-path`). */
  watchPaths?: string[];
  /** Runs it in its own process group, so a terminal's Ctrl-C reaches only the caller, which stops it. */
  detached?: boolean;
  /** Called with every line printed (the app's and, when watching, Node's watcher's). */
  onLine?: (line: string) => void;
}

/** Starts app/src/server.ts in its own process with exactly the given environment. */
export function startAppProcess(
  env: Record<string, string>,
  options: AppProcessOptions = {},
): AppProcess {
  // `--watch-path <dir>` as two arguments, before `--watch-preserve-output`: Node 20 then leaves
  // both out of the watched child's arguments (with `--watch-path=<dir>` the child watches too).
  const watch = options.watchPaths?.length
    ? [...options.watchPaths.flatMap((p) => ["--watch-path", p]), "--watch-preserve-output"]
    : [];
  const child = spawn(
    process.execPath,
    [
      ...watch,
      "-r",
      "ts-node/register/transpile-only",
      path.join(PROJECT_ROOT, "app", "src", "server.ts"),
    ],
    {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? "", TS_NODE_SWC: "true", ...env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: options.detached ?? false,
    },
  );
  const lines: string[] = [];
  let resolvePort: (port: number) => void = () => undefined;
  const port = new Promise<number>((resolve) => {
    resolvePort = resolve;
  });
  const collect = (line: string) => {
    if (!line) return;
    lines.push(line);
    options.onLine?.(line);
    if (lines.length > 2000) lines.shift(); // a benchmark logs every request; keep the tail
    const listening = /listening at http:\/\/[^:]+:(\d+)/i.exec(line);
    if (listening) resolvePort(Number(listening[1]));
  };
  // Whole lines only: a chunk can end in the middle of one.
  for (const stream of [child.stdout, child.stderr])
    if (stream)
      readline.createInterface({ input: stream, crlfDelay: Infinity }).on("line", collect);
  // "close", not "exit": every line it printed has been read by then.
  const exited = new Promise<number | null>((resolve) =>
    child.once("close", (code) => resolve(code)),
  );
  return { child, lines, port, exited };
}
