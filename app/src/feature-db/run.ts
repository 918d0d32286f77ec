/**
 * One provisioner command from its argv and environment to its exit code. The entry point
 * (app/src/feature-db.ts) and the fake ECS endpoint that emulates the container both call
 * runFeatureDbCommand, so they run exactly what the task runs. Arguments and names are checked
 * before anything else, environment next: a bad line never reaches the host.
 */
import { parseArgs, type ParsedCommand } from "./args";
import { loadFeatureDbConfig, type FeatureDbConfig } from "./config";
import { createFeatureDatabase } from "./create";
import { dropFeatureDatabase } from "./drop";
import { exportDatabase } from "./export";
import { describeError, FEATURE_DB_EXIT, FeatureDbFailure } from "./failure";
import { checkFeatureName } from "./names";
import { PRUNE_MIN_AGE_MINUTES, pruneFeatureDatabases } from "./prune";
import { refreshTemplate } from "./refresh";
import { readPassword, readSecretFromAws, type ReadSecret } from "./secret";
import { openStore } from "./store";

export interface FeatureDbDeps {
  /** Resolves to a Secrets Manager secret's SecretString (JSON with a `password` field). */
  readSecret?: ReadSecret;
  /** Receives each log line; never a password or a row's value. Default: stdout. */
  log?: (line: string) => void;
}

/** The names check needs the environment's template and admin; it runs before any connection. */
function checkNames(parsed: ParsedCommand, config: FeatureDbConfig): void {
  const reserved = {
    template: config.FEATURE_DB_TEMPLATE,
    admin: config.DB_USER,
    adminDatabase: config.DB_NAME,
  };
  if (parsed.command === "prune") {
    for (const name of parsed.keep) checkFeatureName("--keep", name, reserved);
    return;
  }
  if (parsed.command !== "create" && parsed.command !== "drop") return;
  checkFeatureName("--database", parsed.database, reserved);
  checkFeatureName("--role", parsed.role, reserved);
}

async function execute(
  parsed: ParsedCommand,
  config: FeatureDbConfig,
  readSecret: ReadSecret,
  log: (line: string) => void,
): Promise<void> {
  switch (parsed.command) {
    case "create": {
      const password = await readPassword(readSecret, parsed.passwordSecretArn);
      const outcome = await createFeatureDatabase(config, { ...parsed, password }, log);
      log(
        outcome.created
          ? `created ${parsed.database}${outcome.replacedAnother ? " (in place of another incarnation's)" : ""} from ${config.FEATURE_DB_TEMPLATE} in ${outcome.copyMs} ms, role ${parsed.role}${outcome.roleCreated ? " (new)" : ""}, ${outcome.objectsHandedOver} objects handed over`
          : `${parsed.database} exists: role ${parsed.role}${outcome.roleCreated ? " created" : ""}${outcome.passwordSet ? ", password set" : ""}, ${outcome.objectsHandedOver} objects handed over${!outcome.roleCreated && !outcome.passwordSet && outcome.objectsHandedOver === 0 ? " (nothing to change)" : ""}`,
      );
      return;
    }
    case "drop": {
      const outcome = await dropFeatureDatabase(config, parsed);
      log(
        outcome.anotherIncarnation
          ? `${parsed.database}: left alone with role ${parsed.role}, it belongs to another incarnation than ${parsed.incarnation} (a newer stack of the same name)`
          : `${parsed.database}: ${outcome.databaseDropped ? "dropped" : "already gone"}; role ${parsed.role}: ${outcome.roleDropped ? "dropped" : "already gone"}`,
      );
      return;
    }
    case "refresh-template": {
      const outcome = await refreshTemplate(config, openStore("--from", parsed.from), log);
      log(
        `${config.FEATURE_DB_TEMPLATE} ${outcome.replaced ? "replaced" : "created"} from the export of ${outcome.exportedAt}: ${outcome.tables} tables, ${outcome.rows} rows`,
      );
      return;
    }
    case "prune": {
      const outcome = await pruneFeatureDatabases(config, parsed.keep, log);
      log(
        `dropped ${outcome.dropped.length} feature database(s) no live stack owns${outcome.dropped.length ? ` (${outcome.dropped.join(", ")})` : ""}; kept ${outcome.kept.length}; ${outcome.young.length} younger than ${PRUNE_MIN_AGE_MINUTES} min left for the next run${outcome.young.length ? ` (${outcome.young.join(", ")})` : ""}`,
      );
      return;
    }
    case "export": {
      const outcome = await exportDatabase(config, openStore("--to", parsed.to));
      log(
        `exported ${config.DB_NAME} to ${parsed.to}${outcome.directory}/: ${outcome.tables} tables, ${outcome.rows} rows, ${outcome.bytes} bytes`,
      );
      return;
    }
  }
}

/**
 * Runs `argv` (`<command> --flag value ...`, as after `node app/dist/feature-db.js`) with
 * `env`; resolves to the process's exit code (FEATURE_DB_EXIT) and never rejects. Every line
 * goes to `deps.log`, the last one saying how the command ended.
 */
export async function runFeatureDbCommand(
  argv: string[],
  env: Record<string, string | undefined>,
  deps: FeatureDbDeps = {},
): Promise<number> {
  const log = deps.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const command = argv[0] ?? "(none)";
  const started = Date.now();
  try {
    const parsed = parseArgs(argv);
    const config = loadFeatureDbConfig(env);
    checkNames(parsed, config);
    // Openable stores are checked before any connection, like names.
    if (parsed.command === "refresh-template") openStore("--from", parsed.from);
    if (parsed.command === "export") openStore("--to", parsed.to);
    await execute(parsed, config, deps.readSecret ?? readSecretFromAws, (line) =>
      log(`feature-db ${command}: ${line}`),
    );
    log(`feature-db ${command}: done in ${Date.now() - started} ms`);
    return FEATURE_DB_EXIT.done;
  } catch (error) {
    const exitCode = error instanceof FeatureDbFailure ? error.exitCode : FEATURE_DB_EXIT.failed;
    log(`feature-db ${command}: failed (exit ${exitCode}): ${describeError(error)}`);
    return exitCode;
  }
}
