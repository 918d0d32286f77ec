/**
 * Answers the Pulumi engine's calls during an offline render: each resource gets its inputs
 * back plus the attributes AWS would compute (ARNs, endpoints, DNS names), shaped like the
 * real ones so policies and endpoints in the render read as they would after a deploy.
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";

export const MOCK_ACCOUNT_ID = "123456789012";

/** One resource registration as the engine saw it (inputs still carry secret markers). */
export interface RegisteredResource {
  type: string;
  name: string;
  custom: boolean;
  inputs: Record<string, unknown>;
}

export interface RenderMocksOptions {
  region: string;
  /** Outputs of other stacks, by fully qualified stack name, for StackReferences. */
  stackOutputs?: Record<string, Record<string, unknown>>;
  /** Who `aws.getCallerIdentity` says the caller is. @default a plain IAM user */
  callerArn?: string;
  /** The newest automated snapshot `aws.rds.getSnapshot` finds; null: none. Asked for only when looked up. */
  latestSnapshot?: () => MockSnapshot | null;
}

export function digest(text: string, length = 12): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/**
 * An invoke's failure as the program sees it: the SDK rethrows a failed invoke RPC as
 * `new Error(err.details)` (@pulumi/pulumi runtime/invoke.js), and under mocks the thrown error is
 * that RPC error, so the message must travel in `details`.
 */
function invokeError(message: string): Error {
  return Object.assign(new Error(message), { details: message });
}

/** A snapshot the fake RDS knows: its identifier and the size of the volume it was taken from. */
export interface MockSnapshot {
  identifier: string;
  allocatedStorageGb: number;
  /** RDS's snapshot status. @default "available" */
  status?: string;
  /** The lookup fails with this instead (an AccessDenied, a throttling error). @default undefined */
  lookupError?: string;
}

export class RenderMocks implements pulumi.runtime.Mocks {
  readonly registered: RegisteredResource[] = [];
  /** Plaintext of every secret the mocks generated, so tests can prove none leaks. */
  readonly generatedSecrets: string[] = [];
  private readonly region: string;
  private readonly stackOutputs: Record<string, Record<string, unknown>>;
  private readonly findLatestSnapshot: () => MockSnapshot | null;
  private readonly callerArn: string;
  private latestSnapshot: MockSnapshot | null = null;

  constructor(options: RenderMocksOptions) {
    this.region = options.region;
    this.stackOutputs = options.stackOutputs ?? {};
    this.findLatestSnapshot = options.latestSnapshot ?? (() => null);
    this.callerArn = options.callerArn ?? `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/render`;
  }

  newResource(args: pulumi.runtime.MockResourceArgs): {
    id: string | undefined;
    state: Record<string, unknown>;
  } {
    if (args.type === "aws:rds/instance:Instance") this.refuseShrinkingRestore(args.inputs);
    this.registered.push({
      type: args.type,
      name: args.name,
      custom: args.custom ?? true,
      inputs: args.inputs,
    });
    const physical = physicalNameOf(args.type, args.inputs) ?? args.name;
    const id = mockResourceId(args.type, physical, args.name, args.inputs);
    return {
      id,
      state: { ...args.inputs, ...this.computed(args.type, physical, args.inputs, args.name) },
    };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    const r = this.region;
    switch (args.token) {
      case "aws:index/getAvailabilityZones:getAvailabilityZones":
        return {
          names: [`${r}a`, `${r}b`, `${r}c`],
          zoneIds: ["use1-az1", "use1-az2", "use1-az3"],
          state: "available",
        };
      case "aws:index/getCallerIdentity:getCallerIdentity":
        return { accountId: MOCK_ACCOUNT_ID, arn: this.callerArn, userId: "render" };
      case "aws:index/getPartition:getPartition":
        return {
          partition: "aws",
          dnsSuffix: "amazonaws.com",
          id: "aws",
          reverseDnsPrefix: "com.amazonaws",
        };
      case "aws:index/getRegion:getRegion":
        return { name: r, region: r };
      case "aws:ecr/getAuthorizationToken:getAuthorizationToken": {
        const password = this.secretValue("ecr-token");
        return {
          userName: "AWS",
          password,
          authorizationToken: password,
          proxyEndpoint: `https://${MOCK_ACCOUNT_ID}.dkr.ecr.${r}.amazonaws.com`,
        };
      }
      case "aws:rds/getSnapshot:getSnapshot":
        // The provider fails this lookup when nothing matches, exactly like this.
        this.latestSnapshot = this.findLatestSnapshot();
        if (!this.latestSnapshot)
          throw invokeError(
            "Your query returned no results. Please change your search criteria and try again.",
          );
        if (this.latestSnapshot.lookupError) throw invokeError(this.latestSnapshot.lookupError);
        return {
          id: this.latestSnapshot.identifier,
          dbSnapshotIdentifier: this.latestSnapshot.identifier,
          allocatedStorage: this.latestSnapshot.allocatedStorageGb,
          dbInstanceIdentifier: args.inputs.dbInstanceIdentifier,
          snapshotType: args.inputs.snapshotType ?? "manual",
          status: this.latestSnapshot.status ?? "available",
          encrypted: true,
        };
      default:
        throw new Error(
          `The offline render has no mock for the call ${args.token}; add one in tools/render/mocks.ts`,
        );
    }
  }

