import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  APP_ENVIRONMENT,
  APP_SECRETS,
  AppEnvironmentName,
  AppSecretName,
  HEALTH_PATH,
} from "../app/src/contract";
import { stripUndefined } from "../lib/args";
import { serviceRole, taskExecutionStatements } from "../lib/aws/service-role";
import type { LoadBalancerLogTarget } from "./log-bucket";
import { sidecarContainer, SIDECAR_CONTAINER_NAME, type CacheSidecar } from "./sidecar-cache";
import { Namer } from "../lib/aws/naming";
import type { NetworkRef } from "../lib/aws/network-ref";
import { TeardownMode } from "../stage/profile";
import { teardownPolicy } from "../stage/teardown";
import { RETAIN_TASK_REVISIONS } from "../lib/aws/task-revisions";

export const CONTAINER_NAME = "app";

export interface AppServiceArgs {
  /** Names this stage's resources. */
  namer: Namer;
  /** The network: the load balancer in its public subnets, the tasks (no public IP) in its private ones. */
  network: NetworkRef;
  /**
   * Security group of the stage's own load balancer; required unless `sharedListener` is set.
   * @default undefined (no load balancer of its own: `sharedListener`)
   */
  loadBalancerSecurityGroupId?: pulumi.Input<string>;
  /** Security group of the tasks. */
  appSecurityGroupId: pulumi.Input<string>;
  /** Image to run, ideally pinned by digest. */
  image: pulumi.Input<string>;
  /** Every plain environment variable of the app contract, by name. */
  environment: Record<AppEnvironmentName, pulumi.Input<string>>;
  /** Every secret of the app contract: `valueFrom` references into Secrets Manager. */
  secrets: Record<AppSecretName, pulumi.Input<string>>;
  /** Secrets the execution role may read: this stage's own, nothing else. */
  readableSecretArns: pulumi.Input<string>[];
  /** The stage's bucket, the only one the task role may use. */
  bucketArn: pulumi.Input<string>;
  /**
   * Fargate CPU units.
   * @default 256
   */
  cpu?: number;
  /**
   * Fargate memory in MiB (must pair with cpu).
   * @default 512
   */
  memory?: number;
  /**
   * Number of tasks.
   * @default 1
   */
  desiredCount?: number;
  /**
   * Port the container listens on.
   * @default 8080
   */
  port?: number;
  /**
   * Days CloudWatch keeps the app's logs.
   * @default 7
   */
  logRetentionDays?: number;
  /**
   * How the service may be destroyed; protected stages turn on load balancer deletion protection.
   * @default "destroyable"
   */
  teardown?: TeardownMode;
  /**
   * ACM certificate for HTTPS; when set, HTTP redirects to HTTPS.
   * @default undefined (HTTP only)
   */
  certificateArn?: string;
  /**
   * DNS name and Route 53 zone for an alias to the load balancer.
   * @default undefined (use the load balancer's DNS name)
   */
  domain?: { name: string; hostedZoneId: string };
  /**
   * AWS region, for the log driver.
   * @default "us-east-1"
   */
  region?: string;
  /**
   * Permissions boundary every role here carries (the stage's, from access/).
   * @default undefined (no boundary)
   */
  permissionsBoundaryArn?: pulumi.Input<string>;
  /**
   * Where the load balancer writes its access logs (the stage's log bucket).
   * @default undefined (no access logs)
   */
  accessLogs?: LoadBalancerLogTarget;
  /**
   * A shared feature stack: no load balancer of its own, but a target group and a host-header
   * rule for `hostName` on this HTTPS listener (development's).
   * @default undefined (a load balancer of its own)
   */
  sharedListener?: { listenerArn: pulumi.Input<string>; hostName: string };
  /**
   * Development: serve `*.<domain>` (feature stacks' rules) on its HTTPS listener with this
   * wildcard certificate, and alias `*.<domain>` to its load balancer in `hostedZoneId`.
   * @default undefined (no preview domain)
   */
  previewDomain?: { domain: string; certificateArn: string; hostedZoneId: string };
  /**
   * Health checks and draining tuned for a preview: checked every 5 s and healthy after two,
   * drained in 5 s, so a feature stack's URL serves seconds after its task starts.
   * @default false
   */
  previewTuning?: boolean;
  /**
   * Further groups the tasks carry (a shared feature stack's: development's feature apps group).
   * @default []
   */
  extraTaskSecurityGroupIds?: pulumi.Input<string>[];
  /**
   * A cache container beside the app in every task, on the loopback address (a feature stack's
   * sidecar cache, components/sidecar-cache.ts); the app's container starts after it.
   * @default undefined (no sidecar)
   */
  cacheSidecar?: CacheSidecar;
}

