import { Command, InvalidArgumentError } from "commander";
import { FEATURE_ISOLATION_MODES, type FeatureIsolation } from "../../stage/profile";
import { deployTimed } from "../eta/deploy-timed";
import {
  DEFAULT_SECONDS_PER_MINUTE,
  MAX_SECONDS_PER_MINUTE,
  pulumiDefaultParallel,
} from "../eta/defaults";
import { etaToJson, etaToText } from "../eta/report";
import { EXAMPLE_BRANCH, FEATURE_TARGET, findEtaTarget, validEtaNames } from "../eta/targets";
import type { CommandContext } from "./context";
import { runCommand, UsageError } from "./run-command";

function secondsPerMinute(value: string): number {
  const seconds = Number(value);
  if (
    value.trim() === "" ||
    !Number.isFinite(seconds) ||
    seconds <= 0 ||
    seconds > MAX_SECONDS_PER_MINUTE
  ) {
    throw new InvalidArgumentError(
      `got ${JSON.stringify(value)}; expected real seconds per AWS minute, a number above 0 and at most ${MAX_SECONDS_PER_MINUTE}, e.g. 1 or 0.5`,
    );
  }
  return seconds;
}

function parallelism(value: string): number {
  if (!/^\d{1,4}$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError(
      `got ${JSON.stringify(value)}; expected a whole number of operations at once, 1 to 9999`,
    );
  return Number(value);
}

/** A lowercase DNS name, as `multistage:featureStacks.previewDomain` takes it. */
function previewDomainOption(value: string): string {
  if (!/^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/.test(value))
    throw new InvalidArgumentError(
      `got ${JSON.stringify(value)}; expected a lowercase DNS name like preview.example.com`,
    );
  return value;
}

function isolationMode(value: string): FeatureIsolation {
  if (!(FEATURE_ISOLATION_MODES as readonly string[]).includes(value))
    throw new InvalidArgumentError(
      `got ${JSON.stringify(value)}; expected ${FEATURE_ISOLATION_MODES.join(" or ")}`,
    );
  return value as FeatureIsolation;
}

/** `stagectl eta <stack> [--branch] [--scale] [--parallel] [--json]`: how long a first deployment takes, through the engine, offline. */
export function etaCommand(context: CommandContext): Command {
  return new Command("eta")
    .description(
      "how long until a stack is up: its first deployment through the real Pulumi engine and the fake cloud, each call taking AWS's typical time scaled down (offline; temp dirs removed)",
    )
    .argument(
      "<stack>",
      "a stack with a stack file, testing (from its profile when it has none), or feature",
    )
    .option(
      "--branch <name>",
      `with feature: the branch whose feature stack is timed (default ${EXAMPLE_BRANCH})`,
    )
    .option(
      "--scale <seconds>",
      "real seconds the fake cloud sleeps per AWS minute",
      secondsPerMinute,
      DEFAULT_SECONDS_PER_MINUTE,
    )
    .option(
      "--parallel <n>",
      "the engine's --parallel (default: Pulumi's own, 4 x CPUs)",
      parallelism,
    )
    .option(
      "--isolation <mode>",
      `with feature: deploy development with featureStacks.isolation ${FEATURE_ISOLATION_MODES.join(" or ")} first (default: its stack file's, shared)`,
      isolationMode,
    )
    .option(
      "--preview-domain <domain>",
      "with feature: deploy development with featureStacks.previewDomain first (example certificates), so a shared feature stack takes a rule on its load balancer",
      previewDomainOption,
    )
    .option("--json", "machine-readable output")
    .action(
      (
        stack: string,
        options: {
          branch?: string;
          scale: number;
          parallel?: number;
          isolation?: FeatureIsolation;
          previewDomain?: string;
          json?: boolean;
        },
      ) =>
        runCommand(context, async () => {
          const target = findEtaTarget(stack, options.branch);
          if (!target)
            throw new UsageError(
              `Unknown <stack> ${JSON.stringify(stack)}; valid: ${validEtaNames().join(", ")}`,
            );
          if (options.branch !== undefined && target.kind !== "feature") {
            throw new UsageError(
              `--branch ${JSON.stringify(options.branch)} is for <stack> ${FEATURE_TARGET} only (got <stack> ${JSON.stringify(stack)})`,
            );
          }
          if (options.isolation !== undefined && target.kind !== "feature") {
            throw new UsageError(
              `--isolation ${options.isolation} is for <stack> ${FEATURE_TARGET} only (got <stack> ${JSON.stringify(stack)})`,
            );
          }
          if (options.previewDomain !== undefined && target.kind !== "feature") {
            throw new UsageError(
              `--preview-domain ${options.previewDomain} is for <stack> ${FEATURE_TARGET} only (got <stack> ${JSON.stringify(stack)})`,
            );
          }
          const eta = await deployTimed(target, {
            ...(options.isolation ? { isolation: options.isolation } : {}),
            ...(options.previewDomain ? { previewDomain: options.previewDomain } : {}),
            secondsPerMinute: options.scale,
            parallel: options.parallel ?? pulumiDefaultParallel(),
            now: context.now(),
            log: (line) => context.stderr(`${line}\n`),
          });
          context.stdout(
            options.json ? `${JSON.stringify(etaToJson(eta), null, 2)}\n` : etaToText(eta),
          );
        }),
    );
}
