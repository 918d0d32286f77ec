/**
 * The network a stage pays for by the hour: the load balancer (hours, capacity units, and the
 * public IPv4 address it holds in each zone), NAT gateways (hours and data processed) and
 * Elastic IPs. Since 2024-02-01 AWS charges every public IPv4 address by the hour.
 */
import { z } from "zod";
import { HOURS_PER_MONTH } from "../assumptions";
import type { LineSpec, Pricer } from "../model";
import { plural, qty, readInputs } from "./common";

const loadBalancerInputs = z
  .object({
    loadBalancerType: z.string().default("application"),
    internal: z.boolean().default(false),
    subnets: z.array(z.string()).optional(),
    subnetMappings: z.array(z.unknown()).optional(),
  })
  .passthrough();

export const priceLoadBalancer: Pricer = (balancer, index) => {
  const read = readInputs(balancer, loadBalancerInputs);
  if ("problem" in read) return { lines: [], notPriced: [read.problem] };
  const { loadBalancerType, internal, subnets, subnetMappings } = read.inputs;
  if (loadBalancerType !== "application")
    return {
      lines: [],
      notPriced: [
        `a ${loadBalancerType} load balancer: only Application Load Balancers are in the price table`,
      ],
    };
  const lines: LineSpec[] = [
    {
      category: "load balancer",
      what: `load balancer: ${HOURS_PER_MONTH} h`,
      charges: [{ price: "alb.hour", quantity: HOURS_PER_MONTH }],
    },
  ];
  const notPriced: string[] = [];
  if (index.usage) {
    const lcu = index.usage.albLcu;
    lines.push({
      category: "load balancer",
      what: `capacity units: ${qty(lcu)} LCU on average × ${HOURS_PER_MONTH} h`,
      charges: [{ price: "alb.lcu-hour", quantity: lcu * HOURS_PER_MONTH }],
      assumed: true,
    });
  } else
    notPriced.push(
      `capacity units: no usage assumption for stage kind ${index.stageKind ?? "(unknown)"}`,
    );
  // An internet-facing load balancer holds a public IPv4 address in every zone it is in.
  const zones = subnets?.length ?? subnetMappings?.length ?? 0;
  if (!internal && zones > 0) {
    lines.push({
      category: "load balancer",
      what: `public IPv4: ${plural(zones, "address", "addresses")} (one per zone) × ${HOURS_PER_MONTH} h`,
      charges: [{ price: "public-ipv4.hour", quantity: zones * HOURS_PER_MONTH }],
    });
  }
  return { lines, notPriced };
};

export const priceNatGateway: Pricer = (_gateway, index) => {
  // Its public address is an Elastic IP of its own, priced on that resource.
  const lines: LineSpec[] = [
    {
      category: "network",
      what: `NAT gateway: ${HOURS_PER_MONTH} h`,
      charges: [{ price: "nat.hour", quantity: HOURS_PER_MONTH }],
    },
  ];
  if (!index.usage)
    return {
      lines,
      notPriced: [
        `data processed: no usage assumption for stage kind ${index.stageKind ?? "(unknown)"}`,
      ],
    };
  const gb = index.usage.natGb;
  lines.push({
    category: "network",
    what: `data processed: ${qty(gb)} GB`,
    charges: [{ price: "nat.gb", quantity: gb }],
    assumed: true,
  });
  return { lines };
};

export const priceElasticIp: Pricer = () => ({
  lines: [
    {
      category: "network",
      what: `public IPv4: 1 address × ${HOURS_PER_MONTH} h`,
      charges: [{ price: "public-ipv4.hour", quantity: HOURS_PER_MONTH }],
    },
  ],
});

/**
 * A rule on another stack's load balancer (a shared feature stack's on development's HTTPS
 * listener): the rule itself is free, the load balancer's hours are the owner's, and the traffic
 * it forwards is capacity units on that load balancer, priced here from the stage's usage. A rule
 * on the stack's own load balancer is billed through that load balancer.
 */
export const priceListenerRule: Pricer = (_rule, index) => {
  const ownListeners = index.resources.some((r) => r.type === "aws:lb/loadBalancer:LoadBalancer");
  if (ownListeners || index.stageKind !== "feature")
    return { lines: [], free: "billed through the load balancer's capacity units" };
  if (!index.usage)
    return {
      lines: [],
      notPriced: [`capacity units: no usage assumption for stage kind ${index.stageKind}`],
    };
  const lcu = index.usage.albLcu;
  return {
    lines: [
      {
        category: "load balancer",
        what: `capacity units on development's load balancer: ${qty(lcu)} LCU on average × ${HOURS_PER_MONTH} h (the rule and the load balancer's hours: no charge here)`,
        charges: [{ price: "alb.lcu-hour", quantity: lcu * HOURS_PER_MONTH }],
        assumed: true,
      },
    ],
  };
};
