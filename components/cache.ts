import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { stripUndefined } from "../lib/args";
import { jsonSecret } from "../lib/aws/json-secret";
import { FEATURE_HOST_PURPOSES, Namer } from "../lib/aws/naming";
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
  /**
   * Development with `featureStacks.cache: shared`: feature stacks get a user each on this cache.
   * It then authenticates with a user group (RBAC) instead of an AUTH token, and also admits
   * this group (development's feature apps) on the Redis port.
   * @default undefined (an AUTH token, the app alone admitted)
   */
  featureStacks?: { clientSecurityGroupId: pulumi.Input<string> };
}

/** Every documented `@default` of CacheArgs, in one place: normalize() applies them, a test checks the TSDoc against them. */
export const CACHE_DEFAULTS = {
  nodeType: "cache.t4g.micro",
  nodes: 1,
  engineVersion: "7.1",
  teardown: "destroyable",
} as const satisfies Partial<CacheArgs>;

type NormalizedCacheArgs = Required<Omit<CacheArgs, "featureStacks">> &
  Pick<CacheArgs, "featureStacks">;

function normalize(args: CacheArgs): NormalizedCacheArgs {
  return { ...CACHE_DEFAULTS, ...stripUndefined(args) } as NormalizedCacheArgs;
}

/** ElastiCache Redis, encrypted at rest and in transit, token in Secrets Manager, app-only access. */
export class Cache extends pulumi.ComponentResource {
  readonly primaryAddress: pulumi.Output<string>;
  readonly port: number;
  readonly secretArn: pulumi.Output<string>;
  readonly replicationGroupId: string;
  /** The user group feature stacks add their users to; only with `featureStacks`. */
  readonly userGroupId?: pulumi.Output<string>;

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
    if (args.featureStacks)
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-from-feature-apps`,
        {
          securityGroupId: group.id,
          description: "From feature stacks' tasks, each a user of its own",
          ipProtocol: "tcp",
          fromPort: REDIS_PORT,
          toPort: REDIS_PORT,
          referencedSecurityGroupId: args.featureStacks.clientSecurityGroupId,
        },
        child,
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

    const users = args.featureStacks ? this.userGroup(name, args.namer, token) : undefined;

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
        // A token or a user group, never both (the provider's user_group_ids conflicts with
        // auth_token). Switching an existing cache to the group is an update in place:
        // terraform-provider-aws (elasticache/replication_group.go, "Transitioning to RBAC")
        // sends one ModifyReplicationGroup with UserGroupIdsToAdd and AuthTokenUpdateStrategy
        // DELETE, and waits for the group to be available before and after: a few minutes in
        // `modifying`, no replacement, no data lost. The token becomes the password of the
        // group's `default` user, so the app's `AUTH <token>` keeps working throughout. Going
        // back (featureStacks.cache serverless) removes the group and sets the token in two
        // separate calls without a strategy for the token, which is not automated here: see the
        // README.
        ...(users
          ? { userGroupIds: [users.userGroupId], authTokenUpdateStrategy: "DELETE" }
          : { authToken: token.result }),
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
    this.userGroupId = users?.userGroupId;
    this.port = REDIS_PORT;
    this.secretArn = credentials.secret.arn;
    this.registerOutputs({
      primaryAddress: this.primaryAddress,
      secretArn: this.secretArn,
      userGroupId: this.userGroupId,
    });
  }

  /**
   * The user group development's app and the feature stacks' users share. A user group must
   * hold a user named `default` (ElastiCache User Guide, "Role-Based Access Control"): the app's
   * own, with the token as its password and every key. A Redis OSS cache takes only `redis`
   * engine users and groups (same page).
   */
  private userGroup(
    name: string,
    namer: Namer,
    token: random.RandomPassword,
  ): aws.elasticache.UserGroup {
    const child = { parent: this };
    const user = new aws.elasticache.User(
      `${name}-default-user`,
      {
        userId: namer.name("elasticache-user", "cache-default"),
        userName: "default",
        engine: "redis",
        accessString: "on ~* +@all",
        passwords: [token.result],
      },
      child,
    );
    return new aws.elasticache.UserGroup(
      `${name}-users`,
      {
        // The name feature deployers may add users to (access/: featureHostNames).
        userGroupId: namer.name("elasticache-user-group", FEATURE_HOST_PURPOSES.cacheUserGroup),
        engine: "redis",
        userIds: [user.userId],
      },
      // Feature stacks add their users with UserGroupAssociations, which change this list: the
      // provider's documentation for aws_elasticache_user_group_association says to ignore it
      // here, or development's next update would remove every feature stack's user.
      { ...child, ignoreChanges: ["userIds"] },
    );
  }
}
