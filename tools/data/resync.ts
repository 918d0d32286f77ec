/**
 * `stagectl data resync <stack>`: re-create a lower stage's database from production's newest
 * snapshot, on purpose. It only bumps the stack's data generation in its config, so the
 * replacement shows in `pulumi preview` before `pulumi up` does it. Refuses production, a
 * staging replica, and any stage whose data does not come from production's snapshots.
 */
import { STAGE_PROFILES, STAGE_KINDS, StageKind } from "../../components/stage-profile";
import { CommandContext } from "../commands/context";
import { UsageError } from "../commands/run-command";
import { ConfigEntry } from "../engine/workspace";

export const DATA_KEY = "multistage:data";

export interface ResyncResult {
  stack: string;
  generation: { from: number; to: number };
  next: string[];
}

function stageKindOf(stack: string, config: Record<string, ConfigEntry>): StageKind {
  const kind = config["multistage:stage"]?.value;
  if (!kind || !(STAGE_KINDS as readonly string[]).includes(kind)) {
    throw new UsageError(`Refusing to resync ${stack}: its config has no valid multistage:stage (got ${JSON.stringify(kind ?? null)})`);
  }
  return kind as StageKind;
}

function dataOf(stack: string, config: Record<string, ConfigEntry>): Record<string, unknown> {
  const raw = config[DATA_KEY]?.value;
  if (!raw) return {};
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new UsageError(`Refusing to resync ${stack}: ${DATA_KEY} is not an object (got ${raw})`);
}

export async function resync(context: CommandContext, options: { stack: string; yes: boolean }): Promise<ResyncResult> {
  const { stack } = options;
  if (stack === "production") throw new UsageError("Refusing to resync production: production is the source of all data, never a target");
  const workspace = await context.openWorkspace();
  if (!(await workspace.stackExists(stack))) throw new UsageError(`Stack ${stack} does not exist`);
  const config = await workspace.getAllConfig(stack);
  const kind = stageKindOf(stack, config);
  if (kind === "production") throw new UsageError(`Refusing to resync ${stack}: its config says it is production`);
  const data = dataOf(stack, config);
  const source = (data.source as string | undefined) ?? STAGE_PROFILES[kind].data.source;
  if (source === "production-replica") {
    throw new UsageError(`Refusing to resync ${stack}: it is a read replica of production and always has production's current data`);
  }
  if (source !== "production-snapshot") {
    throw new UsageError(`Refusing to resync ${stack}: its data source is ${source}, not production-snapshot; there is no snapshot to restore`);
  }
  const from = typeof data.generation === "number" ? data.generation : 0;
  const to = from + 1;

  if (!options.yes) {
    const answer = await context.ask(
      `This replaces ${stack}'s database with a new one restored from production's newest snapshot; everything written in ${stack} since is lost.\nType the stack name to continue: `,
    );
    if (answer === undefined) throw new UsageError("No terminal to confirm on; pass --yes to resync without asking");
    if (answer.trim() !== stack) throw new UsageError(`Not confirmed (typed ${JSON.stringify(answer.trim())}, expected ${JSON.stringify(stack)}); nothing changed`);
  }
  await workspace.setAllConfig(stack, { [DATA_KEY]: { value: JSON.stringify({ ...data, generation: to }) } });
  return { stack, generation: { from, to }, next: [`pulumi preview -s ${stack} --diff`, `pulumi up -s ${stack}`] };
}