  /**
   * RDS refuses to restore a snapshot into a smaller volume than the one it was taken from
   * (RestoreDBInstanceFromDBSnapshot: AllocatedStorage; storage can grow, never shrink), so a
   * render that asks for it fails here as the deployment would.
   */
  private refuseShrinkingRestore(inputs: Record<string, unknown>): void {
    const snapshot = this.latestSnapshot;
    if (
      typeof inputs.snapshotIdentifier !== "string" ||
      snapshot === null ||
      inputs.snapshotIdentifier !== snapshot.identifier
    )
      return;
    const requested = Number(inputs.allocatedStorage);
    if (requested < snapshot.allocatedStorageGb) {
      throw new Error(
        `InvalidParameterCombination: ${String(inputs.identifier)} restores ${snapshot.identifier} (${snapshot.allocatedStorageGb} GiB) into ${requested} GiB; a restored volume must be at least the snapshot's size`,
      );
    }
  }

  private computed(
    type: string,
    physical: string,
    inputs: Record<string, unknown>,
    logicalName: string,
  ): Record<string, unknown> {
    const r = this.region;
    const account = MOCK_ACCOUNT_ID;
    switch (type) {
      case "pulumi:pulumi:StackReference": {
        const name = String(inputs.name);
        return { outputs: this.stackOutputs[name] ?? {}, secretOutputNames: [] };
      }
      case "random:index/randomPassword:RandomPassword":
        return {
          result: pulumi.secret(this.secretValue(logicalName)),
          bcryptHash: pulumi.secret("$2a$10$mock"),
        };
      case "aws:s3/bucket:Bucket":
        return {
          arn: `arn:aws:s3:::${physical}`,
          bucket: physical,
          bucketDomainName: `${physical}.s3.amazonaws.com`,
        };
      case "aws:secretsmanager/secret:Secret":
        return {
          arn: `arn:aws:secretsmanager:${r}:${account}:secret:${physical}-${digest(logicalName, 6)}`,
        };
      case "aws:iam/policy:Policy":
        return { arn: `arn:aws:iam::${account}:policy/${physical}`, name: physical };
      case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
        return {
          arn: `arn:aws:iam::${account}:oidc-provider/${String(inputs.url).replace(/^https:\/\//, "")}`,
        };
      case "aws:kms/key:Key":
        return {
          arn: `arn:aws:kms:${r}:${account}:key/${digest(logicalName, 8)}-0000-4000-8000-${digest(logicalName, 12)}`,
          keyId: digest(logicalName, 8),
        };
      case "aws:iam/role:Role":
        return { arn: `arn:aws:iam::${account}:role/${physical}`, name: physical };
      case "aws:rds/instance:Instance": {
        const address = `${physical}.c${digest(account, 10)}.${r}.rds.amazonaws.com`;
        return {
          address,
          port: 5432,
          endpoint: `${address}:5432`,
          arn: `arn:aws:rds:${r}:${account}:db:${physical}`,
        };
      }
      case "aws:elasticache/replicationGroup:ReplicationGroup":
        return {
          primaryEndpointAddress: `master.${physical}.${digest(account, 6)}.${r}.cache.amazonaws.com`,
          arn: `arn:aws:elasticache:${r}:${account}:replicationgroup:${physical}`,
        };
      case "aws:elasticache/serverlessCache:ServerlessCache":
        return {
          endpoints: [
            {
              address: `${physical}-${digest(account, 6)}.serverless.${r}.cache.amazonaws.com`,
              port: 6379,
            },
          ],
          arn: `arn:aws:elasticache:${r}:${account}:serverlesscache:${physical}`,
        };
      case "aws:lb/listenerRule:ListenerRule":
        return {
          arn: `arn:aws:elasticloadbalancing:${r}:${account}:listener-rule/app/${digest(String(inputs.listenerArn), 16)}/${digest(logicalName, 16)}`,
        };
      case "aws:lb/listener:Listener":
        return {
          arn: `arn:aws:elasticloadbalancing:${r}:${account}:listener/app/${digest(logicalName, 16)}/${digest(`${logicalName}:listener`, 16)}`,
        };
      case "aws:lb/loadBalancer:LoadBalancer":
        return {
          dnsName: `${physical}-${digest(logicalName, 10)}.${r}.elb.amazonaws.com`,
          zoneId: "Z35SXDOTRQ7X7K",
          arn: `arn:aws:elasticloadbalancing:${r}:${account}:loadbalancer/app/${physical}/${digest(logicalName, 16)}`,
        };
      case "aws:lb/targetGroup:TargetGroup":
        return {
          arn: `arn:aws:elasticloadbalancing:${r}:${account}:targetgroup/${physical}/${digest(logicalName, 16)}`,
        };
      case "aws:ecr/repository:Repository":
        return {
          repositoryUrl: `${account}.dkr.ecr.${r}.amazonaws.com/${physical}`,
          registryId: account,
          arn: `arn:aws:ecr:${r}:${account}:repository/${physical}`,
        };
      case "docker:index/image:Image": {
        const imageName = String(inputs.imageName);
        return {
          repoDigest: `${imageName.split(":")[0]}@sha256:${digest(imageName, 64)}`,
          imageName,
        };
      }
      case "aws:cloudwatch/logGroup:LogGroup":
        return { arn: `arn:aws:logs:${r}:${account}:log-group:${physical}` };
      case "aws:sfn/stateMachine:StateMachine":
        return { arn: `arn:aws:states:${r}:${account}:stateMachine:${physical}`, name: physical };
      case "aws:ecs/cluster:Cluster":
        return { arn: `arn:aws:ecs:${r}:${account}:cluster/${physical}`, name: physical };
      case "aws:ecs/service:Service":
        return { name: physical };
      case "aws:ecs/taskDefinition:TaskDefinition":
        return { arn: `arn:aws:ecs:${r}:${account}:task-definition/${physical}:1`, revision: 1 };
      default: {
        const service = type.split(":")[1]?.split("/")[0] ?? "unknown";
        return { arn: `arn:aws:${service}:${r}:${account}:${physical}` };
      }
    }
  }

