import { strict as assert } from "node:assert";
import { defaultStackOutputs, renderStack } from "../tools/render/harness";
import { featureFixture } from "./helpers/feature-fixture";
import {
  expectRenderFailure,
  named,
  ofType,
  once,
  onlyOfType,
  renderWithConfig,
  shippedRender,
  TYPES,
} from "./helpers/renders";

const DOMAIN = {
  name: "dev.example.com",
  hostedZoneId: "Z0EXAMPLE",
  certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/dev-0000",
};
const PREVIEW = {
  previewDomain: "preview.example.com",
  previewCertificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/wildcard-preview",
};
const development = {
  "aws:region": "eu-west-1",
  "multistage:stage": "development",
  "multistage:domain": DOMAIN,
  "multistage:featureStacks": PREVIEW,
};
const DEVELOPMENT = "organization/multistage/development";
const LISTENER =
  "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/multistage-development/0000/1111";

const feature = featureFixture({ branch: "feature/checkout-v2" });
const featureRender = once(() =>
  renderStack(feature.stack, {
    configOverrides: feature.config,
    stackOutputs: {
      [DEVELOPMENT]: {
        ...defaultStackOutputs("multistage")[DEVELOPMENT],
        featurePreview: { listenerArn: LISTENER, domain: PREVIEW.previewDomain },
      },
    },
  }),
);
const developmentRender = once(() => renderWithConfig("development", development));

describe("feature stacks behind development's load balancer (featureStacks.previewDomain)", () => {
  it("development serves *.<previewDomain> on its HTTPS listener with the wildcard certificate and one wildcard alias", async () => {
    const { resources, outputs } = await developmentRender();
    const https = named(resources, "env-app-https");
    const certificate = onlyOfType(resources, "aws:lb/listenerCertificate:ListenerCertificate");
    assert.equal(certificate.inputs.certificateArn, PREVIEW.previewCertificateArn);
    assert.match(String(certificate.inputs.listenerArn), /:listener\/app\//);
    const records = ofType(resources, "aws:route53/record:Record").map((r) => r.inputs.name);
    assert.deepEqual(records.sort(), ["*.preview.example.com", "dev.example.com"]);
    const preview = outputs.featurePreview.value as { listenerArn: string; domain: string };
    assert.equal(preview.domain, PREVIEW.previewDomain);
    assert.match(
      preview.listenerArn,
      /^arn:aws:elasticloadbalancing:eu-west-1:\d{12}:listener\/app\//,
    );
    assert.equal(outputs.featurePreview.secret, false);
    assert.ok(https, "the HTTPS listener the rules go on");
  });

  it("development claims its own host name at priority 1 on both listeners, ahead of any feature stack's rule", async () => {
    const { resources } = await developmentRender();
    const own = named(resources, "env-app-own-host").inputs;
    assert.equal(own.priority, 1);
    assert.deepEqual(own.conditions, [{ hostHeader: { values: [DOMAIN.name] } }]);
    assert.equal((own.actions as Array<{ type: string }>)[0].type, "forward");
    const http = named(resources, "env-app-own-host-http").inputs;
    assert.equal(http.priority, 1);
    assert.deepEqual(http.conditions, own.conditions);
    assert.equal((http.actions as Array<{ type: string }>)[0].type, "redirect");
    assert.notEqual(own.listenerArn, http.listenerArn);
  });

  it("development's load balancer reaches the feature apps group on the app port, and nothing else reaches it", async () => {
    const { resources } = await developmentRender();
    const groups = ofType(resources, TYPES.securityGroup);
    const featureApps = groups.find(
      (g) => g.physicalName === "multistage-development-feature-apps",
    );
    assert.ok(featureApps);
    const egress = named(resources, "env-firewall-alb-to-feature-apps").inputs;
    assert.equal(egress.fromPort, 8080);
    const ingress = ofType(resources, TYPES.ingress).filter(
      (r) => r.name === "env-firewall-feature-apps-from-alb",
    );
    assert.equal(ingress.length, 1);
    assert.equal(ingress[0].inputs.fromPort, 8080);
    assert.equal(ingress[0].inputs.cidrIpv4, undefined);
    // The feature host admits the feature apps group on PostgreSQL's port, nothing else.
    const host = named(resources, "env-feature-host-db-from-app").inputs;
    assert.equal(host.fromPort, 5432);
    assert.equal(host.referencedSecurityGroupId, egress.referencedSecurityGroupId);
  });

  it("a shared feature stack adds a target group and a host-header rule instead of a load balancer", async () => {
    const { resources, outputs } = await featureRender();
    assert.equal(ofType(resources, TYPES.loadBalancer).length, 0);
    assert.equal(ofType(resources, TYPES.listener).length, 0);
    const rule = onlyOfType(resources, "aws:lb/listenerRule:ListenerRule").inputs;
    assert.equal(rule.listenerArn, LISTENER);
    assert.equal(rule.priority, undefined, "the provider takes the next free priority");
    assert.deepEqual(rule.conditions, [
      { hostHeader: { values: [`${feature.stack}.${PREVIEW.previewDomain}`] } },
    ]);
    assert.equal(outputs.url.value, `https://${feature.stack}.${PREVIEW.previewDomain}`);
    const service = onlyOfType(resources, TYPES.service);
    assert.ok(
      (service.options.dependsOn ?? []).some((d) => d.includes("env-app-rule")),
      "the service waits for the rule that forwards to its target group",
    );
    // Its own app group admits nothing: development's load balancer reaches the feature apps group.
    assert.equal(
      ofType(resources, TYPES.ingress).filter((r) => r.name.startsWith("env-firewall")).length,
      0,
    );
    assert.equal(
      ofType(resources, TYPES.securityGroup).filter((g) => g.name.endsWith("-alb")).length,
      0,
    );
  });

  it("refuses a preview domain without its certificate, without development's HTTPS, or outside development", async () => {
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      [
        "development",
        { ...development, "multistage:featureStacks": { previewDomain: PREVIEW.previewDomain } },
        /multistage:featureStacks: .*previewDomain and previewCertificateArn together/,
      ],
      [
        "development",
        {
          ...development,
          "multistage:domain": { name: DOMAIN.name, hostedZoneId: DOMAIN.hostedZoneId },
        },
        /multistage:featureStacks\.previewDomain: got "preview\.example\.com"; expected a preview domain only with multistage:domain\.certificateArn/,
      ],
      [
        "testing",
        { ...development, "multistage:stage": "testing" },
        /multistage:featureStacks: .*nothing in a testing stack/,
      ],
      [
        "development",
        { ...development, "multistage:featureStacks": { isolation: "dedicated", cache: "shared" } },
        /multistage:featureStacks\.cache: got "shared"; expected sidecar or serverless/,
      ],
    ];
    for (const [stack, config, message] of cases) {
      const failure = await expectRenderFailure(renderWithConfig(stack, config));
      assert.match(failure.message, message);
      assert.equal(failure.registeredResources, 0, "nothing registered");
    }
  });

  it("the render harness's development outputs have exactly the keys development's render exports", async () => {
    const { outputs } = await shippedRender("development");
    const exported = outputs.featureHost.value as Record<string, unknown>;
    const mocked = defaultStackOutputs("multistage")[DEVELOPMENT].featureHost as Record<
      string,
      unknown
    >;
    assert.deepEqual(Object.keys(mocked).sort(), Object.keys(exported).sort());
    assert.equal(mocked.maxDatabases, exported.maxDatabases);
    assert.equal(mocked.containerName, exported.containerName);
  });
});
