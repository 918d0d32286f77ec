import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { jsonSecret } from "../lib/aws/json-secret";
import { Namer } from "../lib/aws/naming";
import type { FeatureCacheRef } from "../stage/references";

/** What every key a stage's app writes starts with (`REDIS_KEY_PREFIX`): its stack name and a colon. */
export function cacheKeyPrefix(stack: string): string {
  return `${stack}:`;
}

/**
 * A feature stack's rights on development's cache: its own keys (`~<stack>:*`) and pub/sub
 * channels (`&<stack>:*`), every command but the dangerous and administrative ones (FLUSHALL,
 * KEYS, CONFIG, INFO, ACL, ...). ElastiCache access strings take Redis ACL rules (`on`, `~`, `&`,
 * `+@category`, `-@category`) but no password (ElastiCache User Guide, "Role-Based Access
 * Control": passwords are set on the user). Key patterns bind every key a command names, so
 * multi-key commands reach only the stack's own keys too.
 */
export function featureCacheAccessString(stack: string): string {
  const prefix = cacheKeyPrefix(stack);
  return `on ~${prefix}* &${prefix}* +@all -@dangerous -@admin`;
}

export interface FeatureCacheUserArgs {
  /** Names this stage's resources. */
  namer: Namer;
  /** The feature stack: the user's name and its key prefix. */
  stack: string;
  /** Development's cache and the user group its replication group authenticates with. */
  cache: FeatureCacheRef;
}

/**
 * A shared feature stack's cache: no cache of its own, a user on development's replication
 * group limited to its own key prefix, added to development's user group, with its password in
 * a secret of the stack's own. Costs nothing per stack; the stack's data lives and dies with
 * development's cache, and the stack's destroy removes the user and its rights, not its keys.
 */
export class FeatureCacheUser extends pulumi.ComponentResource {
  readonly primaryAddress: pulumi.Output<string>;
  readonly port: number;
  readonly secretArn: pulumi.Output<string>;
  /** The user the app authenticates as: the stack's name. */
  readonly username: string;
  readonly keyPrefix: string;

  constructor(name: string, args: FeatureCacheUserArgs, opts?: pulumi.ComponentResourceOptions) {
    super("multistage:data:FeatureCacheUser", name, {}, opts);
    const child = { parent: this };
    this.username = args.stack;
    this.keyPrefix = cacheKeyPrefix(args.stack);

    const password = new random.RandomPassword(
      `${name}-password`,
      // ElastiCache user passwords: 16-128 printable characters without @ " or /.
      { length: 48, special: false },
      child,
    );
    const user = new aws.elasticache.User(
      `${name}-user`,
      {
        userId: args.namer.name("elasticache-user", "cache"),
        userName: this.username,
        // Development's cache is Redis OSS, which takes only `redis` engine users.
        engine: "redis",
        accessString: featureCacheAccessString(args.stack),
        passwords: [password.result],
      },
      child,
    );
    // ModifyUserGroup on development's group: the provider retries while the group is busy
    // with another stack's change (InvalidUserGroupStateFault, up to its 10-minute timeout)
    // and waits for the group to be active again (elasticache/user_group_association.go).
    new aws.elasticache.UserGroupAssociation(
      `${name}-membership`,
      { userGroupId: args.cache.userGroupId, userId: user.userId },
      child,
    );
    const credentials = jsonSecret(
      name,
      {
        // Not `cache-credentials`, the serverless cache's: a stack switching between the two
        // creates the new secret before it deletes the old, and Secrets Manager names are unique.
        secretName: args.namer.name("secret", "cache-user-credentials"),
        description: `Redis user of ${args.namer.prefix} on development's cache`,
        value: {
          host: args.cache.address,
          port: args.cache.port,
          username: this.username,
          password: password.result,
          prefix: this.keyPrefix,
        },
        recoveryDays: 0,
      },
      this,
    );

    this.primaryAddress = pulumi.output(args.cache.address);
    this.port = args.cache.port;
    this.secretArn = credentials.secret.arn;
    this.registerOutputs({
      primaryAddress: this.primaryAddress,
      secretArn: this.secretArn,
      username: this.username,
    });
  }
}
