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
import { Namer, productionDataNames, SHARED_PURPOSES } from "../lib/aws/naming";
import type { NetworkRef } from "../lib/aws/network-ref";
import { stageNameGuard } from "../lib/aws/name-guard";
import { Network } from "./network";
import { SecurityGroups } from "./security-groups";
import type {
  FeatureCacheRef,
  FeatureHostRef,
  PreviewRoutingRef,
  StageReferences,
} from "../stage/references";
import { cacheKeyPrefix, FeatureCacheUser } from "./feature-cache-user";
import { FeatureDatabase, featureDatabaseNames } from "./feature-database";
import { FEATURE_TEMPLATE_EXPORT_PREFIX, FeatureHost } from "./feature-host";
import { ServerlessCache } from "./serverless-cache";
import { SidecarCache, type CacheSidecar } from "./sidecar-cache";
import { jsonSecret } from "../lib/aws/json-secret";
import * as random from "@pulumi/random";
import type { RefinerySettings } from "../stage/profile";
import type { Stage } from "../stage/resolve";

export interface EnvironmentArgs {
  /** The validated stage this environment is built for. */
  stage: Stage;
  /** What the stage takes from other stacks, already resolved (stage-references.ts). */
  references: StageReferences;
  /** The stage's AWS provider (stage-provider.ts); every resource here uses it. */
  provider: aws.Provider;
  /** The role the provider assumes (undefined: none); the feature database's task runs assume it too. */
  assumedRoleArn: string | undefined;
}

/** What a stack exports; nothing here is secret, and the render checks that. */
export interface EnvironmentOutputs {
  stage: string;
  stageKind: string;
  url: pulumi.Output<string>;
  bucketName: pulumi.Output<string>;
  dbEndpoint: pulumi.Output<string>;
  /** The database's name: the app's on the stage's own instance, or the feature stack's on the feature host. */
  dbName: pulumi.Output<string>;
  /**
   * Identifier and ARN of the stage's own instance (a staging replica names production's by its
   * ARN); a shared feature stack has none, its database lives on development's feature host.
   */
  dbIdentifier?: pulumi.Output<string>;
  dbArn?: pulumi.Output<string>;
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
  /** Development with shared feature stacks: the host and provisioner they use. */
  featureHost?: pulumi.Output<FeatureHostRef>;
  /** Development with `featureStacks.cache: shared`: its cache and the user group feature stacks join. */
  featureCache?: pulumi.Output<FeatureCacheRef>;
  /** Development with a preview domain: the listener feature stacks add their rules to. */
  featurePreview?: pulumi.Output<PreviewRoutingRef>;
}

/** The stage's database and cache as the app and the outputs see them, whichever kind they are. */
interface DataStores {
  db: {
    address: pulumi.Output<string>;
    port: pulumi.Output<number>;
    endpoint: pulumi.Output<string>;
    databaseName: pulumi.Input<string>;
    username: pulumi.Input<string>;
    secretArn: pulumi.Output<string>;
    instance?: Database;
  };
  cache: {
    primaryAddress: pulumi.Output<string>;
    port: number;
    secretArn: pulumi.Output<string>;
    /** The user the app authenticates as: `default` on a cache of the stage's own. */
    username: string;
    /** The secret's JSON key that holds the user's password (`REDIS_TOKEN`). */
    tokenKey: "authToken" | "password";
    /** Development's own replication group, when it is the stage's. */
    own?: Cache;
    /** A feature stack's cache in its app's own task, reached on the loopback address. */
    sidecar?: CacheSidecar;
  };
}

/** Days production's sanitized bucket keeps a nightly database export: a week of fallbacks. */
const SANITIZED_EXPORT_DAYS = 7;

/** A cache component as the app sees it. */
function cacheOf(
  cache: Cache | ServerlessCache | FeatureCacheUser | SidecarCache,
): Pick<DataStores["cache"], "primaryAddress" | "port" | "secretArn"> {
  return { primaryAddress: cache.primaryAddress, port: cache.port, secretArn: cache.secretArn };
}

