// Calls TikTok Shop's Open API (version 202309): app_key, timestamp (seconds), shop_cipher and sign
// in the query, the access token in the x-tts-access-token header, a JSON body signed byte for byte
// as sent. Success is HTTP 200 with {"code":0}; HTTP 429 and 5xx are retryable, as are error
// messages that say the platform is busy or rate-limiting.

import type { Clock } from '../../../dialogs/ports.ts';
import { ApiError, errorForStatus } from '../shared/api-retry.ts';
import { tiktokApiSignature } from './tiktok-signature.ts';

export interface TiktokApiOptions {
  baseUrl: string;
  appKey: string;
  appSecret: string;
  accessToken: string;
  shopCipher: string;
  clock: Clock;
  timeoutMs?: number;
}

export class TiktokApiClient {
  constructor(private readonly options: TiktokApiOptions) {}

  async post(path: string, body: unknown): Promise<Record<string, unknown>> {
    const { appKey, appSecret, accessToken, shopCipher, clock } = this.options;
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
      const message = String(parsed.message ?? '');
      throw new ApiError(`TikTok Shop API ${path} failed: ${String(parsed.code)} ${message}`.trim(), /rate limit|too many|busy|timeout|internal/i.test(message) ? 'retry' : 'refused');
    }
    return parsed;
  }
}
