// A loopback TikTok Shop Open API for tests: the customer-service Send Message API
// (POST /customer_service/202309/conversations/{conversation_id}/messages), refusing a call whose
// sign is not hex HMAC-SHA256(app_secret, app_secret + path + sorted query (sign and access_token
// left out) + body + app_secret), or whose x-tts-access-token, app key or shop cipher is wrong.
// The check is written out here, not borrowed from the adapter.

import { createHmac } from 'node:crypto';
import { startFakeServer, type FakeServer } from './fake-marketplace.ts';

export const TIKTOK_TEST_APP = { appKey: '6abc123', appSecret: 'tiktok-test-secret', accessToken: 'TTP_test_token', shopCipher: 'ROW_test_cipher' };

export interface TiktokSent {
  conversationId: string;
  type: string;
  content: Record<string, string>;
}

export interface FakeTiktok extends FakeServer {
  sent(): TiktokSent[];
}

const SEND = /^\/customer_service\/202309\/conversations\/([^/]+)\/messages$/;

export async function startFakeTiktok(): Promise<FakeTiktok> {
  const accepted: TiktokSent[] = [];
  const server = await startFakeServer((request) => {
    const match = SEND.exec(request.path);
    if (request.method !== 'POST' || !match) return { status: 404, body: { code: 36009001, message: 'path not found' } };
    let text = TIKTOK_TEST_APP.appSecret + request.path;
    const names = [...request.query.keys()].filter((n) => n !== 'sign' && n !== 'access_token').sort();
    for (const name of names) text += name + request.query.get(name);
    text += request.body + TIKTOK_TEST_APP.appSecret;
    const expected = createHmac('sha256', TIKTOK_TEST_APP.appSecret).update(text, 'utf8').digest('hex');
    if (request.query.get('sign') !== expected) return { status: 200, body: { code: 106001, message: 'Invalid credentials: sign' } };
    if (request.headers['x-tts-access-token'] !== TIKTOK_TEST_APP.accessToken || request.query.get('app_key') !== TIKTOK_TEST_APP.appKey) return { status: 200, body: { code: 105002, message: 'Expired credentials' } };
    if (request.query.get('shop_cipher') !== TIKTOK_TEST_APP.shopCipher) return { status: 200, body: { code: 106011, message: 'Invalid shop_cipher' } };
    const body = JSON.parse(request.body) as { type: string; content: string };
    accepted.push({ conversationId: decodeURIComponent(match[1]!), type: body.type, content: JSON.parse(body.content) as Record<string, string> });
    return { status: 200, body: { code: 0, message: 'Success', request_id: `r${accepted.length}`, data: { message_id: `m${accepted.length}` } } };
  });
  return Object.assign(server, { sent: () => accepted });
}
