import { strict as assert } from "node:assert";
import type { PolicyResource, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { digestPinned } from "../policy/rules/digest-pinned";
import { encryption } from "../policy/rules/encryption";
import { bucketAccessLogs } from "../policy/rules/bucket-access-logs";
import { featureExpiry } from "../policy/rules/feature-expiry";
import { httpsRedirect } from "../policy/rules/https-redirect";
import { loadBalancerAccessLogs } from "../policy/rules/load-balancer-access-logs";
import { nothingPublic } from "../policy/rules/nothing-public";
import { productionProtected } from "../policy/rules/production-protected";
import { productionUntouchable } from "../policy/rules/production-untouchable";
import { checkPolicies } from "../tools/policy/offline";
import { runStagectl, stdoutJson, testContext } from "./helpers/context";
import { MemoryWorkspace } from "./helpers/memory-workspace";
import { renderStack } from "../tools/render/harness";
import { featureTargetForBranch, loadBranchRules } from "../tools/feature/branches";
import {
  accessFor,
  LONG_LIVED_STACKS,
  PINNED_IMAGE,
  renderWithConfig,
  shippedRender,
} from "./helpers/renders";

function resource(
  type: string,
  name: string,
  props: Record<string, unknown>,
  protect = false,
): PolicyResource {
  return {
    type,
    name,
    props,
    urn: `urn:pulumi:s::multistage::${type}::${name}`,
    opts: {
      protect,
      ignoreChanges: [],
      aliases: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
      additionalSecretOutputs: [],
    },
    dependencies: [],
    propertyDependencies: {},
    isType: () => false,
    asType: () => undefined,
  };
}

const provider = (kind: string, extra: Record<string, string> = {}) =>
  resource("pulumi:providers:aws", "env-aws", {
    defaultTags: { tags: { project: "multistage", stage: kind, "stage-kind": kind, ...extra } },
  });

async function violations(
  policy: StackValidationPolicy,
  resources: PolicyResource[],
  stackTags = new Map<string, string>(),
): Promise<string[]> {
  const found: string[] = [];
  const args: StackValidationArgs = {
    resources,
    stackTags,
    getConfig: <T extends object>() => ({}) as T,
    notApplicable: (): never => {
      throw new Error("n/a");
    },
  };
  await policy.validateStack(args, (message) => found.push(message));
  return found;
}

const goodDb = {
  deletionProtection: true,
  skipFinalSnapshot: false,
  storageEncrypted: true,
  publiclyAccessible: false,
};
const bucket = (props: Record<string, unknown> = {}) =>
  resource(
    "aws:s3/bucket:Bucket",
    "env-bucket-bucket",
    { bucket: "multistage-x-assets", forceDestroy: false, ...props },
    true,
  );
const accessBlock = (flags: boolean) =>
  resource("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "env-bucket-public-access", {
    bucket: "multistage-x-assets",
    blockPublicAcls: flags,
    blockPublicPolicy: flags,
    ignorePublicAcls: flags,
    restrictPublicBuckets: flags,
  });

