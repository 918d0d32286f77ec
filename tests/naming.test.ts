import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import fc from "fast-check";
import {
  HASH_LENGTH,
  NAME_RULES,
  NamedResourceType,
  nameViolations,
  Namer,
  physicalName,
} from "../lib/aws/naming";
import { isValidStackName } from "../stage/resolve";

const TYPES = Object.keys(NAME_RULES) as NamedResourceType[];
/** Purposes the components use, plus a long one that forces shortening everywhere. */
const PURPOSES = [
  "",
  "app",
  "app-execution",
  "app-task",
  "assets",
  "cache",
  "cache-credentials",
  "db",
  "db-credentials",
  "db-final",
  "db-pg16",
  "cluster",
  "cache-final",
  "x".repeat(80),
];

/** Stage names the stage model accepts (stack names), generated from its own rule. */
const acceptedStageName = fc.stringMatching(/^[a-z][a-z0-9-]{0,40}$/).filter(isValidStackName);

describe("physical names", () => {
  it("fit every type's AWS rules for any stage name the model accepts", () => {
    fc.assert(
      fc.property(
        acceptedStageName,
        fc.constantFrom(...TYPES),
        fc.constantFrom(...PURPOSES),
        (stage, type, purpose) => {
          const name = physicalName("multistage", stage, type, purpose);
          assert.deepEqual(nameViolations(type, name), [], `${type} ${name}`);
          assert.ok(name.startsWith("multistage-"), name);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("keep the full stage in the name whenever it fits, and a hash when they had to be shortened", () => {
    fc.assert(
      fc.property(
        acceptedStageName,
        fc.constantFrom(...TYPES),
        fc.constantFrom(...PURPOSES),
        (stage, type, purpose) => {
          const full = purpose ? `multistage-${stage}-${purpose}` : `multistage-${stage}`;
          const name = physicalName("multistage", stage, type, purpose);
          if (name !== full) {
            assert.match(
              name,
              new RegExp(`-[0-9a-f]{${HASH_LENGTH}}$`),
              `${full} was shortened to ${name} without a hash`,
            );
          } else {
            assert.ok(name.length <= NAME_RULES[type].maxLength);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("never give two stages the same name for the same resource", () => {
    fc.assert(
      fc.property(
        acceptedStageName,
        acceptedStageName,
        fc.constantFrom(...TYPES),
        fc.constantFrom(...PURPOSES),
        (a, b, type, purpose) => {
          fc.pre(a !== b);
          assert.notEqual(
            physicalName("multistage", a, type, purpose),
            physicalName("multistage", b, type, purpose),
          );
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("tell apart two long stage names that share their first 40 characters", () => {
    const a = `feature-${"a".repeat(31)}-x`;
    const b = `feature-${"a".repeat(31)}-y`;
    const nameA = physicalName("multistage", a, "alb", "alb");
    const nameB = physicalName("multistage", b, "alb", "alb");
    assert.equal(nameA.length, 32);
    assert.notEqual(nameA, nameB);
  });

  it("are deterministic: a shortened name is its head and the first 8 hex of SHA-256 of the full name, in every process", () => {
    assert.equal(physicalName("multistage", "staging", "alb", ""), "multistage-staging");
    assert.equal(
      physicalName("multistage", "staging", "rds-instance", "db"),
      "multistage-staging-db",
    );
    // A changed algorithm would rename, so replace, every shortened resource of every stack:
    // the expected value is computed here from the rule, not by calling the naming module twice.
    const full = "multistage-development-with-a-long-name-alb";
    const suffix = `-${createHash("sha256").update(full).digest("hex").slice(0, 8)}`;
    const expected = `${full.slice(0, 32 - suffix.length).replace(/-+$/, "")}${suffix}`;
    assert.equal(
      physicalName("multistage", "development-with-a-long-name", "alb", "alb"),
      expected,
    );
    assert.equal(expected, "multistage-development-ccc79a16");
  });

  it("dodge the Secrets Manager suffix rule", () => {
    // "-assets" is a hyphen and six characters, which Secrets Manager reserves for its ARN suffix.
    const name = physicalName("multistage", "staging", "secret", "assets");
    assert.deepEqual(nameViolations("secret", name), []);
    assert.notEqual(name, "multistage-staging-assets");
  });

  it("log groups are paths that start with project and stage", () => {
    assert.equal(new Namer("multistage", "staging").logGroup("app"), "/multistage/staging/app");
  });

  describe("the rule checker itself", () => {
    const bad: Array<[NamedResourceType, string, RegExp]> = [
      ["alb", "a".repeat(33), /longer than 32/],
      ["alb", "internal-multistage", /internal-/],
      ["s3-bucket", "Multistage-Bucket", /characters outside/],
      ["s3-bucket", "multistage_bucket", /characters outside/],
      ["rds-instance", "1multistage", /begins with a letter/],
      ["rds-instance", "multistage--db", /double hyphen/],
      ["elasticache-replication-group", "multistage-cache-", /trailing hyphen/],
      ["secret", "multistage-x-abcdef", /hyphen and 6 characters/],
      ["security-group", "sg-multistage", /begins with a letter|sg- prefix/],
      ["target-group", "t".repeat(33), /longer than 32/],
    ];
    for (const [type, name, reason] of bad) {
      it(`rejects ${type} "${name.length > 20 ? `${name.slice(0, 20)}...` : name}"`, () => {
        assert.match(nameViolations(type, name).join("; "), reason);
      });
    }
  });
});
