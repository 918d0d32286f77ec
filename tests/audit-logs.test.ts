import { strict as assert } from "node:assert";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { physicalName } from "../lib/aws/naming";
import { ELB_LOG_DELIVERY, S3_LOG_DELIVERY } from "../components/log-bucket";
import { renderStack } from "../tools/render/harness";
import { featureTargetForBranch, loadBranchRules } from "../tools/feature/branches";
import { NAME_PLAN } from "./helpers/name-plan";
import {
  accessFor,
  named,
  ofType,
  onlyOfType,
  PINNED_IMAGE,
  renderWithConfig,
  shippedRender,
  TYPES,
} from "./helpers/renders";

const ACCOUNT = "123456789012";
const LOGGING = "aws:s3/bucketLogging:BucketLogging";

interface Statement {
  Sid: string;
  Effect: string;
  Principal: unknown;
  Action: string;
  Resource: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

describe("the audit trail: access logs into the stage's own log bucket", () => {
  for (const [stack, retention, protectedBucket] of [
    ["staging", 30, false],
    ["production", 90, true],
  ] as const) {
    describe(stack, () => {
      it(`has a log bucket of its own that expires logs after the stage's ${retention} days, and follows the stage's teardown`, async () => {
        const { resources } = await shippedRender(stack);
        const bucket = named(resources, "env-access-logs-bucket");
        assert.equal(bucket.physicalName, `multistage-${stack}-logs`);
        assert.equal(bucket.inputs.forceDestroy, false);
        assert.equal(bucket.options.protect, protectedBucket);
        assert.equal(bucket.options.retainOnDelete, protectedBucket);
        const rules = named(resources, "env-access-logs-lifecycle").inputs.rules as Array<{
          status: string;
          filter: unknown;
          expiration: { days: number };
        }>;
        assert.deepEqual(
          rules.map((r) => [r.status, r.filter, r.expiration.days]),
          [["Enabled", {}, retention]],
        );
        assert.equal(
          ofType(resources, "aws:s3/bucketVersioning:BucketVersioning").filter(
            (v) => v.inputs.bucket === bucket.physicalName,
          ).length,
          0,
          "an expired log is gone",
        );
      });

      it("turns on the load balancer's access logs, after the policy that lets ELB write", async () => {
        const { resources } = await shippedRender(stack);
        const alb = onlyOfType(resources, TYPES.loadBalancer);
        assert.deepEqual(alb.inputs.accessLogs, {
          bucket: `multistage-${stack}-logs`,
          prefix: "alb",
          enabled: true,
        });
        assert.deepEqual(alb.options.dependsOn, [
          "aws:s3/bucketPolicy:BucketPolicy::env-access-logs-policy",
        ]);
      });

      it(`logs the requests of ${stack === "production" ? "the assets and the sanitized bucket" : "the assets bucket"} into the log bucket`, async () => {
        const { resources } = await shippedRender(stack);
        const purposes = stack === "production" ? ["assets", "sanitized"] : ["assets"];
        const loggings = ofType(resources, LOGGING).sort((a, b) =>
          String(a.inputs.bucket).localeCompare(String(b.inputs.bucket)),
        );
        // No target grants: ACLs are disabled, and the bucket policy is what lets S3 deliver.
        assert.deepEqual(
          loggings.map((l) => l.inputs),
          purposes.map((purpose) => ({
            bucket: `multistage-${stack}-${purpose}`,
            targetBucket: `multistage-${stack}-logs`,
            targetPrefix: `s3/${purpose}/`,
          })),
        );
        for (const logging of loggings)
          assert.deepEqual(logging.options.dependsOn, [
            "aws:s3/bucketPolicy:BucketPolicy::env-access-logs-policy",
          ]);
      });

      it("lets exactly the two log deliverers write, each only its own prefix", async () => {
        const { resources } = await shippedRender(stack);
        const policy = (
          named(resources, "env-access-logs-policy").inputs.policy as { Statement: Statement[] }
        ).Statement;
        const arn = `arn:aws:s3:::multistage-${stack}-logs`;
        const allows = policy.filter((s) => s.Effect === "Allow");
        assert.deepEqual(allows, [
          {
            Sid: "LoadBalancerAccessLogs",
            Effect: "Allow",
            Principal: { Service: ELB_LOG_DELIVERY },
            Action: "s3:PutObject",
            Resource: `${arn}/alb/AWSLogs/${ACCOUNT}/*`,
          },
          {
            Sid: "BucketServerAccessLogs",
            Effect: "Allow",
            Principal: { Service: S3_LOG_DELIVERY },
            Action: "s3:PutObject",
            Resource: `${arn}/s3/*`,
            Condition: {
              ArnLike: {
                "aws:SourceArn": [
                  `arn:aws:s3:::multistage-${stack}-assets`,
                  ...(stack === "production"
                    ? ["arn:aws:s3:::multistage-production-sanitized"]
                    : []),
                ],
              },
              StringEquals: { "aws:SourceAccount": ACCOUNT },
            },
          },
        ]);
        assert.equal(policy.length, 3, "and the TLS-only deny");
      });
    });
  }

  it("development has none of it by profile: no log bucket, no bucket logging, no load balancer logs", async () => {
    const { resources } = await shippedRender("development");
    assert.equal(ofType(resources, "multistage:storage:LogBucket").length, 0);
    assert.equal(ofType(resources, LOGGING).length, 0);
    assert.equal(onlyOfType(resources, TYPES.loadBalancer).inputs.accessLogs, undefined);
  });

  it("staging may turn it off; development and a feature stack may turn it on, destroyable, with names from the name plan", async () => {
    const off = await renderWithConfig("staging", {
      "aws:region": "eu-west-1",
      "multistage:stage": "staging",
      "multistage:image": PINNED_IMAGE,
      "multistage:access": accessFor("staging"),
      "multistage:logs": { accessLogs: false },
    });
    assert.equal(ofType(off.resources, TYPES.bucket).length, 1);
    assert.equal(onlyOfType(off.resources, TYPES.loadBalancer).inputs.accessLogs, undefined);

    const dev = await renderWithConfig("development", {
      "aws:region": "eu-west-1",
      "multistage:stage": "development",
      "multistage:logs": { accessLogs: true, retentionDays: 14 },
    });
    const bucket = named(dev.resources, "env-access-logs-bucket");
    assert.equal(bucket.inputs.forceDestroy, true, "a destroyable stage's destroy empties it");
    assert.equal(bucket.options.protect, false);
    assert.equal(
      (
        named(dev.resources, "env-access-logs-lifecycle").inputs.rules as Array<{
          expiration: { days: number };
        }>
      )[0].expiration.days,
      14,
    );

    const target = featureTargetForBranch(
      "feature/audit-trail-with-a-very-long-branch-name",
      loadBranchRules(),
    );
    const feature = await renderStack(target.stack, {
      configOverrides: {
        "aws:region": "eu-west-1",
        "multistage:stage": "feature",
        "multistage:feature": {
          branch: "feature/audit-trail-with-a-very-long-branch-name",
          createdAt: "2026-03-01T12:00:00Z",
          expiresAt: "2026-03-04T12:00:00Z",
        },
        "multistage:logs": { accessLogs: true },
      },
    });
    const planned = new Set(
      NAME_PLAN.map(([type, purpose]) => physicalName("multistage", target.stack, type, purpose)),
    );
    const name = named(feature.resources, "env-access-logs-bucket").physicalName as string;
    assert.ok(planned.has(name), `${name} is not in tests/helpers/name-plan.ts`);
    assert.ok(name.length <= 63 && name.startsWith(`multistage-${target.stack}-`), name);
  });
});

describe("the log bucket policy under an IAM policy simulator", function () {
  this.timeout(60_000);
  const BUCKET = "arn:aws:s3:::multistage-production-logs";
  const ASSETS = "arn:aws:s3:::multistage-production-assets";

  async function decision(
    principal: string,
    action: string,
    resource: string,
    context: Record<string, string> = {},
  ): Promise<string> {
    const { resources } = await shippedRender("production");
    const resourcePolicy = named(resources, "env-access-logs-policy").inputs.policy;
    const response = await runSimulation(
      {
        identityPolicies: [],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy,
        request: {
          principal,
          action,
          resource: { accountId: ACCOUNT, resource },
          contextVariables: { "aws:SecureTransport": "true", ...context },
        },
      } as Parameters<typeof runSimulation>[0],
      {},
    );
    if (response.resultType === "error")
      throw new Error(
        `simulation of ${action} on ${resource} failed: ${JSON.stringify(response.errors)}`,
      );
    return response.overallResult;
  }

  it("lets ELB write this account's load balancer logs, and nothing else", async () => {
    assert.equal(
      await decision(
        ELB_LOG_DELIVERY,
        "s3:PutObject",
        `${BUCKET}/alb/AWSLogs/${ACCOUNT}/elasticloadbalancing/eu-west-1/x.log.gz`,
      ),
      "Allowed",
    );
    assert.notEqual(
      await decision(
        ELB_LOG_DELIVERY,
        "s3:PutObject",
        `${BUCKET}/alb/AWSLogs/999999999999/x.log.gz`,
      ),
      "Allowed",
      "another account's load balancer",
    );
    assert.notEqual(
      await decision(ELB_LOG_DELIVERY, "s3:PutObject", `${BUCKET}/s3/assets/x`),
      "Allowed",
      "the S3 logs' prefix",
    );
    assert.notEqual(
      await decision(
        ELB_LOG_DELIVERY,
        "s3:DeleteObject",
        `${BUCKET}/alb/AWSLogs/${ACCOUNT}/x.log.gz`,
      ),
      "Allowed",
    );
    assert.equal(
      await decision(
        ELB_LOG_DELIVERY,
        "s3:PutObject",
        `${BUCKET}/alb/AWSLogs/${ACCOUNT}/x.log.gz`,
        { "aws:SecureTransport": "false" },
      ),
      "ExplicitlyDenied",
    );
  });

  it("lets S3 write server access logs only on behalf of the assets bucket of this account", async () => {
    const own = { "aws:SourceArn": ASSETS, "aws:SourceAccount": ACCOUNT };
    assert.equal(
      await decision(
        S3_LOG_DELIVERY,
        "s3:PutObject",
        `${BUCKET}/s3/assets/2026-03-01-12-00-00-ABC`,
        own,
      ),
      "Allowed",
    );
    assert.notEqual(
      await decision(S3_LOG_DELIVERY, "s3:PutObject", `${BUCKET}/s3/assets/x`, {
        ...own,
        "aws:SourceArn": "arn:aws:s3:::someone-elses-bucket",
      }),
      "Allowed",
    );
    assert.notEqual(
      await decision(S3_LOG_DELIVERY, "s3:PutObject", `${BUCKET}/s3/assets/x`, {
        ...own,
        "aws:SourceAccount": "999999999999",
      }),
      "Allowed",
    );
    assert.notEqual(
      await decision(S3_LOG_DELIVERY, "s3:PutObject", `${BUCKET}/alb/AWSLogs/${ACCOUNT}/x`, own),
      "Allowed",
      "the load balancer's prefix",
    );
  });

  it("grants nobody else anything", async () => {
    assert.notEqual(
      await decision(
        `arn:aws:iam::${ACCOUNT}:role/multistage-staging-app-task`,
        "s3:GetObject",
        `${BUCKET}/alb/AWSLogs/${ACCOUNT}/x.log.gz`,
      ),
      "Allowed",
    );
    assert.notEqual(
      await decision(
        "arn:aws:iam::999999999999:root",
        "s3:PutObject",
        `${BUCKET}/alb/AWSLogs/${ACCOUNT}/x.log.gz`,
      ),
      "Allowed",
    );
    assert.notEqual(
      await decision(
        "delivery.logs.amazonaws.com",
        "s3:PutObject",
        `${BUCKET}/alb/AWSLogs/${ACCOUNT}/x.log.gz`,
      ),
      "Allowed",
    );
  });
});
