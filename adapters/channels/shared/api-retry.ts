// Calls to a marketplace's API fail in two ways: "not now" (HTTP 429 or 5xx, a platform's rate-limit
// code, a network error) and "never" (a refused request). "Not now" is retried here a few times with
// exponential backoff, waiting at least as long as the platform's Retry-After asks; what still fails
// goes back to the channel's inbox, which retries the whole message later.

export class ApiError extends Error {
  constructor(
    message: string,
    /** True when the same call may succeed later. */
    readonly retryable: boolean,
    /** How long the platform asked us to wait, when it said. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ApiError';
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
function isNetworkError(error: unknown): boolean {
  return error instanceof TypeError || (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'));
}

/** Retry-After as milliseconds: seconds ("2") or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** The ApiError for an HTTP status that is not a success. */
export function errorForStatus(platform: string, status: number, detail: string, retryAfter: string | null): ApiError {
  const retryable = status === 429 || status >= 500 || status === 408;
  return new ApiError(`${platform} API answered HTTP ${status}: ${detail.slice(0, 200)}`, retryable, retryAfterMs(retryAfter));
}
