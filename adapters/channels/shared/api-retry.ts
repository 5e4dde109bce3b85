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

export async function withRetries<T>(call: () => Promise<T>, options: RetryOptions = DEFAULT_API_RETRY): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const retryable = error instanceof ApiError ? error.retryable : isNetworkError(error);
      if (!retryable || attempt >= options.attempts) throw error;
      const backoff = Math.min(options.baseMs * 2 ** (attempt - 1), options.maxMs);
      const asked = error instanceof ApiError ? (error.retryAfterMs ?? 0) : 0;
      await new Promise((resolve) => setTimeout(resolve, Math.max(backoff, Math.min(asked, options.maxMs * 6))));
    }
  }
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
