import { Command, InvalidArgumentError } from "commander";
import { featureTargetForBranch, loadBranchRules } from "../feature/branches";
import { LOCK_WAIT_LIMITS, parseDuration, READY_WAIT_LIMITS } from "../feature/durations";
import { featureDown } from "../feature/feature-down";
import { featureList, featureRowsToText } from "../feature/feature-list";
import { featureReap, reapSummary } from "../feature/feature-reap";
import { featureUp } from "../feature/feature-up";
import { MAX_TTL_MS } from "../feature/feature-identity";
import type { CommandContext } from "./context";
import { runCommand } from "./run-command";

const DEFAULT_TTL = "72h";
const DEFAULT_WAIT = "5m";
/** A preview task starts in about a minute; five leave room for a cold image pull. */
const DEFAULT_READY_TIMEOUT = "5m";
const TTL_LIMITS = { max: { ms: MAX_TTL_MS, text: "30d (feature stacks are short-lived)" } };
const AGE_LIMITS = { max: { ms: 365 * 24 * 3_600_000, text: "365d" } };

function pullRequestNumber(value: string): number {
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError(
      `got ${JSON.stringify(value)}; expected a pull request number like 42`,
    );
  return Number(value);
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** `stagectl feature name|up|down|list|reap`: ephemeral stacks per branch, for CI. */
export function featureCommand(context: CommandContext): Command {
  const feature = new Command("feature").description(
    "ephemeral feature-branch stacks: name, up, down, list, reap",
  );

  feature
    .command("name")
    .description("print the feature stack name and physical name prefix of a branch")
    .requiredOption("--branch <name>", "git branch")
    .option("--json", "machine-readable output")
    .action((options: { branch: string; json?: boolean }) =>
      runCommand(context, async () => {
        const target = featureTargetForBranch(options.branch, loadBranchRules());
        context.stdout(
          options.json
            ? json({
                branch: options.branch,
                stack: target.stack,
                slug: target.slug,
                namePrefix: target.namePrefix,
              })
            : `${target.stack} ${target.namePrefix}\n`,
        );
      }),
    );

  feature
    .command("up")
    .description("create or update the branch's feature stack and deploy it")
    .requiredOption("--branch <name>", "git branch")
    .option("--image <ref>", "image to run (default: build app/)")
    .option("--ttl <duration>", "time to live from now, e.g. 72h or 7d", DEFAULT_TTL)
    .option("--pr <number>", "pull request number", pullRequestNumber)
    .option(
      "--wait <duration>",
      "how long to wait for another update's lock (0: do not wait)",
      DEFAULT_WAIT,
    )
    .option(
      "--ready-timeout <duration>",
      "how long to wait after the update for <url>/readyz to answer 200 (0: do not wait)",
      DEFAULT_READY_TIMEOUT,
    )
    .option(
      "--json",
      "print {stack, url, expiresAt, outputs, changes, costPerDayUsd, ready} as JSON",
    )
    .action(
      (options: {
        branch: string;
        image?: string;
        ttl: string;
        pr?: number;
        wait: string;
        readyTimeout: string;
        json?: boolean;
      }) =>
        runCommand(context, async () => {
          const ttlMs = parseDuration("--ttl", options.ttl, TTL_LIMITS);
          const waitMs = parseDuration("--wait", options.wait, LOCK_WAIT_LIMITS);
          const readyTimeoutMs = parseDuration(
            "--ready-timeout",
            options.readyTimeout,
            READY_WAIT_LIMITS,
          );
          const result = await featureUp(context, {
            branch: options.branch,
            image: options.image,
            ttlMs,
            pr: options.pr,
            waitMs,
            readyTimeoutMs,
          });
          const cost =
            result.costPerDayUsd === null
              ? ""
              : `; about $${result.costPerDayUsd.toFixed(2)} a day`;
          const ready = result.ready
            ? result.ready.ready
              ? `; serving after ${result.ready.seconds.toFixed(0)} s`
              : ""
            : "";
          context.stdout(
            options.json
              ? json(result)
              : `${result.stack} is up at ${String(result.url)} (expires ${result.expiresAt}${cost}${ready})\n`,
          );
          if (result.ready && !result.ready.ready) {
            // Deployed, but a reviewer would find nothing there: the job fails and says why.
            context.stderr(
              `${result.stack} was deployed but ${String(result.url)}/readyz did not answer 200 within ${options.readyTimeout} (last: ${result.ready.last}); see the service's events and the app's logs\n`,
            );
            context.setExitCode(1);
          }
        }),
    );

  feature
    .command("down")
    .description(
      "destroy and remove the branch's feature stack (refuses anything that is not a feature stack, or another branch's)",
    )
    .requiredOption("--branch <name>", "git branch")
    .option(
      "--pr <number>",
      "pull request number; refuses a stack another pull request owns",
      pullRequestNumber,
    )
    .option(
      "--wait <duration>",
      "how long to wait for another update's lock (0: do not wait)",
      DEFAULT_WAIT,
    )
    .option("--json", "machine-readable output")
    .action((options: { branch: string; pr?: number; wait: string; json?: boolean }) =>
      runCommand(context, async () => {
        const waitMs = parseDuration("--wait", options.wait, LOCK_WAIT_LIMITS);
        const result = await featureDown(context, {
          branch: options.branch,
          pr: options.pr,
          waitMs,
        });
        context.stdout(
          options.json
            ? json(result)
            : `${result.stack}: ${result.destroyed ? "destroyed and removed" : result.note}\n`,
        );
      }),
    );

  feature
    .command("list")
    .description("every feature stack with branch, age, expiry, last update and URL")
    .option("--json", "machine-readable output")
    .action((options: { json?: boolean }) =>
      runCommand(context, async () => {
        const rows = await featureList(context);
        context.stdout(options.json ? json(rows) : featureRowsToText(rows));
      }),
    );

  feature
    .command("reap")
    .description("destroy every expired feature stack (or every one older than --older-than)")
    .option("--older-than <duration>", "also reap stacks created longer ago than this, e.g. 7d")
    .option("--dry-run", "only say what would be destroyed")
    .option(
      "--wait <duration>",
      "how long to wait for each stack's lock (0: do not wait)",
      DEFAULT_WAIT,
    )
    .option("--json", "machine-readable summary")
    .action((options: { olderThan?: string; dryRun?: boolean; wait: string; json?: boolean }) =>
      runCommand(context, async () => {
        const olderThanMs =
          options.olderThan === undefined
            ? undefined
            : parseDuration("--older-than", options.olderThan, AGE_LIMITS);
        const waitMs = parseDuration("--wait", options.wait, LOCK_WAIT_LIMITS);
        const result = await featureReap(context, {
          olderThanMs,
          dryRun: options.dryRun === true,
          waitMs,
        });
        context.stdout(options.json ? json(result) : reapSummary(result));
        // A failed prune fails the nightly job too: a drop that never ran stays visible.
        const pruneFailed = result.prune !== undefined && "error" in result.prune;
        return result.failed.length > 0 || pruneFailed ? 1 : 0;
      }),
    );

  return feature;
}
