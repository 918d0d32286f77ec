/**
 * `stagectl eta`'s output: the estimate in AWS minutes (scaled back up), the chain of resources
 * on the critical path, and the table-only longest path to check it against; as text or JSON.
 */
import { parseUrn } from "../fake-cloud/values";
import type { TimedDeploy } from "./deploy-timed";
import type { Link, PathEstimate } from "./estimate";
import type { TablePath } from "./table-path";

const min = (minutes: number) => `${minutes.toFixed(1)} min`;
const nameOf = (urn: string) => parseUrn(urn).name;
const typeOf = (urn: string) => parseUrn(urn).type;

export interface ChainLinkJson {
  resource: string;
  type: string;
  op: Link["op"];
  /** The engine's own time before it, real seconds. */
  engineSeconds: number;
  /** AWS's time for it, minutes. */
  awsMinutes: number;
  /** When it ends, minutes since the command started. */
  atMinutes: number;
}

export interface PathJson {
  minutes: number;
  awsMinutes: number;
  engineSeconds: number;
  after?: PathEstimate["after"];
  chain: ChainLinkJson[];
}

export interface EtaJson {
  name: string;
  stack: string;
  kind: string;
  branch?: string;
  command: string;
  /** Until the command finished / until the URL serves, measured through the engine. */
  up: PathJson;
  url?: PathJson;
  /** A feature stack's isolation, when the run set it. */
  isolation?: string;
  /** Development's preview domain, when the run set it. */
  previewDomain?: string;
  /** A feature stack's `feature down` after its `up`: until the command finished. */
  down?: PathJson & {
    command: string;
    tableMinutes: number;
    tableChain: string[];
    /** A task the destroy only started (a feature database's drop): when it ended. */
    detached?: { what: string; minutes: number };
  };
  /** The table's longest path through the dependency graph (AWS minutes, no engine time). */
  table: {
    up: { minutes: number; chain: string[] };
    url?: { minutes: number; chain: string[] };
    serialMinutes: number;
  };
  run: {
    pulumiVersion: string;
    secondsPerMinute: number;
    parallel: number;
    operations: number;
    wallSeconds: number;
  };
}

const round = (value: number, digits = 2) => Number(value.toFixed(digits));

function pathJson(path: PathEstimate): PathJson {
  return {
    minutes: round(path.minutes),
    awsMinutes: round(path.awsMinutes),
    engineSeconds: round(path.engineSeconds, 1),
    ...(path.after ? { after: path.after } : {}),
    chain: path.links.map((l) => ({
      resource: nameOf(l.urn),
      type: l.type,
      op: l.op,
      engineSeconds: round(l.engineSeconds, 1),
      awsMinutes: round(l.awsMinutes),
      atMinutes: round(l.atMinutes),
    })),
  };
}

const tableJson = (path: TablePath) => ({
  minutes: round(path.minutes),
  chain: path.urns.map(nameOf),
});

export function etaToJson(eta: TimedDeploy): EtaJson {
  return {
    name: eta.target.name,
    stack: eta.target.stack,
    kind: eta.target.kind,
    ...(eta.target.branch ? { branch: eta.target.branch } : {}),
    command: eta.command,
    up: pathJson(eta.finished),
    ...(eta.url ? { url: pathJson(eta.url) } : {}),
    ...(eta.isolation ? { isolation: eta.isolation } : {}),
    ...(eta.previewDomain ? { previewDomain: eta.previewDomain } : {}),
    ...(eta.teardown
      ? {
          down: {
            ...pathJson(eta.teardown.finished),
            command: eta.teardown.command,
            tableMinutes: round(eta.teardown.table.finished.minutes),
            tableChain: eta.teardown.table.finished.urns.map(nameOf),
            ...(eta.teardown.detached
              ? {
                  detached: {
                    what: eta.teardown.detached.what,
                    minutes: round(eta.teardown.detached.minutes),
                  },
                }
              : {}),
          },
        }
      : {}),
    table: {
      up: tableJson(eta.table.finished),
      ...(eta.table.url ? { url: tableJson(eta.table.url) } : {}),
      serialMinutes: round(eta.table.serialMinutes),
    },
    run: {
      pulumiVersion: eta.pulumiVersion,
      secondsPerMinute: eta.secondsPerMinute,
      parallel: eta.parallel,
      operations: eta.operations,
      wallSeconds: round(eta.wallSeconds, 1),
    },
  };
}

