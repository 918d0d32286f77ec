/** Short forms every renderer shares, so text, Markdown and HTML say the same thing. */
import type { Field } from "./fields";
import type { Behind, CommitRef, Deployment, ImageRef, ReviewState } from "./model";

export const shortId = (id: string) => id.slice(0, 12);

/** 30 h stays hours; 50 h reads as 2.1 d. */
export function duration(hours: number): string {
  return Math.abs(hours) < 48 ? `${hours.toFixed(1)} h` : `${(hours / 24).toFixed(1)} d`;
}

export function field<T>(value: Field<T> | undefined, show: (value: T) => string): string {
  if (value === undefined) return "-";
  return "unknown" in value ? `unknown: ${value.unknown}` : show(value.value);
}

export const showImage = (image: ImageRef) => `${image.repository}@${image.digest.slice(0, 19)}`;
export const showCommit = (commit: CommitRef) =>
  `${shortId(commit.id)}${commit.subject ? ` ${commit.subject}` : ""}`;
export const showDeployment = (d: Deployment) => `${d.at} (${d.update})`;

export function showBehind(behind: Behind): string {
  if (behind.count === 0) return `up to date with ${behind.below}`;
  const oldest = behind.oldest ? `, the oldest waiting ${duration(behind.oldest.ageHours)}` : "";
  return `${behind.count} commit${behind.count === 1 ? "" : "s"} behind ${behind.below}${oldest}`;
}

export function showReview(review: ReviewState): string {
  if (review.state === "none") return `none (looked in ${review.looked})`;
  const what = `${review.digest.slice(0, 19)} reviewed ${review.reviewedAt}`;
  return `${review.state}: ${what}${review.reason ? ` (${review.reason})` : ""}`;
}
