import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { stripUndefined } from "../lib/args";
import { Namer } from "../lib/aws/naming";

export interface SecurityGroupsArgs {
  /** Names this stage's resources. */
  namer: Namer;
  /** VPC the groups belong to. */
  vpcId: pulumi.Input<string>;
  /**
   * Port the app container listens on; only the load balancer may reach it.
   * @default 8080
   */
  appPort?: number;
  /**
   * Open 443 to the internet: only when the load balancer has an HTTPS listener (a certificate).
   * @default false
   */
  https?: boolean;
  /**
   * The stage has a load balancer of its own. A shared feature stack has none: its tasks are
   * reached through development's, whose `featureApps` group admits it.
   * @default true
   */
  ownLoadBalancer?: boolean;
  /**
   * Development only: a group for shared feature stacks' tasks (and the feature host's
   * provisioner), the only clients of the feature host, reachable from this load balancer on
   * the app port when `featureAppsFromLoadBalancer`.
   * @default false
   */
  featureApps?: boolean;
  /**
   * Let this load balancer reach the feature apps group: feature stacks served through a rule on it.
   * @default false
   */
  featureAppsFromLoadBalancer?: boolean;
}

/** Every documented `@default` of SecurityGroupsArgs, in one place; a test checks the TSDoc against them. */
export const SECURITY_GROUPS_DEFAULTS = {
  appPort: 8080,
  https: false,
  ownLoadBalancer: true,
  featureApps: false,
  featureAppsFromLoadBalancer: false,
} as const satisfies Partial<SecurityGroupsArgs>;

/**
 * The two groups every other component refers to: the load balancer's (the only thing open
 * to the internet) and the app's (reachable only from the load balancer). The database and
 * cache admit the app's group alone.
 */
export class SecurityGroups extends pulumi.ComponentResource {
  /** The load balancer's group; undefined when the stage has no load balancer of its own. */
  readonly loadBalancerGroupId?: pulumi.Output<string>;
  readonly appGroupId: pulumi.Output<string>;
  /** Development's group for shared feature stacks' tasks, when asked for. */
  readonly featureAppsGroupId?: pulumi.Output<string>;

  constructor(name: string, args: SecurityGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("multistage:network:SecurityGroups", name, {}, opts);
    const child = { parent: this };
    const settings = { ...SECURITY_GROUPS_DEFAULTS, ...stripUndefined(args) };
    const appPort = settings.appPort;

    const app = new aws.ec2.SecurityGroup(
      `${name}-app`,
      {
        name: args.namer.name("security-group", "app"),
        description: `App tasks of ${args.namer.prefix}: only from its load balancer`,
        vpcId: args.vpcId,
      },
      child,
    );
    // Tasks pull images and secrets and reach S3 through the NAT, so outbound stays open.
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-app-out`,
      {
        securityGroupId: app.id,
        description: "Outbound from app tasks",
        ipProtocol: "-1",
        cidrIpv4: "0.0.0.0/0",
      },
      child,
    );
    this.appGroupId = app.id;

    if (settings.ownLoadBalancer) {
      const lb = this.loadBalancerGroup(name, args.namer, args.vpcId, settings.https);
      this.forward(`${name}-alb-to-app`, lb.id, app.id, appPort, "app tasks");
      this.loadBalancerGroupId = lb.id;
      if (settings.featureApps) {
        const featureApps = new aws.ec2.SecurityGroup(
          `${name}-feature-apps`,
          {
            name: args.namer.name("security-group", "feature-apps"),
            description: `Shared feature stacks' tasks in ${args.namer.prefix}'s network: the feature host's only clients`,
            vpcId: args.vpcId,
          },
          child,
        );
        new aws.vpc.SecurityGroupEgressRule(
          `${name}-feature-apps-out`,
          {
            securityGroupId: featureApps.id,
            description: "Outbound from feature tasks",
            ipProtocol: "-1",
            cidrIpv4: "0.0.0.0/0",
          },
          child,
        );
        if (settings.featureAppsFromLoadBalancer)
          this.forward(
            `${name}-alb-to-feature-apps`,
            lb.id,
            featureApps.id,
            appPort,
            "feature stacks' tasks",
          );
        this.featureAppsGroupId = featureApps.id;
      }
    }
    this.registerOutputs({
      loadBalancerGroupId: this.loadBalancerGroupId,
      appGroupId: this.appGroupId,
      featureAppsGroupId: this.featureAppsGroupId,
    });
  }

  /** The load balancer's group: only the ports its listeners use, from anywhere. */
  private loadBalancerGroup(
    name: string,
    namer: Namer,
    vpcId: pulumi.Input<string>,
    https: boolean,
  ): aws.ec2.SecurityGroup {
    const child = { parent: this };
    const lb = new aws.ec2.SecurityGroup(
      `${name}-alb`,
      {
        name: namer.name("security-group", "alb"),
        // The same whether or not HTTPS is on: EC2 cannot change a group's description, so a
        // change replaces the group, and a replacement under the same name fails (the new group
        // is created first). Ignored, so groups created with the older wording stay as they are.
        description: `Load balancer of ${namer.prefix}: web traffic from the internet (the ports its listeners use)`,
        vpcId,
      },
      { ...child, ignoreChanges: ["description"] },
    );
    // A port open with nothing listening on it is attack surface and a false signal in audits.
    for (const port of https ? [80, 443] : [80]) {
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-alb-in-${port}`,
        {
          securityGroupId: lb.id,
          description: `Public ${port === 80 ? "HTTP" : "HTTPS"}`,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          cidrIpv4: "0.0.0.0/0",
        },
        child,
      );
    }
    return lb;
  }

  /** The load balancer forwards to a group of tasks on the app port, and the tasks admit only it. */
  private forward(
    base: string,
    loadBalancerGroupId: pulumi.Input<string>,
    targetGroupId: pulumi.Input<string>,
    appPort: number,
    what: string,
  ): void {
    const child = { parent: this };
    new aws.vpc.SecurityGroupEgressRule(
      base,
      {
        securityGroupId: loadBalancerGroupId,
        description: `Forward to ${what}`,
        ipProtocol: "tcp",
        fromPort: appPort,
        toPort: appPort,
        referencedSecurityGroupId: targetGroupId,
      },
      child,
    );
    new aws.vpc.SecurityGroupIngressRule(
      `${base.replace(/-alb-to-/, "-")}-from-alb`,
      {
        securityGroupId: targetGroupId,
        description: "From the load balancer only",
        ipProtocol: "tcp",
        fromPort: appPort,
        toPort: appPort,
        referencedSecurityGroupId: loadBalancerGroupId,
      },
      child,
    );
  }
}

/** A group for a data store that admits one port from one client group, nothing else. */
export function clientOnlySecurityGroup(
  name: string,
  args: {
    namer: Namer;
    purpose: string;
    vpcId: pulumi.Input<string>;
    port: number;
    clientGroupId: pulumi.Input<string>;
  },
  parent: pulumi.Resource,
): aws.ec2.SecurityGroup {
  const group = new aws.ec2.SecurityGroup(
    `${name}-sg`,
    {
      name: args.namer.name("security-group", args.purpose),
      description: `${args.purpose} of ${args.namer.prefix}: port ${args.port} from the app only`,
      vpcId: args.vpcId,
    },
    { parent },
  );
  new aws.vpc.SecurityGroupIngressRule(
    `${name}-from-app`,
    {
      securityGroupId: group.id,
      description: "From app tasks only",
      ipProtocol: "tcp",
      fromPort: args.port,
      toPort: args.port,
      referencedSecurityGroupId: args.clientGroupId,
    },
    { parent },
  );
  return group;
}
