/**
 * What every component that lives in a VPC needs to know of it: one type, implemented by a
 * stage's own Network and by a network borrowed from another stack (development's, for feature
 * stacks), so the database, cache and service take the same argument instead of repeating the
 * VPC and subnets each. The same shape as SST's `vpc` arg (platform/src/components/aws/redis.ts)
 * and CDK's `IVpc`.
 */
import type * as pulumi from "@pulumi/pulumi";

export interface NetworkRef {
  /** The VPC. */
  readonly vpcId: pulumi.Input<string>;
  /** Subnets with a route to the internet: the load balancer's and the NAT's. */
  readonly publicSubnetIds: pulumi.Input<string[]>;
  /** Subnets without one: the tasks, the database and the cache. */
  readonly privateSubnetIds: pulumi.Input<string[]>;
}
