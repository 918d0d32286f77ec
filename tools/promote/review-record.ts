/**
 * The review record, `<plan>.meta.json`: what a promotion review looked at, saved beside the
 * plan so that `--apply`, usually in another CI job with a fresh checkout, can prove it applies
 * exactly what was reviewed: the same stage pair, the same digest, the same plan file, and a
 * target that nothing has changed since (the same checkpoint in the backend and the same stack
 * config in the checkout). Anything else is refused with one line, never a stack trace.
 *
 * The record is not a signature: whoever can replace the artifact can replace both files. It
 * guards against applying a stale, foreign, partial or hand-edited review; the artifact's
 * integrity is the workflow's (one run, uploaded and downloaded by its own jobs).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { z } from "zod";
import { RefusalError, UsageError } from "../commands/run-command";
import type { ConfigEntry, StackState } from "../engine/workspace";

const RECORD_KIND = "multistage-promotion-review";
const RECORD_VERSION = 1;

const sha256 = z.string().regex(/^[a-f0-9]{64}$/, "a sha256 in hex");
const count = z.number().int().min(0);
const plannedStep = z.object({
  change: z.enum(["create", "update", "replace", "delete"]),
  type: z.string(),
  name: z.string(),
  urn: z.string(),
  diffs: z.array(z.string()),
  stateful: z.boolean(),
});

const recordSchema = z.object({
  kind: z.literal(RECORD_KIND),
  version: z.literal(RECORD_VERSION),
  from: z.string(),
  to: z.string(),
  image: z.string(),
  reviewedAt: z.string(),
  /** sha256 of the plan file as the preview wrote it. */
  planSha256: sha256,
  /** The target as it was reviewed. */
  target: z.object({
    checkpoint: sha256,
    lastUpdate: z.string().optional(),
    /** sha256 of the config the preview ran with (configFingerprint). */
    config: sha256,
  }),
  counts: z.object({ create: count, update: count, replace: count, delete: count, same: count }),
  statefulChanges: z.array(plannedStep),
});

export type ReviewRecord = z.infer<typeof recordSchema>;

/** What `--apply` compares the record with: the request and the world as they are now. */
export interface ApplyRequest {
  from: string;
  to: string;
  /** The digest the source runs now. */
  image: string;
  planPath: string;
  target: StackState;
  /** configFingerprint of the target's config with the image set, as the apply will run it. */
  config: string;
}

export function recordPath(planPath: string): string {
  return `${planPath}.meta.json`;
}

export function fileSha256(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/**
 * A fingerprint of the config a stack deploys with. Secret values are left out (only that the
 * key is secret counts): the record is an artifact others can read, and a hash of a short
 * secret can be guessed back.
 */
export function configFingerprint(config: Record<string, ConfigEntry>): string {
  const entries = Object.keys(config)
    .sort()
    .map((key) =>
      config[key].secret ? [key, { secret: true }] : [key, { value: config[key].value }],
    );
  return createHash("sha256").update(JSON.stringify(entries)).digest("hex");
}

export function newRecord(fields: Omit<ReviewRecord, "kind" | "version">): ReviewRecord {
  return { kind: RECORD_KIND, version: RECORD_VERSION, ...fields };
}

export function writeRecord(planPath: string, record: ReviewRecord): void {
  fs.writeFileSync(recordPath(planPath), `${JSON.stringify(record, null, 2)}\n`);
}

const reviewAgain = (request: Pick<ApplyRequest, "from" | "to">) =>
  `review again (promote --from ${request.from} --to ${request.to} without --apply)`;

/** One line, whatever the parser said. */
const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();

/**
 * Reads the review record and checks it against the request; returns it only if the apply
 * would do exactly what was reviewed. Each mismatch is a RefusalError naming what differs.
 */
export function readRecordFor(request: ApplyRequest): ReviewRecord {
  const record = parseRecord(request);
  if (record.from !== request.from || record.to !== request.to) {
    throw new RefusalError(
      `${recordPath(request.planPath)} reviews ${record.from} -> ${record.to}, not ${request.from} -> ${request.to}; ${reviewAgain(request)}`,
    );
  }
  if (record.image !== request.image) {
    throw new RefusalError(
      `The review in ${recordPath(request.planPath)} promotes ${record.image}, but ${request.from} now runs ${request.image}; ${reviewAgain(request)}`,
    );
  }
  const planSha256 = fileSha256(request.planPath);
  if (planSha256 !== record.planSha256) {
    throw new RefusalError(
      `The plan ${request.planPath} is not the one reviewed (sha256 ${planSha256.slice(0, 12)}…, reviewed ${record.planSha256.slice(0, 12)}…); ${reviewAgain(request)}`,
    );
  }
  if (request.target.fingerprint !== record.target.checkpoint) {
    const then = record.target.lastUpdate ?? "no update yet";
    const now = request.target.lastUpdate ?? "no update";
    throw new RefusalError(
      `${request.to} changed since the review (its state in the backend is not the one reviewed: reviewed after ${then}, now after ${now}); ${reviewAgain(request)}`,
    );
  }
  if (request.config !== record.target.config) {
    throw new RefusalError(
      `${request.to}'s config in this checkout (Pulumi.${request.to}.yaml) is not the one reviewed; apply from the commit that was reviewed, or ${reviewAgain(request)}`,
    );
  }
  return record;
}

function parseRecord(request: ApplyRequest): ReviewRecord {
  const meta = recordPath(request.planPath);
  for (const [file, what] of [
    [request.planPath, "plan"],
    [meta, "review record"],
  ] as const) {
    if (!fs.existsSync(file)) {
      throw new RefusalError(
        file === request.planPath
          ? `No reviewed plan at ${file}: --apply deploys only a reviewed plan; run promote --from ${request.from} --to ${request.to} without --apply first`
          : `The plan ${request.planPath} has no review record (${file} is missing); ${reviewAgain(request)}`,
      );
    }
    if (!fs.statSync(file).isFile()) throw new UsageError(`${file}: the ${what} is not a file`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(meta, "utf8"));
  } catch (error) {
    throw new RefusalError(
      `${meta} is not valid JSON (${oneLine(error instanceof Error ? error.message : String(error))}); ${reviewAgain(request)}`,
    );
  }
  const checked = recordSchema.safeParse(parsed);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const where = issue.path.length ? issue.path.join(".") : "the whole file";
    throw new RefusalError(
      `${meta} is not a promotion review written by stagectl (${where}: ${oneLine(issue.message)}); ${reviewAgain(request)}`,
    );
  }
  return checked.data;
}

/** A review record file as `stagectl status` reads it: the record, or why it is not one (never thrown: status only reports). */
export function readReviewRecord(file: string): { record: ReviewRecord } | { problem: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    return {
      problem: `${file} is not readable JSON (${oneLine(error instanceof Error ? error.message : String(error))})`,
    };
  }
  const checked = recordSchema.safeParse(parsed);
  return checked.success
    ? { record: checked.data }
    : { problem: `${file} is not a promotion review written by stagectl` };
}
