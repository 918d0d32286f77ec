/** The pipeline at a glance, as `stagectl status --json` prints it and every renderer reads it. */
import type { LongLivedKind } from "../../stage/profile";
import type { FeatureStackRow } from "../feature/feature-list";
import type { Field } from "./fields";
import type { CommitInfo } from "./git-history";

/** The image a stage runs: its digest and repository name (the registry host, which names the AWS account, left out). */
export interface ImageRef {
  digest: string;
  repository: string;
}

/** A commit a stage runs: its id always, its subject and time when the local history has it. */
export interface CommitRef {
  id: string;
  subject?: string;
  committedAt?: string;
}

export interface Deployment {
  /** When the update finished. */
  at: string;
  startedAt: string;
  /** Which update: Pulumi Cloud's version number, or (DIY backends) its start time, and where it ran from. */
  update: string;
  version?: number;
  /** The commit of the checkout the update ran from (`git.head`), when the CLI recorded one. */
  ranFrom?: string;
  /** The CI job that ran it (`ci.build.url`), when the CLI recorded one. */
  ciBuildUrl?: string;
  message?: string;
}

export interface Behind {
  /** The stage below, whose commits this one does not run yet. */
  below: string;
  count: number;
  /** The waiting commits, newest first. */
  commits: CommitInfo[];
  /** The oldest waiting commit and how long it has waited since it landed. */
  oldest?: CommitInfo & { ageHours: number };
}

export type ReviewState =
  | { state: "none"; looked: string }
  /** pending: can still be applied; applied: the target runs its image; stale: something it looked at changed. */
  | {
      state: "pending" | "applied" | "stale";
      file: string;
      reviewedAt: string;
      digest: string;
      reason?: string;
    };

export interface StageStatus {
  stack: string;
  kind: LongLivedKind;
  /** The stage below on this one's promotion path; absent for the lowest. */
  below?: string;
  deployed: boolean;
  image: Field<ImageRef>;
  commit: Field<CommitRef>;
  lastDeployed: Field<Deployment>;
  /** Absent for the lowest stage. */
  behind?: Field<Behind>;
  /** A promotion review from the stage below; absent for the lowest stage. */
  review?: Field<ReviewState>;
}

export interface StageArrival {
  stack: string;
  /** When the first successful update that ran the commit finished, and hours since the commit. */
  reached: Field<{ at: string; hours: number }>;
}

export interface LeadTimeSample {
  commit: string;
  deployedAt: string;
  hours: number;
}

export interface LeadTime {
  /** The commit production runs. */
  commit: Field<CommitRef>;
  /** For that commit, from commit to each stage. */
  stages: StageArrival[];
  /** The median over the last `window` production deployments of a new commit. */
  median: Field<{ hours: number; window: number; samples: LeadTimeSample[] }>;
}

export interface StatusDocument {
  generatedAt: string;
  /** The long-lived stacks in promotion order. */
  order: string[];
  stages: StageStatus[];
  leadTime: LeadTime;
  features: Field<FeatureStackRow[]>;
}
