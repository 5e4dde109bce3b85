// The server chooses the orders backend from its configuration: with orders.backend=http, a web
// chat buyer (signed by the shop) has their orders from the merchant's API (on loopback), through
// the real config loader.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server.ts';
import { startMerchantOrdersApi, type MerchantOrdersApi } from '../support/merchant-orders-api.ts';
import { identityEnv, signedBuyer } from '../support/buyer-tokens.ts';
import { postMessage, startTestKefu } from '../support/start-kefu.ts';

let api: MerchantOrdersApi;
let kefu: RunningServer;

beforeAll(async () => {
  api = await startMerchantOrdersApi({ token: 'wiring-token' });
  kefu = await startTestKefu({
    env: { ...identityEnv, KEFU__ORDERS__BACKEND: 'http', KEFU__ORDERS__HTTP__BASEURL: api.url, KEFU__ORDERS__HTTP__TOKEN: 'wiring-token' },
  });
});
afterAll(async () => {
  await kefu?.close();
  await api?.close();
});

describe('orders.backend = http', () => {
  it('answers a web chat buyer from the merchant order API, for that buyer only', async () => {
    const answer = await postMessage(kefu.url, { conversationId: 'wiring-1', identityToken: await signedBuyer('shopper-42'), text: '我要取消订单' });
    expect(answer.status).toBe(200);
    const buttons = answer.body.replies[0].buttons as { payload: string }[];
    expect(buttons.length).toBeGreaterThan(1);
    expect(api.requests).toContain('GET /buyers/webchat/shopper-42/orders');
    const mine = await api.orders.listOrders({ channel: 'webchat', buyerId: 'shopper-42' });
    expect(buttons.map((b) => b.payload).every((id) => mine.some((o) => o.id === id))).toBe(true);
  });

  it('tells the buyer gracefully when the API answers 503 for a while', async () => {
    api.failNext(503, 10);
    const answer = await postMessage(kefu.url, { conversationId: 'wiring-2', identityToken: await signedBuyer('shopper-43'), text: 'where is my parcel' });
    expect(answer.status).toBe(200);
    expect(answer.body.replies[0].text).toContain("our order system isn't answering right now");
    api.failNext(0, 0);
  });
});