/** The host label a shared feature stack answers at under the preview domain: its stack name. */
export function previewHostLabel(stack: string): string {
  return stack;
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

    // A shared feature stack: its database on development's feature host, its way in a rule on
    // development's load balancer when development has a preview domain.
    const featureHost = stage.kind === "feature" ? references.featureHost : undefined;
    const previewRouting = featureHost ? references.previewRouting : undefined;
    const hosting = stage.featureStacks?.isolation === "shared" ? stage.featureStacks : undefined;
    const previewDomain =
      hosting?.previewDomain && hosting.previewCertificateArn && stage.domain.hostedZoneId
        ? {
            domain: hosting.previewDomain,
            certificateArn: hosting.previewCertificateArn,
            hostedZoneId: stage.domain.hostedZoneId,
          }
        : undefined;

    const groups = new SecurityGroups(
      `${name}-firewall`,
      {
        namer,
        vpcId: network.vpcId,
        appPort: stage.appPort,
        https: stage.domain.certificateArn !== undefined,
        ownLoadBalancer: previewRouting === undefined,
        featureApps: hosting !== undefined,
        featureAppsFromLoadBalancer: previewDomain !== undefined,
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

    const stores = featureHost
      ? this.sharedFeatureStores(name, stage, featureHost, references.featureCache, {
          namer,
          network,
          appGroupId: groups.appGroupId,
          assumedRoleArn: args.assumedRoleArn,
        })
      : this.ownStores(name, stage, references, {
          namer,
          network,
          appGroupId: groups.appGroupId,
          // Development with `featureStacks.cache: shared`: feature stacks' users on its cache.
          featureAppsGroupId: hosting?.cache === "shared" ? groups.featureAppsGroupId : undefined,
        });
    const { db, cache } = stores;
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
          {
            namer,
            purpose: SHARED_PURPOSES.sanitizedBucket,
            teardown: stage.teardown,
            // Each night's database export is a directory of its own; the refresh reads the newest.
            expiringPrefixes: { [FEATURE_TEMPLATE_EXPORT_PREFIX]: SANITIZED_EXPORT_DAYS },
          },
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
          DB_HOST: db.address,
          DB_PORT: db.port.apply(String),
          DB_NAME: db.databaseName,
          DB_USER: db.username,
          REDIS_HOST: cache.primaryAddress,
          REDIS_PORT: String(cache.port),
          REDIS_USERNAME: cache.username,
          // Every stage's keys start with its name: never an empty value, which ECS drops from a
          // task definition (so every update would replace it: pulumi/pulumi-aws#4576).
          REDIS_KEY_PREFIX: cacheKeyPrefix(stage.name),
          // Plaintext only inside the task, to its own sidecar; ElastiCache always takes TLS.
          REDIS_TLS: String(cache.sidecar === undefined),
        },
        // ECS resolves "<secret arn>:<json key>::" to one field of the JSON secret at task start.
        secrets: {
          DB_PASSWORD: pulumi.interpolate`${db.secretArn}:password::`,
          REDIS_TOKEN: pulumi.interpolate`${cache.secretArn}:${cache.tokenKey}::`,
        },
        readableSecretArns: [db.secretArn, cache.secretArn],
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
        previewTuning: stage.kind === "feature",
        sharedListener: previewRouting
          ? {
              listenerArn: previewRouting.listenerArn,
              hostName: `${previewHostLabel(stage.name)}.${previewRouting.domain}`,
            }
          : undefined,
        previewDomain,
        extraTaskSecurityGroupIds: featureHost ? [featureHost.clientSecurityGroupId] : [],
        cacheSidecar: cache.sidecar,
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

    const hostedFeatures =
      hosting && groups.featureAppsGroupId
        ? new FeatureHost(
            `${name}-feature-host`,
            {
              namer,
              network,
              clusterArn: service.clusterArn,
              image,
              sanitizedBucketName: productionDataNames(stage.project).sanitizedBucket,
              clientSecurityGroupId: groups.featureAppsGroupId,
              region: stage.region,
              engineVersion: stage.dbEngineVersion,
              ...hosting.host,
              teardown: stage.teardown,
              permissionsBoundaryArn: stage.access.permissionsBoundaryArn,
              logRetentionDays: stage.logs.retentionDays,
            },
            child,
          )
        : undefined;

    const refinery =
      stage.refinery && sanitizedBucket
        ? this.refinery(name, stage, stage.refinery, {
            namer,
            network,
            service,
            database: stores.db.instance,
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
      dbEndpoint: db.endpoint,
      dbName: pulumi.output(db.databaseName),
      ...(db.instance
        ? { dbIdentifier: pulumi.output(db.instance.identifier), dbArn: db.instance.arn }
        : {}),
      bucketArn: bucket.arn,
      dbSecretArn: db.secretArn,
      cacheEndpoint: cache.primaryAddress,
      cacheSecretArn: cache.secretArn,
      clusterName: service.clusterName,
      serviceName: service.serviceName,
      image,
      ...(stage.imageCommit ? { commit: stage.imageCommit } : {}),
      vpcId: pulumi.output(network.vpcId),
      publicSubnetIds: pulumi.output(network.publicSubnetIds),
      privateSubnetIds: pulumi.output(network.privateSubnetIds),
      ...(hostedFeatures ? { featureHost: hostedFeatures.outputs } : {}),
      ...(cache.own?.userGroupId
        ? {
            featureCache: pulumi
              .all([cache.own.primaryAddress, cache.own.userGroupId])
              .apply(([address, userGroupId]) => ({ address, port: cache.port, userGroupId })),
          }
        : {}),
      ...(previewDomain && service.httpsListenerArn
        ? {
            featurePreview: service.httpsListenerArn.apply((listenerArn) => ({
              listenerArn,
              domain: previewDomain.domain,
            })),
          }
        : {}),
      ...(refinery
        ? {
            refineryStateMachineArn: refinery.stateMachineArn,
            sanitizedBucketName: refinery.sanitizedBucketName,
          }
        : {}),
    };
    this.registerOutputs({ ...this.outputs });
  }

  /** A stage's own RDS instance and replication group (every long-lived stage, dedicated feature stacks). */
  private ownStores(
    name: string,
    stage: Stage,
    references: StageReferences,
    parts: {
      namer: Namer;
      network: NetworkRef;
      appGroupId: pulumi.Output<string>;
      featureAppsGroupId?: pulumi.Output<string>;
    },
  ): DataStores {
    const child = { parent: this };
    const database = new Database(
      `${name}-db`,
      {
        namer: parts.namer,
        network: parts.network,
        clientSecurityGroupId: parts.appGroupId,
        engineVersion: stage.dbEngineVersion,
        ...stage.database,
        teardown: stage.teardown,
        generation: stage.data.generation,
        restoreFrom:
          stage.data.source === "sanitized-snapshot"
            ? references.sanitized?.latestSnapshot
            : undefined,
        replicaOf: references.replicaOf,
      },
      child,
    );
    const cache = new Cache(
      `${name}-cache`,
      {
        namer: parts.namer,
        network: parts.network,
        clientSecurityGroupId: parts.appGroupId,
        engineVersion: stage.cacheEngineVersion,
        ...stage.cache,
        teardown: stage.teardown,
        featureStacks: parts.featureAppsGroupId
          ? { clientSecurityGroupId: parts.featureAppsGroupId }
          : undefined,
      },
      child,
    );
    return {
      db: {
        address: database.address,
        port: database.port,
        endpoint: database.endpoint,
        databaseName: database.databaseName,
        username: database.username,
        secretArn: database.secretArn,
        instance: database,
      },
      cache: { ...cacheOf(cache), username: "default", tokenKey: "authToken", own: cache },
    };
  }

  /**
   * A shared feature stack's data: a database and login role of its own on development's
   * feature host, copied from the host's template by the provisioner task (seconds, where a
   * snapshot restore takes ten minutes), and a serverless cache of its own or a user on
   * development's (featureCache). The password is made here and kept in the stack's own
   * secret, which the provisioner reads by ARN.
   */
  private sharedFeatureStores(
    name: string,
    stage: Stage,
    host: FeatureHostRef,
    shared: FeatureCacheRef | undefined,
    parts: {
      namer: Namer;
      network: NetworkRef;
      appGroupId: pulumi.Output<string>;
      assumedRoleArn?: string;
    },
  ): DataStores {
    const child = { parent: this };
    const names = featureDatabaseNames(stage.name, stage.data.generation);
    const password = new random.RandomPassword(
      `${name}-db-password`,
      // Letters and digits only: nothing to quote in SQL or in a connection string.
      { length: 32, special: false },
      child,
    );
    const credentials = jsonSecret(
      `${name}-db`,
      {
        secretName: parts.namer.name("secret", "db-credentials"),
        description: `PostgreSQL credentials of ${parts.namer.prefix} on development's feature host`,
        value: {
          host: host.address,
          port: host.port,
          dbname: names.database,
          username: names.role,
          password: password.result,
        },
        recoveryDays: 0,
      },
      this,
    );
    new FeatureDatabase(
      `${name}-feature-db`,
      {
        region: stage.region,
        clusterArn: host.clusterArn,
        taskDefinitionArn: host.taskDefinitionArn,
        containerName: host.containerName,
        subnetIds: parts.network.privateSubnetIds,
        securityGroupIds: [host.clientSecurityGroupId],
        database: names.database,
        role: names.role,
        passwordSecretArn: credentials.secret.arn,
        assumeRoleArn: parts.assumedRoleArn,
        logGroup: host.logGroupName,
        // The provisioner container logs under its own name (feature-host.ts awslogs-stream-prefix),
        // so a failed task's error names the stream that holds its log.
        logStreamPrefix: host.containerName,
      },
      // The password must be in the secret before the provisioner reads it.
      { ...child, dependsOn: [credentials.version] },
    );
    return {
      db: {
        address: pulumi.output(host.address),
        port: pulumi.output(host.port),
        endpoint: pulumi.output(`${host.address}:${host.port}`),
        // The names, not the resource's outputs: the service starts while the provisioner copies
        // the template (both take about a minute), instead of after it. Until the database exists
        // the app's /readyz says so, and `feature up` waits for /readyz.
        databaseName: names.database,
        username: names.role,
        secretArn: credentials.secret.arn,
      },
      cache: this.featureCache(name, stage, parts, shared),
    };
  }

  /**
   * A shared feature stack's cache (`feature.cache`, copied from development's
   * `featureStacks.cache`): a Valkey container in its app's own task (`sidecar`); a user of its
   * own on development's cache, limited to its key prefix (`shared`); or an ElastiCache
   * Serverless cache of its own (`serverless`).
   */
  private featureCache(
    name: string,
    stage: Stage,
    parts: { namer: Namer; network: NetworkRef; appGroupId: pulumi.Output<string> },
    shared: FeatureCacheRef | undefined,
  ): DataStores["cache"] {
    const child = { parent: this };
    if (stage.feature?.cache === "sidecar") {
      const cache = new SidecarCache(`${name}-cache`, { namer: parts.namer }, child);
      return {
        ...cacheOf(cache),
        username: "default",
        tokenKey: "authToken",
        sidecar: cache.sidecar,
      };
    }
    if (shared) {
      const user = new FeatureCacheUser(
        `${name}-cache`,
        { namer: parts.namer, stack: stage.name, cache: shared },
        child,
      );
      return { ...cacheOf(user), username: user.username, tokenKey: "password" };
    }
    const cache = new ServerlessCache(
      `${name}-cache`,
      { namer: parts.namer, network: parts.network, clientSecurityGroupId: parts.appGroupId },
      child,
    );
    return { ...cacheOf(cache), username: "default", tokenKey: "authToken" };
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
      database: Database | undefined;
      bucket: Bucket;
      sanitizedBucket: Bucket;
      image: pulumi.Input<string>;
    },
  ): { stateMachineArn: pulumi.Output<string>; sanitizedBucketName: pulumi.Output<string> } {
    const child = { parent: this };
    if (!parts.database)
      throw new Error(`${stage.name}: the refinery needs the stage's own database`);
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
