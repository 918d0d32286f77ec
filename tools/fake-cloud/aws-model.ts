/**
 * The fake AWS: ids, ARNs and endpoints from the offline render's mocks (tools/render/mocks.ts,
 * the one place that knows their shapes), made unique per stack and per generation; the
 * provider's own config (region, assumed role, default tags) as the real provider uses it;
 * refusals from aws-rules.ts; and the data sources the program calls.
 */
import { createHash } from "node:crypto";
import { physicalNameOf, RenderMocks } from "../render/mocks";
import { liveResources, readJournal } from "./journal";
import type { CloudModel, CreateContext, CreateOutcome } from "./recording-provider";
import {
  availableSnapshots,
  DEFAULT_STORAGE_GB,
  refuseCreate,
  refuseDelete,
  refuseUpdate,
} from "./aws-rules";
import { parseJsonString, parseUrn, Props } from "./values";
import { accountOf, fakeCloudDir, loadWorld } from "./world";

export interface AwsConfig {
  region: string;
  /** The first role is assumed (the provider's assume_role blocks; this project sets one). */
  assumeRole?: { roleArn: string; sessionName?: string };
  defaultTags: Record<string, string>;
}

/**
 * Reads the provider's configuration as Configure receives it: nested objects arrive as JSON
 * strings (how the engine stores provider inputs), secrets wrapped. Refuses what the real
 * provider refuses at configure time: no region, or a role the caller may not assume.
 */
export function parseAwsConfig(args: Props): AwsConfig {
  const region = typeof args.region === "string" ? args.region : undefined;
  if (!region) throw new Error('The argument "region" is required, but no definition was found.');
  const roles = parseJsonString(args.assumeRoles) as
    Array<{ roleArn?: string; sessionName?: string }> | undefined;
  const first = Array.isArray(roles)
    ? roles.find((r) => typeof r?.roleArn === "string")
    : undefined;
  const tags =
    (parseJsonString(args.defaultTags) as { tags?: Record<string, string> } | undefined)?.tags ??
    {};
  const config: AwsConfig = {
    region,
    defaultTags: tags,
    assumeRole: first?.roleArn
      ? { roleArn: first.roleArn, sessionName: first.sessionName }
      : undefined,
  };
  const denied = loadWorld().deniedRoles ?? [];
  if (config.assumeRole && denied.includes(config.assumeRole.roleArn)) {
    // terraform-provider-aws internal/conns/config.go: the provider fails to configure when AssumeRole fails.
    throw new Error(
      `cannot assume IAM Role (${config.assumeRole.roleArn}): operation error STS: AssumeRole, AccessDenied: not authorized to perform sts:AssumeRole`,
    );
  }
  return config;
}

/** Types without tags, hence without tagsAll (their terraform-provider-aws schemas have no tags attribute). */
const UNTAGGED = new Set([
  "aws:iam/rolePolicy:RolePolicy",
  "aws:ec2/routeTableAssociation:RouteTableAssociation",
  "aws:secretsmanager/secretVersion:SecretVersion",
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "aws:s3/bucketVersioning:BucketVersioning",
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  "aws:s3/bucketPolicy:BucketPolicy",
  "aws:route53/record:Record",
  "aws:scheduler/schedule:Schedule",
  "aws:lb/listenerCertificate:ListenerCertificate",
]);

/** The ARN resource kinds of EC2 types, which the render's mocks name only generically. */
const EC2_ARN_KINDS: Record<string, string> = {
  "aws:ec2/vpc:Vpc": "vpc",
  "aws:ec2/subnet:Subnet": "subnet",
  "aws:ec2/securityGroup:SecurityGroup": "security-group",
  "aws:ec2/routeTable:RouteTable": "route-table",
  "aws:ec2/internetGateway:InternetGateway": "internet-gateway",
  "aws:ec2/natGateway:NatGateway": "natgateway",
  "aws:ec2/eip:Eip": "elastic-ip",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "security-group-rule",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "security-group-rule",
};

export class AwsModel implements CloudModel {
  readonly pkg = "aws";

  constructor(private readonly config: AwsConfig) {}

  caller(): string {
    const world = loadWorld();
    const role = this.config.assumeRole;
    if (!role) return world.callerArn ?? `arn:aws:iam::${accountOf(world)}:user/engine-suite`;
    // STS AssumeRole: the caller becomes arn:aws:sts::<account>:assumed-role/<role name>/<session name>.
    const [, , , , account, resource] = role.roleArn.split(":");
    return `arn:aws:sts::${account}:assumed-role/${resource.split("/").pop()}/${role.sessionName ?? "engine-suite"}`;
  }

