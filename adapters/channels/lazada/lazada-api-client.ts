// Calls Lazada's Open Platform as its official SDK does (LazopClient of the Java SDK: common
// parameters in the query string, the API's own parameters as a form body, all signed together).
// Sources:
//   "Calling parameters" (developers guide): app_key, access_token (for seller APIs), timestamp
//   (ms, within 7200 s of UTC), sign_method, sign.
//   "Signature algorithm": see lazada-signature.ts.
//   API reference "SendMessage" (/im/message/send): the gateway's "code" ("0" on success) and the
//   API's own outputs err_code ("0"), success, err_message, data.message_id.
// Failures are classified by code in lazada-errors.ts; a refused access token is renewed once.

import type { Clock } from '../../../dialogs/ports.ts';
import { withAccessToken, type AccessTokens } from '../shared/access-tokens.ts';
import { ApiError, failureForCodeAndStatus, failureForStatus, jsonObjectOf, retryAfterMs } from '../shared/api-retry.ts';
import { lazadaFailure } from './lazada-errors.ts';
import { lazadaApiSignature } from './lazada-signature.ts';

export interface LazadaApiOptions {
  /** e.g. https://api.lazada.sg/rest (the seller's country); a loopback URL in tests. */
  baseUrl: string;
  appKey: string;
  appSecret: string;
  tokens: AccessTokens;
  clock: Clock;
  timeoutMs?: number;
}

export class LazadaApiClient {
  constructor(private readonly options: LazadaApiOptions) {}

  /** A seller API call with the shop's access token (renewed once if Lazada refuses it). */
  call(apiPath: string, apiParams: Record<string, string>): Promise<Record<string, unknown>> {
    return withAccessToken(this.options.tokens, (accessToken) => this.request(this.options.baseUrl, apiPath, apiParams, accessToken));
  }

  /** A call without an access token, e.g. /auth/token/refresh on the authorisation host. */
  callWithoutToken(baseUrl: string, apiPath: string, apiParams: Record<string, string>): Promise<Record<string, unknown>> {
    return this.request(baseUrl, apiPath, apiParams, null);
  }

  private async request(baseUrl: string, apiPath: string, apiParams: Record<string, string>, accessToken: string | null): Promise<Record<string, unknown>> {
    const { appKey, appSecret, clock } = this.options;
    const system: Record<string, string> = { app_key: appKey, timestamp: String(clock.now()), sign_method: 'sha256', ...(accessToken ? { access_token: accessToken } : {}) };
    // The SDK leaves empty values out of the signature and the request alike.
    const params = Object.fromEntries(Object.entries(apiParams).filter(([, value]) => value !== ''));
    const sign = lazadaApiSignature(appSecret, apiPath, { ...system, ...params });
    const url = `${baseUrl.replace(/\/+$/, '')}${apiPath}?${new URLSearchParams({ ...system, sign }).toString()}`;
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
      body: new URLSearchParams(params).toString(),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    });
    const text = await response.text();
    const body = jsonObjectOf(text);
    const wait = retryAfterMs(response.headers.get('retry-after'));
    const code = body ? String(body.code ?? '') : '';
    // Lazada answers errors with HTTP 200 and a code; a code is read whatever the status says.
    if (body && code !== '' && code !== '0') {
      throw new ApiError(`Lazada API ${apiPath} failed: ${code} (${String(body.type ?? '')})`, failureForCodeAndStatus(lazadaFailure(code, body.type), response.status), wait, code);
    }
    if (!response.ok) throw new ApiError(`Lazada API ${apiPath} answered HTTP ${response.status}`, failureForStatus(response.status), wait);
    if (!body) throw new ApiError(`Lazada API ${apiPath} answered something that is not JSON`, 'retry', wait);
    // The API's own outcome beside the gateway's code: success false or a non-zero err_code.
    const apiCode = body.err_code === undefined || body.err_code === null ? '0' : String(body.err_code);
    if (body.success === false || apiCode !== '0') {
      throw new ApiError(`Lazada API ${apiPath} was not carried out: err_code ${apiCode}`, lazadaFailure(apiCode, body.type), wait, apiCode);
    }
    return body;
  }
}
