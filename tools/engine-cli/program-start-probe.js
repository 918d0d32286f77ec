// Preloaded into every node process of a `pulumi preview`/`up` (NODE_OPTIONS=--require ...) by
// bench:engine and the engine suite. It acts only in the process that runs the Pulumi program
// (node on @pulumi/pulumi/cmd/run with --pwd <project>): when the project's index.ts has been
// loaded, compiled and evaluated, it appends one JSON line to $MULTISTAGE_PROGRAM_START_LOG with
// the milliseconds since this node process started, its memory, and whether ts-node transpiled
// only. Plain JavaScript, because it runs before any TypeScript loader.
"use strict";
const Module = require("node:module");
const fs = require("node:fs");
const path = require("node:path");
const { performance } = require("node:perf_hooks");

const log = process.env.MULTISTAGE_PROGRAM_START_LOG;
const pwd = process.argv[process.argv.indexOf("--pwd") + 1];
const isProgram = log && process.argv.includes("--pwd") && process.argv.some((arg) => arg.includes(path.join("@pulumi", "pulumi", "cmd", "run")));

if (isProgram) {
  const entry = path.join(pwd, "index.ts");
  const load = Module._load;
  Module._load = function (request, parent, isMain) {
    const result = load.apply(this, arguments);
    let file;
    try {
      file = Module._resolveFilename(request, parent, isMain);
    } catch {
      return result;
    }
    if (file === entry) {
      Module._load = load;
      const tsNode = process[Symbol.for("ts-node.register.instance")];
      fs.appendFileSync(
        log,
        `${JSON.stringify({
          loadedMs: Math.round(performance.now()),
          rssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
          maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
          transpileOnly: tsNode ? tsNode.options.transpileOnly === true : null,
        })}\n`,
      );
    }
    return result;
  };
}
