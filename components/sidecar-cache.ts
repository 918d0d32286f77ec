import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { stripUndefined } from "../lib/args";
import { jsonSecret } from "../lib/aws/json-secret";
import { Namer } from "../lib/aws/naming";
import { REDIS_PORT } from "./cache";

/** Where the sidecar listens: the task's loopback interface, which nothing outside the task reaches. */
export const SIDECAR_CACHE_HOST = "127.0.0.1";
/** The sidecar's container name in the task definition. */
export const SIDECAR_CONTAINER_NAME = "cache";

export interface SidecarCacheArgs {
  /** Names this stage's resources. */
  namer: Namer;
  /**
   * The Valkey image the sidecar runs: the Valkey project's image on Docker Hub,
   * Redis-compatible like development's ElastiCache, pulled through the NAT gateway. Another
   * image must have `sh`, `valkey-server` and a `valkey` user (the container runs as it).
   * @default "valkey/valkey:8.1-alpine"
   */
  image?: string;
  /**
   * Most memory Valkey keeps, in MiB; the least-recently-used keys go first beyond it. Taken
   * from the task's memory, which the app shares.
   * @default 64
   */
  maxMemoryMb?: number;
}

/** Every documented `@default` of SidecarCacheArgs, in one place: normalize() applies them, a test checks the TSDoc against them. */
export const SIDECAR_CACHE_DEFAULTS = {
  image: "valkey/valkey:8.1-alpine",
  maxMemoryMb: 64,
} as const satisfies Partial<SidecarCacheArgs>;

/** What AppService needs to run the sidecar beside the app. */
export interface CacheSidecar {
  image: string;
  port: number;
  maxMemoryMb: number;
  /** The token's `valueFrom` in Secrets Manager (`<secret arn>:authToken::`). */
  tokenValueFrom: pulumi.Input<string>;
}

/**
 * A feature stack's cache as a container in its app's own task: Valkey on the loopback address,
 * with a password of the stack's own and nothing written to disk. No AWS resource to create or
 * delete, so it is ready when the task is and gone when the task stops (a serverless cache's
 * delete alone takes minutes: tools/fake-cloud/typical-times.ts), costs nothing beyond the task,
 * and no other task, stack or stage can reach it. Its data lives as long as the task: a cache.
 */
export class SidecarCache extends pulumi.ComponentResource {
  readonly primaryAddress: pulumi.Output<string>;
  readonly port: number;
  readonly secretArn: pulumi.Output<string>;
  readonly sidecar: CacheSidecar;

  constructor(name: string, rawArgs: SidecarCacheArgs, opts?: pulumi.ComponentResourceOptions) {
    super("multistage:data:SidecarCache", name, {}, opts);
    const args = {
      ...SIDECAR_CACHE_DEFAULTS,
      ...stripUndefined(rawArgs),
    } as Required<SidecarCacheArgs>;
    const token = new random.RandomPassword(
      `${name}-token`,
      // Letters and digits: nothing for the shell that starts Valkey to interpret.
      { length: 48, special: false },
      { parent: this },
    );
    const credentials = jsonSecret(
      name,
      {
        secretName: args.namer.name("secret", "cache-credentials"),
        description: `Valkey password of ${args.namer.prefix}'s sidecar cache`,
        value: { host: SIDECAR_CACHE_HOST, port: REDIS_PORT, authToken: token.result },
        recoveryDays: 0,
      },
      this,
    );
    this.primaryAddress = pulumi.output(SIDECAR_CACHE_HOST);
    this.port = REDIS_PORT;
    this.secretArn = credentials.secret.arn;
    this.sidecar = {
      image: args.image,
      port: REDIS_PORT,
      maxMemoryMb: args.maxMemoryMb,
      tokenValueFrom: pulumi.interpolate`${credentials.secret.arn}:authToken::`,
    };
    this.registerOutputs({ primaryAddress: this.primaryAddress, secretArn: this.secretArn });
  }
}

/**
 * The sidecar's container definition. ECS puts the password in the container's environment
 * (never in the task definition) and the shell hands it to Valkey; the rest is flags:
 * loopback only, no snapshots or append-only file (the root filesystem is read-only), LRU past
 * its memory cap.
 */
export function sidecarContainer(
  sidecar: Omit<CacheSidecar, "tokenValueFrom">,
  tokenValueFrom: string,
  logConfiguration: Record<string, unknown>,
): Record<string, unknown> {
  const flags = [
    `--bind ${SIDECAR_CACHE_HOST}`,
    `--port ${sidecar.port}`,
    `--save ''`,
    "--appendonly no",
    `--maxmemory ${sidecar.maxMemoryMb}mb`,
    "--maxmemory-policy allkeys-lru",
  ].join(" ");
  return {
    name: SIDECAR_CONTAINER_NAME,
    image: sidecar.image,
    essential: true,
    // The image's entry point would drop to the `valkey` user; this one replaces it, so the
    // container runs as that user from the start (the image creates it).
    user: "valkey",
    entryPoint: ["sh", "-c"],
    command: [`exec valkey-server ${flags} --requirepass "$REDIS_TOKEN"`],
    secrets: [{ name: "REDIS_TOKEN", valueFrom: tokenValueFrom }],
    // Valkey's own footprint plus its cap; the app keeps the rest of the task's memory.
    memoryReservation: sidecar.maxMemoryMb + 32,
    readonlyRootFilesystem: true,
    logConfiguration,
  };
}