describe("mandatory policies, each on a passing and a violating fixture", () => {
  it("production-stateful-protected", async () => {
    const passing = [
      provider("production"),
      resource("aws:rds/instance:Instance", "db", goodDb, true),
      bucket(),
    ];
    assert.deepEqual(await violations(productionProtected, passing), []);
    const failing = [
      provider("production"),
      resource(
        "aws:rds/instance:Instance",
        "db",
        { ...goodDb, deletionProtection: false, skipFinalSnapshot: true },
        false,
      ),
      bucket({ forceDestroy: true }),
    ];
    const found = await violations(productionProtected, failing);
    assert.ok(found.some((v) => /db .* must be protected/.test(v)));
    assert.ok(found.some((v) => /deletion protection/.test(v)));
    assert.ok(found.some((v) => /final snapshot/.test(v)));
    assert.ok(found.some((v) => /force-destroyable/.test(v)));
    assert.deepEqual(
      await violations(productionProtected, [provider("development"), ...failing.slice(1)]),
      [],
      "lower stages may be destroyable",
    );
  });

  it("nothing-public-but-the-load-balancer", async () => {
    const web = (port: number) =>
      resource("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", `in-${port}`, {
        cidrIpv4: "0.0.0.0/0",
        fromPort: port,
        toPort: port,
      });
    const passing = [provider("staging"), bucket(), accessBlock(true), web(443), web(80)];
    assert.deepEqual(await violations(nothingPublic, passing), []);
    const failing = [
      provider("staging"),
      bucket(),
      accessBlock(false),
      web(5432),
      resource("aws:rds/instance:Instance", "db", { ...goodDb, publiclyAccessible: true }),
      resource("aws:s3/bucketPolicy:BucketPolicy", "policy", {
        policy: JSON.stringify({
          Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "*" }],
        }),
      }),
    ];
    const found = await violations(nothingPublic, failing);
    assert.equal(found.length, 4, found.join("\n"));
  });

  it("encryption-at-rest-and-in-transit", async () => {
    const sse = resource(
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "sse",
      { bucket: "multistage-x-assets" },
    );
    const params = (value: string) =>
      resource("aws:rds/parameterGroup:ParameterGroup", "params", {
        parameters: [{ name: "rds.force_ssl", value }],
      });
    const cache = (on: boolean) =>
      resource("aws:elasticache/replicationGroup:ReplicationGroup", "cache", {
        atRestEncryptionEnabled: on,
        transitEncryptionEnabled: on,
      });
    assert.deepEqual(
      await violations(encryption, [
        resource("aws:rds/instance:Instance", "db", goodDb),
        params("1"),
        cache(true),
        bucket(),
        sse,
      ]),
      [],
    );
    const found = await violations(encryption, [
      resource("aws:rds/instance:Instance", "db", { ...goodDb, storageEncrypted: false }),
      params("0"),
      cache(false),
      bucket(),
    ]);
    assert.equal(found.length, 5, found.join("\n"));
  });

  it("images-pinned-by-digest", async () => {
    const task = (image: string) =>
      resource("aws:ecs/taskDefinition:TaskDefinition", "task", {
        containerDefinitions: JSON.stringify([{ name: "app", image }]),
      });
    assert.deepEqual(
      await violations(digestPinned, [provider("production"), task(PINNED_IMAGE)]),
      [],
    );
    assert.match(
      (await violations(digestPinned, [provider("production"), task("repo/app:v2")]))[0],
      /not pinned by digest/,
    );
    assert.deepEqual(
      await violations(digestPinned, [provider("development"), task("repo/app:v2")]),
      [],
      "development may run tags",
    );
  });

  it("feature-stacks-expire", async () => {
    assert.deepEqual(
      await violations(featureExpiry, [
        provider("feature", { "expires-at": "2026-03-04T12:00:00Z" }),
      ]),
      [],
    );
    assert.match(
      (await violations(featureExpiry, [provider("feature")]))[0],
      /no valid expires-at tag/,
    );
    const disagree = await violations(
      featureExpiry,
      [provider("feature", { "expires-at": "2026-03-04T12:00:00Z" })],
      new Map([["multistage:expires-at", "2026-03-09T00:00:00Z"]]),
    );
    assert.match(disagree[0], /disagrees/);
  });

  it("no-lower-stage-writes-to-production", async () => {
    const rolePolicy = (statement: Record<string, unknown>) =>
      resource("aws:iam/rolePolicy:RolePolicy", "policy", {
        role: "multistage-development-x",
        policy: { Version: "2012-10-17", Statement: [statement] },
      });
    const sanitized = rolePolicy({
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:ListBucket"],
      Resource: ["arn:aws:s3:::multistage-production-sanitized/*"],
    });
    assert.deepEqual(
      await violations(productionUntouchable, [provider("development"), sanitized]),
      [],
      "the sanitized copy is what lower stages read",
    );
    const write = rolePolicy({
      Effect: "Allow",
      Action: ["s3:PutObject"],
      Resource: ["arn:aws:s3:::multistage-production-assets/*"],
    });
    assert.match(
      (await violations(productionUntouchable, [provider("development"), write]))[0],
      /lets a development principal s3:PutObject on arn:aws:s3:::multistage-production-assets\/index\.html/,
    );
    assert.deepEqual(
      await violations(productionUntouchable, [provider("production"), write]),
      [],
      "production's own roles write production",
    );
  });

  describe("no-lower-stage-writes-to-production cannot be bypassed (each found by a review)", () => {
    const account = "123456789012";
    const role = resource("aws:iam/role:Role", "env-app-task-role", {
      name: "multistage-development-app-task",
    });
    const inline = (statement: Record<string, unknown>) =>
      resource("aws:iam/rolePolicy:RolePolicy", "p", {
        role: "multistage-development-app-task",
        policy: { Version: "2012-10-17", Statement: [statement] },
      });
    const bypasses: Array<[string, PolicyResource[], RegExp]> = [
      [
        "a read of production's secret",
        [
          inline({
            Effect: "Allow",
            Action: "secretsmanager:GetSecretValue",
            Resource: `arn:aws:secretsmanager:*:${account}:secret:multistage-production-*`,
          }),
        ],
        /secretsmanager:GetSecretValue/,
      ],
      [
        "a multistage-prod* wildcard",
        [inline({ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::multistage-prod*" })],
        /s3:PutBucketPolicy on arn:aws:s3:::multistage-production-assets/,
      ],
      [
        "a db:multistage-* wildcard",
        [
          inline({
            Effect: "Allow",
            Action: "rds:*",
            Resource: `arn:aws:rds:*:${account}:db:multistage-*`,
          }),
        ],
        /rds:DeleteDBInstance/,
      ],
      [
        "NotAction",
        [inline({ Effect: "Allow", NotAction: "iam:*", Resource: "*" })],
        /rds:DeleteDBInstance/,
      ],
      [
        "NotResource",
        [
          inline({
            Effect: "Allow",
            Action: "s3:PutObject",
            NotResource: "arn:aws:s3:::multistage-development-*",
          }),
        ],
        /s3:PutObject on arn:aws:s3:::multistage-production-assets/,
      ],
      [
        "an AdministratorAccess attachment",
        [
          resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "admin", {
            role: "multistage-development-app-task",
            policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
          }),
        ],
        /ecs:UpdateService/,
      ],
      [
        "an unknown managed policy",
        [
          resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "other", {
            role: "multistage-development-app-task",
            policyArn: "arn:aws:iam::aws:policy/AmazonS3FullAccess",
          }),
        ],
        /attaches arn:aws:iam::aws:policy\/AmazonS3FullAccess, a managed policy the pack cannot read/,
      ],
      [
        "Role.inlinePolicies",
        [
          resource("aws:iam/role:Role", "sneaky", {
            name: "multistage-development-sneaky",
            inlinePolicies: [
              {
                name: "x",
                policy: JSON.stringify({
                  Version: "2012-10-17",
                  Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
                }),
              },
            ],
          }),
        ],
        /multistage-development-sneaky lets a development principal/,
      ],
    ];
    for (const [what, added, message] of bypasses) {
      it(`reports ${what}`, async () => {
        const found = await violations(productionUntouchable, [
          provider("development"),
          role,
          ...added,
        ]);
        assert.ok(
          found.some((v) => message.test(v)),
          found.join("\n") || "(no violation)",
        );
      });
    }
  });
});

