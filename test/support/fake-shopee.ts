// A loopback Shopee Open Platform v2 for tests: sellerchat send_message (shop-level signature), the
// lost-push pair get_lost_push_message / confirm_consumed_lost_push_message and the token refresh
// /api/v2/auth/access_token/get (partner-level signature), each refusing a call whose sign is not hex
// HMAC-SHA256(partner_key, partner_id + path + timestamp [+ access_token + shop_id]). Tests put
// pushes in `lost` for the recovery to find. Access tokens are the ones the fake issued and has not
// expired (error_auth "Invalid access_token." otherwise, as the API reference's error tables say);
// a refresh token works once ("v2.public.refresh_access_token").

import { createHmac } from 'node:crypto';
import { startFakeServer, type FakeServer, type RecordedRequest } from './fake-marketplace.ts';

export const SHOPEE_TEST_APP = { partnerId: 2001234, partnerKey: 'shopee-test-key', shopId: 556677, accessToken: 'shopee-test-token', refreshToken: 'shopee-test-refresh' };

export interface ShopeeSent {
  toId: number;
  messageType: string;
  content: Record<string, unknown>;
}

export interface FakeShopee extends FakeServer {
  sent(): ShopeeSent[];
  /** Pushes Shopee could not deliver, as the lost-push API lists them (data as a JSON string). */
  lost: { shop_id: number; code: number; timestamp: number; data: string }[];
  /** The last_message_id values confirmed, in order. */
  confirmed: number[];
  /** Every access token issued so far stops working (after its 4 hours). */
  expireAccessTokens(): void;
  /** The refresh tokens used, in order. */
  refreshes: string[];
}

function signedCorrectly(request: RecordedRequest, shopLevel: boolean): boolean {
  const q = request.query;
  if (q.get('partner_id') !== String(SHOPEE_TEST_APP.partnerId)) return false;
  let base = `${SHOPEE_TEST_APP.partnerId}${request.path}${q.get('timestamp')}`;
  if (shopLevel) {
    if (q.get('shop_id') !== String(SHOPEE_TEST_APP.shopId)) return false;
    base += `${q.get('access_token')}${SHOPEE_TEST_APP.shopId}`;
  }
  return q.get('sign') === createHmac('sha256', SHOPEE_TEST_APP.partnerKey).update(base, 'utf8').digest('hex');
}

const refused = { status: 403, body: { error: 'error_sign', message: 'Wrong sign.', request_id: 'x' } };

export async function startFakeShopee(): Promise<FakeShopee> {
  const accepted: ShopeeSent[] = [];
  const lost: FakeShopee['lost'] = [];
  const confirmed: number[] = [];
  let nextLostId = 1;
  const liveAccess = new Set([SHOPEE_TEST_APP.accessToken]);
  const liveRefresh = new Set([SHOPEE_TEST_APP.refreshToken]);
  const refreshes: string[] = [];
  let issued = 0;
  const server = await startFakeServer((request) => {
    if (request.method === 'POST' && request.path === '/api/v2/auth/access_token/get') {
      if (!signedCorrectly(request, false)) return refused;
      const body = JSON.parse(request.body) as { refresh_token?: string; partner_id?: number; shop_id?: number };
      refreshes.push(body.refresh_token ?? '');
      if (body.partner_id !== SHOPEE_TEST_APP.partnerId || body.shop_id !== SHOPEE_TEST_APP.shopId) return { status: 200, body: { error: 'error_param', message: 'Wrong parameters, detail: partner_id or shop_id.', request_id: 'p' } };
      if (!body.refresh_token || !liveRefresh.delete(body.refresh_token)) return { status: 200, body: { error: 'error_auth', message: 'Invalid refresh_token.', request_id: 'a' } };
      issued++;
      liveAccess.add(`shopee-access-${issued}`);
      liveRefresh.add(`shopee-refresh-${issued}`);
      return { status: 200, body: { partner_id: SHOPEE_TEST_APP.partnerId, shop_id: SHOPEE_TEST_APP.shopId, access_token: `shopee-access-${issued}`, refresh_token: `shopee-refresh-${issued}`, expire_in: 14_400, request_id: `t${issued}`, error: '', message: '' } };
    }
    if (request.method === 'POST' && request.path === '/api/v2/sellerchat/send_message') {
      if (!signedCorrectly(request, true)) return refused;
      if (!liveAccess.has(request.query.get('access_token') ?? '')) return { status: 403, body: { error: 'error_auth', message: 'Invalid access_token.', request_id: 'x' } };
      const body = JSON.parse(request.body) as { to_id: unknown; message_type: string; content: Record<string, unknown> };
      if (typeof body.to_id !== 'number') return { status: 400, body: { error: 'error_param', message: 'to_id must be int' } };
      accepted.push({ toId: body.to_id, messageType: body.message_type, content: body.content });
      return { status: 200, body: { error: '', message: '', request_id: `r${accepted.length}`, response: { message_id: `m${accepted.length}`, to_id: body.to_id } } };
    }
    if (request.method === 'GET' && request.path === '/api/v2/push/get_lost_push_message') {
      if (!signedCorrectly(request, false)) return refused;
      const page = lost.slice(0, 2);
      const lastId = page.length > 0 ? nextLostId + page.length - 1 : 0;
      return { status: 200, body: { error: '', message: '', request_id: 'l', response: { push_message_list: page, has_next_page: lost.length > page.length, last_message_id: lastId } } };
    }
    if (request.method === 'POST' && request.path === '/api/v2/push/confirm_consumed_lost_push_message') {
      if (!signedCorrectly(request, false)) return refused;
      const { last_message_id } = JSON.parse(request.body) as { last_message_id: number };
      const count = last_message_id - nextLostId + 1;
      lost.splice(0, Math.max(0, count));
      nextLostId = last_message_id + 1;
      confirmed.push(last_message_id);
      return { status: 200, body: { error: '', message: '', request_id: 'c', response: {} } };
    }
    return { status: 404, body: { error: 'error_not_found', message: 'no such api' } };
  });
  return Object.assign(server, { sent: () => accepted, lost, confirmed, refreshes, expireAccessTokens: () => liveAccess.clear() });
}