type NormalizedAppServiceArgs = AppServiceArgs &
  Required<
    Pick<
      AppServiceArgs,
      | "cpu"
      | "memory"
      | "desiredCount"
      | "port"
      | "logRetentionDays"
      | "teardown"
      | "region"
      | "previewTuning"
      | "extraTaskSecurityGroupIds"
    >
  >;

/** Every documented `@default` of AppServiceArgs, in one place: normalize() applies them, a test checks the TSDoc against them. */
export const APP_SERVICE_DEFAULTS = {
  cpu: 256,
  memory: 512,
  desiredCount: 1,
  port: 8080,
  logRetentionDays: 7,
  teardown: "destroyable",
  region: "us-east-1",
  previewTuning: false,
  extraTaskSecurityGroupIds: [],
} as const satisfies Partial<AppServiceArgs>;

/**
 * A preview's target group: ELB allows health checks every 5-300 s with a timeout below the
 * interval and 2-10 healthy checks, and a 0-3600 s deregistration delay (ELB API Reference,
 * CreateTargetGroup and ModifyTargetGroupAttributes).
 */
const PREVIEW_HEALTH = { interval: 5, timeout: 4, healthyThreshold: 2, unhealthyThreshold: 2 };
const PREVIEW_DEREGISTRATION_DELAY = 5;

function normalize(args: AppServiceArgs): NormalizedAppServiceArgs {
  return { ...APP_SERVICE_DEFAULTS, ...stripUndefined(args) } as NormalizedAppServiceArgs;
}

/** How the service is reached: what must exist before it, and its URL. */
interface Routing {
  forwarders: pulumi.Resource[];
  url: pulumi.Output<string>;
  httpsListenerArn?: pulumi.Output<string>;
}

/** Seconds ECS waits after SIGTERM before killing the container; the app drains within it. */
export const STOP_TIMEOUT_SECONDS = 30;

/**
 * The app on ECS Fargate behind an application load balancer: cluster, task definition,
 * roles scoped to this stage's secrets and bucket, logs, listeners and the service.
 */
export class AppService extends pulumi.ComponentResource {
  readonly url: pulumi.Output<string>;
  /** The HTTPS listener of the stage's own load balancer, when it has a certificate. */
  readonly httpsListenerArn?: pulumi.Output<string>;
  readonly clusterName: pulumi.Output<string>;
  readonly clusterArn: pulumi.Output<string>;
  readonly serviceName: pulumi.Output<string>;

  constructor(name: string, rawArgs: AppServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("multistage:app:AppService", name, {}, opts);
    const args = normalize(rawArgs);
    const child = { parent: this };
    const namer = args.namer;

    const cluster = new aws.ecs.Cluster(
      `${name}-cluster`,
      {
        name: namer.name("ecs-cluster", "cluster"),
        settings: [{ name: "containerInsights", value: "enabled" }],
      },
      child,
    );
    const logs = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      {
        name: namer.logGroup("app"),
        retentionInDays: args.logRetentionDays,
      },
      child,
    );

    const executionRole = serviceRole(
      `${name}-execution`,
      {
        namer,
        purpose: "app-execution",
        description: `Starts ${namer.prefix} tasks: pulls the image, writes logs, reads this stage's secrets`,
        service: "ecs-tasks.amazonaws.com",
        permissionsBoundaryArn: args.permissionsBoundaryArn,
        policy: taskExecutionStatements({
          region: args.region,
          project: namer.project,
          logGroupArn: logs.arn,
          secretArns: args.readableSecretArns,
        }),
      },
      child,
    );

