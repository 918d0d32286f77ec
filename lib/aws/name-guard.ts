/**
 * A guard on every resource a stage registers: each physical name must start with the stage's
 * prefix (`<project>-<stage>`, or `/<project>/<stage>/` for log groups). The naming module makes
 * every name that way; this catches a name written by hand, at `pulumi preview` and `up` as well
 * as in the tests, before AWS sees it. Deployers are allowed only names under their prefix
 * (access/), so a stray name would otherwise fail halfway through an update as AccessDenied.
 * What it cannot tell apart is a stage and a longer one that starts with its name (staging and
 * staging-us both own `multistage-staging-...`): those are kept apart by their stack names and
 * the `stage` tag every resource carries, not by names.
 */
import * as pulumi from "@pulumi/pulumi";
import { logGroupPrefix, stagePrefix } from "./naming";

/**
 * The properties that hold a resource's own physical name, per type the stacks create (the
 * provider's schema: the argument AWS takes as the name or identifier). References to other
 * resources' names (a bucket policy's `bucket`) are not listed: they are checked where that
 * resource is created.
 */
export const OWN_NAME_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  "aws:cloudwatch/logGroup:LogGroup": ["name"],
  "aws:cloudwatch/metricAlarm:MetricAlarm": ["name"],
  "aws:ec2/securityGroup:SecurityGroup": ["name"],
  "aws:ecr/repository:Repository": ["name"],
  "aws:ecs/cluster:Cluster": ["name"],
  "aws:ecs/service:Service": ["name"],
  "aws:ecs/taskDefinition:TaskDefinition": ["family"],
  "aws:elasticache/replicationGroup:ReplicationGroup": [
    "replicationGroupId",
    "finalSnapshotIdentifier",
  ],
  "aws:elasticache/serverlessCache:ServerlessCache": ["name"],
  "aws:elasticache/subnetGroup:SubnetGroup": ["name"],
  "aws:elasticache/user:User": ["userId"],
  "aws:elasticache/userGroup:UserGroup": ["userGroupId"],
  "aws:iam/role:Role": ["name"],
  "aws:iam/rolePolicy:RolePolicy": ["name"],
  "aws:lb/loadBalancer:LoadBalancer": ["name"],
  "aws:lb/targetGroup:TargetGroup": ["name"],
  "aws:rds/instance:Instance": ["identifier", "finalSnapshotIdentifier"],
  "aws:rds/parameterGroup:ParameterGroup": ["name"],
  "aws:rds/subnetGroup:SubnetGroup": ["name"],
  "aws:s3/bucket:Bucket": ["bucket"],
  "aws:scheduler/schedule:Schedule": ["name"],
  "aws:secretsmanager/secret:Secret": ["name"],
  "aws:sfn/stateMachine:StateMachine": ["name"],
};

const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";

/** Why `name`, given to `property` of a `type` resource, is outside the stage's names; undefined when it is inside. */
export function nameOutsideStage(
  project: string,
  stage: string,
  type: string,
  property: string,
  name: string,
): string | undefined {
  const prefix = type === LOG_GROUP ? logGroupPrefix(project, stage) : stagePrefix(project, stage);
  const inside =
    type === LOG_GROUP ? name.startsWith(prefix) : name === prefix || name.startsWith(`${prefix}-`);
  if (inside) return undefined;
  const expected =
    type === LOG_GROUP
      ? `a name starting with ${prefix}`
      : `${prefix} or a name starting with ${prefix}-`;
  return `${type} ${property} ${JSON.stringify(name)} is outside stage ${stage}'s names: expected ${expected} (make it with the naming module, lib/aws/naming.ts)`;
}

/**
 * A resource transformation that refuses, at registration, any own physical name outside the
 * stage's prefix. Given to a component, it applies to everything registered under it (Pulumi
 * hands a parent's transformations to its children: `Resource` constructor in
 * sdk/nodejs/resource.ts, `parent.__transformations`), in the engine and in mocks alike.
 */
export function stageNameGuard(project: string, stage: string): pulumi.ResourceTransformation {
  return (args) => {
    for (const property of OWN_NAME_PROPERTIES[args.type] ?? []) {
      const value: unknown = args.props[property];
      if (value === undefined) continue;
      // The naming module returns plain strings. A name only known later (an output) could not
      // be checked before the resource is created, nor shown in a preview, so it is refused.
      if (typeof value !== "string") {
        throw new pulumi.RunError(
          `${args.name}: ${args.type} ${property} is not a plain string; make it with the naming module (lib/aws/naming.ts) so it is known, and checked, before the resource is created`,
        );
      }
      const problem = nameOutsideStage(project, stage, args.type, property, value);
      if (problem) throw new pulumi.RunError(`${args.name}: ${problem}`);
    }
    return undefined;
  };
}
