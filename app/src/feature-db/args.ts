/**
 * The command line: `<command> --flag value ...`. Small enough that a parser library would be
 * the bigger part; every mistake is one line naming the argument, what was given and what is
 * valid, and nothing reaches the host before the whole line has been read.
 */
import { FEATURE_DB_COMMANDS, type FeatureDbCommand } from "../contract";
import { FEATURE_DB_EXIT, FeatureDbFailure } from "./failure";
import { INCARNATION } from "./incarnation";

export type ParsedCommand =
  | {
      command: "create";
      database: string;
      role: string;
      passwordSecretArn: string;
      /** Absent from a FeatureDatabase made by code before incarnations: nothing is marked. */
      incarnation?: string;
      /** `new`: the resource's create, which replaces another incarnation's database; `update`: never drops. */
      mode: CreateMode;
    }
  | { command: "drop"; database: string; role: string; incarnation?: string }
  | { command: "refresh-template"; from: string }
  | { command: "prune"; keep: string[] }
  | { command: "export"; to: string };

/** The flags each command requires. */
const FLAGS: Record<FeatureDbCommand, readonly string[]> = {
  create: ["--database", "--role", "--password-secret-arn"],
  drop: ["--database", "--role"],
  "refresh-template": ["--from"],
  export: ["--to"],
  prune: ["--keep"],
};
/**
 * The flags each command may take besides: a FeatureDatabase made by code before incarnations
 * sends none (its create is then an update: it never drops), and one made before has none in
 * its state for its drop.
 */
const OPTIONAL_FLAGS: Partial<Record<FeatureDbCommand, readonly string[]>> = {
  create: ["--incarnation", "--mode"],
  drop: ["--incarnation"],
};

export const CREATE_MODES = ["new", "update"] as const;
export type CreateMode = (typeof CREATE_MODES)[number];

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;

function invalid(message: string): FeatureDbFailure {
  return new FeatureDbFailure(FEATURE_DB_EXIT.invalid, message);
}

export function parseArgs(argv: readonly string[]): ParsedCommand {
  const [command, ...rest] = argv;
  if (!(FEATURE_DB_COMMANDS as readonly string[]).includes(command ?? ""))
    throw invalid(
      `command: got ${JSON.stringify(command ?? "")}; expected one of ${FEATURE_DB_COMMANDS.join(", ")}`,
    );
  const required = FLAGS[command as FeatureDbCommand];
  const allowed = [...required, ...(OPTIONAL_FLAGS[command as FeatureDbCommand] ?? [])];
  const values = new Map<string, string>();
  for (let i = 0; i < rest.length; i += 2) {
    const flag = rest[i];
    const value = rest[i + 1];
    if (!allowed.includes(flag))
      throw invalid(
        `${flag}: not an argument of ${command}; expected ${allowed.map((f) => `${f} <value>`).join(" ")}`,
      );
    if (values.has(flag)) throw invalid(`${flag}: given twice; expected it once`);
    if (value === undefined || value === "" || value.startsWith("--"))
      throw invalid(`${flag}: no value; expected ${flag} <value>`);
    values.set(flag, value);
  }
  for (const flag of required)
    if (!values.has(flag))
      throw invalid(`${flag}: missing; ${command} needs ${required.join(", ")}`);
  const get = (flag: string) => values.get(flag) as string;
  const incarnation = values.get("--incarnation");
  if (incarnation !== undefined && !INCARNATION.test(incarnation))
    throw invalid(
      `--incarnation: got ${JSON.stringify(incarnation)}; expected 12 lowercase hex digits, the FeatureDatabase's own`,
    );
  switch (command as FeatureDbCommand) {
    case "create": {
      const arn = get("--password-secret-arn");
      if (!SECRET_ARN.test(arn))
        throw invalid(
          `--password-secret-arn: got ${JSON.stringify(arn)}; expected a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>)`,
        );
      const mode = values.get("--mode") ?? "update";
      if (!(CREATE_MODES as readonly string[]).includes(mode))
        throw invalid(`--mode: got ${JSON.stringify(mode)}; expected ${CREATE_MODES.join(" or ")}`);
      return {
        command: "create",
        database: get("--database"),
        role: get("--role"),
        passwordSecretArn: arn,
        ...(incarnation !== undefined ? { incarnation } : {}),
        mode: mode as CreateMode,
      };
    }
    case "drop":
      return {
        command: "drop",
        database: get("--database"),
        role: get("--role"),
        ...(incarnation !== undefined ? { incarnation } : {}),
      };
    case "refresh-template":
      return { command: "refresh-template", from: get("--from") };
    case "export":
      return { command: "export", to: get("--to") };
    case "prune": {
      // `none`: no feature stack is live (no feature name is `none`).
      const keep = get("--keep") === "none" ? [] : get("--keep").split(",");
      return { command: "prune", keep };
    }
  }
}
