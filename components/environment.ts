import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AppImage } from "./app-image";
import { AppService } from "./app-service";
import { BucketSync } from "./bucket-sync";
import { Bucket } from "./bucket";
import { Cache } from "./cache";
import { Database, POSTGRES_PORT } from "./database";
import { LogBucket } from "./log-bucket";
import { Refinery } from "./refinery";
import { Namer, SHARED_PURPOSES } from "../lib/aws/naming";
import type { NetworkRef } from "../lib/aws/network-ref";
import { stageNameGuard } from "../lib/aws/name-guard";
import { Network } from "./network";
import { SecurityGroups } from "./security-groups";
import type { StageReferences } from "../stage/references";
import type { RefinerySettings } from "../stage/profile";
import type { Stage } from "../stage/resolve";

export interface EnvironmentArgs {
  /** The validated stage this environment is built for. */
  stage: Stage;
  /** What the stage takes from other stacks, already resolved (stage-references.ts). */
  references: StageReferences;
  /** The stage's AWS provider (stage-provider.ts); every resource here uses it. */
  provider: aws.Provider;
}

/** What a stack exports; nothing here is secret, and the render checks that. */
export interface EnvironmentOutputs {
  stage: string;
  stageKind: string;
  url: pulumi.Output<string>;
  bucketName: pulumi.Output<string>;
  dbEndpoint: pulumi.Output<string>;
  /** Identifier and ARN of the database (a staging replica names production's by its ARN). */
  dbIdentifier: pulumi.Output<string>;
  dbArn: pulumi.Output<string>;
  bucketArn: pulumi.Output<string>;
  dbSecretArn: pulumi.Output<string>;
  cacheEndpoint: pulumi.Output<string>;
  cacheSecretArn: pulumi.Output<string>;
  clusterName: pulumi.Output<string>;
  serviceName: pulumi.Output<string>;
  image: pulumi.Output<string>;
  /**
   * The git commit the image was built from (`multistage:imageCommit`), when whoever set the
   * image said so; `stagectl status` reads it. Absent for an image the stack builds itself.
   */
  commit?: string;
  vpcId: pulumi.Output<string>;
  publicSubnetIds: pulumi.Output<string[]>;
  privateSubnetIds: pulumi.Output<string[]>;
  /** Production only: the nightly refinery and the sanitized bucket it fills. */
  refineryStateMachineArn?: pulumi.Output<string>;
  sanitizedBucketName?: pulumi.Output<string>;
}

/** One whole stage: network (own or borrowed), data stores, bucket and the app service. */
export class Environment extends pulumi.ComponentResource {
  readonly outputs: EnvironmentOutputs;

