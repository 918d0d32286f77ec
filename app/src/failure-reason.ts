/**
 * What a failed dependency check may say in public. /readyz answers anyone who can reach the
 * load balancer, so its body carries one of these categories and never the error itself: a
 * driver's message names hosts, ports, addresses, database and bucket names ("connect
 * ECONNREFUSED 10.0.3.17:5432"). The error goes to the log, where operators read it.
 */
export const FAILURE_REASONS = [
  "timeout",
  "unreachable",
  "access denied",
  "not found",
  "unexpected answer",
  "failed",
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** Thrown by the readiness runner when a check did not answer in time. */
export class CheckTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = "CheckTimeoutError";
  }
}

/** Thrown by a check whose dependency answered, but not as it should (PING without PONG). */
export class UnexpectedAnswerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnexpectedAnswerError";
  }
}

// Node's socket errors, and the Redis and pg client errors for a connection that is gone.
const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ECONNRESET",
  "EPIPE",
  "ECONNABORTED",
]);
const UNREACHABLE_MESSAGES = [
  /stream isn't writeable/i,
  /connection is closed/i,
  /connection terminated/i,
];
const TIMEOUT_CODES = new Set(["ETIMEDOUT", "ESOCKETTIMEDOUT"]);
const TIMEOUT_NAMES = new Set(["AbortError", "TimeoutError", "RequestTimeout"]);
const TIMEOUT_MESSAGES = [/timeout/i, /timed out/i];
// PostgreSQL SQLSTATEs: invalid password, invalid authorization, insufficient privilege.
const DENIED_CODES = new Set(["28P01", "28000", "42501"]);
const DENIED_NAMES = new Set([
  "Forbidden",
  "AccessDenied",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
]);
const DENIED_MESSAGES = [/^NOAUTH/, /^WRONGPASS/];
// PostgreSQL: database does not exist; S3: HeadBucket's 404.
const MISSING_CODES = new Set(["3D000"]);
const MISSING_NAMES = new Set(["NotFound", "NoSuchBucket"]);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/** The public category of a check's failure, from its error and anything it wraps. */
export function failureReason(error: unknown): FailureReason {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  const found = new Set<FailureReason>();
  while (queue.length > 0 && seen.size < 20) {
    const current = queue.shift();
    if (current === null || typeof current !== "object" || seen.has(current)) continue;
    seen.add(current);
    const reason = ownReason(current as ErrorLike);
    if (reason) found.add(reason);
    const { cause, errors } = current as ErrorLike;
    queue.push(cause, ...(Array.isArray(errors) ? errors : []));
  }
  // Wrapped errors rarely disagree; when they do, the first category in FAILURE_REASONS wins.
  return FAILURE_REASONS.find((reason) => found.has(reason)) ?? "failed";
}

function ownReason(error: ErrorLike): FailureReason | undefined {
  if (error instanceof CheckTimeoutError) return "timeout";
  if (error instanceof UnexpectedAnswerError) return "unexpected answer";
  const name = typeof error.name === "string" ? error.name : "";
  const code = typeof error.code === "string" ? error.code : "";
  const message = typeof error.message === "string" ? error.message : "";
  const status = error.$metadata?.httpStatusCode;
  if (
    TIMEOUT_CODES.has(code) ||
    TIMEOUT_NAMES.has(name) ||
    TIMEOUT_MESSAGES.some((m) => m.test(message))
  )
    return "timeout";
  if (UNREACHABLE_CODES.has(code) || UNREACHABLE_MESSAGES.some((m) => m.test(message)))
    return "unreachable";
  if (
    DENIED_CODES.has(code) ||
    DENIED_NAMES.has(name) ||
    DENIED_MESSAGES.some((m) => m.test(message)) ||
    status === 403
  )
    return "access denied";
  if (MISSING_CODES.has(code) || MISSING_NAMES.has(name) || status === 404) return "not found";
  return undefined;
}