const LB_ARN =
  "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/multistage-x/1";
const listener = (
  name: string,
  protocol: string,
  defaultActions: unknown[],
  loadBalancerArn = LB_ARN,
) =>
  resource("aws:lb/listener:Listener", name, {
    protocol,
    port: protocol === "HTTPS" ? 443 : 80,
    loadBalancerArn,
    defaultActions,
  });
const forward = [
  {
    type: "forward",
    targetGroupArn:
      "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/multistage-x/1",
  },
];
const redirectTo = (protocol: string) => [
  { type: "redirect", redirect: { protocol, port: "443", statusCode: "HTTP_301" } },
];
const logBucket = (name = "multistage-x-logs") =>
  resource("aws:s3/bucket:Bucket", `${name}-bucket`, { bucket: name }, true);
const expiring = (bucketName = "multistage-x-logs", days = 90, status = "Enabled") =>
  resource(
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    `${bucketName}-lifecycle`,
    {
      bucket: bucketName,
      rules: [{ id: "expire-logs", status, filter: {}, expiration: { days } }],
    },
  );
const loadBalancer = (props: Record<string, unknown>, type = "aws:lb/loadBalancer:LoadBalancer") =>
  resource(type, `lb-${Object.keys(props).join("-")}`, {
    loadBalancerType: "application",
    ...props,
  });
const bucketLogging = (
  bucketName: string,
  targetBucket: string,
  type = "aws:s3/bucketLogging:BucketLogging",
) =>
  resource(type, `${bucketName}-logging`, {
    bucket: bucketName,
    targetBucket,
    targetPrefix: "s3/assets/",
  });

