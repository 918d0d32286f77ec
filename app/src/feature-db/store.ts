/**
 * Where an export lives: `s3://bucket/prefix/` (the refinery's bucket, through the SDK) or
 * `file:///directory/` (tests and local runs). Objects are written from and read into local
 * files, so S3 gets each object's length up front and PostgreSQL's COPY reads from disk.
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import * as fs from "node:fs";
import * as path from "node:path";
import { pipeline } from "node:stream/promises";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { FEATURE_DB_EXIT, FeatureDbFailure } from "./failure";

export interface ExportStore {
  /** The URI, for the log. */
  readonly uri: string;
  put(key: string, file: string): Promise<void>;
  get(key: string, file: string): Promise<void>;
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** A store for the URI given as `argument`, or a failure naming the argument and what is valid. */
export function openStore(argument: string, uri: string): ExportStore {
  const s3 = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri);
  if (s3 && BUCKET.test(s3[1]) && (s3[2] === "" || s3[2].endsWith("/")))
    return s3Store(uri, s3[1], s3[2]);
  if (uri.startsWith("file:///") && uri.endsWith("/")) return fileStore(uri);
  throw new FeatureDbFailure(
    FEATURE_DB_EXIT.invalid,
    `${argument}: got ${JSON.stringify(uri)}; expected s3://<bucket>/<prefix>/ or file:///<directory>/ (ending in /)`,
  );
}

function fileStore(uri: string): ExportStore {
  const root = fileURLToPath(uri);
  return {
    uri,
    put: async (key, file) => {
      const target = path.join(root, key);
      await fs.promises.mkdir(path.dirname(target), { recursive: true });
      // Written beside and renamed into place: a reader never sees half a file.
      await fs.promises.copyFile(file, `${target}.partial`);
      await fs.promises.rename(`${target}.partial`, target);
    },
    get: async (key, file) => {
      await fs.promises.copyFile(path.join(root, key), file);
    },
  };
}

function s3Store(uri: string, bucket: string, prefix: string): ExportStore {
  const client = new S3Client({});
  return {
    uri,
    put: async (key, file) => {
      const { size } = await fs.promises.stat(file);
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: `${prefix}${key}`,
          Body: fs.createReadStream(file),
          ContentLength: size,
        }),
      );
    },
    get: async (key, file) => {
      const answer = await client.send(
        new GetObjectCommand({ Bucket: bucket, Key: `${prefix}${key}` }),
      );
      await pipeline(answer.Body as Readable, fs.createWriteStream(file));
    },
  };
}
