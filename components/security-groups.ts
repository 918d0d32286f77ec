import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
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
}

/** Every documented `@default` of SecurityGroupsArgs, in one place; a test checks the TSDoc against them. */
export const SECURITY_GROUPS_DEFAULTS = {
  appPort: 8080,
  https: false,
} as const satisfies Partial<SecurityGroupsArgs>;

/**
 * The two groups every other component refers to: the load balancer's (the only thing open
 * to the internet) and the app's (reachable only from the load balancer). The database and
 * cache admit the app's group alone.
 */
export class SecurityGroups extends pulumi.ComponentResource {
  readonly loadBalancerGroupId: pulumi.Output<string>;
  readonly appGroupId: pulumi.Output<string>;

  constructor(name: string, args: SecurityGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("multistage:network:SecurityGroups", name, {}, opts);
    const child = { parent: this };
    const appPort = args.appPort ?? SECURITY_GROUPS_DEFAULTS.appPort;

    const lb = new aws.ec2.SecurityGroup(
      `${name}-alb`,
      {
        name: args.namer.name("security-group", "alb"),
        // The same whether or not HTTPS is on: EC2 cannot change a group's description, so a
        // change replaces the group, and a replacement under the same name fails (the new group
        // is created first). Ignored, so groups created with the older wording stay as they are.
        description: `Load balancer of ${args.namer.prefix}: web traffic from the internet (the ports its listeners use)`,
        vpcId: args.vpcId,
      },
      { ...child, ignoreChanges: ["description"] },
    );
    const app = new aws.ec2.SecurityGroup(
      `${name}-app`,
      {
        name: args.namer.name("security-group", "app"),
        description: `App tasks of ${args.namer.prefix}: only from its load balancer`,
        vpcId: args.vpcId,
      },
      child,
    );

    // A port open with nothing listening on it is attack surface and a false signal in audits.
    for (const port of (args.https ?? SECURITY_GROUPS_DEFAULTS.https) ? [80, 443] : [80]) {
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
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-alb-to-app`,
      {
        securityGroupId: lb.id,
        description: "Forward to app tasks",
        ipProtocol: "tcp",
        fromPort: appPort,
        toPort: appPort,
        referencedSecurityGroupId: app.id,
      },
      child,
    );
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-app-from-alb`,
      {
        securityGroupId: app.id,
        description: "From the load balancer only",
        ipProtocol: "tcp",
        fromPort: appPort,
        toPort: appPort,
        referencedSecurityGroupId: lb.id,
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

    this.loadBalancerGroupId = lb.id;
    this.appGroupId = app.id;
    this.registerOutputs({
      loadBalancerGroupId: this.loadBalancerGroupId,
      appGroupId: this.appGroupId,
    });
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
