// Calls to a marketplace's API fail in three ways, told apart by the platform's error CODE (each
// platform's client classifies its own codes; message texts change with the language and are never
// matched):
//   retry    "not now": HTTP 429 or 5xx, a rate-limit or busy code, a network error. Retried here a
//            few times with exponential backoff, waiting at least as long as Retry-After asks; what
//            still fails goes back to the channel's inbox, which retries the whole message later.
//   auth     the access token was refused (expired, revoked): the caller renews it once and tries
//            again (shared/access-tokens.ts); a second refusal is final.
//   refused  "never": a request the platform will not take however often it is sent.

export type ApiFailure = 'retry' | 'auth' | 'refused';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly failure: ApiFailure,
    /** How long the platform asked us to wait, when it said. */
    readonly retryAfterMs?: number,
    /** The platform's own error code, when it gave one. */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** True when the same call may succeed later. */
  get retryable(): boolean {
    return this.failure === 'retry';
  }
}

export interface RetryOptions {
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_API_RETRY: RetryOptions = { attempts: 4, baseMs: 500, maxMs: 10_000 };

/**
 * Calls `call` until it succeeds, retrying what `retryable` accepts (by default: the platform's "not
 * now" and fetch's own failures) a few times with backoff.
 */
export async function withRetries<T>(call: () => Promise<T>, options: RetryOptions = DEFAULT_API_RETRY, retryable: (error: unknown) => boolean = worthRetrying): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!retryable(error) || attempt >= options.attempts) throw error;
      const backoff = Math.min(options.baseMs * 2 ** (attempt - 1), options.maxMs);
      const asked = error instanceof ApiError ? (error.retryAfterMs ?? 0) : 0;
      await new Promise((resolve) => setTimeout(resolve, Math.max(backoff, Math.min(asked, options.maxMs * 6))));
    }
  }
}

function worthRetrying(error: unknown): boolean {
  return error instanceof ApiError ? error.retryable : isNetworkError(error);
}

/** fetch's own failures (refused connection, reset, timeout) are worth another try. */
export function isNetworkError(error: unknown): boolean {
  return error instanceof TypeError || (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'));
}

/** Retry-After as milliseconds: seconds ("2") or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** The failure an HTTP status means when the body names no code the platform's client knows. */
export function failureForStatus(status: number): ApiFailure {
  return status === 429 || status >= 500 || status === 408 ? 'retry' : 'refused';
}

/**
 * The failure of an answer that names a code: the code decides, except that HTTP 429 or 5xx is
 * retried whatever code the body names (the gateway said "not now"; the platform did not carry the
 * call out, so a code that reads as final in its body is not the last word).
 */
export function failureForCodeAndStatus(byCode: ApiFailure, status: number): ApiFailure {
  return byCode === 'refused' && failureForStatus(status) === 'retry' ? 'retry' : byCode;
}

/** The ApiError for an HTTP status that is not a success, when the body says nothing more precise. */
export function errorForStatus(platform: string, status: number, detail: string, retryAfter: string | null): ApiError {
  return new ApiError(`${platform} API answered HTTP ${status}: ${detail.slice(0, 200)}`, failureForStatus(status), retryAfterMs(retryAfter));
}

/** Parses a response body as a JSON object; null when it is not one. */
export function jsonObjectOf(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

// Connection failures that happen before a byte of the request leaves: the platform cannot have
// carried the call out. A reset or a timeout may come after the platform took the request.
const NEVER_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/**
 * True when the call surely was not carried out: the platform answered with an error (ApiError), or
 * fetch could not even connect. False when the outcome is unknown (a timeout, a connection reset
 * mid-call, anything else): the platform may have taken the request. Sends that must never be
 * repeated (marketplace-outbound.ts) retry only what this accepts.
 */
export function surelyNotCarriedOut(error: unknown): boolean {
  if (error instanceof ApiError) return true;
  if (!(error instanceof TypeError)) return false;
  const cause = (error as { cause?: { code?: unknown; errors?: { code?: unknown }[] } }).cause;
  if (!cause) return false;
  if (NEVER_SENT_CODES.has(String(cause.code))) return true;
  // Node tries every address of a host (happy eyeballs) and reports them together.
  return Array.isArray(cause.errors) && cause.errors.length > 0 && cause.errors.every((each) => NEVER_SENT_CODES.has(String(each?.code)));
}
