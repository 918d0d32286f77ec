/**
 * The `hash` rule: HMAC-SHA256 (RFC 2104) of the original under a key that lives only in
 * production's Secrets Manager. A plain digest of a guessable value (an email, a phone number)
 * is reversed by hashing candidates; without the key nobody below production can do that, yet
 * equal originals still give equal hashes, so joins and counts survive.
 *
 * Computed in SQL with the built-in sha256() (no extension to install on RDS): the key is
 * padded and XORed here, and only the two pads travel, as bind parameters, never in SQL text.
 */
import { createHash } from "node:crypto";

const BLOCK = 64;

export interface HmacPads {
  inner: Buffer;
  outer: Buffer;
}

export function hmacPads(key: string): HmacPads {
  let bytes = Buffer.from(key, "utf8");
  if (bytes.length > BLOCK) bytes = createHash("sha256").update(bytes).digest();
  const padded = Buffer.alloc(BLOCK);
  bytes.copy(padded);
  return {
    inner: Buffer.from(padded.map((b) => b ^ 0x36)),
    outer: Buffer.from(padded.map((b) => b ^ 0x5c)),
  };
}

/** SQL for the hex HMAC of a column's text; $inner and $outer are the parameter placeholders of the pads. */
export function hmacSql(column: string, inner: string, outer: string): string {
  return `encode(sha256(${outer} || sha256(${inner} || convert_to(${column}::text, 'UTF8'))), 'hex')`;
}

/** What a hashed value looks like; verification checks it, since the original is gone by then. */
export const HMAC_PATTERN = "^[0-9a-f]{64}$";
