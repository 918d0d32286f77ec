import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { stripUndefined } from "../lib/args";
import { jsonSecret } from "../lib/aws/json-secret";
import { Namer } from "../lib/aws/naming";
import type { NetworkRef } from "../lib/aws/network-ref";
import { clientOnlySecurityGroup } from "./security-groups";
import { REDIS_PORT } from "./cache";

export interface ServerlessCacheArgs {
  /** Names this stage's resources. */
  namer: Namer;
  /** The network the cache's endpoints live in, in its private subnets. */
  network: NetworkRef;
  /** The only security group admitted on the cache's port: the app's. */
  clientSecurityGroupId: pulumi.Input<string>;
  /**
   * Valkey major version.
   * @default "8"
   */
  majorEngineVersion?: string;
  /**
   * Most data the cache may hold, in GB: the bill's ceiling as much as the data's.
   * @default 1
   */
  maxDataStorageGb?: number;
  /**
   * Most ElastiCache Processing Units per second: caps what a runaway preview can cost.
   * @default 1000
   */
  maxEcpuPerSecond?: number;
}

/** Every documented `@default` of ServerlessCacheArgs, in one place: normalize() applies them, a test checks the TSDoc against them. */
export const SERVERLESS_CACHE_DEFAULTS = {
  majorEngineVersion: "8",
  maxDataStorageGb: 1,
  maxEcpuPerSecond: 1000,
} as const satisfies Partial<ServerlessCacheArgs>;

function normalize(args: ServerlessCacheArgs): Required<ServerlessCacheArgs> {
  return { ...SERVERLESS_CACHE_DEFAULTS, ...stripUndefined(args) } as Required<ServerlessCacheArgs>;
}

/**
 * A feature stack's own cache: ElastiCache Serverless for Valkey, which AWS creates in about a
 * minute (a replication group takes 6-9) and bills by data stored and requests, from a 100 MB
 * minimum (Amazon ElastiCache pricing). Encrypted in transit always; the app authenticates as
 * the `default` user of a user group of its own, with the token in Secrets Manager, the same
 * AUTH the app sends to a replication group.
 */
export class ServerlessCache extends pulumi.ComponentResource {
  readonly primaryAddress: pulumi.Output<string>;
  readonly port: number;
  readonly secretArn: pulumi.Output<string>;

  constructor(name: string, rawArgs: ServerlessCacheArgs, opts?: pulumi.ComponentResourceOptions) {
    super("multistage:data:ServerlessCache", name, {}, opts);
    const args = normalize(rawArgs);
    const child = { parent: this };
    const namer = args.namer;

    const group = clientOnlySecurityGroup(
      name,
      {
        namer,
        purpose: "cache",
        vpcId: args.network.vpcId,
        port: REDIS_PORT,
        clientGroupId: args.clientSecurityGroupId,
      },
      this,
    );
    const token = new random.RandomPassword(
      `${name}-token`,
      // ElastiCache user passwords: 16-128 printable characters without @ " or /.
      { length: 48, special: false },
      child,
    );
    // A user group must hold a user named `default` (ElastiCache User Guide, "Role-Based Access
    // Control"); making it the app's own user keeps the app's plain `AUTH <token>`.
    const user = new aws.elasticache.User(
      `${name}-user`,
      {
        userId: namer.name("elasticache-user", "valkey"),
        userName: "default",
        engine: "valkey",
        accessString: "on ~* +@all",
        passwords: [token.result],
      },
      child,
    );
    const users = new aws.elasticache.UserGroup(
      `${name}-users`,
      {
        userGroupId: namer.name("elasticache-user-group", "cache"),
        engine: "valkey",
        userIds: [user.userId],
      },
      child,
    );
    const cache = new aws.elasticache.ServerlessCache(
      `${name}-valkey`,
      {
        name: namer.name("elasticache-serverless-cache", "cache"),
        description: `Valkey of ${namer.prefix}`,
        engine: "valkey",
        majorEngineVersion: args.majorEngineVersion,
        cacheUsageLimits: {
          dataStorage: { maximum: args.maxDataStorageGb, unit: "GB" },
          ecpuPerSeconds: [{ maximum: args.maxEcpuPerSecond }],
        },
        securityGroupIds: [group.id],
        subnetIds: args.network.privateSubnetIds,
        userGroupId: users.userGroupId,
        // A preview's cache is disposable: no snapshots to pay for or to clean up.
        snapshotRetentionLimit: 0,
      },
      child,
    );
    const endpoint = cache.endpoints.apply((endpoints) => endpoints[0]);

    const credentials = jsonSecret(
      name,
      {
        secretName: namer.name("secret", "cache-credentials"),
        description: `Valkey auth token of ${namer.prefix}`,
        value: { host: endpoint.address, port: REDIS_PORT, authToken: token.result },
        recoveryDays: 0,
      },
      this,
    );

    this.primaryAddress = endpoint.address;
    this.port = REDIS_PORT;
    this.secretArn = credentials.secret.arn;
    this.registerOutputs({ primaryAddress: this.primaryAddress, secretArn: this.secretArn });
  }
}