  create(
    type: string,
    urn: string,
    inputs: Props,
    { generation, seed, journal }: CreateContext,
  ): CreateOutcome {
    const mocks = new RenderMocks({ region: this.config.region });
    // A replacement is a new resource to AWS: the mocks' name-derived parts (a secret's ARN
    // suffix, a load balancer's DNS name) differ from the resource it replaces.
    const name = generation === 0 ? parseUrn(urn).name : `${parseUrn(urn).name}-r${generation}`;
    const mock = mocks.newResource({ type, name, inputs, custom: true });
    const id =
      mock.id === physicalNameOf(type, inputs) ? String(mock.id) : uniqueId(String(mock.id), seed);
    const computed: Props = Object.fromEntries(
      Object.entries(mock.state).filter(([k]) => !(k in inputs)),
    );
    const account = accountOf(loadWorld());
    const kind = EC2_ARN_KINDS[type];
    if (kind) computed.arn = `arn:aws:ec2:${this.config.region}:${account}:${kind}/${id}`;
    if (type === "aws:ecs/taskDefinition:TaskDefinition") {
      // ECS RegisterTaskDefinition: each registration of a family is its next revision, never
      // reused; the ARN ends in it, so a service that runs the new one sees a new ARN.
      const revision =
        1 +
        journal.filter(
          (e) =>
            e.type === type &&
            !e.error &&
            (e.op === "create" || e.op === "replace") &&
            e.inputs.family === inputs.family,
        ).length;
      computed.revision = revision;
      computed.arn = `arn:aws:ecs:${this.config.region}:${account}:task-definition/${String(inputs.family)}:${revision}`;
      computed.arnWithoutRevision = `arn:aws:ecs:${this.config.region}:${account}:task-definition/${String(inputs.family)}`;
    }
    return { id, computed };
  }

  /** terraform-provider-aws: tags_all is the provider's default_tags overlaid by the resource's tags. */
  configuredOutputs(type: string, inputs: Props): Props {
    if (UNTAGGED.has(type)) return {};
    return {
      tagsAll: {
        ...this.config.defaultTags,
        ...((inputs.tags as Record<string, string> | undefined) ?? {}),
      },
    };
  }

  refuseCreate(
    type: string,
    inputs: Props,
    live: ReturnType<typeof liveResources>,
    journal: ReturnType<typeof readJournal>,
  ): string | undefined {
    return refuseCreate(type, inputs, live, journal, loadWorld());
  }

  refuseDelete(type: string, id: string, state: Props): string | undefined {
    return refuseDelete(type, id, state, loadWorld());
  }

  refuseUpdate(type: string, id: string, olds: Props, news: Props): string | undefined {
    return refuseUpdate(type, id, olds, news);
  }

  invoke(token: string, args: Props): Props {
    const world = loadWorld();
    switch (token) {
      case "aws:index/getCallerIdentity:getCallerIdentity": {
        const arn = this.caller();
        return {
          accountId: accountOf(world),
          arn,
          userId: `AROAFAKE:${arn.split("/").pop()}`,
          id: accountOf(world),
        };
      }
      case "aws:rds/getSnapshot:getSnapshot":
        return this.getSnapshot(args);
      default:
        // Availability zones, region, ECR token: the render's answers, for this provider's region.
        return new RenderMocks({ region: this.config.region }).call({
          token,
          inputs: args,
          provider: "",
        }) as Props;
    }
  }

  /**
   * terraform-provider-aws internal/service/rds/snapshot_data_source.go: filter by instance and
   * type; no match and more than one match without most_recent are errors, with these messages.
   */
  private getSnapshot(args: Props): Props {
    const journal = readJournal(fakeCloudDir());
    const matches = availableSnapshots(loadWorld(), journal)
      .filter(
        (s) =>
          args.dbInstanceIdentifier === undefined ||
          s.dbInstanceIdentifier === args.dbInstanceIdentifier,
      )
      .filter(
        (s) => args.snapshotType === undefined || (s.type ?? "automated") === args.snapshotType,
      )
      .filter(
        (s) =>
          args.dbSnapshotIdentifier === undefined || s.identifier === args.dbSnapshotIdentifier,
      )
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    if (matches.length === 0)
      throw new Error(
        "Your query returned no results. Please change your search criteria and try again.",
      );
    if (matches.length > 1 && args.mostRecent !== true)
      throw new Error(
        "Your query returned more than one result. Please try a more specific search criteria.",
      );
    const snapshot = matches[matches.length - 1];
    const account = accountOf(loadWorld());
    return {
      id: snapshot.identifier,
      dbSnapshotIdentifier: snapshot.identifier,
      dbInstanceIdentifier: snapshot.dbInstanceIdentifier,
      snapshotType: snapshot.type ?? "automated",
      snapshotCreateTime: snapshot.createdAt,
      dbSnapshotArn: `arn:aws:rds:${this.config.region}:${account}:snapshot:${snapshot.identifier}`,
      engine: "postgres",
      allocatedStorage: snapshot.allocatedStorageGb ?? DEFAULT_STORAGE_GB,
      encrypted: true,
      status: "available",
    };
  }
}

/**
 * The mocks' generated ids are the same for the same logical name in every stack (so
 * `stagectl diff` lines stacks up); a cloud's are unique. They get their hex part from `seed`
 * (stack, resource and generation), keeping the mock's shape. Ids that are AWS names stay.
 */
function uniqueId(mockId: string, seed: string): string {
  const match = /^(.*-)([0-9a-f]{6,})$/.exec(mockId);
  if (!match) return mockId;
  return `${match[1]}${createHash("sha256").update(seed).digest("hex").slice(0, match[2].length)}`;
}
