// Talks to DingTalk's servers on the desk's behalf:
// - an access token from POST /v1.0/oauth2/accessToken {appKey, appSecret}, cached until shortly
//   before it expires (one fetch at a time; dropped and fetched again when DingTalk refuses it);
// - group messages through POST /v1.0/robot/groupMessages/send with the token in the
//   x-acs-dingtalk-access-token header, {robotCode, openConversationId, msgKey, msgParam};
// - answers to one message through its sessionWebhook, while it is valid.
// Throttling (429, DingTalk's QPS-limit codes) and server errors (5xx) are retried a few times with
// a growing pause; anything else fails at once with a DingtalkApiError saying what DingTalk said.

import type { Clock, Logger } from '../../../dialogs/ports.ts';
import { toOpenApiMessage, toSessionWebhookBody, type DeskMessage } from './desk-message.ts';

export const DINGTALK_API_BASE = 'https://api.dingtalk.com';
/** Where DingTalk's session webhooks live; a message naming another host is not answered through it. */
export const DINGTALK_SESSION_WEBHOOK_ORIGIN = 'https://oapi.dingtalk.com';

export class DingtalkApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'DingtalkApiError';
  }
}

export interface OpenApiClientOptions {
  appKey: string;
  appSecret: string;
  robotCode: string;
  /** https://api.dingtalk.com in production; a loopback server in tests. */
  apiBase?: string;
  /** Origins a sessionWebhook may point at (DingTalk's oapi host by default). */
  sessionWebhookOrigins?: string[];
  clock: Clock;
  logger: Logger;
  /** Attempts for a throttled or failing call, the first included. */
  attempts?: number;
  /** First pause before a retry, doubled each time (Retry-After wins when DingTalk sends it, up to 5 s). */
  retryPauseMs?: number;
  timeoutMs?: number;
}

interface CachedToken {
  token: string;
  /** When to stop using it (a margin before DingTalk's expiry). */
  until: number;
}

/** Codes DingTalk's new API uses for throttling; old API (oapi) uses errcode 90018 / 88 / -1 for the same. */
const THROTTLE_CODES = new Set(['Forbidden.AccessDenied.QpsLimitForApi', 'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi', 'Throttling']);
const RETRYABLE_ERRCODES = new Set([-1, 88, 90018, 130101, 410100]);
const TOKEN_MARGIN_MS = 5 * 60 * 1000;

export class DingtalkOpenApi {
  private readonly apiBase: string;
  private readonly webhookOrigins: Set<string>;
  private cached: CachedToken | null = null;
  private fetching: Promise<string> | null = null;

  constructor(private readonly options: OpenApiClientOptions) {
    this.apiBase = (options.apiBase ?? DINGTALK_API_BASE).replace(/\/+$/, '');
    this.webhookOrigins = new Set(options.sessionWebhookOrigins ?? [DINGTALK_SESSION_WEBHOOK_ORIGIN]);
  }

  /** A valid access token, from the cache while it lasts. */
  async accessToken(): Promise<string> {
    const now = this.options.clock.now();
    if (this.cached && now < this.cached.until) return this.cached.token;
    // One fetch at a time: a burst of hand-offs must not ask DingTalk for a token each.
    this.fetching ??= this.fetchToken().finally(() => {
      this.fetching = null;
    });
    return this.fetching;
  }

  private async fetchToken(): Promise<string> {
    const body = await this.call('POST', `${this.apiBase}/v1.0/oauth2/accessToken`, {}, {
      appKey: this.options.appKey,
      appSecret: this.options.appSecret,
    });
    const token = body.accessToken;
    const expireIn = body.expireIn;
    if (typeof token !== 'string' || token === '' || typeof expireIn !== 'number' || expireIn <= 0) {
      throw new DingtalkApiError('DingTalk answered the token request without accessToken/expireIn', 200, undefined, false);
    }
    const lifetime = expireIn * 1000;
    this.cached = { token, until: this.options.clock.now() + Math.max(lifetime - TOKEN_MARGIN_MS, lifetime / 2) };
    return token;
  }

