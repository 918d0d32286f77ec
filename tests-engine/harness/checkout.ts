/**
 * Fresh checkouts of the working tree, as CI gets one per job. The tree as it is now (tracked
 * files with their uncommitted changes, plus untracked files that are not ignored) becomes one
 * commit in a throw-away bare repository, built through a temporary index so the developer's
 * index, branches and files are untouched; every checkout is a `git clone` of it. Dependencies
 * are not reinstalled per clone: node_modules is a link to the working tree's (installing is
 * `npm ci`'s job, proven by CI itself).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../stage/stack-files";

const git = (args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) =>
  execFileSync("git", args, {
    cwd,
    env,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();

const IDENTITY = [
  "-c",
  "user.name=multistage engine suite",
  "-c",
  "user.email=engine-suite@multistage.invalid",
];

/** Snapshots the working tree into `<dir>/origin.git`; returns the bare repository's path. */
export function snapshotWorkingTree(dir: string, root = PROJECT_ROOT): string {
  fs.mkdirSync(dir, { recursive: true });
  const env = { ...process.env, GIT_INDEX_FILE: path.join(dir, "snapshot-index") };
  git(["read-tree", "HEAD"], root, env);
  git(["add", "-A", "."], root, env);
  const tree = git(["write-tree"], root, env);
  const commit = git(
    [
      ...IDENTITY,
      "commit-tree",
      tree,
      "-p",
      "HEAD",
      "-m",
      "engine suite: the working tree under test",
    ],
    root,
  );
  const origin = path.join(dir, "origin.git");
  git(["init", "-q", "--bare", origin], dir);
  git(["push", "-q", origin, `${commit}:refs/heads/main`], root);
  git(["symbolic-ref", "HEAD", "refs/heads/main"], origin);
  return origin;
}

export interface Checkout {
  dir: string;
  /** Paths the checkout changed since the clone (`git status --porcelain`). */
  changes(): string[];
}

/** A fresh clone of the snapshot at `dir`, with node_modules linked in. */
export function cloneCheckout(origin: string, dir: string, root = PROJECT_ROOT): Checkout {
  git(["clone", "-q", origin, dir], path.dirname(dir));
  fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"));
  // .gitignore's `node_modules/` matches directories only, not this link.
  fs.appendFileSync(path.join(dir, ".git", "info", "exclude"), "/node_modules\n");
  return {
    dir,
    changes: () =>
      execFileSync("git", ["status", "--porcelain"], { cwd: dir, encoding: "utf8" })
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => line.slice(3)),
  };
}
