/**
 * What `stagectl status` reads from git: a commit's subject and time, and the commits one stage
 * has that another does not. The real one runs git in the checkout (CI checks out with
 * `fetch-depth: 0` so the history is there); a commit the checkout lacks (a shallow clone,
 * a commit only pushed elsewhere) reads as undefined, which the caller turns into "unknown".
 */
import { spawnSync } from "node:child_process";

export interface CommitInfo {
  id: string;
  subject: string;
  /** Committer time, ISO: when the commit landed on its branch. */
  committedAt: string;
}

export interface GitHistory {
  /** The commit, or undefined when this repository does not have it. */
  commit(id: string): CommitInfo | undefined;
  /** Commits reachable from `tip` but not from `base`, newest first; undefined when either is missing. */
  between(base: string, tip: string): CommitInfo[] | undefined;
  /** Where the history comes from, for reasons. */
  readonly where: string;
}

const FORMAT = "--format=%H%x09%cI%x09%s";

function parse(text: string): CommitInfo[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const [id, committedAt, ...subject] = line.split("\t");
      return { id, committedAt: new Date(committedAt).toISOString(), subject: subject.join("\t") };
    });
}

/** The git repository at `dir` (a checkout of this project). */
export function gitHistoryAt(dir: string): GitHistory {
  const git = (args: string[]) =>
    spawnSync("git", args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  // `^{commit}` makes git check the object is a commit; `--end-of-options` keeps an id from reading as an option.
  const has = (id: string) =>
    /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(id) &&
    git(["cat-file", "-e", "--end-of-options", `${id}^{commit}`]).status === 0;
  return {
    where: `the git history of ${dir}`,
    commit(id) {
      if (!has(id)) return undefined;
      const shown = git(["show", "-s", FORMAT, "--end-of-options", id]);
      return shown.status === 0 ? parse(shown.stdout)[0] : undefined;
    },
    between(base, tip) {
      if (!has(base) || !has(tip)) return undefined;
      const listed = git(["log", FORMAT, "--end-of-options", `${base}..${tip}`]);
      return listed.status === 0 ? parse(listed.stdout) : undefined;
    },
  };
}
