/** How far a stage is behind the stage below it: the commits between the two, from git. Pure. */
import { Field, hoursBetween, known, unknown } from "./fields";
import type { GitHistory } from "./git-history";
import type { Behind, CommitRef } from "./model";

export function behindBelow(
  stage: { stack: string; commit: Field<CommitRef> },
  below: { stack: string; commit: Field<CommitRef> },
  git: GitHistory,
  now: Date,
): Field<Behind> {
  if ("unknown" in stage.commit)
    return unknown(`${stage.stack}'s commit is unknown (${stage.commit.unknown})`);
  if ("unknown" in below.commit)
    return unknown(`${below.stack}'s commit is unknown (${below.commit.unknown})`);
  const commits = git.between(stage.commit.value.id, below.commit.value.id);
  if (!commits) {
    const missing = [stage.commit.value.id, below.commit.value.id].filter((id) => !git.commit(id));
    return unknown(
      `${missing.map((id) => id.slice(0, 12)).join(" and ")} ${missing.length === 1 ? "is" : "are"} not in ${git.where} (a shallow clone? fetch the full history)`,
    );
  }
  const behind: Behind = { below: below.stack, count: commits.length, commits };
  const oldest = commits.at(-1);
  if (oldest)
    behind.oldest = { ...oldest, ageHours: hoursBetween(new Date(oldest.committedAt), now) };
  return known(behind);
}
