import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { stripUndefined } from "../lib/args";
import { jsonSecret } from "../lib/aws/json-secret";
import { Namer } from "../lib/aws/naming";
import type { NetworkRef } from "../lib/aws/network-ref";
import { clientOnlySecurityGroup } from "./security-groups";
import { TeardownMode } from "../stage/profile";
import { teardownPolicy } from "../stage/teardown";

export const REDIS_PORT = 6379;

export interface CacheArgs {
  /** Names this stage's resources. */
  namer: Namer;
  /** The network the nodes live in, in its private subnets. */
  network: NetworkRef;
  /** The only security group admitted on the Redis port: the app's. */
  clientSecurityGroupId: pulumi.Input<string>;
  /**
   * ElastiCache node type.
   * @default "cache.t4g.micro"
   */
  nodeType?: string;
  /**
   * Number of nodes; two or more get automatic failover across zones.
   * @default 1
   */
  nodes?: number;
  /**
   * Redis engine version.
   * @default "7.1"
   */
  engineVersion?: string;
  /**
   * How the cache may be destroyed.
   * @default "destroyable"
   */
  teardown?: TeardownMode;
}

/** Every documented `@default` of CacheArgs, in one place: normalize() applies them, a test checks the TSDoc against them. */
export const CACHE_DEFAULTS = {
  nodeType: "cache.t4g.micro",
  nodes: 1,
  engineVersion: "7.1",
  teardown: "destroyable",
} as const satisfies Partial<CacheArgs>;

function normalize(args: CacheArgs): Required<CacheArgs> {
  return { ...CACHE_DEFAULTS, ...stripUndefined(args) } as Required<CacheArgs>;
}

/** ElastiCache Redis, encrypted at rest and in transit, token in Secrets Manager, app-only access. */
export class Cache extends pulumi.ComponentResource {
  readonly primaryAddress: pulumi.Output<string>;
  readonly port: number;
  readonly secretArn: pulumi.Output<string>;
  readonly replicationGroupId: string;

  constructor(name: string, rawArgs: CacheArgs, opts?: pulumi.ComponentResourceOptions) {
    super("multistage:data:Cache", name, {}, opts);
    const args = normalize(rawArgs);
    const child = { parent: this };
    const teardown = teardownPolicy(args.teardown);
    const failover = args.nodes > 1;

    const group = clientOnlySecurityGroup(
      name,
      {
        namer: args.namer,
        purpose: "cache",
        vpcId: args.network.vpcId,
        port: REDIS_PORT,
        clientGroupId: args.clientSecurityGroupId,
      },
      this,
    );
    const subnets = new aws.elasticache.SubnetGroup(
      `${name}-subnets`,
      {
        name: args.namer.name("elasticache-subnet-group", "cache"),
        subnetIds: args.network.privateSubnetIds,
      },
      child,
    );
    const token = new random.RandomPassword(
      `${name}-token`,
      {
        // ElastiCache tokens: 16-128 printable characters without @ " or /.
        length: 48,
        special: false,
      },
      child,
    );

    this.replicationGroupId = args.namer.name("elasticache-replication-group", "cache");
    const replicationGroup = new aws.elasticache.ReplicationGroup(
      `${name}-redis`,
      {
        replicationGroupId: this.replicationGroupId,
        description: `Redis of ${args.namer.prefix}`,
        engine: "redis",
        engineVersion: args.engineVersion,
        nodeType: args.nodeType,
        numCacheClusters: args.nodes,
        automaticFailoverEnabled: failover,
        multiAzEnabled: failover,
        port: REDIS_PORT,
        subnetGroupName: subnets.name,
        securityGroupIds: [group.id],
        atRestEncryptionEnabled: true,
        transitEncryptionEnabled: true,
        authToken: token.result,
        snapshotRetentionLimit: teardown.finalSnapshot ? 7 : 0,
        finalSnapshotIdentifier: teardown.finalSnapshot
          ? args.namer.name("elasticache-replication-group", "cache-final")
          : undefined,
        applyImmediately: !teardown.deletionProtection,
      },
      { ...child, protect: teardown.protect, retainOnDelete: teardown.retainOnDelete },
    );

    const credentials = jsonSecret(
      name,
      {
        secretName: args.namer.name("secret", "cache-credentials"),
        description: `Redis auth token of ${args.namer.prefix}`,
        value: {
          host: replicationGroup.primaryEndpointAddress,
          port: REDIS_PORT,
          authToken: token.result,
        },
        recoveryDays: teardown.secretRecoveryDays,
      },
      this,
    );

    this.primaryAddress = replicationGroup.primaryEndpointAddress;
    this.port = REDIS_PORT;
    this.secretArn = credentials.secret.arn;
    this.registerOutputs({ primaryAddress: this.primaryAddress, secretArn: this.secretArn });
  }
}
