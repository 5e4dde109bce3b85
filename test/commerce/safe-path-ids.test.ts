// Ids that reach an outside API never change the path of the call. An order id comes from what a
// buyer typed or a button payload, a buyer id from a token the shop signed or a platform's push, a
// product id from a product card: each must land in exactly one path segment of the merchant's
// API, whatever it spells ("..", "../x", "a/b", "%2e%2e"), or not be sent at all. Checked on a
// loopback HTTP server that records the raw request line, read back the way a server's own URL
// parser reads it (dot segments, %2e included, resolved).

import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpCatalog } from '../../adapters/commerce/http/http-catalog.ts';
import { HttpOrders } from '../../adapters/commerce/http/http-orders.ts';
import { isSafePathSegment, pathSegment, UnsafePathSegmentError } from '../../adapters/http/path-segment.ts';
import { tiktokSendMessagePath } from '../../adapters/channels/tiktok/tiktok-channel.ts';
import { ApiError } from '../../adapters/channels/shared/api-retry.ts';
import type { BuyerIdentity } from '../../dialogs/commerce/orders.ts';
import { silentLogger } from '../../dialogs/ports.ts';

/** Ids that would move the path if they were pasted into it, or escape their segment. */
const HOSTILE = ['../x', 'a/b', '%2e%2e', '%2E%2E', '%2e%2e%2fadmin', '..%2f..%2fadmin', '..\\x', '.%2e', 'x?admin=1', 'x#frag', 'a b', '订单'];
/** Ids that are a dot segment (or nothing) however they are encoded: never sent. */
const DOT_SEGMENTS = ['..', '.', ''];

let server: Server;
let base: string;
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    requests.push(request.url ?? '');
    // 404 for everything: the adapters read it as "not found", which is all these calls need.
    response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}/kefu/v1`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  requests.length = 0;
});

/** The path segments a server sees, after its URL parser resolved dot segments, each decoded once. */
function segmentsSeen(rawUrl: string): string[] {
  return new URL(rawUrl, 'http://server.test').pathname.split('/').slice(1).map(decodeURIComponent);
}

const orders = () => new HttpOrders({ baseUrl: base, token: 't', timeoutMs: 2000, retries: 0, logger: silentLogger });
const change = { idempotencyKey: 'k1', actor: 'kefu-bot', at: 1 };
const address = { country: 'CN', street: 'x', recipient: 'y', phone: '+8613800138000' };

/** Every call of the orders adapter with `orderId` for `buyer`, and the path segments each must reach. */
function orderCalls(buyer: BuyerIdentity, orderId: string): { call: () => Promise<unknown>; notFound: unknown; segments: string[] }[] {
  const order = ['kefu', 'v1', 'buyers', buyer.channel, buyer.buyerId, 'orders', orderId];
  const o = orders();
  return [
    { call: () => o.listOrders(buyer), notFound: [], segments: order.slice(0, 6) },
    { call: () => o.getOrder(buyer, orderId), notFound: null, segments: order },
    { call: () => o.trackingEvents(buyer, orderId), notFound: null, segments: [...order, 'tracking'] },
    { call: () => o.proveOrder(orderId, '5678'), notFound: null, segments: ['kefu', 'v1', 'orders', orderId, 'proof'] },
    { call: () => o.changeAddress(buyer, orderId, address, change), notFound: { outcome: 'not_found' }, segments: [...order, 'address'] },
    { call: () => o.cancelOrder(buyer, orderId, change), notFound: { outcome: 'not_found' }, segments: [...order, 'cancel'] },
    { call: () => o.requestInterception(buyer, orderId, { ...change, note: 'n' }), notFound: { outcome: 'not_found' }, segments: [...order, 'interception'] },
    { call: () => o.startReturn(buyer, orderId, 'size', change), notFound: { outcome: 'not_found' }, segments: [...order, 'return'] },
    { call: () => o.attachReturnTracking(buyer, orderId, { carrier: 'SF', trackingNumber: 'SF1' }, change), notFound: { outcome: 'not_found' }, segments: [...order, 'return', 'parcel'] },
  ];
}

describe('ids in the merchant order API\'s paths', () => {
  it.each(HOSTILE)('an order id %j stays one path segment of every call', async (orderId) => {
    for (const { call, notFound, segments } of orderCalls({ channel: 'webchat', buyerId: 'alice' }, orderId)) {
      requests.length = 0;
      expect(await call()).toEqual(notFound);
      expect(requests).toHaveLength(1);
      expect(segmentsSeen(requests[0]!)).toEqual(segments);
    }
  });

  it.each(HOSTILE)('a buyer id %j stays one path segment of every call', async (buyerId) => {
    for (const { call, notFound, segments } of orderCalls({ channel: 'webchat', buyerId }, 'KF1001')) {
      requests.length = 0;
      expect(await call()).toEqual(notFound);
      expect(requests).toHaveLength(1);
      expect(segmentsSeen(requests[0]!)).toEqual(segments);
    }
  });

  it.each(DOT_SEGMENTS)('an order id or buyer id %j is not sent at all: the order is not found', async (id) => {
    // Every call whose path would hold the id (listing alice's orders names no order id).
    const calls = [...orderCalls({ channel: 'webchat', buyerId: 'alice' }, id), ...orderCalls({ channel: 'webchat', buyerId: id }, 'KF1001')].filter((c) => c.segments.includes(id));
    expect(calls).toHaveLength(8 + 8);
    for (const { call, notFound } of calls) expect(await call()).toEqual(notFound);
    expect(requests).toEqual([]);
  });

  it('a channel name that is a dot segment is not sent either', async () => {
    expect(await orders().listOrders({ channel: '..', buyerId: 'alice' })).toEqual([]);
    expect(requests).toEqual([]);
  });
});

describe('ids in the merchant catalog API\'s paths', () => {
  const catalog = () => new HttpCatalog({ baseUrl: base, timeoutMs: 2000, retries: 0, cooldownMs: 0 });

  it.each(HOSTILE)('a product id %j stays one path segment', async (id) => {
    expect(await catalog().getProduct(id)).toBeNull();
    expect(requests).toHaveLength(1);
    expect(segmentsSeen(requests[0]!)).toEqual(['kefu', 'v1', 'products', id]);
  });

  it.each(DOT_SEGMENTS)('a product id %j is not sent: no such product', async (id) => {
    expect(await catalog().getProduct(id)).toBeNull();
    expect(requests).toEqual([]);
  });
});

describe('ids in a marketplace API\'s paths', () => {
  it('TikTok Shop: a conversation id is one segment, and a dot segment is refused as a failure not to retry', () => {
    for (const id of HOSTILE) expect(segmentsSeen(tiktokSendMessagePath(id))).toEqual(['customer_service', '202309', 'conversations', id, 'messages']);
    for (const id of DOT_SEGMENTS) {
      expect(() => tiktokSendMessagePath(id)).toThrow(ApiError);
      expect(() => tiktokSendMessagePath(id)).toThrow(expect.objectContaining({ failure: 'refused' }));
    }
  });
});

describe('pathSegment', () => {
  it('encodes everything that would end or leave a segment, and refuses what cannot be one', () => {
    expect(pathSegment('a/b?c#d%e\\f')).toBe('a%2Fb%3Fc%23d%25e%5Cf');
    expect(pathSegment('..x')).toBe('..x');
    for (const bad of ['..', '.', '', 'x'.repeat(257), 'lone\ud800surrogate']) {
      expect(isSafePathSegment(bad)).toBe(false);
      expect(() => pathSegment(bad)).toThrow(UnsafePathSegmentError);
    }
  });
});
