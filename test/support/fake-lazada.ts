// A loopback Lazada Open Platform for tests, speaking the documented protocol; only the host differs.
//   POST /im/message/send (API reference "SendMessage"): common parameters in the query, the API's
//     own as a form body; refused unless `sign` is the uppercase hex HMAC-SHA256 of the API path and
//     the sorted non-empty parameters ("Signature algorithm"), the app key is right and the access
//     token is one the fake issued and has not expired (IllegalAccessToken, the code the API
//     reference lists for "The specified access token is invalid or expired"); template_id 1 needs
//     txt, 10006 item_id, 10007 order_id. Success is {"code":"0", …outputs: err_code "0", success,
//     data.message_id}.
//   GET or POST /auth/token/refresh (API reference "RefreshAccessToken", served by auth.lazada.com/rest
//     in production): signed the same way without an access token; a refresh token works once, and
//     the answer carries access_token, refresh_token, expires_in and refresh_expires_in (seconds).
// The checks are written out here on their own, not borrowed from the adapter.

import { createHmac } from 'node:crypto';
import { startFakeServer, type FakeServer, type RecordedRequest } from './fake-marketplace.ts';

export const LAZADA_TEST_APP = { appKey: '123456', appSecret: 'lazada-test-secret', accessToken: 'lazada-test-token', refreshToken: 'lazada-test-refresh' };

export interface FakeLazada extends FakeServer {
  /** The IM messages accepted, in order: the API parameters of each call. */
  sent(): Record<string, string>[];
  /** Every access token issued so far stops working (as after its expires_in). */
  expireAccessTokens(): void;
  /** Every refresh token stops working (the seller withdrew the authorisation). */
  revokeRefreshTokens(): void;
  /** The refresh calls received, with the refresh token each used. */
  refreshes: string[];
  /** Seconds the next issued access token lasts (expires_in). */
  accessSeconds: number;
}

function paramsOf(request: RecordedRequest): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, value] of request.query) params[name] = value;
  for (const [name, value] of new URLSearchParams(request.body)) params[name] = value;
  return params;
}

function expectedSign(path: string, params: Record<string, string>): string {
  let text = path;
  for (const name of Object.keys(params).filter((n) => n !== 'sign' && params[n] !== '').sort()) text += name + params[name];
  return createHmac('sha256', LAZADA_TEST_APP.appSecret).update(text, 'utf8').digest('hex').toUpperCase();
}

const REQUIRED_BY_TEMPLATE: Record<string, string> = { '1': 'txt', '10006': 'item_id', '10007': 'order_id' };

export async function startFakeLazada(): Promise<FakeLazada> {
  const accepted: Record<string, string>[] = [];
  const liveAccess = new Set([LAZADA_TEST_APP.accessToken]);
  const liveRefresh = new Set([LAZADA_TEST_APP.refreshToken]);
  const refreshes: string[] = [];
  let issued = 0;
  const error = (code: string, message: string, type = 'ISV') => ({ status: 200, body: { type, code, message, request_id: `req-${code}` } });
  const server: FakeServer = await startFakeServer((request) => {
    const params = paramsOf(request);
    if (params.sign !== expectedSign(request.path, params)) return error('IncompleteSignature', 'The request signature does not conform to platform standards');
    if (params.app_key !== LAZADA_TEST_APP.appKey) return error('InvalidAppKey', 'the app key is not known', 'SYSTEM');
    if (request.path === '/auth/token/refresh') {
      refreshes.push(params.refresh_token ?? '');
      if (!params.refresh_token || !liveRefresh.delete(params.refresh_token)) return error('IllegalRefreshToken', 'The specified refresh token is invalid or expired');
      issued++;
      const access = `lazada-access-${issued}`;
      const refresh = `lazada-refresh-${issued}`;
      liveAccess.add(access);
      liveRefresh.add(refresh);
      return { status: 200, body: { access_token: access, refresh_token: refresh, expires_in: fake.accessSeconds, refresh_expires_in: 180 * 86_400, country: 'sg', account_platform: 'seller_center', account: 'seller@example.com', code: '0', request_id: `refresh-${issued}` } };
    }
    if (request.method !== 'POST' || request.path !== '/im/message/send') return { status: 404, body: { type: 'SYSTEM', code: 'InvalidApiPath', message: 'no such API', request_id: 'x' } };
    if (!params.access_token || !liveAccess.has(params.access_token)) return error('IllegalAccessToken', 'The specified access token is invalid or expired');
    const needed = REQUIRED_BY_TEMPLATE[params.template_id ?? ''];
    if (!params.session_id || !needed || !params[needed]) return error('MissingParameter', 'a parameter the template needs is missing');
    const { app_key, timestamp, sign_method, access_token, sign, ...api } = params;
    accepted.push(api);
    const messageId = `m-${accepted.length}`;
    return { status: 200, body: { code: '0', request_id: `req-${accepted.length}`, data: { current_time: Date.now(), message_id: messageId, template_id: Number(params.template_id) }, success: true, err_code: '0', err_message: 'SUCCESS' } };
  });
  const fake: FakeLazada = Object.assign(server, {
    sent: () => accepted,
    expireAccessTokens: () => liveAccess.clear(),
    revokeRefreshTokens: () => liveRefresh.clear(),
    refreshes,
    accessSeconds: 30 * 86_400,
  });
  return fake;
}
