/**
 * A fake git history and an in-memory backend for `stagectl status`: five commits in a line,
 * development running the newest, staging the second, production not deployed.
 */
import type { StackUpdate } from "../../tools/engine/workspace";
import type { CommitInfo, GitHistory } from "../../tools/status/git-history";
import { MemoryWorkspace, repositoryStackFile } from "./memory-workspace";

export const REPOSITORY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/multistage-app";
export const imageOf = (n: number) => `${REPOSITORY}@sha256:${String(n).repeat(64).slice(0, 64)}`;
export const commitId = (n: number) => String(n).repeat(40).slice(0, 40);

/** C1..C5, one a day from 2026-02-24T10:00:00Z; C5 the newest. */
export const COMMITS: CommitInfo[] = [1, 2, 3, 4, 5].map((n) => ({
  id: commitId(n),
  subject: n === 4 ? "Fix the <login> | page" : `change ${n}`,
  committedAt: new Date(Date.UTC(2026, 1, 23 + n, 10)).toISOString(),
}));

/** A linear history: `between(base, tip)` is what tip has and base lacks, newest first. */
export function linearGit(commits: CommitInfo[] = COMMITS): GitHistory {
  const index = (id: string) => commits.findIndex((c) => c.id === id);
  return {
    where: "the fake history",
    commit: (id) => commits[index(id)],
    between: (base, tip) =>
      index(base) < 0 || index(tip) < 0
        ? undefined
        : commits.slice(index(base) + 1, index(tip) + 1).reverse(),
  };
}

export function update(
  at: string,
  config: Record<string, string>,
  fields: Partial<StackUpdate> = {},
): StackUpdate {
  return {
    kind: "update",
    result: "succeeded",
    startTime: at,
    endTime: at,
    environment: {},
    config,
    ...fields,
  };
}

const deployed = (n: number) => ({
  "multistage:image": imageOf(n),
  "multistage:imageCommit": commitId(n),
});

/** development runs C5, staging C2 (deployed C1 before), production does not exist. */
export function pipeline(): MemoryWorkspace {
  const outputs = (n: number) => ({
    image: { value: imageOf(n), secret: false },
    commit: { value: commitId(n), secret: false },
  });
  return new MemoryWorkspace()
    .addStack("development", {
      outputs: outputs(5),
      history: [
        update("2026-02-28T09:00:00.000Z", deployed(5), {
          environment: {
            "git.head": commitId(5),
            "ci.system": "GitHub",
            "ci.build.url": "https://ci.example.test/run/7",
          },
        }),
      ],
    })
    .addStack("staging", {
      config: {
        ...repositoryStackFile("staging"),
        ...Object.fromEntries(Object.entries(deployed(2)).map(([k, v]) => [k, { value: v }])),
      },
      outputs: outputs(2),
      history: [
        update("2026-02-25T12:00:00.000Z", deployed(1)),
        update("2026-02-26T12:00:00.000Z", deployed(2)),
        update("2026-02-27T12:00:00.000Z", deployed(2), { kind: "refresh" }),
      ],
    });
}