  constructor(name: string, args: EnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
    const { stage, references } = args;
    super(
      "multistage:index:Environment",
      name,
      {},
      {
        ...opts,
        providers: { aws: args.provider },
        // Every resource of the stage, at render, preview and up: no physical name outside its prefix.
        transformations: [
          ...(opts?.transformations ?? []),
          stageNameGuard(stage.project, stage.name),
        ],
      },
    );
    const child = { parent: this };
    const namer = new Namer(stage.project, stage.name);

    const network: NetworkRef =
      references.network ??
      new Network(
        `${name}-network`,
        { namer, cidr: stage.network.cidr, nat: stage.network.nat },
        child,
      );

    const groups = new SecurityGroups(
      `${name}-firewall`,
      {
        namer,
        vpcId: network.vpcId,
        appPort: stage.appPort,
        https: stage.domain.certificateArn !== undefined,
      },
      child,
    );
    if (stage.kind === "production" && stage.domain.certificateArn === undefined) {
      pulumi.log.warn(
        `${stage.name} serves plain HTTP: set multistage:domain.certificateArn (an ACM certificate) to serve HTTPS and redirect HTTP to it`,
      );
    }
    // Lower stages take production's sanitized snapshot and bucket; a staging replica, its database.
    const sanitized = references.sanitized;
    if (stage.data.source === "production-replica") {
      pulumi.log.warn(
        `${stage.name} reads production's database as a read replica: unsanitized production data, acknowledged in its stack file`,
      );
    }

    const database = new Database(
      `${name}-db`,
      {
        namer,
        network,
        clientSecurityGroupId: groups.appGroupId,
        engineVersion: stage.dbEngineVersion,
        ...stage.database,
        teardown: stage.teardown,
        generation: stage.data.generation,
        restoreFrom:
          stage.data.source === "sanitized-snapshot" ? sanitized?.latestSnapshot : undefined,
        replicaOf: references.replicaOf,
      },
      child,
    );
    const cache = new Cache(
      `${name}-cache`,
      {
        namer,
        network,
        clientSecurityGroupId: groups.appGroupId,
        engineVersion: stage.cacheEngineVersion,
        ...stage.cache,
        teardown: stage.teardown,
      },
      child,
    );
    const bucket = new Bucket(
      `${name}-bucket`,
      { namer, ...stage.bucket, teardown: stage.teardown },
      child,
    );
    // Production's refinery mirrors the allowed prefixes of the bucket into this one, which lower
    // stages copy; created here so its requests are logged like the assets bucket's.
    const sanitizedBucket = stage.refinery
      ? new Bucket(
          `${name}-sanitized`,
          { namer, purpose: SHARED_PURPOSES.sanitizedBucket, teardown: stage.teardown },
          child,
        )
      : undefined;
    // The audit trail: who reached the load balancer and the bucket, kept as long as the logs.
    const accessLogs = stage.logs.accessLogs
      ? new LogBucket(
          `${name}-access-logs`,
          {
            namer,
            // Asked of the stage's own provider: the account its load balancer is created in.
            accountId: aws.getCallerIdentityOutput({}, { provider: args.provider }).accountId,
            retentionDays: stage.logs.retentionDays,
            loggedBuckets: [
              { purpose: "assets", bucketName: bucket.bucketName, arn: bucket.arn },
              ...(sanitizedBucket
                ? [
                    {
                      purpose: "sanitized",
                      bucketName: sanitizedBucket.bucketName,
                      arn: sanitizedBucket.arn,
                    },
                  ]
                : []),
            ],
            teardown: stage.teardown,
          },
          child,
        )
      : undefined;

    const image = stage.image
      ? pulumi.output(stage.image)
      : new AppImage(
          `${name}-image`,
          { namer, forceDelete: stage.teardown === "destroyable" },
          child,
        ).imageRef;

    const service = new AppService(
      `${name}-app`,
      {
        namer,
        region: stage.region,
        network,
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
        domain:
          stage.domain.name && stage.domain.hostedZoneId
            ? { name: stage.domain.name, hostedZoneId: stage.domain.hostedZoneId }
            : undefined,
      },
      child,
    );

    if (sanitized) {
      // The bucket follows the database: the sanitized copy of production's, never the raw one.
      new BucketSync(
        `${name}-bucket-sync`,
        {
          namer,
          region: stage.region,
          sourceBucketName: sanitized.bucketName,
          sourceBucketArn: sanitized.bucketArn,
          targetBucketName: bucket.bucketName,
          targetBucketArn: bucket.arn,
          clusterArn: service.clusterArn,
          subnetIds: network.privateSubnetIds,
          securityGroupId: groups.appGroupId,
          schedule: stage.data.syncSchedule,
          permissionsBoundaryArn: stage.access.permissionsBoundaryArn,
          logRetentionDays: stage.logs.retentionDays,
        },
        child,
      );
    }

    const refinery =
      stage.refinery && sanitizedBucket
        ? this.refinery(name, stage, stage.refinery, {
            namer,
            network,
            service,
            database,
            bucket,
            sanitizedBucket,
            image,
          })
        : undefined;

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
      ...(stage.imageCommit ? { commit: stage.imageCommit } : {}),
      vpcId: pulumi.output(network.vpcId),
      publicSubnetIds: pulumi.output(network.publicSubnetIds),
      privateSubnetIds: pulumi.output(network.privateSubnetIds),
      ...(refinery
        ? {
            refineryStateMachineArn: refinery.stateMachineArn,
            sanitizedBucketName: refinery.sanitizedBucketName,
          }
        : {}),
    };
    this.registerOutputs({ ...this.outputs });
  }

  /** Production's refinery and the sanitized bucket it fills: the only data that flows down. */
  private refinery(
    name: string,
    stage: Stage,
    settings: RefinerySettings,
    parts: {
      namer: Namer;
      network: NetworkRef;
      service: AppService;
      database: Database;
      bucket: Bucket;
      sanitizedBucket: Bucket;
      image: pulumi.Input<string>;
    },
  ): { stateMachineArn: pulumi.Output<string>; sanitizedBucketName: pulumi.Output<string> } {
    const child = { parent: this };
    const refinery = new Refinery(
      `${name}-refinery`,
      {
        namer: parts.namer,
        region: stage.region,
        network: parts.network,
        clusterArn: parts.service.clusterArn,
        image: parts.image,
        database: {
          identifier: parts.database.identifier,
          subnetGroupName: parts.database.subnetGroupName,
          parameterGroupName: parts.database.parameterGroupName,
          secretArn: parts.database.secretArn,
          databaseName: parts.database.databaseName,
          username: parts.database.username,
          port: POSTGRES_PORT,
        },
        sourceBucket: { name: parts.bucket.bucketName, arn: parts.bucket.arn },
        sanitizedBucket: { name: parts.sanitizedBucket.bucketName, arn: parts.sanitizedBucket.arn },
        ...settings,
        logRetentionDays: stage.logs.retentionDays,
        permissionsBoundaryArn: stage.access.permissionsBoundaryArn,
      },
      child,
    );
    return {
      stateMachineArn: refinery.stateMachineArn,
      sanitizedBucketName: refinery.sanitizedBucketName,
    };
  }
}
