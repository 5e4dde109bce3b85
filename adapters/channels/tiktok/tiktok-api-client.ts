// Calls TikTok Shop's Open API (version 202309): app_key, timestamp (seconds), shop_cipher and sign
// in the query, the access token in the x-tts-access-token header, a JSON body signed byte for byte
// as sent ("Sign your API request"; the official Node SDK's generated clients set x-tts-access-token).
// Success is HTTP 200 with {"code":0}; failures are classified by code (tiktok-errors.ts), HTTP 429
// and 5xx are retried, and a refused access token is renewed once (shared/token-keeper.ts).

import type { Clock } from '../../../dialogs/ports.ts';
import { withAccessToken, type AccessTokens } from '../shared/access-tokens.ts';
import { ApiError, errorForStatus, retryAfterMs } from '../shared/api-retry.ts';
import { tiktokFailure } from './tiktok-errors.ts';
import { tiktokApiSignature } from './tiktok-signature.ts';

export interface TiktokApiOptions {
  baseUrl: string;
  appKey: string;
  appSecret: string;
  tokens: AccessTokens;
  shopCipher: string;
  clock: Clock;
  timeoutMs?: number;
}

export class TiktokApiClient {
  constructor(private readonly options: TiktokApiOptions) {}

  post(path: string, body: unknown): Promise<Record<string, unknown>> {
    return withAccessToken(this.options.tokens, (accessToken) => this.postWith(accessToken, path, body));
  }

  private async postWith(accessToken: string, path: string, body: unknown): Promise<Record<string, unknown>> {
    const { appKey, appSecret, shopCipher, clock } = this.options;
    const json = JSON.stringify(body);
    const query: Record<string, string> = { app_key: appKey, shop_cipher: shopCipher, timestamp: String(Math.floor(clock.now() / 1000)) };
    const sign = tiktokApiSignature(appSecret, path, query, json);
    const url = `${this.options.baseUrl.replace(/\/+$/, '')}${path}?${new URLSearchParams({ ...query, sign }).toString()}`;
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tts-access-token': accessToken },
      body: json,
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    });
    const text = await response.text();
    if (!response.ok) throw errorForStatus('TikTok Shop', response.status, text, response.headers.get('retry-after'));
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new ApiError(`TikTok Shop API answered something that is not JSON: ${text.slice(0, 100)}`, 'retry');
    }
    if (parsed.code !== 0) {
      const code = Number(parsed.code);
      throw new ApiError(`TikTok Shop API ${path} failed: ${String(parsed.code)}`, tiktokFailure(code), retryAfterMs(response.headers.get('retry-after')), String(parsed.code));
    }
    return parsed;
  }
}
