import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AppImage } from "./app-image";
import type { SanitizeEnvironmentName } from "../app/src/contract";
import { AppService, InitContainer } from "./app-service";
import { BucketSync } from "./bucket-sync";
import { Bucket } from "./bucket";
import { Cache } from "./cache";
import { Database } from "./database";
import { LogBucket } from "./log-bucket";
import { Namer } from "./naming";
import { Network } from "./network";
import { SecurityGroups } from "./security-groups";
import type { StageReferences } from "./stage-references";
import type { Stage } from "./stage-resolve";

export interface EnvironmentArgs {
  /** The validated stage this environment is built for. */
  stage: Stage;
  /** What the stage takes from other stacks, already resolved (stage-references.ts). */
  references: StageReferences;
  /** The stage's AWS provider (stage-provider.ts); every resource here uses it. */
  provider: aws.Provider;
}

/** The network a stage's resources go into: its own, or one borrowed from another stack. */
interface NetworkRef {
  vpcId: pulumi.Input<string>;
  publicSubnetIds: pulumi.Input<string[]>;
  privateSubnetIds: pulumi.Input<string[]>;
}

/** What a stack exports; nothing here is secret, and the render checks that. */
export interface EnvironmentOutputs {
  stage: string;
  stageKind: string;
  url: pulumi.Output<string>;
  bucketName: pulumi.Output<string>;
  dbEndpoint: pulumi.Output<string>;
  /** Identifier and ARN of the database; lower stages find production's snapshots by them. */
  dbIdentifier: pulumi.Output<string>;
  dbArn: pulumi.Output<string>;
  bucketArn: pulumi.Output<string>;
  dbSecretArn: pulumi.Output<string>;
  cacheEndpoint: pulumi.Output<string>;
  cacheSecretArn: pulumi.Output<string>;
  clusterName: pulumi.Output<string>;
  serviceName: pulumi.Output<string>;
  image: pulumi.Output<string>;
  vpcId: pulumi.Output<string>;
  publicSubnetIds: pulumi.Output<string[]>;
  privateSubnetIds: pulumi.Output<string[]>;
}

/** One whole stage: network (own or borrowed), data stores, bucket and the app service. */
export class Environment extends pulumi.ComponentResource {
  readonly outputs: EnvironmentOutputs;

