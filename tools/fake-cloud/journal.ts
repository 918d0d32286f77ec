/**
 * The fake cloud's record of every call that changed (or tried to change) something: one JSON
 * object per line, appended by whichever provider process made the call. Appends of one line
 * with O_APPEND do not interleave, so parallel stacks and plugins share one journal safely.
 * What is live in the account is the fold of this journal: nothing else is stored.
 */
import * as fs from "node:fs";
import { redact } from "../render/redact";
import { journalPath } from "./world";
import type { Props } from "./values";

export type JournalOp = "create" | "update" | "replace" | "delete";

export interface JournalEntry {
  /** When the call returned (the line is written then). */
  time: string;
  /**
   * When AWS's part of the call began (after the provider's own checks); with `time`, the span
   * the fake cloud slept for it (world.json `timing`). Absent on refusals, which take no time.
   */
  started?: string;
  /**
   * create; replace: the creation of a resource's replacement (the old one's delete follows, or
   * came first for delete-before-replace); update; delete.
   */
  op: JournalOp;
  /** Provider package: aws, random, docker. */
  provider: string;
  type: string;
  urn: string;
  stack: string;
  id: string;
  /** The inputs of the call, secrets shown as "[secret]". */
  inputs: Props;
  /** update: the input keys that changed. */
  changed?: string[];
  /** Who made an aws call: the assumed role's session ARN or the plain caller. */
  caller?: string;
  /** The cloud refused the call with this message (the resource did not change). */
  error?: string;
  /**
   * The caller did not wait for it: a task a delete only started (a feature database's drop),
   * which ran on after the call returned. `stagectl eta` keeps it off the command's path.
   */
  detached?: boolean;
}

export function appendEntry(
  dir: string,
  entry: Omit<JournalEntry, "time" | "inputs"> & { inputs: Props },
): JournalEntry {
  // The bridge's bookkeeping of defaulted inputs is no input of the call.
  const { __defaults: _defaults, ...inputs } = entry.inputs;
  const full: JournalEntry = {
    time: new Date().toISOString(),
    ...entry,
    inputs: redact(inputs) as Props,
  };
  fs.appendFileSync(journalPath(dir), `${JSON.stringify(full)}\n`);
  return full;
}

export function readJournal(dir: string): JournalEntry[] {
  const file = journalPath(dir);
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as JournalEntry);
}

export interface LiveResource {
  urn: string;
  type: string;
  id: string;
  inputs: Props;
}

/** A resource's identity in the cloud: ids are unique per type only (a cache and its subnet group share a name). */
export const cloudKey = (type: string, id: string) => `${type} ${id}`;

/** Resources that exist now: created or replaced and not since deleted, by cloudKey. */
export function liveResources(entries: readonly JournalEntry[]): Map<string, LiveResource> {
  const live = new Map<string, LiveResource>();
  for (const e of entries) {
    if (e.error) continue;
    const key = cloudKey(e.type, e.id);
    if (e.op === "create" || e.op === "replace" || e.op === "update")
      live.set(key, { urn: e.urn, type: e.type, id: e.id, inputs: e.inputs });
    else if (e.op === "delete") live.delete(key);
  }
  return live;
}
