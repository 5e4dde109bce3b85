// The HTTP client every merchant-API adapter (catalog, orders) talks through: JSON over fetch,
// a timeout per attempt, bounded retries with exponential backoff and jitter on network errors,
// 5xx and 429 (honouring Retry-After), and a bearer token. Whatever still fails becomes a
// CommerceUnavailableError, which the core turns into a graceful reply; a 404 is an answer (null),
// other 4xx are the adapter's bug or a contract mismatch and are thrown as CommerceUnavailableError too,
// so a buyer never sees a stack trace.
// Shared by adapters/commerce/http/http-catalog.ts and the after-sale orders adapter.
// Hand-written rather than a retry library: the rules (which statuses, Retry-After, one deadline per
// attempt with AbortSignal.timeout) are the whole job and fit on one screen.

import { CommerceUnavailableError } from '../../../dialogs/commerce/commerce-unavailable.ts';

export interface CommerceHttpClientOptions {
  /** e.g. https://shop.example/kefu/v1 (no trailing slash needed). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>` when set. */
  token?: string | null;
  /** Limit for one attempt, in milliseconds. */
  timeoutMs: number;
  /** Extra attempts after the first, on network errors, timeouts, 5xx and 429. */
  retries: number;
  /** First backoff, doubled per retry (with jitter). */
  backoffMs?: number;
  /** Upper bound on any wait between attempts, Retry-After included. */
  maxBackoffMs?: number;
  /** Largest response body accepted, in bytes. */
  maxBodyBytes?: number;
  /** Injected in tests to avoid real waiting; defaults to setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Retry-After is either seconds or an HTTP date; returns milliseconds, or null when absent/unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

export class CommerceHttpClient {
  private readonly base: string;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxBodyBytes: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: CommerceHttpClientOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.backoffMs = options.backoffMs ?? 200;
    this.maxBackoffMs = options.maxBackoffMs ?? 5000;
    this.maxBodyBytes = options.maxBodyBytes ?? 5 * 1024 * 1024;
    this.sleep = options.sleep ?? defaultSleep;
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** GETs a JSON document; null on 404. Path segments must already be encoded (use encodeURIComponent). */
  async getJson<T>(path: string, query?: Record<string, string | undefined>): Promise<T | null> {
    return this.request<T>('GET', path, query);
  }

  /** POSTs a JSON body and returns the JSON answer; null on 404. */
  async postJson<T>(path: string, body: unknown): Promise<T | null> {
    return this.request<T>('POST', path, undefined, body);
  }

  private url(path: string, query?: Record<string, string | undefined>): string {
    const url = new URL(this.base + (path.startsWith('/') ? path : `/${path}`));
    for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) url.searchParams.set(key, value);
    return url.toString();
  }

  private async request<T>(method: string, path: string, query?: Record<string, string | undefined>, body?: unknown): Promise<T | null> {
    const operation = `${method} ${path}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const attempts = 1 + Math.max(0, this.options.retries);
    let lastReason = 'no attempt made';
    for (let attempt = 0; attempt < attempts; attempt++) {
      let waitMs: number | null = null;
      try {
        const response = await this.fetchImpl(this.url(path, query), {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.options.timeoutMs),
          redirect: 'error',
        });
        if (response.ok) return await this.readJson<T>(response, operation);
        if (response.status === 404) {
          await response.body?.cancel();
          return null;
        }
        await response.body?.cancel();
        lastReason = `HTTP ${response.status}`;
        if (!isRetryableStatus(response.status)) throw new CommerceUnavailableError(operation, lastReason);
        waitMs = parseRetryAfter(response.headers.get('retry-after'));
      } catch (error) {
        if (error instanceof CommerceUnavailableError) throw error;
        lastReason = (error as Error).name === 'TimeoutError' ? `timed out after ${this.options.timeoutMs} ms` : (error as Error).message;
      }
      if (attempt + 1 < attempts) {
        const backoff = this.backoffMs * 2 ** attempt;
        const jittered = backoff / 2 + Math.random() * (backoff / 2);
        await this.sleep(Math.min(this.maxBackoffMs, waitMs ?? jittered));
      }
    }
    throw new CommerceUnavailableError(operation, `${lastReason} (after ${attempts} attempt${attempts > 1 ? 's' : ''})`);
  }

  private async readJson<T>(response: Response, operation: string): Promise<T> {
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > this.maxBodyBytes) {
      await response.body?.cancel();
      throw new CommerceUnavailableError(operation, `response too large (${declared} bytes)`);
    }
    const text = await response.text();
    if (Buffer.byteLength(text) > this.maxBodyBytes) throw new CommerceUnavailableError(operation, 'response too large');
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CommerceUnavailableError(operation, 'response is not JSON');
    }
  }
}
