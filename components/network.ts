import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { planSubnets } from "../lib/aws/cidr";
import { Namer } from "../lib/aws/naming";
import type { NetworkRef } from "../lib/aws/network-ref";
import { NatMode } from "../stage/profile";
import { stripUndefined } from "../lib/args";

export interface NetworkArgs {
  /** Names this stage's resources. */
  namer: Namer;
  /**
   * The VPC's /16 block; distinct per stage so stages never overlap.
   * @default "10.10.0.0/16"
   */
  cidr?: string;
  /**
   * One NAT gateway for the whole VPC (cheap) or one per availability zone (survives a zone outage).
   * @default "single"
   */
  nat?: NatMode;
  /**
   * How many availability zones to spread subnets over.
   * @default 2
   */
  zoneCount?: number;
}

interface NormalizedNetworkArgs {
  namer: Namer;
  cidr: string;
  nat: NatMode;
  zoneCount: number;
}

/** Every documented `@default` of NetworkArgs, in one place: normalize() applies them, a test checks the TSDoc against them. */
export const NETWORK_DEFAULTS = {
  cidr: "10.10.0.0/16",
  nat: "single",
  zoneCount: 2,
} as const satisfies Partial<NetworkArgs>;

function normalize(args: NetworkArgs): NormalizedNetworkArgs {
  return { ...NETWORK_DEFAULTS, ...stripUndefined(args) } as NormalizedNetworkArgs;
}

/** A stage's own VPC: public subnets for the load balancer and NAT, private ones for everything else. */
export class Network extends pulumi.ComponentResource implements NetworkRef {
  readonly vpcId: pulumi.Output<string>;
  readonly publicSubnetIds: pulumi.Output<string[]>;
  readonly privateSubnetIds: pulumi.Output<string[]>;

  constructor(name: string, rawArgs: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("multistage:network:Network", name, {}, opts);
    const args = normalize(rawArgs);
    const child = { parent: this };
    const tagName = (purpose: string) => ({ Name: args.namer.tagName(purpose) });
    const plan = planSubnets(args.cidr, args.zoneCount);
    const zones = aws.getAvailabilityZonesOutput({ state: "available" }, child);

    const vpc = new aws.ec2.Vpc(
      `${name}-vpc`,
      {
        cidrBlock: args.cidr,
        enableDnsHostnames: true,
        enableDnsSupport: true,
        tags: tagName("vpc"),
      },
      child,
    );
    const gateway = new aws.ec2.InternetGateway(
      `${name}-igw`,
      { vpcId: vpc.id, tags: tagName("igw") },
      child,
    );

    const publicRoutes = new aws.ec2.RouteTable(
      `${name}-public-rt`,
      {
        vpcId: vpc.id,
        routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: gateway.id }],
        tags: tagName("public-rt"),
      },
      child,
    );

    const publicSubnets = plan.publicCidrs.map((cidrBlock, i) => {
      const subnet = new aws.ec2.Subnet(
        `${name}-public-${i}`,
        {
          vpcId: vpc.id,
          cidrBlock,
          availabilityZone: zones.names[i],
          // Nothing in a public subnet needs an automatic public IP: the ALB and NAT get their own.
          mapPublicIpOnLaunch: false,
          tags: tagName(`public-${i}`),
        },
        child,
      );
      new aws.ec2.RouteTableAssociation(
        `${name}-public-${i}`,
        { subnetId: subnet.id, routeTableId: publicRoutes.id },
        child,
      );
      return subnet;
    });

    const natCount = args.nat === "per-az" ? args.zoneCount : 1;
    const natGateways = Array.from({ length: natCount }, (_, i) => {
      const ip = new aws.ec2.Eip(
        `${name}-nat-${i}`,
        { domain: "vpc", tags: tagName(`nat-${i}`) },
        child,
      );
      return new aws.ec2.NatGateway(
        `${name}-nat-${i}`,
        {
          subnetId: publicSubnets[i].id,
          allocationId: ip.id,
          tags: tagName(`nat-${i}`),
        },
        { ...child, dependsOn: [gateway] },
      );
    });

    const privateSubnets = plan.privateCidrs.map((cidrBlock, i) => {
      const subnet = new aws.ec2.Subnet(
        `${name}-private-${i}`,
        {
          vpcId: vpc.id,
          cidrBlock,
          availabilityZone: zones.names[i],
          mapPublicIpOnLaunch: false,
          tags: tagName(`private-${i}`),
        },
        child,
      );
      // With one NAT every zone routes through it; with NAT per zone each stays in its zone.
      const nat = natGateways[Math.min(i, natGateways.length - 1)];
      const routes = new aws.ec2.RouteTable(
        `${name}-private-rt-${i}`,
        {
          vpcId: vpc.id,
          routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }],
          tags: tagName(`private-rt-${i}`),
        },
        child,
      );
      new aws.ec2.RouteTableAssociation(
        `${name}-private-${i}`,
        { subnetId: subnet.id, routeTableId: routes.id },
        child,
      );
      return subnet;
    });

    this.vpcId = vpc.id;
    this.publicSubnetIds = pulumi.all(publicSubnets.map((s) => s.id));
    this.privateSubnetIds = pulumi.all(privateSubnets.map((s) => s.id));
    this.registerOutputs({
      vpcId: this.vpcId,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
    });
  }
}