    const taskRole = serviceRole(
      `${name}-task`,
      {
        namer,
        purpose: "app-task",
        description: `Runs as the ${namer.prefix} app: uses this stage's bucket only`,
        service: "ecs-tasks.amazonaws.com",
        permissionsBoundaryArn: args.permissionsBoundaryArn,
        policy: [
          {
            Sid: "ListOwnBucket",
            Effect: "Allow",
            Action: ["s3:ListBucket"],
            Resource: [args.bucketArn],
          },
          {
            Sid: "UseOwnBucketObjects",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            Resource: [pulumi.interpolate`${args.bucketArn}/*`],
          },
        ],
      },
      child,
    );

    const containerDefinitions = pulumi
      .all([
        args.image,
        args.environment,
        args.secrets,
        logs.name,
        args.cacheSidecar?.tokenValueFrom,
      ])
      .apply(([image, environment, secrets, logGroup, sidecarTokenValueFrom]) => {
        const logConfiguration = (prefix: string) => ({
          logDriver: "awslogs",
          options: {
            "awslogs-group": logGroup,
            "awslogs-region": args.region,
            "awslogs-stream-prefix": prefix,
          },
        });
        return JSON.stringify([
          {
            name: CONTAINER_NAME,
            image,
            essential: true,
            portMappings: [{ containerPort: args.port, protocol: "tcp" }],
            environment: APP_ENVIRONMENT.map((key) => ({
              name: key,
              value: String(environment[key]),
            })),
            secrets: APP_SECRETS.map((key) => ({ name: key, valueFrom: secrets[key] })),
            healthCheck: {
              // The Node image has no curl; Node itself probes the same path the load balancer uses.
              command: ["CMD", "node", "-e", containerHealthProbe(args.port)],
              interval: 15,
              timeout: 5,
              retries: 3,
              startPeriod: 20,
            },
            stopTimeout: STOP_TIMEOUT_SECONDS,
            readonlyRootFilesystem: true,
            logConfiguration: logConfiguration("app"),
            ...(args.cacheSidecar
              ? { dependsOn: [{ containerName: SIDECAR_CONTAINER_NAME, condition: "START" }] }
              : {}),
          },
          ...(args.cacheSidecar && sidecarTokenValueFrom
            ? [
                sidecarContainer(
                  args.cacheSidecar,
                  sidecarTokenValueFrom,
                  logConfiguration(SIDECAR_CONTAINER_NAME),
                ),
              ]
            : []),
        ]);
      });
    const taskDefinition = new aws.ecs.TaskDefinition(
      `${name}-task`,
      {
        skipDestroy: RETAIN_TASK_REVISIONS,
        family: namer.name("ecs-task-family", "app"),
        cpu: String(args.cpu),
        memory: String(args.memory),
        networkMode: "awsvpc",
        requiresCompatibilities: ["FARGATE"],
        runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
        executionRoleArn: executionRole.arn,
        taskRoleArn: taskRole.arn,
        containerDefinitions,
      },
      child,
    );

    const targetGroup = new aws.lb.TargetGroup(
      `${name}-tg`,
      {
        name: namer.name("target-group", ""),
        port: args.port,
        protocol: "HTTP",
        targetType: "ip",
        vpcId: args.network.vpcId,
        deregistrationDelay: args.previewTuning
          ? PREVIEW_DEREGISTRATION_DELAY
          : STOP_TIMEOUT_SECONDS,
        healthCheck: {
          path: HEALTH_PATH,
          matcher: "200",
          ...(args.previewTuning
            ? PREVIEW_HEALTH
            : { interval: 15, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 3 }),
        },
      },
      child,
    );

    const routing = args.sharedListener
      ? this.sharedListenerRule(name, args.sharedListener, targetGroup)
      : this.ownLoadBalancer(name, args, targetGroup);