  /** A recognisable fake secret; tests search every render for these strings. */
  private secretValue(seed: string): string {
    const value = `MockSecret${digest(`secret:${seed}`, 24)}`;
    this.generatedSecrets.push(value);
    return value;
  }
}

/**
 * The id the offline render gives a resource (what `resource.id` resolves to), so readers of a
 * render (tests, tools/deployer-needs) can tell which rendered resource an id in another's inputs is.
 */
export function mockResourceId(
  type: string,
  physical: string,
  logicalName: string,
  inputs: Record<string, unknown>,
): string {
  if (type === "pulumi:pulumi:StackReference") return String(inputs.name);
  // Unique per resource, stable across renders, and the same for the same resource in
  // every stack (logical names do not carry the stage), so `stagectl diff` lines them up.
  const seed = `${type}:${logicalName}`;
  const short = `${type.split(":").pop()?.toLowerCase()}-${digest(seed, 8)}`;
  if (type.startsWith("aws:ec2/vpc:")) return `vpc-${digest(seed, 17)}`;
  if (type.startsWith("aws:ec2/subnet:")) return `subnet-${digest(seed, 17)}`;
  if (type.startsWith("aws:ec2/securityGroup:")) return `sg-${digest(seed, 17)}`;
  if (
    type === "aws:s3/bucket:Bucket" ||
    type.startsWith("aws:iam/role:") ||
    type.startsWith("aws:rds/") ||
    type.startsWith("aws:elasticache/")
  ) {
    // AWS uses these resources' names as their ids.
    return physical;
  }
  return short;
}

/** The physical name a resource's inputs give it, if it has one. */
export function physicalNameOf(type: string, inputs: Record<string, unknown>): string | undefined {
  const key = PHYSICAL_NAME_KEYS[type];
  // An empty key marks types that have no AWS name at all.
  if (key === "") return undefined;
  const candidate = key ? inputs[key] : inputs.name;
  if (typeof candidate === "string") return candidate;
  const tags = inputs.tags as Record<string, unknown> | undefined;
  return typeof tags?.Name === "string" ? tags.Name : undefined;
}

const PHYSICAL_NAME_KEYS: Record<string, string> = {
  "aws:s3/bucket:Bucket": "bucket",
  "aws:rds/instance:Instance": "identifier",
  "aws:elasticache/replicationGroup:ReplicationGroup": "replicationGroupId",
  "aws:ecs/taskDefinition:TaskDefinition": "family",
  "aws:elasticache/user:User": "userId",
  "aws:elasticache/userGroup:UserGroup": "userGroupId",
  // An image reference is not an AWS name; its repository carries the stage already.
  "docker:index/image:Image": "",
  "pulumi:pulumi:StackReference": "",
};