function chainText(path: PathEstimate): string[] {
  const rows = path.links.map(
    (l) =>
      `  ${min(l.atMinutes).padStart(9)}  ${min(l.awsMinutes).padStart(9)}  ${`${l.engineSeconds.toFixed(1)} s`.padStart(8)}  ${l.op} ${nameOf(l.urn)} (${typeOf(l.urn)})`,
  );
  const after = path.after
    ? [
        `  ${min(path.minutes).padStart(9)}  ${min(path.after.minutes).padStart(9)}  ${"".padStart(8)}  then ${path.after.what}`,
      ]
    : [];
  return [
    `  ${"ends at".padStart(9)}  ${"AWS".padStart(9)}  ${"engine".padStart(8)}  resource`,
    ...rows,
    ...after,
  ];
}

export function etaToText(eta: TimedDeploy): string {
  const who =
    eta.target.kind === "feature"
      ? `${eta.target.stack} (feature stack of ${eta.target.branch})`
      : eta.target.stack;
  const down = eta.teardown;
  const lines = [
    `${who}${eta.isolation ? ` (isolation ${eta.isolation})` : ""}${eta.previewDomain ? ` (behind development's load balancer, ${eta.previewDomain})` : ""}: about ${min(eta.finished.minutes)} until the first deployment finishes${eta.url ? `, ${min(eta.url.minutes)} until its URL serves` : ""}${down ? `, ${min(down.finished.minutes)} until feature down has destroyed it` : ""}`,
    // The harness adds --non-interactive --color=never to every pulumi command; the user never types them.
    `  measured: ${eta.command.split(" --non-interactive")[0]} through pulumi v${eta.pulumiVersion} and the fake cloud at ${eta.secondsPerMinute} s per AWS minute, --parallel ${eta.parallel}: ${eta.operations} operations in ${eta.wallSeconds.toFixed(1)} s here`,
    `  on the critical path: ${min(eta.finished.awsMinutes)} of AWS time and ${eta.finished.engineSeconds.toFixed(0)} s of the engine's own (program, plugins, diffs, state)`,
    `  table only (longest path through the dependency graph, AWS time alone): ${min(eta.table.finished.minutes)}${eta.table.url ? `, ${min(eta.table.url.minutes)} until the URL serves` : ""}; one at a time: ${min(eta.table.serialMinutes)}`,
    "",
    `critical path until the deployment finishes:`,
    ...chainText(eta.finished),
    ...(eta.url && eta.url.links.at(-1)?.urn !== eta.finished.links.at(-1)?.urn
      ? ["", "critical path until the URL serves:", ...chainText(eta.url)]
      : []),
    // The URL waits for the same operation the deployment ends with (the feature database).
    ...(eta.url && eta.url.links.at(-1)?.urn === eta.finished.links.at(-1)?.urn && !eta.url.after
      ? [
          `  the app's /readyz answers once it is done: ${min(eta.url.minutes)} until the URL serves`,
        ]
      : []),
    ...(eta.url && eta.url.links.at(-1)?.urn === eta.finished.links.at(-1)?.urn && eta.url.after
      ? [
          `  then ${eta.url.after.what} (${min(eta.url.after.minutes)}): ${min(eta.url.minutes)} until the URL serves`,
        ]
      : []),
    ...(down
      ? [
          "",
          `critical path until destroyed (${down.command.split(" --non-interactive")[0]}: ${down.operations} deletes in ${down.wallSeconds.toFixed(1)} s here; table only: ${min(down.table.finished.minutes)}):`,
          ...chainText(down.finished),
          ...(down.detached
            ? [
                `  and after it, ${down.detached.what}: it ends at ${min(down.detached.minutes)} (the database and its role are gone then)`,
              ]
            : []),
        ]
      : []),
    "",
    "Typical times per type and their sources: tools/fake-cloud/typical-times.ts",
  ];
  return `${lines.join("\n")}\n`;
}
