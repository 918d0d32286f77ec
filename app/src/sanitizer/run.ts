/**
 * One refinery run inside the sanitizer task, in order: guard, coverage, apply, verify, scrub.
 * Each step logs one JSON line with its counts and duration, and a failed step logs what
 * failed by name and count; no line ever holds a value from the database.
 */
import type { Logger } from "pino";
import { Client } from "pg";
import { postgresSettings } from "../dependencies";
import { applyRules, type ApplyCounts } from "./apply";
import { readCatalog } from "./catalog";
import type { SanitizeConfig } from "./config";
import { checkCoverage, type Coverage } from "./coverage";
import { EXIT, RefineryFailure, safeError, type Step } from "./failure";
import { checkHost, checkServer } from "./guard";
import { hmacPads } from "./hmac";
import type { Rules } from "./rules";
import { scrub, type ScrubCounts } from "./scrub";
import { verifyRules, type VerifyCounts } from "./verify";

export interface RunOptions {
  /** How DB_HOST resolves; tests stand in for DNS. */
  resolve?: (host: string) => Promise<string[]>;
}

export interface RunSummary {
  coverage: Coverage["counts"];
  apply: ApplyCounts;
  verify: VerifyCounts;
  scrub: ScrubCounts;
}

/** Opens the one connection of a run, after the host check and before anything else. */
export async function connect(config: SanitizeConfig): Promise<Client> {
  checkHost(config.DB_HOST, config.APP_DISABLE_TLS);
  const client = new Client({
    ...postgresSettings(config),
    application_name: "multistage-sanitizer",
  });
  // An error event on an idle client would otherwise crash the process with its message.
  client.on("error", () => undefined);
  await client.connect();
  // Session settings only; VACUUM FULL rebuilds indexes faster with more memory.
  await client.query("set maintenance_work_mem = '512MB'");
  await client.query("set work_mem = '64MB'");
  return client;
}

/** Reads the catalog and checks the rules cover it; throws before anything is changed. */
export async function plan(client: Client, rules: Rules): Promise<Coverage> {
  const coverage = checkCoverage(await readCatalog(client), rules);
  if (coverage.problems.length > 0) {
    throw new RefineryFailure(
      "coverage",
      EXIT.uncovered,
      coverage.problems,
      `coverage failed: ${coverage.problems.length} things have no rule; nothing was changed`,
    );
  }
  return coverage;
}

/** Runs one step and logs one line: its counts (chosen by `counts`, so no object is dumped whole) and duration. */
async function step<T>(
  logger: Logger,
  name: Step,
  body: () => Promise<T>,
  counts: (result: T) => object,
): Promise<T> {
  const started = process.hrtime.bigint();
  const ms = () => Math.round(Number(process.hrtime.bigint() - started) / 1e6);
  try {
    const result = await body();
    logger.info({ step: name, ms: ms(), ...counts(result) }, `${name} done`);
    return result;
  } catch (error) {
    const failure =
      error instanceof RefineryFailure
        ? error
        : new RefineryFailure(name, EXIT.failed, [], `${name} failed`);
    logger.error(
      {
        step: name,
        ms: ms(),
        exitCode: failure.exitCode,
        problems: failure.problems,
        error: safeError(error),
      },
      failure.message,
    );
    throw failure;
  }
}

const same = <T extends object>(result: T): T => result;

export async function runRefinery(
  config: SanitizeConfig,
  rules: Rules,
  logger: Logger,
  options: RunOptions = {},
): Promise<RunSummary> {
  const { client } = await step(
    logger,
    "guard",
    async () => {
      const opened = await connect(config);
      try {
        return { client: opened, ...(await checkServer(opened, config.DB_HOST, options.resolve)) };
      } catch (error) {
        await opened.end().catch(() => undefined);
        throw error;
      }
    },
    ({ otherSessions }) => ({ otherSessions }),
  );
  try {
    const coverage = await step(
      logger,
      "coverage",
      () => plan(client, rules),
      (planned) => planned.counts,
    );
    const tables = coverage.tables;
    const pads = tables.some((t) => t.columns.some((c) => c.rule.kind === "hash"))
      ? hmacPads(config.SANITIZE_HMAC_KEY)
      : undefined;
    const apply = await step(logger, "apply", () => applyRules(client, tables, pads), same);
    const verify = await step(logger, "verify", () => verifyRules(client, tables), same);
    const scrubbed = await step(logger, "scrub", () => scrub(client, tables), same);
    return { coverage: coverage.counts, apply, verify, scrub: scrubbed };
  } finally {
    await client.end().catch(() => undefined);
  }
}