describe("the audit-trail and HTTPS rules (AWS Guard's, on @pulumi/aws 7's resources), each on passing and violating fixtures", () => {
  it("http-redirects-to-https (AWS Guard: alb-http-to-https-redirection)", async () => {
    const https = listener("https", "HTTPS", forward);
    assert.deepEqual(
      await violations(httpsRedirect, [
        provider("production"),
        https,
        listener("http", "HTTP", redirectTo("HTTPS")),
      ]),
      [],
    );
    assert.deepEqual(
      await violations(httpsRedirect, [
        provider("production"),
        https,
        listener("http", "HTTP", forward),
      ]),
      ["http (HTTP, port 80) must have one default action, a redirect to HTTPS; it has forward"],
    );
    // A production without a certificate is the program's warning, not a refusal (see render-stages).
    assert.deepEqual(
      await violations(httpsRedirect, [provider("production"), listener("http", "HTTP", forward)]),
      [],
    );
    assert.equal(
      (
        await violations(httpsRedirect, [
          provider("production"),
          https,
          listener("http", "HTTP", redirectTo("HTTP")),
        ])
      ).length,
      1,
      "a redirect to plain HTTP",
    );
    assert.equal(
      (
        await violations(httpsRedirect, [
          provider("production"),
          https,
          listener("http", "HTTP", [...redirectTo("HTTPS"), ...forward]),
        ])
      ).length,
      1,
      "two default actions",
    );
    assert.equal(
      (
        await violations(httpsRedirect, [
          provider("production"),
          https,
          listener("http", "HTTP", []),
        ])
      ).length,
      1,
      "no default action",
    );
    // Every stage alike: wherever a certificate exists, and only there.
    assert.deepEqual(
      await violations(httpsRedirect, [provider("development"), listener("http", "HTTP", forward)]),
      [],
      "no certificate, plain HTTP is allowed",
    );
    assert.match(
      (
        await violations(httpsRedirect, [
          provider("staging"),
          https,
          listener("http", "HTTP", forward),
        ])
      )[0],
      /http \(HTTP, port 80\) must have one default action, a redirect to HTTPS/,
    );
    const otherLb = listener("other-http", "HTTP", forward, `${LB_ARN}0`);
    assert.deepEqual(
      await violations(httpsRedirect, [
        provider("staging"),
        https,
        listener("http", "HTTP", redirectTo("HTTPS")),
        otherLb,
      ]),
      [],
      "another load balancer without a certificate",
    );
  });

  it("load-balancer-access-logs (AWS Guard: elb-logging-enabled)", async () => {
    const logs = { bucket: "multistage-x-logs", prefix: "alb", enabled: true };
    const passing = [
      provider("production"),
      loadBalancer({ accessLogs: logs }),
      logBucket(),
      expiring(),
    ];
    assert.deepEqual(await violations(loadBalancerAccessLogs, passing), []);
    const noLogs = await violations(loadBalancerAccessLogs, [
      provider("production"),
      loadBalancer({}),
      logBucket(),
      expiring(),
    ]);
    assert.deepEqual(noLogs, [
      "lb- writes no access logs (accessLogs.enabled is not true); production keeps an audit trail of every request",
    ]);
    assert.equal(
      (
        await violations(loadBalancerAccessLogs, [
          provider("production"),
          loadBalancer({ accessLogs: { ...logs, enabled: false } }),
          logBucket(),
          expiring(),
        ])
      ).length,
      1,
      "disabled",
    );
    assert.equal(
      (
        await violations(loadBalancerAccessLogs, [
          provider("production"),
          loadBalancer({ accessLogs: { bucket: logs.bucket } }),
          logBucket(),
          expiring(),
        ])
      ).length,
      1,
      "an ALB's enabled defaults to false",
    );
    assert.match(
      (
        await violations(loadBalancerAccessLogs, [
          provider("production"),
          loadBalancer({ accessLogs: { ...logs, bucket: "someone-elses" } }),
          logBucket(),
          expiring(),
        ])
      )[0],
      /logs into "someone-elses", which is not a bucket of this stack/,
    );
    assert.match(
      (
        await violations(loadBalancerAccessLogs, [
          provider("production"),
          loadBalancer({ accessLogs: logs }),
          logBucket(),
        ])
      )[0],
      /logs into multistage-x-logs, which never expires them/,
    );
    assert.equal(
      (
        await violations(loadBalancerAccessLogs, [
          provider("production"),
          loadBalancer({ accessLogs: logs }),
          logBucket(),
          expiring(undefined, 90, "Disabled"),
        ])
      ).length,
      1,
      "a disabled lifecycle rule",
    );
    // Classic load balancers log when given a bucket (enabled defaults to true); network ones are out of scope.
    assert.deepEqual(
      await violations(loadBalancerAccessLogs, [
        provider("production"),
        loadBalancer({ accessLogs: { bucket: logs.bucket } }, "aws:elb/loadBalancer:LoadBalancer"),
        logBucket(),
        expiring(),
      ]),
      [],
    );
    assert.deepEqual(
      await violations(loadBalancerAccessLogs, [
        provider("production"),
        loadBalancer({ loadBalancerType: "network" }),
      ]),
      [],
    );
    assert.equal(
      (
        await violations(loadBalancerAccessLogs, [
          provider("production"),
          loadBalancer({}, "aws:alb/loadBalancer:LoadBalancer"),
        ])
      ).length,
      1,
      "the aws.alb alias",
    );
    assert.deepEqual(
      await violations(loadBalancerAccessLogs, [provider("staging"), loadBalancer({})]),
      [],
      "mandatory in production only",
    );
  });

  it("bucket-server-access-logs (AWS Guard: s3-bucket-logging-enabled)", async () => {
    const assets = bucket();
    const passing = [
      provider("production"),
      assets,
      logBucket(),
      expiring(),
      bucketLogging("multistage-x-assets", "multistage-x-logs"),
    ];
    assert.deepEqual(
      await violations(bucketAccessLogs, passing),
      [],
      "the log bucket itself is exempt: it receives the logs",
    );
    assert.deepEqual(
      await violations(bucketAccessLogs, [
        ...passing.slice(0, 4),
        bucketLogging(
          "multistage-x-assets",
          "multistage-x-logs",
          "aws:s3/bucketLoggingV2:BucketLoggingV2",
        ),
      ]),
      [],
    );
    const unlogged = await violations(bucketAccessLogs, [
      provider("production"),
      assets,
      logBucket(),
      expiring(),
    ]);
    assert.deepEqual(
      unlogged,
      [
        "env-bucket-bucket (multistage-x-assets) has no server access logging: add an aws.s3.BucketLogging into the stage's log bucket",
        "multistage-x-logs-bucket (multistage-x-logs) has no server access logging: add an aws.s3.BucketLogging into the stage's log bucket",
      ],
      "a bucket nobody logs into is not a log bucket",
    );
    const inline = bucket({ logging: { targetBucket: "multistage-x-logs", targetPrefix: "s3/" } });
    assert.equal(
      (await violations(bucketAccessLogs, [provider("production"), inline])).length,
      1,
      "v7's deprecated inline logging does not count",
    );
    assert.match(
      (
        await violations(bucketAccessLogs, [
          provider("production"),
          assets,
          bucketLogging("multistage-x-assets", "elsewhere"),
        ])
      )[0],
      /env-bucket-bucket logs into "elsewhere", which is not a bucket of this stack/,
    );
    assert.match(
      (
        await violations(bucketAccessLogs, [
          provider("production"),
          assets,
          logBucket(),
          bucketLogging("multistage-x-assets", "multistage-x-logs"),
        ])
      )[0],
      /never expires them/,
    );
    assert.deepEqual(
      await violations(bucketAccessLogs, [provider("staging"), assets]),
      [],
      "mandatory in production only",
    );
  });
});

