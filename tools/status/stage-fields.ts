/** A stage's image, commit and last deployment, from its stack facts and git. Pure. */
import { physicalName } from "../../lib/aws/naming";
import { PROJECT } from "../../stage/keys";
import { GIT_COMMIT_ID } from "../../stage/schema";
import { Field, known, unknown } from "./fields";
import type { GitHistory } from "./git-history";
import type { CommitRef, Deployment, ImageRef } from "./model";
import type { StackFacts } from "./backend-facts";

const PINNED = /^(.+)@(sha256:[a-f0-9]{64})$/;

export function imageField(facts: StackFacts): Field<ImageRef> {
  if ("unknown" in facts.outputs) return facts.outputs;
  const image = facts.outputs.value.image?.value;
  if (typeof image !== "string" || image === "")
    return unknown(
      `${facts.stack} exports no image (not deployed since the app service existed, or its last update failed)`,
    );
  const pinned = PINNED.exec(image);
  if (!pinned)
    return unknown(`${facts.stack} runs ${image.split("/").pop()}, which is not pinned by digest`);
  // The repository's last path segment only: the registry host names the AWS account.
  return known({ digest: pinned[2], repository: pinned[1].split("/").pop() ?? pinned[1] });
}

export function commitField(
  facts: StackFacts,
  image: Field<ImageRef>,
  git: GitHistory,
): Field<CommitRef> {
  if ("unknown" in facts.outputs) return facts.outputs;
  const commit = facts.outputs.value.commit?.value;
  if (typeof commit !== "string" || !GIT_COMMIT_ID.test(commit)) {
    // The stage's own repository, named as components/app-image.ts names it.
    const builtHere =
      "value" in image &&
      image.value.repository === physicalName(PROJECT, facts.stack, "ecr-repository", "app");
    return unknown(
      builtHere
        ? `${facts.stack} builds app/ into its own repository from the checkout it deploys, which records no commit; deploy it with multistage:image and multistage:imageCommit, as CI does`
        : `${facts.stack} exports no commit: its image was deployed without multistage:imageCommit`,
    );
  }
  const info = git.commit(commit);
  return known(
    info ? { id: commit, subject: info.subject, committedAt: info.committedAt } : { id: commit },
  );
}

/** The newest successful update, and which update it was. */
export function lastDeployedField(facts: StackFacts): Field<Deployment> {
  if ("unknown" in facts.history) return facts.history;
  const last = facts.history.value.find(
    (u) => u.kind === "update" && u.result === "succeeded" && u.endTime,
  );
  if (!last?.endTime) {
    return unknown(
      facts.history.value.length === 0
        ? `${facts.stack} has no update in its history`
        : `none of ${facts.stack}'s last ${facts.history.value.length} history entries is a successful update`,
    );
  }
  const ranFrom = last.environment["git.head"];
  const ciBuildUrl = last.environment["ci.build.url"];
  const which =
    last.version !== undefined ? `update #${last.version}` : `the update started ${last.startTime}`;
  return known({
    at: last.endTime,
    startedAt: last.startTime,
    update: `${which}${ranFrom ? ` from ${ranFrom.slice(0, 12)}` : ""}${last.environment["ci.system"] ? ` in ${last.environment["ci.system"]}` : ""}`,
    ...(last.version !== undefined ? { version: last.version } : {}),
    ...(ranFrom ? { ranFrom } : {}),
    ...(ciBuildUrl ? { ciBuildUrl } : {}),
    ...(last.message ? { message: last.message } : {}),
  });
}
