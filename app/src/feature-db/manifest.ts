/**
 * The export's manifest (`manifest.json` at the export URI): what was exported, from where and
 * when, and how many rows each table's file holds. It is written last and names files under a
 * directory of their own, so a reader sees a whole export, the previous one or none.
 */
import { z } from "zod";
import { FEATURE_DB_EXIT, FeatureDbFailure } from "./failure";

export const MANIFEST_KEY = "manifest.json";
export const MANIFEST_FORMAT = "multistage-feature-export";

const key = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "a file under the export's directory")
  .refine((value) => !value.split("/").includes(".."), "no ..");

export const manifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  version: z.literal(1),
  exportedAt: z.string(),
  source: z.object({
    database: z.string(),
    /** pg_current_snapshot() of the one transaction every table was read in. */
    snapshot: z.string(),
    serverVersion: z.string(),
  }),
  tables: z.array(
    z.object({
      /** `schema.table` */
      name: z.string().regex(/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/, "schema.table"),
      columns: z.array(z.string().min(1)).min(1),
      rows: z.number().int().min(0),
      file: key,
    }),
  ),
});

export type Manifest = z.infer<typeof manifestSchema>;

export function parseManifest(text: string, uri: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new FeatureDbFailure(FEATURE_DB_EXIT.badExport, `${uri}${MANIFEST_KEY} is not JSON`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success)
    throw new FeatureDbFailure(
      FEATURE_DB_EXIT.badExport,
      `${uri}${MANIFEST_KEY} is not an export manifest: ${parsed.error.issues
        .map((issue) => `${issue.path.join(".")}: ${issue.message}`)
        .join("; ")}`,
    );
  return parsed.data;
}
