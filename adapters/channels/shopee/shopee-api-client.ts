// Calls Shopee's Open Platform v2: partner_id, timestamp (seconds) and sign in the query, plus
// access_token and shop_id for shop-level APIs (Developer Guide "API calls"; the API reference's
// Common Parameters). Shopee answers {"error": "", "message": "", "response": {...}}; a non-empty
// `error` is a failure, classified by that CODE (never the message text) in shopee-errors.ts.

import type { Clock } from '../../../dialogs/ports.ts';
import { ApiError, errorForStatus, failureForCodeAndStatus, jsonObjectOf, retryAfterMs } from '../shared/api-retry.ts';
import { shopeeFailure } from './shopee-errors.ts';
import { withAccessToken, type AccessTokens } from '../shared/access-tokens.ts';
import { shopeeApiSignature } from './shopee-signature.ts';

export interface ShopeeApiOptions {
  baseUrl: string;
  partnerId: number;
  partnerKey: string;
  shopId: number;
  /** The shop's access token, renewed once when Shopee refuses it (shared/token-keeper.ts). */
  tokens: AccessTokens;
  clock: Clock;
  timeoutMs?: number;
}

export class ShopeeApiClient {
  constructor(private readonly options: ShopeeApiOptions) {}

  /** A shop-level call (signed with the shop's access token). */
  shopCall(method: 'GET' | 'POST', apiPath: string, body?: unknown, query: Record<string, string> = {}): Promise<Record<string, unknown>> {
    return withAccessToken(this.options.tokens, (accessToken) => this.call(method, apiPath, accessToken, body, query));
  }

  /** A partner-level call (the push APIs, the token refresh). */
  publicCall(method: 'GET' | 'POST', apiPath: string, body?: unknown, query: Record<string, string> = {}): Promise<Record<string, unknown>> {
    return this.call(method, apiPath, null, body, query);
  }

  private async call(method: 'GET' | 'POST', apiPath: string, accessToken: string | null, body: unknown, extra: Record<string, string>): Promise<Record<string, unknown>> {
    const { partnerId, partnerKey, shopId, clock } = this.options;
    const timestamp = Math.floor(clock.now() / 1000);
    const shop = accessToken === null ? undefined : { accessToken, shopId };
    const sign = shopeeApiSignature(partnerKey, partnerId, apiPath, timestamp, shop);
    const query: Record<string, string> = {
      ...extra,
      partner_id: String(partnerId),
      timestamp: String(timestamp),
      ...(shop ? { access_token: shop.accessToken, shop_id: String(shop.shopId) } : {}),
      sign,
    };
    const url = `${this.options.baseUrl.replace(/\/+$/, '')}${apiPath}?${new URLSearchParams(query).toString()}`;
    const response = await fetch(url, {
      method,
      headers: method === 'POST' ? { 'content-type': 'application/json' } : {},
      ...(method === 'POST' ? { body: JSON.stringify(body ?? {}) } : {}),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    });
    const text = await response.text();
    const parsed = jsonObjectOf(text);
    // Shopee answers errors with a 4xx as well as a code (e.g. 403 error_auth): the code is read
    // whatever the status says, and only an answer without one falls back to the status.
    const error = parsed && typeof parsed.error === 'string' ? parsed.error : '';
    // ("-" is how the API reference's response examples write "no error".)
    if (error && error !== '-') throw new ApiError(`Shopee API ${apiPath} failed: ${error}`, failureForCodeAndStatus(shopeeFailure(error), response.status), retryAfterMs(response.headers.get('retry-after')), error);
    if (!response.ok) throw errorForStatus('Shopee', response.status, text, response.headers.get('retry-after'));
    if (!parsed) throw new ApiError(`Shopee API answered something that is not JSON: ${text.slice(0, 100)}`, 'retry');
    return parsed;
  }
}