  /** Posts a message to a group the robot is in; returns DingTalk's processQueryKey. */
  async sendToGroup(openConversationId: string, message: DeskMessage): Promise<string> {
    const { msgKey, msgParam } = toOpenApiMessage(message);
    const payload = { robotCode: this.options.robotCode, openConversationId, msgKey, msgParam };
    const url = `${this.apiBase}/v1.0/robot/groupMessages/send`;
    let token = await this.accessToken();
    try {
      return readQueryKey(await this.call('POST', url, { 'x-acs-dingtalk-access-token': token }, payload));
    } catch (error) {
      // A token revoked (app secret reset) or expired early: fetch a new one once and try again.
      if (!(error instanceof DingtalkApiError) || (error.status !== 401 && error.code !== 'InvalidAuthentication')) throw error;
      this.cached = null;
      token = await this.accessToken();
      return readQueryKey(await this.call('POST', url, { 'x-acs-dingtalk-access-token': token }, payload));
    }
  }

  /** True when the webhook can still be used now (DingTalk's expiry, less a few seconds for the trip). */
  canUseSessionWebhook(webhook: string | undefined, expiresAt: number | undefined): webhook is string {
    if (!webhook || expiresAt === undefined) return false;
    if (this.options.clock.now() > expiresAt - 5_000) return false;
    try {
      return this.webhookOrigins.has(new URL(webhook).origin);
    } catch {
      return false;
    }
  }

  /** Answers through a message's sessionWebhook (no token needed: the URL is the credential). */
  async sendBySessionWebhook(webhook: string, message: DeskMessage): Promise<void> {
    const body = await this.call('POST', webhook, {}, toSessionWebhookBody(message));
    if (typeof body.errcode === 'number' && body.errcode !== 0) {
      throw new DingtalkApiError(`session webhook refused the message: ${String(body.errmsg)} (${body.errcode})`, 200, String(body.errcode), RETRYABLE_ERRCODES.has(body.errcode));
    }
  }

  private async call(method: string, url: string, headers: Record<string, string>, payload: unknown): Promise<Record<string, unknown>> {
    const attempts = this.options.attempts ?? 3;
    let pause = this.options.retryPauseMs ?? 200;
    for (let attempt = 1; ; attempt++) {
      let retryAfterMs: number | null = null;
      try {
        return await this.once(method, url, headers, payload, (ms) => (retryAfterMs = ms));
      } catch (error) {
        const retryable = !(error instanceof DingtalkApiError) || error.retryable;
        if (!retryable || attempt >= attempts) throw error;
        const wait = Math.min(retryAfterMs ?? pause, 5_000);
        this.options.logger.warn({ url: redactUrl(url), attempt, err: (error as Error).message, waitMs: wait }, 'DingTalk call failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, wait));
        pause *= 2;
      }
    }
  }

  private async once(
    method: string,
    url: string,
    headers: Record<string, string>,
    payload: unknown,
    onRetryAfter: (ms: number) => void,
  ): Promise<Record<string, unknown>> {
    const response = await fetch(url, {
      method,
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    });
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = text === '' ? {} : JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
    } catch {
      if (response.ok) throw new DingtalkApiError(`DingTalk answered ${response.status} with a body that is not JSON`, response.status, undefined, false);
    }
    if (response.ok) return body;
    const code = typeof body.code === 'string' ? body.code : undefined;
    const retryAfter = Number(response.headers.get('retry-after'));
    if (Number.isFinite(retryAfter) && retryAfter >= 0) onRetryAfter(retryAfter * 1000);
    const retryable = response.status === 429 || response.status >= 500 || (code !== undefined && THROTTLE_CODES.has(code));
    const said = typeof body.message === 'string' ? body.message : text.slice(0, 200);
    throw new DingtalkApiError(`DingTalk answered ${response.status}${code ? ` ${code}` : ''}: ${said}`, response.status, code, retryable);
  }
}

function readQueryKey(body: Record<string, unknown>): string {
  if (typeof body.processQueryKey !== 'string') throw new DingtalkApiError('DingTalk answered without processQueryKey', 200, undefined, false);
  return body.processQueryKey;
}

/** A session webhook's URL carries its credential in the query: log the path only. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(bad url)';
  }
}
