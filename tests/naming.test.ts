import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import fc from "fast-check";
import {
  HASH_LENGTH,
  NAME_RULES,
  NamedResourceType,
  nameViolations,
  Namer,
  maxHashedStageNameLength,
  physicalName,
  stagePrefix,
} from "../lib/aws/naming";
import {
  isValidStackName,
  MAX_SNAPSHOTTING_STACK_NAME_LENGTH,
  MAX_STACK_NAME_LENGTH,
} from "../stage/resolve";

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

/**
 * The name, or undefined when the stage name leaves no room for a hash after the prefix (only
 * then may naming refuse, and it says why).
 */
function nameOrRoomRefusal(
  stage: string,
  type: NamedResourceType,
  purpose: string,
): string | undefined {
  try {
    return physicalName("multistage", stage, type, purpose);
  } catch (error) {
    assert.ok(
      stage.length > maxHashedStageNameLength("multistage", type),
      `${type} ${stage} ${purpose}: ${String(error)}`,
    );
    assert.match(String(error), /leaves no room for a hash/);
    return undefined;
  }
}

describe("physical names", () => {
  it("fit every type's AWS rules for any stage name the model accepts", () => {
    fc.assert(
      fc.property(
        acceptedStageName,
        fc.constantFrom(...TYPES),
        fc.constantFrom(...PURPOSES),
        (stage, type, purpose) => {
          const name = nameOrRoomRefusal(stage, type, purpose);
          if (name === undefined) return;
          assert.deepEqual(nameViolations(type, name), [], `${type} ${name}`);
          // The whole stage prefix survives any shortening: deployers may create nothing else.
          const prefix = stagePrefix("multistage", stage);
          assert.ok(
            name === prefix || name.startsWith(`${prefix}-`),
            `${name} is outside ${prefix}`,
          );
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("the names every stage the model accepts needs can always be made: its load balancer and target group, its cache, and where it keeps final snapshots the cache's", () => {
    fc.assert(
      fc.property(acceptedStageName, (stage) => {
        assert.ok(stage.length <= MAX_STACK_NAME_LENGTH);
        for (const type of ["alb", "target-group"] as const)
          assert.equal(
            physicalName("multistage", stage, type, ""),
            stagePrefix("multistage", stage),
          );
        assert.ok(
          physicalName("multistage", stage, "elasticache-replication-group", "cache").startsWith(
            `${stagePrefix("multistage", stage)}-`,
          ),
        );
        if (stage.length <= MAX_SNAPSHOTTING_STACK_NAME_LENGTH) {
          assert.ok(
            physicalName(
              "multistage",
              stage,
              "elasticache-replication-group",
              "cache-final",
            ).startsWith(`${stagePrefix("multistage", stage)}-`),
          );
        }
      }),
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
          const name = nameOrRoomRefusal(stage, type, purpose);
          if (name === undefined) return;
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

  it("tell apart two long names that share everything but their end", () => {
    const a = physicalName("multistage", "staging", "alb", `${"x".repeat(30)}a`);
    const b = physicalName("multistage", "staging", "alb", `${"x".repeat(30)}b`);
    assert.equal(a.length, 32);
    assert.notEqual(a, b);
  });

  it("are deterministic: a shortened name is its head and the first 8 hex of SHA-256 of the full name, in every process", () => {
    assert.equal(physicalName("multistage", "staging", "alb", ""), "multistage-staging");
    assert.equal(
      physicalName("multistage", "staging", "rds-instance", "db"),
      "multistage-staging-db",
    );
    // A changed algorithm would rename, so replace, every shortened resource of every stack:
    // the expected value is computed here from the rule, not by calling the naming module twice.
    const full = "multistage-development-eu-cache-final-snapshot";
    const suffix = `-${createHash("sha256").update(full).digest("hex").slice(0, 8)}`;
    const expected = `${full.slice(0, 40 - suffix.length).replace(/-+$/, "")}${suffix}`;
    assert.equal(
      physicalName(
        "multistage",
        "development-eu",
        "elasticache-replication-group",
        "cache-final-snapshot",
      ),
      expected,
    );
    assert.match(expected, /^multistage-development-eu-cache-[0-9a-f]{8}$/);
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
