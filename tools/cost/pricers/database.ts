/**
 * RDS for PostgreSQL: instance hours by class (a Multi-AZ instance is a primary and a standby,
 * so twice the hours), storage by type (the standby's volume too), and automated backups
 * beyond the free allowance, which is as large as the allocated storage.
 */
import { z } from "zod";
import { DAILY_CHANGE, DATABASE_FILL, HOURS_PER_MONTH } from "../assumptions";
import type { LineSpec, Pricer } from "../model";
import { plural, qty, readInputs } from "./common";

const instanceInputs = z
  .object({
    engine: z.string().optional(),
    instanceClass: z.string(),
    multiAz: z.boolean().default(false),
    allocatedStorage: z.number().positive().optional(),
    // The API's default when no type is given and no IOPS are provisioned.
    storageType: z.string().default("gp2"),
    iops: z.number().optional(),
    storageThroughput: z.number().optional(),
    // RDS keeps one day of automated backups when nothing is said.
    backupRetentionPeriod: z.number().int().nonnegative().default(1),
  })
  .passthrough();

/** `hours` hours of a PostgreSQL instance of `instanceClass`, twice over when Multi-AZ. */
export function instanceLine(
  label: string,
  instanceClass: string,
  multiAz: boolean,
  hours: number,
): LineSpec {
  const copies = multiAz ? 2 : 1;
  return {
    category: "database",
    what: `${label}: ${instanceClass} PostgreSQL, ${multiAz ? "Multi-AZ (primary + standby)" : "Single-AZ"} × ${qty(hours)} h`,
    charges: [{ price: `rds.postgres.${instanceClass}.hour`, quantity: copies * hours }],
  };
}

/** `gb` of `storageType` storage for `hours` hours (a whole month by default), twice over when Multi-AZ. */
export function storageLine(
  label: string,
  gb: number,
  storageType: string,
  multiAz: boolean,
  hours = HOURS_PER_MONTH,
): LineSpec {
  const copies = multiAz ? 2 : 1;
  const share = hours / HOURS_PER_MONTH;
  return {
    category: "database",
    what: `${label}: ${qty(gb)} GB ${storageType}${multiAz ? " × 2 (standby)" : ""}${share === 1 ? "" : ` × ${qty(hours)} h`}`,
    charges: [{ price: `rds.${storageType}.gb-month`, quantity: copies * gb * share }],
  };
}

export const priceDatabase: Pricer = (instance) => {
  const read = readInputs(instance, instanceInputs);
  if ("problem" in read) return { lines: [], notPriced: [read.problem] };
  const {
    engine,
    instanceClass,
    multiAz,
    allocatedStorage,
    storageType,
    iops,
    storageThroughput,
    backupRetentionPeriod,
  } = read.inputs;
  if (engine !== "postgres")
    return {
      lines: [],
      notPriced: [`engine ${engine ?? "(none)"}: only PostgreSQL is in the price table`],
    };
  const lines: LineSpec[] = [instanceLine("instance", instanceClass, multiAz, HOURS_PER_MONTH)];
  const notPriced: string[] = [];
  if (allocatedStorage === undefined) notPriced.push("storage: the render has no allocatedStorage");
  else lines.push(storageLine("storage", allocatedStorage, storageType, multiAz));
  if (iops !== undefined || storageThroughput !== undefined)
    notPriced.push("provisioned IOPS and throughput beyond the storage type's baseline");
  if (allocatedStorage !== undefined && backupRetentionPeriod > 0)
    lines.push(backupLine(allocatedStorage, backupRetentionPeriod));
  return { lines, notPriced };
};

/**
 * Automated backups: one full copy and the daily changes of the days kept after it; free up to
 * the allocated storage (RDS gives backup storage up to the provisioned size at no charge).
 */
function backupLine(allocatedGb: number, retentionDays: number): LineSpec {
  const stored = allocatedGb * DATABASE_FILL * (1 + DAILY_CHANGE * (retentionDays - 1));
  const billed = Math.max(0, stored - allocatedGb);
  return {
    category: "database",
    what: `automated backups: ${plural(retentionDays, "day")} ≈ ${qty(stored)} GB, ${qty(allocatedGb)} GB free → ${qty(billed)} GB`,
    charges: [{ price: "rds.backup.gb-month", quantity: billed }],
    assumed: true,
  };
}
