/**
 * Looks for original values in raw bytes: every file under a data directory (what a block copy
 * of the volume holds, short of the file system's free blocks) or any buffer. A value is
 * searched for whole when short, and as slices when long, since TOAST stores a long value in
 * chunks of about 2 kB.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export interface Needle {
  /** Which original it comes from (an index into the list given), never printed as a value. */
  original: number;
  bytes: Buffer;
}

export interface Hit {
  /** Relative to the scanned directory, e.g. base/16384/16390 or pg_wal/000000010000000000000003. */
  file: string;
  original: number;
}

const WHOLE = 200;
const SLICE = 48;

export function needles(originals: string[], token?: string): Needle[] {
  const list: Needle[] = [];
  originals.forEach((value, original) => {
    const bytes = Buffer.from(value, "utf8");
    if (bytes.length <= WHOLE) {
      list.push({ original, bytes });
      return;
    }
    for (const start of [0, Math.floor(bytes.length / 2), bytes.length - SLICE])
      list.push({ original, bytes: bytes.subarray(start, start + SLICE) });
  });
  if (token) list.push({ original: -1, bytes: Buffer.from(token, "utf8") });
  return list;
}

/** The originals found in one buffer (each once). */
export function findIn(buffer: Buffer, list: Needle[]): number[] {
  const found = new Set<number>();
  for (const needle of list)
    if (!found.has(needle.original) && buffer.indexOf(needle.bytes) >= 0)
      found.add(needle.original);
  return [...found];
}

function* files(directory: string, relative = ""): Generator<string> {
  for (const entry of fs.readdirSync(path.join(directory, relative), { withFileTypes: true })) {
    const name = path.join(relative, entry.name);
    if (entry.isDirectory()) yield* files(directory, name);
    else if (entry.isFile()) yield name;
  }
}

/** Every file under `directory` holding any needle. */
export function scanDirectory(directory: string, list: Needle[]): Hit[] {
  const hits: Hit[] = [];
  for (const file of files(directory)) {
    let content: Buffer;
    try {
      content = fs.readFileSync(path.join(directory, file));
    } catch {
      continue; // removed while we looked (a running cluster recycles WAL)
    }
    for (const original of findIn(content, list)) hits.push({ file, original });
  }
  return hits;
}

/** Hits grouped by area (base, global, pg_wal, ...) with how many files and originals each. */
export function summarize(hits: Hit[]): Record<string, { files: number; originals: number }> {
  const areas: Record<string, { files: Set<string>; originals: Set<number> }> = {};
  for (const hit of hits) {
    const area = hit.file.split(path.sep)[0];
    areas[area] ??= { files: new Set(), originals: new Set() };
    areas[area].files.add(hit.file);
    areas[area].originals.add(hit.original);
  }
  return Object.fromEntries(
    Object.entries(areas).map(([area, v]) => [
      area,
      { files: v.files.size, originals: v.originals.size },
    ]),
  );
}
