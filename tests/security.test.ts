import { strict as assert } from "node:assert";
import {
  appContainer,
  LONG_LIVED_STACKS,
  named,
  ofType,
  onlyOfType,
  shippedRender,
  stageDatabase,
  TYPES,
} from "./helpers/renders";

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Principal?: unknown;
  Condition?: unknown;
}

function statements(policy: unknown): Statement[] {
  assert.ok(policy && typeof policy === "object", "policy is a parsed document");
  return (policy as { Statement: Statement[] }).Statement;
}

const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);

describe("security of every rendered stage", () => {
  for (const stack of LONG_LIVED_STACKS) {
    describe(stack, () => {
      it("admits database and cache traffic only from the app's security group", async () => {
        const { resources } = await shippedRender(stack);
        const rules = ofType(resources, TYPES.ingress);
        // The app group is the one the load balancer forwards into.
        const appGroupId = rules.find((r) => r.name === "env-firewall-app-from-alb")?.inputs
          .securityGroupId;
        assert.ok(appGroupId);
        for (const [purpose, port] of [
          ["db", 5432],
          ["cache", 6379],
        ] as const) {
          const ruleList = rules.filter((r) => r.name === `env-${purpose}-from-app`);
          assert.equal(ruleList.length, 1, `one ingress rule into the ${purpose} group`);
          const rule = ruleList[0].inputs;
          assert.equal(rule.fromPort, port);
          assert.equal(rule.toPort, port);
          assert.equal(rule.cidrIpv4, undefined, `${purpose} admits no CIDR`);
          assert.equal(
            rule.referencedSecurityGroupId,
            appGroupId,
            `${purpose} admits the app group only`,
          );
          // No other rule targets the data store's group.
          const groupId = rule.securityGroupId;
          assert.equal(rules.filter((r) => r.inputs.securityGroupId === groupId).length, 1);
          const store =
            purpose === "db"
              ? stageDatabase(resources).inputs.vpcSecurityGroupIds
              : onlyOfType(resources, TYPES.cache).inputs.securityGroupIds;
          assert.deepEqual(store, [groupId], `the ${purpose} sits in that group alone`);
        }
      });

      it("exposes nothing but the load balancer", async () => {
        const { resources, outputs } = await shippedRender(stack);
        const rules = ofType(resources, TYPES.ingress);
        const open = rules.filter(
          (r) => r.inputs.cidrIpv4 === "0.0.0.0/0" || r.inputs.cidrIpv6 === "::/0",
        );
        const albGroupId = rules.find((r) => r.name === "env-firewall-alb-in-80")?.inputs
          .securityGroupId;
        assert.ok(open.length > 0);
        for (const rule of open)
          assert.equal(
            rule.inputs.securityGroupId,
            albGroupId,
            `${rule.name} opens a non-ALB group`,
          );
        // Open exactly the ports something listens on: 80 alone until a certificate adds 443.
        const listening = ofType(resources, TYPES.listener).map((l) => l.inputs.port);
        assert.deepEqual(open.map((r) => r.inputs.fromPort).sort(), listening.sort());
        assert.deepEqual(listening, [80]);
        assert.equal(stageDatabase(resources).inputs.publiclyAccessible, false);
        assert.equal(onlyOfType(resources, TYPES.loadBalancer).inputs.internal, false);
        const network = onlyOfType(resources, TYPES.service).inputs.networkConfiguration as {
          assignPublicIp: boolean;
          subnets: string[];
        };
        assert.equal(network.assignPublicIp, false);
        // Tasks run in the private subnets, the load balancer in the public ones.
        assert.deepEqual(network.subnets, outputs.privateSubnetIds.value);
        assert.deepEqual(
          onlyOfType(resources, TYPES.loadBalancer).inputs.subnets,
          outputs.publicSubnetIds.value,
        );
        assert.notDeepEqual(outputs.privateSubnetIds.value, outputs.publicSubnetIds.value);
        // Private subnets reach the internet only outwards, through NAT.
        for (const table of ofType(resources, "aws:ec2/routeTable:RouteTable").filter((t) =>
          t.name.includes("private"),
        )) {
          const routes = table.inputs.routes as Array<{
            gatewayId?: string;
            natGatewayId?: string;
          }>;
          assert.ok(
            routes.every((r) => r.natGatewayId && !r.gatewayId),
            `${table.name} routes to an internet gateway`,
          );
        }
        for (const subnet of ofType(resources, TYPES.subnet))
          assert.equal(subnet.inputs.mapPublicIpOnLaunch, false);
      });

      it("keeps every bucket private, owner-enforced, SSE-S3 encrypted and TLS-only", async () => {
        const { resources } = await shippedRender(stack);
        const buckets = ofType(resources, TYPES.bucket);
        assert.ok(buckets.length >= 1);
        const of = (type: string, bucket: string) => {
          const found = ofType(resources, type).filter((r) => r.inputs.bucket === bucket);
          assert.equal(found.length, 1, `one ${type} for ${bucket}`);
          return found[0].inputs;
        };
        for (const name of buckets.map((b) => b.physicalName as string)) {
          const block = of(TYPES.publicAccessBlock, name);
          for (const flag of [
            "blockPublicAcls",
            "blockPublicPolicy",
            "ignorePublicAcls",
            "restrictPublicBuckets",
          ])
            assert.equal(block[flag], true, `${name} ${flag}`);
          assert.equal(
            (
              of("aws:s3/bucketOwnershipControls:BucketOwnershipControls", name).rule as {
                objectOwnership: string;
              }
            ).objectOwnership,
            "BucketOwnerEnforced",
          );
          const sse = of(
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            name,
          ).rules as Array<{ applyServerSideEncryptionByDefault: { sseAlgorithm: string } }>;
          assert.equal(
            sse[0].applyServerSideEncryptionByDefault.sseAlgorithm,
            "AES256",
            `${name}: SSE-S3, the only default encryption ALB access logs accept`,
          );
          const deny = statements(of(TYPES.bucketPolicy, name).policy).filter(
            (s) => s.Effect === "Deny",
          );
          assert.deepEqual(
            deny.map((s) => s.Condition),
            [{ Bool: { "aws:SecureTransport": "false" } }],
            name,
          );
        }
        const assets = statements(named(resources, "env-bucket-policy").inputs.policy);
        assert.ok(
          assets.every((s) => s.Effect === "Deny"),
          "the assets bucket policy grants nothing, it only denies",
        );
      });

      it("lets the task role use only its own stage's bucket", async () => {
        const { resources } = await shippedRender(stack);
        const bucketArn = `arn:aws:s3:::${named(resources, "env-bucket-bucket").physicalName}`;
        const taskPolicy = named(resources, "env-app-task-policy");
        assert.ok(taskPolicy);
        const allowed = statements(taskPolicy.inputs.policy).filter((s) => s.Effect === "Allow");
        assert.ok(allowed.length >= 2);
        for (const statement of allowed) {
          for (const action of list(statement.Action)) assert.match(action, /^s3:/);
          for (const resource of list(statement.Resource)) {
            assert.ok(
              resource === bucketArn || resource === `${bucketArn}/*`,
              `task role reaches ${resource}`,
            );
          }
        }
      });

      it("lets the execution role read only its own stage's secrets", async () => {
        const { resources } = await shippedRender(stack);
        const ownSecretNames = [
          named(resources, "env-db-secret").physicalName,
          named(resources, "env-cache-secret").physicalName,
        ];
        const executionPolicy = named(resources, "env-app-execution-policy");
        assert.ok(executionPolicy);
        const secretStatements = statements(executionPolicy.inputs.policy).filter((s) =>
          list(s.Action).some((a) => a.startsWith("secretsmanager:")),
        );
        assert.equal(secretStatements.length, 1);
        const arns = list(secretStatements[0].Resource);
        assert.equal(arns.length, 2);
        for (const arn of arns) {
          const match =
            /^arn:aws:secretsmanager:[a-z0-9-]+:\d{12}:secret:(.+)-[A-Za-z0-9]{6}$/.exec(arn);
          assert.ok(match, `${arn} is a full secret ARN, not a wildcard`);
          assert.ok(ownSecretNames.includes(match[1]), `${arn} is not one of ${stack}'s secrets`);
        }
      });

      it("injects secrets from Secrets Manager, never as plain environment values", async () => {
        const { resources } = await shippedRender(stack);
        const container = appContainer<{
          environment: Array<{ name: string; value: string }>;
          secrets: Array<{ name: string; valueFrom: string }>;
        }>(resources);
        const envNames = container.environment.map((e) => e.name);
        assert.ok(!envNames.includes("DB_PASSWORD") && !envNames.includes("REDIS_TOKEN"));
        assert.deepEqual(container.secrets.map((s) => s.name).sort(), [
          "DB_PASSWORD",
          "REDIS_TOKEN",
        ]);
        for (const secret of container.secrets)
          assert.match(secret.valueFrom, /^arn:aws:secretsmanager:.*:(password|authToken)::$/);
        assert.equal(container.environment.find((e) => e.name === "APP_STAGE")?.value, stack);
      });

      it("encrypts the database and cache at rest and in transit", async () => {
        const { resources } = await shippedRender(stack);
        // Every instance: the stage's own and, in development, the feature stacks' host.
        const instances = ofType(resources, TYPES.db);
        assert.ok(instances.includes(stageDatabase(resources)));
        for (const db of instances) {
          assert.equal(db.inputs.storageEncrypted, true, db.name);
          assert.equal(db.inputs.storageType, "gp3", db.name);
        }
        const parameterGroups = ofType(resources, "aws:rds/parameterGroup:ParameterGroup");
        assert.equal(parameterGroups.length, instances.length);
        for (const group of parameterGroups)
          assert.deepEqual(group.inputs.parameters, [{ name: "rds.force_ssl", value: "1" }]);
        const cache = onlyOfType(resources, TYPES.cache).inputs;
        assert.equal(cache.atRestEncryptionEnabled, true);
        assert.equal(cache.transitEncryptionEnabled, true);
      });
    });
  }
});