  constructor(name: string, args: EnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
    const { stage, references } = args;
    super("multistage:index:Environment", name, {}, { ...opts, providers: { aws: args.provider } });
    const child = { parent: this };
    const namer = new Namer(stage.project, stage.name);

    const network: NetworkRef = references.network ?? new Network(`${name}-network`, { namer, cidr: stage.network.cidr, nat: stage.network.nat }, child);

    const groups = new SecurityGroups(`${name}-firewall`, { namer, vpcId: network.vpcId, appPort: stage.appPort, https: stage.domain.certificateArn !== undefined }, child);
    if (stage.kind === "production" && stage.domain.certificateArn === undefined) {
      pulumi.log.warn(`${stage.name} serves plain HTTP: set multistage:domain.certificateArn (an ACM certificate) to serve HTTPS and redirect HTTP to it`);
    }
    // Lower stages that take production's data know production's database and bucket (read only).
    const production = references.production;
    if (stage.data.source === "production-replica") {
      pulumi.log.warn(`${stage.name} reads production's database as a read replica: unsanitized production data, acknowledged in its stack file`);
    }

    const database = new Database(`${name}-db`, {
      namer,
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      clientSecurityGroupId: groups.appGroupId,
      engineVersion: stage.dbEngineVersion,
      ...stage.database,
      teardown: stage.teardown,
      generation: stage.data.generation,
      restoreFrom: stage.data.source === "production-snapshot" ? production?.latestSnapshot : undefined,
      replicaOf: stage.data.source === "production-replica" ? production?.dbArn : undefined,
    }, child);
    const cache = new Cache(`${name}-cache`, {
      namer,
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      clientSecurityGroupId: groups.appGroupId,
      engineVersion: stage.cacheEngineVersion,
      ...stage.cache,
      teardown: stage.teardown,
    }, child);
    const bucket = new Bucket(`${name}-bucket`, { namer, ...stage.bucket, teardown: stage.teardown }, child);
    // The audit trail: who reached the load balancer and the bucket, kept as long as the logs.
    const accessLogs = stage.logs.accessLogs
      ? new LogBucket(`${name}-access-logs`, {
          namer,
          // Asked of the stage's own provider: the account its load balancer is created in.
          accountId: aws.getCallerIdentityOutput({}, { provider: args.provider }).accountId,
          retentionDays: stage.logs.retentionDays,
          loggedBuckets: [{ purpose: "assets", bucketName: bucket.bucketName, arn: bucket.arn }],
          teardown: stage.teardown,
        }, child)
      : undefined;

    const image = stage.image
      ? pulumi.output(stage.image)
      : new AppImage(`${name}-image`, { namer, forceDelete: stage.teardown === "destroyable" }, child).imageRef;

    const service = new AppService(`${name}-app`, {
      namer,
      region: stage.region,
      vpcId: network.vpcId,
      publicSubnetIds: network.publicSubnetIds,
      privateSubnetIds: network.privateSubnetIds,
      loadBalancerSecurityGroupId: groups.loadBalancerGroupId,
      appSecurityGroupId: groups.appGroupId,
      image,
      environment: {
        APP_STAGE: stage.name,
        APP_STAGE_KIND: stage.kind,
        APP_IMAGE: image,
        PORT: String(stage.appPort),
        AWS_REGION: stage.region,
        BUCKET_NAME: bucket.bucketName,
        DB_HOST: database.address,
        DB_PORT: database.port.apply(String),
        DB_NAME: database.databaseName,
        DB_USER: database.username,
        REDIS_HOST: cache.primaryAddress,
        REDIS_PORT: String(cache.port),
      },
      // ECS resolves "<secret arn>:<json key>::" to one field of the JSON secret at task start.
      secrets: {
        DB_PASSWORD: pulumi.interpolate`${database.secretArn}:password::`,
        REDIS_TOKEN: pulumi.interpolate`${cache.secretArn}:authToken::`,
      },
      readableSecretArns: [database.secretArn, cache.secretArn],
      bucketArn: bucket.arn,
      cpu: stage.app.cpu,
      memory: stage.app.memory,
      desiredCount: stage.app.desiredCount,
      port: stage.appPort,
      logRetentionDays: stage.logs.retentionDays,
      teardown: stage.teardown,
      permissionsBoundaryArn: stage.access.permissionsBoundaryArn,
      certificateArn: stage.domain.certificateArn,
      accessLogs: accessLogs?.loadBalancerTarget,
      domain: stage.domain.name && stage.domain.hostedZoneId ? { name: stage.domain.name, hostedZoneId: stage.domain.hostedZoneId } : undefined,
      // Data restored from production is sanitized before the app serves it; never in production.
      initContainer:
        stage.data.source === "production-snapshot"
          ? sanitizeStep(stage, database)
          : undefined,
    }, child);

    if (production) {
      new BucketSync(`${name}-bucket-sync`, {
        namer,
        region: stage.region,
        sourceBucketName: production.bucketName,
        sourceBucketArn: production.bucketArn,
        targetBucketName: bucket.bucketName,
        targetBucketArn: bucket.arn,
        clusterArn: service.clusterArn,
        subnetIds: network.privateSubnetIds,
        securityGroupId: groups.appGroupId,
        schedule: stage.data.syncSchedule,
        permissionsBoundaryArn: stage.access.permissionsBoundaryArn,
        logRetentionDays: stage.logs.retentionDays,
      }, child);
    }

    this.outputs = {
      stage: stage.name,
      stageKind: stage.kind,
      url: service.url,
      bucketName: bucket.bucketName,
      dbEndpoint: database.endpoint,
      dbIdentifier: pulumi.output(database.identifier),
      dbArn: database.arn,
      bucketArn: bucket.arn,
      dbSecretArn: database.secretArn,
      cacheEndpoint: cache.primaryAddress,
      cacheSecretArn: cache.secretArn,
      clusterName: service.clusterName,
      serviceName: service.serviceName,
      image,
      vpcId: pulumi.output(network.vpcId),
      publicSubnetIds: pulumi.output(network.publicSubnetIds),
      privateSubnetIds: pulumi.output(network.privateSubnetIds),
    };
    this.registerOutputs({ ...this.outputs });
  }
}

/** The sanitize init container: the app's own image, running app/dist/sanitize.js once per data generation. */
function sanitizeStep(stage: Stage, database: Database): InitContainer {
  const environment: Record<SanitizeEnvironmentName, pulumi.Input<string>> = {
    APP_STAGE: stage.name,
    APP_STAGE_KIND: stage.kind,
    DB_HOST: database.address,
    DB_PORT: database.port.apply(String),
    DB_NAME: database.databaseName,
    DB_USER: database.username,
    DATA_GENERATION: String(stage.data.generation),
  };
  return {
    name: "sanitize",
    command: ["node", "app/dist/sanitize.js"],
    environment,
    secrets: { DB_PASSWORD: pulumi.interpolate`${database.secretArn}:password::` },
  };
}
