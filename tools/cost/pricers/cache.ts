/**
 * ElastiCache (Redis OSS) replication groups: node hours by node type, for every node (the
 * primary and its replicas, in every shard), and the backups kept beyond the one that is free.
 */
import { z } from "zod";
import {
  CACHE_NODE_MEMORY_GB,
  HOURS_PER_MONTH,
  SERVERLESS_CACHE_DATA_GB,
  SERVERLESS_CACHE_MILLION_ECPU_PER_MONTH,
  SERVERLESS_CACHE_MIN_GB,
} from "../assumptions";
import type { LineSpec, Pricer } from "../model";
import { plural, qty, readInputs } from "./common";

const groupInputs = z
  .object({
    engine: z.string().default("redis"),
    nodeType: z.string(),
    numCacheClusters: z.number().int().positive().optional(),
    numNodeGroups: z.number().int().positive().optional(),
    replicasPerNodeGroup: z.number().int().nonnegative().optional(),
    snapshotRetentionLimit: z.number().int().nonnegative().default(0),
  })
  .passthrough();

export const priceCache: Pricer = (group) => {
  const read = readInputs(group, groupInputs);
  if ("problem" in read) return { lines: [], notPriced: [read.problem] };
  const {
    engine,
    nodeType,
    numCacheClusters,
    numNodeGroups,
    replicasPerNodeGroup,
    snapshotRetentionLimit,
  } = read.inputs;
  if (engine !== "redis")
    return {
      lines: [],
      notPriced: [`engine ${engine}: only Redis OSS node prices are in the price table`],
    };
  // Cluster mode off: numCacheClusters nodes in one shard; on: shards × (primary + replicas).
  const shards = numCacheClusters !== undefined ? 1 : (numNodeGroups ?? 1);
  const nodes = numCacheClusters ?? shards * ((replicasPerNodeGroup ?? 0) + 1);
  const lines: LineSpec[] = [
    {
      category: "cache",
      what: `nodes: ${plural(nodes, "node")} × ${nodeType} × ${HOURS_PER_MONTH} h`,
      charges: [{ price: `elasticache.redis.${nodeType}.hour`, quantity: nodes * HOURS_PER_MONTH }],
    },
  ];
  const notPriced: string[] = [];
  // ElastiCache stores one backup per cluster free; each further day kept is about a shard's data.
  if (snapshotRetentionLimit > 1) {
    const memory = CACHE_NODE_MEMORY_GB[nodeType];
    if (memory === undefined)
      notPriced.push(`backups: the memory of ${nodeType} is not in assumptions.ts`);
    else {
      const gb = shards * memory * (snapshotRetentionLimit - 1);
      lines.push({
        category: "cache",
        what: `backups: ${snapshotRetentionLimit} days kept, the first free, ${qty(memory)} GB each → ${qty(gb)} GB`,
        charges: [{ price: "elasticache.backup.gb-month", quantity: gb }],
        assumed: true,
      });
    }
  }
  return { lines, notPriced };
};

const serverlessInputs = z
  .object({
    engine: z.string(),
    cacheUsageLimits: z
      .object({ dataStorage: z.object({ maximum: z.number().optional() }).optional() })
      .passthrough()
      .optional(),
  })
  .passthrough();

/**
 * ElastiCache Serverless: data stored by the GB-hour, at least the engine's metered minimum
 * (100 MB for Valkey), and requests by the million ECPUs; no node hours. Only Valkey's rates
 * are in the table.
 */
export const priceServerlessCache: Pricer = (cache) => {
  const read = readInputs(cache, serverlessInputs);
  if ("problem" in read) return { lines: [], notPriced: [read.problem] };
  const { engine } = read.inputs;
  if (engine !== "valkey")
    return {
      lines: [],
      notPriced: [`engine ${engine}: only ElastiCache Serverless for Valkey is in the price table`],
    };
  const gb = Math.max(SERVERLESS_CACHE_DATA_GB, SERVERLESS_CACHE_MIN_GB);
  return {
    lines: [
      {
        category: "cache",
        what: `data stored: ${qty(gb)} GB (the ${qty(SERVERLESS_CACHE_MIN_GB * 1000)} MB metered minimum) × ${HOURS_PER_MONTH} h`,
        charges: [
          { price: "elasticache.serverless.valkey.gb-hour", quantity: gb * HOURS_PER_MONTH },
        ],
        assumed: true,
      },
      {
        category: "cache",
        what: `requests: ${qty(SERVERLESS_CACHE_MILLION_ECPU_PER_MONTH)} million ECPUs`,
        charges: [
          {
            price: "elasticache.serverless.valkey.million-ecpu",
            quantity: SERVERLESS_CACHE_MILLION_ECPU_PER_MONTH,
          },
        ],
        assumed: true,
      },
    ],
  };
};