describe("every shipped stack passes every mandatory policy offline", () => {
  for (const stack of LONG_LIVED_STACKS) {
    it(stack, async () => {
      assert.deepEqual(await checkPolicies(await shippedRender(stack)), []);
    });
  }

  it("a feature stack and a staging replica", async () => {
    const target = featureTargetForBranch("feature/policy", loadBranchRules());
    const feature = await renderStack(target.stack, {
      configOverrides: {
        "aws:region": "eu-west-1",
        "multistage:stage": "feature",
        "multistage:feature": {
          branch: "feature/policy",
          createdAt: "2026-03-01T12:00:00Z",
          expiresAt: "2026-03-04T12:00:00Z",
        },
      },
    });
    assert.deepEqual(
      await checkPolicies(feature, new Map([["multistage:expires-at", "2026-03-04T12:00:00Z"]])),
      [],
    );
    const replica = await renderWithConfig("staging", {
      "aws:region": "eu-west-1",
      "multistage:stage": "staging",
      "multistage:image": PINNED_IMAGE,
      "multistage:data": { source: "production-replica", acknowledgeProductionData: true },
      "multistage:access": accessFor("staging"),
    });
    assert.deepEqual(await checkPolicies(replica), []);
  });

  it("stagectl policy reports a clean stack and exits 0", async () => {
    const context = await runStagectl(testContext(new MemoryWorkspace()), [
      "policy",
      "production",
      "--json",
    ]);
    assert.equal(context.exitCode, 0, context.err.join(""));
    assert.deepEqual(stdoutJson(context), { stack: "production", violations: [] });
  });

  it("HTTP redirects to HTTPS in every render with a certificate", async () => {
    const certificate = { certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/abc" };
    const renders = [
      await renderWithConfig("production", {
        "aws:region": "eu-west-1",
        "multistage:stage": "production",
        "multistage:image": PINNED_IMAGE,
        "multistage:access": accessFor("production"),
        "multistage:domain": certificate,
      }),
      await renderWithConfig("development", {
        "aws:region": "eu-west-1",
        "multistage:stage": "development",
        "multistage:domain": certificate,
      }),
      await renderWithConfig("staging", {
        "aws:region": "eu-west-1",
        "multistage:stage": "staging",
        "multistage:image": PINNED_IMAGE,
        "multistage:access": accessFor("staging"),
        "multistage:domain": certificate,
      }),
      await renderStack(featureTargetForBranch("feature/tls", loadBranchRules()).stack, {
        configOverrides: {
          "aws:region": "eu-west-1",
          "multistage:stage": "feature",
          "multistage:feature": {
            branch: "feature/tls",
            createdAt: "2026-03-01T12:00:00Z",
            expiresAt: "2026-03-04T12:00:00Z",
          },
          "multistage:domain": certificate,
        },
      }),
    ];
    for (const render of renders) {
      const listeners = render.resources.filter((r) => r.type === "aws:lb/listener:Listener");
      assert.deepEqual(
        listeners.map((l) => l.inputs.protocol).sort(),
        ["HTTP", "HTTPS"],
        render.stack,
      );
      assert.deepEqual(
        (await checkPolicies(render)).filter((v) => v.policy === httpsRedirect.name),
        [],
        render.stack,
      );
      // Not vacuous: the same render with its HTTP listener forwarding breaks the rule.
      const broken = structuredClone(render);
      const http = broken.resources.find(
        (r) => r.type === "aws:lb/listener:Listener" && r.inputs.protocol === "HTTP",
      );
      assert.ok(http);
      http.inputs.defaultActions = [
        {
          type: "forward",
          targetGroupArn: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/x/1",
        },
      ];
      assert.deepEqual(
        (await checkPolicies(broken)).map((v) => v.policy),
        [httpsRedirect.name],
        render.stack,
      );
    }
  });

  it("a production render without its audit trail is caught offline", async () => {
    const render = structuredClone(await shippedRender("production"));
    const alb = render.resources.find((r) => r.type === "aws:lb/loadBalancer:LoadBalancer");
    assert.ok(alb);
    delete alb.inputs.accessLogs;
    render.resources = render.resources.filter(
      (r) => r.type !== "aws:s3/bucketLogging:BucketLogging",
    );
    const found = await checkPolicies(render);
    assert.deepEqual(
      found.map((v) => v.message),
      [
        "env-app-alb writes no access logs (accessLogs.enabled is not true); production keeps an audit trail of every request",
        // Nothing logs into the log bucket any more, so it is no longer exempt either.
        "env-access-logs-bucket (multistage-production-logs) has no server access logging: add an aws.s3.BucketLogging into the stage's log bucket",
        "env-bucket-bucket (multistage-production-assets) has no server access logging: add an aws.s3.BucketLogging into the stage's log bucket",
        "env-sanitized-bucket (multistage-production-sanitized) has no server access logging: add an aws.s3.BucketLogging into the stage's log bucket",
      ],
    );
  });

  it("a render that breaks a rule is caught offline", async () => {
    const render = structuredClone(await shippedRender("production"));
    const db = render.resources.find((r) => r.type === "aws:rds/instance:Instance");
    assert.ok(db);
    db.options.protect = false;
    db.inputs.storageEncrypted = false;
    const found = await checkPolicies(render);
    assert.deepEqual(found.map((v) => v.policy).sort(), [
      "encryption-at-rest-and-in-transit",
      "production-stateful-protected",
    ]);
  });
});
