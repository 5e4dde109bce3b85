// Calls Shopee's Open Platform v2: partner_id, timestamp (seconds) and sign in the query, plus
// access_token and shop_id for shop-level APIs (Developer Guide "API calls"; the API reference's
// Common Parameters). Shopee answers {"error": "", "message": "", "response": {...}}; a non-empty
// `error` is a failure, classified by that CODE (never the message text) in shopee-errors.ts.

import type { Clock } from '../../../dialogs/ports.ts';
import { ApiError, errorForStatus, retryAfterMs } from '../shared/api-retry.ts';
import { shopeeFailure } from './shopee-errors.ts';
import { shopeeApiSignature, type ShopeeShopAuth } from './shopee-signature.ts';

export interface ShopeeApiOptions {
  baseUrl: string;
  partnerId: number;
  partnerKey: string;
  shop: ShopeeShopAuth;
  clock: Clock;
  timeoutMs?: number;
}

export class ShopeeApiClient {
  constructor(private readonly options: ShopeeApiOptions) {}

  /** A shop-level call (signed with the shop's access token). */
  shopCall(method: 'GET' | 'POST', apiPath: string, body?: unknown, query: Record<string, string> = {}): Promise<Record<string, unknown>> {
    return this.call(method, apiPath, true, body, query);
  }

  /** A partner-level call (the push APIs). */
  publicCall(method: 'GET' | 'POST', apiPath: string, body?: unknown, query: Record<string, string> = {}): Promise<Record<string, unknown>> {
    return this.call(method, apiPath, false, body, query);
  }

  private async call(method: 'GET' | 'POST', apiPath: string, asShop: boolean, body: unknown, extra: Record<string, string>): Promise<Record<string, unknown>> {
    const { partnerId, partnerKey, shop, clock } = this.options;
    const timestamp = Math.floor(clock.now() / 1000);
    const sign = shopeeApiSignature(partnerKey, partnerId, apiPath, timestamp, asShop ? shop : undefined);
    const query: Record<string, string> = {
      ...extra,
      partner_id: String(partnerId),
      timestamp: String(timestamp),
      ...(asShop ? { access_token: shop.accessToken, shop_id: String(shop.shopId) } : {}),
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
    if (!response.ok) throw errorForStatus('Shopee', response.status, text, response.headers.get('retry-after'));
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new ApiError(`Shopee API answered something that is not JSON: ${text.slice(0, 100)}`, 'retry');
    }
    const error = typeof parsed.error === 'string' ? parsed.error : '';
    if (error) {
      throw new ApiError(`Shopee API ${apiPath} failed: ${error}`, shopeeFailure(error), retryAfterMs(response.headers.get('retry-after')), error);
    }
    return parsed;
  }
}
