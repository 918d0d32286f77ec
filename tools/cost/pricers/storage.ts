/**
 * What a stage stores: bucket contents (S3 Standard, sizes assumed by what the bucket is for),
 * images in its own ECR repository, and Secrets Manager secrets (a flat monthly price each).
 */
import { ECR_IMAGES_GB, OTHER_BUCKET_GB, type StageUsage } from "../assumptions";
import type { Pricer } from "../model";
import { qty } from "./common";

/** The bucket's purpose is the last word of its physical name (`multistage-staging-logs`). */
function bucketRole(name: string): keyof StageUsage["bucketGb"] | undefined {
  const word = name.split("-").pop();
  return word === "assets" || word === "logs" || word === "sanitized" ? word : undefined;
}

export const priceBucket: Pricer = (bucket, index) => {
  const name = bucket.physicalName ?? bucket.name;
  if (!index.usage)
    return {
      lines: [],
      notPriced: [`storage: no usage assumption for stage kind ${index.stageKind ?? "(unknown)"}`],
    };
  const role = bucketRole(name);
  const gb = role ? index.usage.bucketGb[role] : OTHER_BUCKET_GB;
  return {
    lines: [
      {
        category: "storage",
        what: `${role ?? "objects"}: ${qty(gb)} GB in S3 Standard`,
        charges: [{ price: "s3.standard.gb-month", quantity: gb }],
        assumed: true,
      },
    ],
  };
};

export const priceRepository: Pricer = () => ({
  lines: [
    {
      category: "storage",
      what: `images: ${qty(ECR_IMAGES_GB)} GB`,
      charges: [{ price: "ecr.gb-month", quantity: ECR_IMAGES_GB }],
      assumed: true,
    },
  ],
});

export const priceSecret: Pricer = () => ({
  lines: [
    {
      category: "secrets",
      what: "secret: 1 × a month",
      charges: [{ price: "secretsmanager.secret-month", quantity: 1 }],
    },
  ],
});
