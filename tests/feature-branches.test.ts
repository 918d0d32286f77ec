import { strict as assert } from "node:assert";
import { featureDatabaseNames } from "../components/feature-database";
import fc from "fast-check";
import { nameViolations, physicalName } from "../lib/aws/naming";
import { isValidStackName } from "../stage/resolve";
import { UsageError } from "../tools/commands/run-command";
import { NAME_PLAN } from "./helpers/name-plan";
import {
  branchHash,
  featureSlug,
  featureTargetForBranch,
  loadBranchRules,
  MAX_SLUG_LENGTH,
  targetForBranch,
} from "../tools/feature/branches";

const rules = loadBranchRules();
/** Pulumi stack names: A-Z a-z 0-9 - _ . up to 100 (the CLI's stack name validation, sdk/go/common/tokens). */
const PULUMI_STACK_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

const branchName = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 300 }),
  fc.string({ maxLength: 40 }).map((s) => `feature/${s}`),
  fc.stringMatching(/^[a-z0-9-]{1,20}$/).map((s) => `feature/${s}`),
  fc.string({ unit: "grapheme-composite", minLength: 1, maxLength: 30 }).map((s) => `Feature/${s}`),
  fc.string({ minLength: 250, maxLength: 300 }),
);

function refusal(branch: string): UsageError | undefined {
  try {
    featureTargetForBranch(branch, rules);
    return undefined;
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
}

describe("branches and stages", () => {
  it("maps git-flow branches to stages from Pulumi.yaml", () => {
    const cases: Array<[string, string]> = [
      ["develop", "development"],
      ["release/2.4", "staging"],
      ["hotfix/urgent-fix", "staging"],
      ["main", "production"],
      ["master", "production"],
      ["feature/login", "feature-login"],
      ["bugfix/typo", "feature"],
      ["developer-notes", "feature"],
    ];
    for (const [branch, expected] of cases) {
      const target = targetForBranch(branch, rules);
      const got =
        target.kind === "long-lived"
          ? target.stage
          : expected.startsWith("feature-")
            ? target.stack
            : "feature";
      assert.equal(got, expected, branch);
    }
  });

  it("keeps a clean feature/ name as its slug and hashes anything lossy", () => {
    assert.equal(featureSlug("feature/login"), "login");
    assert.match(featureSlug("Feature/Login"), /^logi-[0-9][0-9a-z]{7}$/);
    assert.notEqual(featureSlug("Feature/Login"), featureSlug("feature/LOGIN"));
    // A lossy slug keeps the first four characters (13 - 1 - 8) of the cleaned name.
    assert.match(featureSlug("bugfix/typo"), /^bugf-[0-9][0-9a-z]{7}$/);
    // A clean name that looks like a hashed slug is hashed too, so the two kinds never meet.
    assert.match(featureSlug("feature/ab-1x34z67q"), /^ab-1-[0-9][0-9a-z]{7}$/);
    assert.notEqual(featureSlug("feature/ab-1x34z67q"), "ab-1x34z67q");
    // A clean name ending like a data generation is hashed: feature/x-g2's database would be
    // feature_x_g2, feature-x's after two resyncs.
    assert.match(featureSlug("feature/x-g2"), /^x-g2-[0-9][0-9a-z]{7}$/);
    assert.equal(featureSlug("feature/x-go2"), "x-go2");
    // A clean name whose last word merely has eight letters stays clean.
    assert.equal(featureSlug("feature/add-payments"), "add-payments");
    assert.equal(featureSlug("Feature/Login"), featureSlug("Feature/Login"), "deterministic");
  });

  it("no branch's database name is another's after a data resync", () => {
    const stackOf = (name: string) => `feature-${featureSlug(`feature/${name}`)}`;
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9]{1,8}$/),
        fc.integer({ min: 1, max: 99 }),
        fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,15}$/),
        (name, generation, other) => {
          const resynced = featureDatabaseNames(stackOf(name), generation).database;
          // The branch named like the resynced database, and any other branch.
          return [`${name}-g${generation}`, other]
            .filter((branch) => branch !== name)
            .every((branch) => featureDatabaseNames(stackOf(branch), 0).database !== resynced);
        },
      ),
    );
  });

  it("tells apart two long branch names that share a prefix", () => {
    const a = `feature/${"checkout-redesign-".repeat(5)}a`;
    const b = `feature/${"checkout-redesign-".repeat(5)}b`;
    assert.notEqual(featureSlug(a), featureSlug(b));
  });

  it("refuses branches of long-lived stages, and empty or all-symbol names", () => {
    for (const branch of [
      "develop",
      "main",
      "release/1.0",
      "",
      "   ",
      "///",
      "feature/",
      "!!!---",
    ]) {
      const error = refusal(branch);
      assert.ok(error, `${JSON.stringify(branch)} was accepted`);
      assert.match(error.message, /long-lived stage|no letters or digits/);
    }
  });

  it("every accepted branch yields a valid stack and physical names within AWS limits, without shortening", () => {
    fc.assert(
      fc.property(branchName, (branch) => {
        const error = refusal(branch);
        if (error) {
          // The only refusals are the documented ones.
          assert.match(error.message, /long-lived stage|no letters or digits/);
          return;
        }
        const target = featureTargetForBranch(branch, rules);
        assert.match(target.stack, PULUMI_STACK_NAME);
        assert.match(target.stack, /^feature-[a-z0-9]+(-[a-z0-9]+)*$/);
        assert.ok(target.slug.length <= MAX_SLUG_LENGTH, target.slug);
        assert.ok(isValidStackName(target.stack), target.stack);
        for (const [type, purpose] of NAME_PLAN) {
          const name = physicalName("multistage", target.stack, type, purpose);
          assert.deepEqual(nameViolations(type, name), [], `${type} ${name}`);
          // Fits as is: the whole slug stays readable in every name.
          assert.ok(name.startsWith(target.namePrefix), `${name} lost the slug of ${target.stack}`);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it("distinct branches never share a stack", () => {
    fc.assert(
      fc.property(branchName, branchName, (a, b) => {
        fc.pre(a !== b && !refusal(a) && !refusal(b));
        assert.notEqual(
          featureTargetForBranch(a, rules).stack,
          featureTargetForBranch(b, rules).stack,
        );
      }),
      { numRuns: 3000 },
    );
  });

  it("the hash carries about 39.5 bits: a digit and seven base-36 characters, spread over every value", () => {
    const hashes = Array.from({ length: 2000 }, (_, i) => branchHash(`bugfix/${i}`));
    for (const hash of hashes) assert.match(hash, /^[0-9][0-9a-z]{7}$/);
    assert.equal(new Set(hashes).size, hashes.length);
    assert.equal(new Set(hashes.map((h) => h[0])).size, 10, "every leading digit occurs");
    assert.ok(
      new Set(hashes.map((h) => h[7])).size > 30,
      "the last character takes nearly every base-36 value",
    );
    assert.ok(Math.log2(10) + 7 * Math.log2(36) > 39);
  });

  it("case variants of one branch get different stacks", () => {
    const variants = ["feature/login", "Feature/Login", "FEATURE/LOGIN", "feature/Login"];
    const stacks = variants.map((v) => featureTargetForBranch(v, rules).stack);
    assert.equal(new Set(stacks).size, variants.length, stacks.join(", "));
  });
});
