// Calls Lazada's Open Platform as its SDK does: system parameters (app_key, timestamp in ms,
// sign_method, access_token, sign) in the query string, the API's own parameters as a form body,
// all of them signed together. Lazada answers HTTP 200 with {"code":"0"} on success and a code
// such as "ApiCallLimit" otherwise; rate limits and platform-side errors are retryable.

import type { Clock } from '../../../dialogs/ports.ts';
import { ApiError, errorForStatus } from '../shared/api-retry.ts';
import { lazadaApiSignature } from './lazada-signature.ts';

export interface LazadaApiOptions {
  /** e.g. https://api.lazada.sg/rest (the seller's country); a loopback URL in tests. */
  baseUrl: string;
  appKey: string;
  appSecret: string;
  accessToken: string;
  clock: Clock;
  timeoutMs?: number;
}

export class LazadaApiClient {
  constructor(private readonly options: LazadaApiOptions) {}

  async call(apiPath: string, apiParams: Record<string, string>): Promise<Record<string, unknown>> {
    const { appKey, appSecret, accessToken, clock } = this.options;
    const system: Record<string, string> = { app_key: appKey, timestamp: String(clock.now()), sign_method: 'sha256', access_token: accessToken };
    const sign = lazadaApiSignature(appSecret, apiPath, { ...system, ...apiParams });
    const url = `${this.options.baseUrl.replace(/\/+$/, '')}${apiPath}?${new URLSearchParams({ ...system, sign }).toString()}`;
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
      body: new URLSearchParams(apiParams).toString(),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    });
    const text = await response.text();
    if (!response.ok) throw errorForStatus('Lazada', response.status, text, response.headers.get('retry-after'));
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new ApiError(`Lazada API answered something that is not JSON: ${text.slice(0, 100)}`, true);
    }
    const code = String(body.code ?? '');
    if (code !== '0') {
      const retryable = /CallLimit|ServiceTimeout|InternalError|ServiceUnavailable/i.test(code) || body.type === 'ISP' || body.type === 'SYSTEM';
      throw new ApiError(`Lazada API ${apiPath} failed: ${code} ${String(body.message ?? '')}`.trim(), retryable);
    }
    return body;
  }
}
