/**
 * `npm run bench:eta [-- --scale <seconds per AWS minute>]`: `stagectl eta` for every long-lived
 * level (testing from its profile when it has no stack file) and a feature stack: how long each
 * first deployment takes, measured through the real engine with the fake cloud sleeping AWS's
 * typical times scaled down, next to the table's own longest path and the critical chain.
 * Figures, not assertions; needs `npm run engine:install` first.
 */
import { deployTimed, TimedDeploy } from "../eta/deploy-timed";
import { DEFAULT_SECONDS_PER_MINUTE, pulumiDefaultParallel } from "../eta/defaults";
import { etaTargets } from "../eta/targets";
import { readManifest } from "../engine-cli/manifest";
import { parseUrn } from "../fake-cloud/values";

const say = (text: string) => process.stdout.write(`${text}\n`);
const min = (minutes: number | undefined) => (minutes === undefined ? "-" : minutes.toFixed(1));

function scaleOf(argv: string[]): number {
  const at = argv.indexOf("--scale");
  if (at < 0) return DEFAULT_SECONDS_PER_MINUTE;
  const value = Number(argv[at + 1]);
  if (!(value > 0 && value <= 60))
    throw new Error(
      `--scale: got ${JSON.stringify(argv[at + 1])}; expected real seconds per AWS minute, above 0 and at most 60`,
    );
  return value;
}

function chain(eta: TimedDeploy): string {
  const links = eta.finished.links.map((l) => `${parseUrn(l.urn).name} ${l.awsMinutes.toFixed(1)}`);
  return `${links.join(" > ")}${eta.url?.after ? ` (+ tasks healthy ${eta.url.after.minutes})` : ""}`;
}

async function main(argv: string[]): Promise<void> {
  const secondsPerMinute = scaleOf(argv);
  const parallel = pulumiDefaultParallel();
  say(
    `stagectl eta: first deployments, pulumi v${readManifest().version}, fake cloud at ${secondsPerMinute} s per AWS minute, --parallel ${parallel}; minutes of AWS time (engine time as measured here)`,
  );
  const results: TimedDeploy[] = [];
  for (const target of etaTargets()) {
    process.stderr.write(`bench:eta: ${target.name} ...\n`);
    results.push(
      await deployTimed(target, {
        secondsPerMinute,
        parallel,
        now: new Date(),
        log: (line) => process.stderr.write(`  ${line}\n`),
      }),
    );
  }
  say(
    `\n${"stack".padEnd(22)} ${"up".padStart(6)} ${"URL".padStart(6)} ${"table".padStart(6)} ${"table URL".padStart(9)} ${"serial".padStart(7)} ${"engine s".padStart(8)} ${"ops".padStart(4)} ${"here s".padStart(7)}`,
  );
  for (const r of results) {
    const name =
      r.target.kind === "feature"
        ? `${r.target.stack}`
        : r.target.from === "profile"
          ? `${r.target.stack} (profile)`
          : r.target.stack;
    say(
      `${name.padEnd(22)} ${min(r.finished.minutes).padStart(6)} ${min(r.url?.minutes).padStart(6)} ${min(r.table.finished.minutes).padStart(6)} ${min(r.table.url?.minutes).padStart(9)} ${min(r.table.serialMinutes).padStart(7)} ${r.finished.engineSeconds.toFixed(0).padStart(8)} ${String(r.operations).padStart(4)} ${r.wallSeconds.toFixed(1).padStart(7)}`,
    );
  }
  say(
    "(up: until pulumi up / feature up finishes; URL: until the service's tasks pass health checks; table: longest path with the table's times alone; serial: one at a time)",
  );
  say("\ncritical chains (resource and its AWS minutes):");
  for (const r of results) say(`${r.target.stack}: ${chain(r)}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