    const service = new aws.ecs.Service(
      `${name}-service`,
      {
        name: namer.name("ecs-service", "app"),
        cluster: cluster.arn,
        taskDefinition: taskDefinition.arn,
        desiredCount: args.desiredCount,
        launchType: "FARGATE",
        networkConfiguration: {
          subnets: args.network.privateSubnetIds,
          securityGroups: [args.appSecurityGroupId, ...args.extraTaskSecurityGroupIds],
          assignPublicIp: false,
        },
        loadBalancers: [
          {
            targetGroupArn: targetGroup.arn,
            containerName: CONTAINER_NAME,
            containerPort: args.port,
          },
        ],
        deploymentCircuitBreaker: { enable: true, rollback: true },
        deploymentMinimumHealthyPercent: 100,
        deploymentMaximumPercent: 200,
        healthCheckGracePeriodSeconds: 30,
        propagateTags: "SERVICE",
      },
      // ECS refuses a target group that no listener or rule forwards to yet.
      { ...child, dependsOn: routing.forwarders },
    );

    this.url = routing.url;
    this.httpsListenerArn = routing.httpsListenerArn;
    this.clusterName = cluster.name;
    this.clusterArn = cluster.arn;
    this.serviceName = service.name;
    this.registerOutputs({
      url: this.url,
      clusterName: this.clusterName,
      serviceName: this.serviceName,
    });
  }

  /**
   * A shared feature stack's way in: a host-header rule on development's HTTPS listener. No
   * priority is given: the provider takes the listener's highest plus one and retries when a
   * stack created at the same moment took it (terraform-provider-aws
   * internal/service/elbv2/listener_rule.go, PriorityInUse), so parallel feature stacks never
   * need to agree on numbers.
   */
  private sharedListenerRule(
    name: string,
    listener: { listenerArn: pulumi.Input<string>; hostName: string },
    targetGroup: aws.lb.TargetGroup,
  ): Routing {
    const rule = new aws.lb.ListenerRule(
      `${name}-rule`,
      {
        listenerArn: listener.listenerArn,
        conditions: [{ hostHeader: { values: [listener.hostName] } }],
        actions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
      },
      { parent: this },
    );
    return { forwarders: [rule], url: pulumi.output(`https://${listener.hostName}`) };
  }

  /** A load balancer of the stage's own, its listeners, and its DNS names. */
  private ownLoadBalancer(
    name: string,
    args: NormalizedAppServiceArgs,
    targetGroup: aws.lb.TargetGroup,
  ): Routing {
    const child = { parent: this };
    if (args.loadBalancerSecurityGroupId === undefined)
      throw new Error(`${name}: a load balancer of its own needs loadBalancerSecurityGroupId`);
    const teardown = teardownPolicy(args.teardown);
    const loadBalancer = new aws.lb.LoadBalancer(
      `${name}-alb`,
      {
        // No purpose suffix: ALB and target group names stop at 32 characters, and every
        // character left over is room for a feature stack's branch slug.
        name: args.namer.name("alb", ""),
        internal: false,
        loadBalancerType: "application",
        securityGroups: [args.loadBalancerSecurityGroupId],
        subnets: args.network.publicSubnetIds,
        dropInvalidHeaderFields: true,
        enableDeletionProtection: teardown.deletionProtection,
        accessLogs: args.accessLogs
          ? { bucket: args.accessLogs.bucketName, prefix: args.accessLogs.prefix, enabled: true }
          : undefined,
      },
      {
        ...child,
        // Enabling access logs makes ELB write a test object at once, which fails without the
        // bucket policy. On destroy the load balancer goes first, so it never logs into a bucket
        // name that has been given up (and could be claimed by another account).
        dependsOn: args.accessLogs ? [args.accessLogs.writable] : [],
      },
    );
    const listeners = this.listeners(name, loadBalancer, targetGroup, args.certificateArn);
    const https = args.certificateArn ? listeners[0] : undefined;

    if (args.previewDomain && https) {
      // Feature stacks add host-header rules to these listeners, and a rule decides before the
      // default action: the stage's own host name is claimed first, at priority 1 on both
      // listeners, so no feature stack's rule (whatever host it names) can take its traffic.
      if (args.domain) this.ownHostRules(name, args.domain.name, listeners, targetGroup);
      // Feature stacks' host names are covered by the wildcard certificate (SNI picks it) and
      // resolve through one wildcard alias: a feature stack adds no DNS record of its own.
      new aws.lb.ListenerCertificate(
        `${name}-preview-certificate`,
        { listenerArn: https.arn, certificateArn: args.previewDomain.certificateArn },
        child,
      );
      new aws.route53.Record(
        `${name}-preview-alias`,
        {
          zoneId: args.previewDomain.hostedZoneId,
          name: `*.${args.previewDomain.domain}`,
          type: "A",
          aliases: [
            {
              name: loadBalancer.dnsName,
              zoneId: loadBalancer.zoneId,
              evaluateTargetHealth: false,
            },
          ],
        },
        child,
      );
    }

    const scheme = args.certificateArn ? "https" : "http";
    let url: pulumi.Output<string>;
    if (args.domain) {
      new aws.route53.Record(
        `${name}-alias`,
        {
          zoneId: args.domain.hostedZoneId,
          name: args.domain.name,
          type: "A",
          aliases: [
            { name: loadBalancer.dnsName, zoneId: loadBalancer.zoneId, evaluateTargetHealth: true },
          ],
        },
        child,
      );
      url = pulumi.output(`${scheme}://${args.domain.name}`);
    } else {
      url = pulumi.interpolate`${scheme}://${loadBalancer.dnsName}`;
    }
    return { forwarders: listeners, url, httpsListenerArn: https?.arn };
  }

  /** The stage's own host name at priority 1: HTTPS forwards to its service, HTTP redirects. */
  private ownHostRules(
    name: string,
    hostName: string,
    [https, http]: aws.lb.Listener[],
    targetGroup: aws.lb.TargetGroup,
  ): void {
    const child = { parent: this };
    const conditions = [{ hostHeader: { values: [hostName] } }];
    new aws.lb.ListenerRule(
      `${name}-own-host`,
      {
        listenerArn: https.arn,
        priority: 1,
        conditions,
        actions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
      },
      child,
    );
    new aws.lb.ListenerRule(
      `${name}-own-host-http`,
      {
        listenerArn: http.arn,
        priority: 1,
        conditions,
        actions: [
          {
            type: "redirect",
            redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" },
          },
        ],
      },
      child,
    );
  }

  /** HTTP forwards, or redirects to an HTTPS listener when there is a certificate. */
  private listeners(
    name: string,
    loadBalancer: aws.lb.LoadBalancer,
    targetGroup: aws.lb.TargetGroup,
    certificateArn: string | undefined,
  ): aws.lb.Listener[] {
    const child = { parent: this };
    const forward = [{ type: "forward", targetGroupArn: targetGroup.arn }];
    if (!certificateArn) {
      return [
        new aws.lb.Listener(
          `${name}-http`,
          {
            loadBalancerArn: loadBalancer.arn,
            port: 80,
            protocol: "HTTP",
            defaultActions: forward,
          },
          child,
        ),
      ];
    }
    const https = new aws.lb.Listener(
      `${name}-https`,
      {
        loadBalancerArn: loadBalancer.arn,
        port: 443,
        protocol: "HTTPS",
        sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
        certificateArn,
        defaultActions: forward,
      },
      child,
    );
    const http = new aws.lb.Listener(
      `${name}-http`,
      {
        loadBalancerArn: loadBalancer.arn,
        port: 80,
        protocol: "HTTP",
        defaultActions: [
          {
            type: "redirect",
            redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" },
          },
        ],
      },
      child,
    );
    return [https, http];
  }
}

/** A one-line Node program that exits 0 when the app answers its health path. */
export function containerHealthProbe(port: number): string {
  return `fetch('http://127.0.0.1:${port}${HEALTH_PATH}').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`;
}
