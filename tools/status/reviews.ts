/**
 * Is a promotion review waiting? `stagectl promote` saves each review's record beside its plan
 * (`<plan>.meta.json`, tools/promote/review-record.ts); the promote workflow's review job leaves
 * `promotion.plan.json.meta.json` in its directory, and a person's review leaves
 * `promotion-<from>-to-<to>.plan.json.meta.json`. Status looks in one directory (`--reviews`,
 * default the current one): reviews kept only as another workflow run's artifact are not seen,
 * and the field says where it looked.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { readReviewRecord, ReviewRecord } from "../promote/review-record";
import { Field, known, unknown } from "./fields";
import type { ReviewState } from "./model";

const RECORD_SUFFIX = ".plan.json.meta.json";

export interface FoundReview {
  file: string;
  record: ReviewRecord;
}

/** Every review record in `dir`, or why the directory cannot be read. */
export function findReviews(dir: string): { reviews: FoundReview[]; problems: string[] } {
  let names: string[];
  try {
    names = fs
      .readdirSync(dir)
      .filter((name) => name.endsWith(RECORD_SUFFIX))
      .sort();
  } catch (error) {
    return {
      reviews: [],
      problems: [`cannot list ${dir} (${error instanceof Error ? error.message : String(error)})`],
    };
  }
  const reviews: FoundReview[] = [];
  const problems: string[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    const read = readReviewRecord(file);
    if ("record" in read) reviews.push({ file, record: read.record });
    else problems.push(read.problem);
  }
  return { reviews, problems };
}

export interface ReviewFacts {
  from: string;
  to: string;
  dir: string;
  /** The full image reference the source runs now, and the target's. */
  sourceImage?: string;
  targetImage?: string;
  /** The target's checkpoint fingerprint now (read only when a record exists). */
  targetCheckpoint: () => Promise<string>;
}

const digestOf = (image: string) => /@(sha256:[a-f0-9]{64})$/.exec(image)?.[1] ?? image;

/** The newest review of `from -> to` in the directory, and whether it can still be applied. */
export async function reviewState(
  found: { reviews: FoundReview[]; problems: string[] },
  facts: ReviewFacts,
): Promise<Field<ReviewState>> {
  const mine = found.reviews
    .filter((r) => r.record.from === facts.from && r.record.to === facts.to)
    .sort((a, b) => b.record.reviewedAt.localeCompare(a.record.reviewedAt));
  const newest = mine[0];
  if (!newest) {
    if (found.problems.length > 0) return unknown(found.problems.join("; "));
    return known({ state: "none", looked: facts.dir });
  }
  const base = {
    file: newest.file,
    reviewedAt: newest.record.reviewedAt,
    digest: digestOf(newest.record.image),
  };
  if (facts.targetImage === newest.record.image) return known({ state: "applied", ...base });
  if (facts.sourceImage !== newest.record.image) {
    return known({
      state: "stale",
      ...base,
      reason: `${facts.from} now runs ${facts.sourceImage ? digestOf(facts.sourceImage) : "no image"}`,
    });
  }
  let checkpoint: string;
  try {
    checkpoint = await facts.targetCheckpoint();
  } catch (error) {
    return unknown(
      `cannot read ${facts.to}'s state to check the review in ${newest.file} (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`,
    );
  }
  if (checkpoint !== newest.record.target.checkpoint)
    return known({ state: "stale", ...base, reason: `${facts.to} changed since the review` });
  return known({ state: "pending", ...base });
}
