// A loopback TikTok Shop Open API for tests: the customer-service Send Message API
// (POST /customer_service/202309/conversations/{conversation_id}/messages), refusing a call whose
// sign is not hex HMAC-SHA256(app_secret, app_secret + path + sorted query (sign and access_token
// left out) + body + app_secret), or whose x-tts-access-token, app key or shop cipher is wrong.
// The check is written out here, not borrowed from the adapter. Also the token refresh of the
// official Node SDK (utils/token): GET /api/v2/token/refresh?app_key&app_secret&refresh_token&
// grant_type, answering data.access_token_expire_in / refresh_token_expire_in as Unix timestamps; a
// refresh token works once, and an access token the fake did not issue or expired gets 105002.

import { createHmac } from 'node:crypto';
import { startFakeServer, type FakeServer } from './fake-marketplace.ts';

export const TIKTOK_TEST_APP = { appKey: '6abc123', appSecret: 'tiktok-test-secret', accessToken: 'TTP_test_token', refreshToken: 'TTP_test_refresh', shopCipher: 'ROW_test_cipher' };

export interface TiktokSent {
  conversationId: string;
  type: string;
  content: Record<string, string>;
}

export interface FakeTiktok extends FakeServer {
  sent(): TiktokSent[];
  /** Every access token issued so far stops working. */
  expireAccessTokens(): void;
  /** The refresh tokens used, in order. */
  refreshes: string[];
}

const SEND = /^\/customer_service\/202309\/conversations\/([^/]+)\/messages$/;

export async function startFakeTiktok(): Promise<FakeTiktok> {
  const accepted: TiktokSent[] = [];
  const liveAccess = new Set([TIKTOK_TEST_APP.accessToken]);
  const liveRefresh = new Set([TIKTOK_TEST_APP.refreshToken]);
  const refreshes: string[] = [];
  let issued = 0;
  const server = await startFakeServer((request) => {
    if (request.method === 'GET' && request.path === '/api/v2/token/refresh') {
      const q = request.query;
      refreshes.push(q.get('refresh_token') ?? '');
      if (q.get('app_key') !== TIKTOK_TEST_APP.appKey || q.get('app_secret') !== TIKTOK_TEST_APP.appSecret || q.get('grant_type') !== 'refresh_token') return { status: 200, body: { code: 36004004, message: 'invalid app_key, app_secret or grant_type' } };
      if (!liveRefresh.delete(q.get('refresh_token') ?? '')) return { status: 200, body: { code: 36004005, message: 'invalid refresh_token' } };
      issued++;
      liveAccess.add(`TTP_access_${issued}`);
      liveRefresh.add(`TTP_refresh_${issued}`);
      const now = Math.floor(Date.now() / 1000);
      return { status: 200, body: { code: 0, message: 'success', request_id: `t${issued}`, data: { access_token: `TTP_access_${issued}`, access_token_expire_in: now + 7 * 86_400, refresh_token: `TTP_refresh_${issued}`, refresh_token_expire_in: now + 365 * 86_400, open_id: 'o1', seller_name: 'test shop', seller_base_region: 'GB', user_type: 0 } } };
    }
    const match = SEND.exec(request.path);
    if (request.method !== 'POST' || !match) return { status: 404, body: { code: 36009001, message: 'path not found' } };
    let text = TIKTOK_TEST_APP.appSecret + request.path;
    const names = [...request.query.keys()].filter((n) => n !== 'sign' && n !== 'access_token').sort();
    for (const name of names) text += name + request.query.get(name);
    text += request.body + TIKTOK_TEST_APP.appSecret;
    const expected = createHmac('sha256', TIKTOK_TEST_APP.appSecret).update(text, 'utf8').digest('hex');
    if (request.query.get('sign') !== expected) return { status: 200, body: { code: 106001, message: 'Invalid credentials: sign' } };
    if (!liveAccess.has(String(request.headers['x-tts-access-token'])) || request.query.get('app_key') !== TIKTOK_TEST_APP.appKey) return { status: 200, body: { code: 105002, message: 'Expired credentials' } };
    if (request.query.get('shop_cipher') !== TIKTOK_TEST_APP.shopCipher) return { status: 200, body: { code: 106011, message: 'Invalid shop_cipher' } };
    const body = JSON.parse(request.body) as { type: string; content: string };
    // TEXT content holds at most 2,000 characters (Send Message API reference).
    if (body.type === 'TEXT' && Array.from((JSON.parse(body.content) as { content: string }).content).length > 2000) return { status: 200, body: { code: 36009003, message: 'text content exceeds 2000 characters' } };
    accepted.push({ conversationId: decodeURIComponent(match[1]!), type: body.type, content: JSON.parse(body.content) as Record<string, string> });
    return { status: 200, body: { code: 0, message: 'Success', request_id: `r${accepted.length}`, data: { message_id: `m${accepted.length}` } } };
  });
  return Object.assign(server, { sent: () => accepted, refreshes, expireAccessTokens: () => liveAccess.clear() });
}
