// The demo still shows after-sale out of the box: with no identity secret and the demo order book,
// Kefu signs in demo buyers itself (a random secret of its own, demo-… ids only). With a real secret,
// or with the shop's own order API, there is no demo sign-in and its tokens are worth nothing.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleOrders } from '../../adapters/commerce/demo/sample-orders.ts';
import type { RunningServer } from '../../server.ts';
import { identityEnv } from '../support/buyer-tokens.ts';
import { startMerchantOrdersApi, type MerchantOrdersApi } from '../support/merchant-orders-api.ts';
import { postMessage, readAnswer, startTestKefu } from '../support/start-kefu.ts';

async function demoToken(baseUrl: string, buyerId?: string) {
  return readAnswer(await fetch(`${baseUrl}/webchat/demo-identity${buyerId ? `?buyerId=${encodeURIComponent(buyerId)}` : ''}`));
}

async function pageOf(baseUrl: string): Promise<string> {
  return (await fetch(`${baseUrl}/`)).text();
}

describe('the demo as it starts (no identity secret, demo orders)', () => {
  let demo: RunningServer;
  beforeAll(async () => {
    demo = await startTestKefu();
  });
  afterAll(async () => {
    await demo?.close();
  });

  it('signs in a new demo buyer, who sees their sample orders', async () => {
    const signed = await demoToken(demo.url);
    expect(signed.status).toBe(200);
    expect(signed.headers.get('cache-control')).toBe('no-store');
    expect(signed.body).toMatchObject({ demo: true, buyerId: expect.stringMatching(/^demo-/), token: expect.any(String) });
    const own = sampleOrders({ channel: 'webchat', buyerId: signed.body.buyerId }, 0).orders.map((o) => o.id);
    const answer = await postMessage(demo.url, { conversationId: `demo-${randomUUID()}`, identityToken: signed.body.token, text: '我的快递到哪了' });
    const payloads = (answer.body.replies[0].buttons as { payload: string }[]).map((b) => b.payload);
    expect(payloads.length).toBeGreaterThan(1);
    expect(payloads.every((p) => own.includes(p))).toBe(true);
  });

  it('signs the same demo buyer again when the page asks for it (a reload keeps the orders)', async () => {
    const first = await demoToken(demo.url);
    const again = await demoToken(demo.url, first.body.buyerId);
    expect(again.body.buyerId).toBe(first.body.buyerId);
  });

  it.each(['shop-user-1001', 'demo-', 'demo-../../x', 'webchat:demo-12345678'])('never signs an id that is not a demo buyer\'s (%s)', async (asked) => {
    const signed = await demoToken(demo.url, asked);
    expect(signed.body.buyerId).not.toBe(asked);
    expect(signed.body.buyerId).toMatch(/^demo-[0-9a-f-]{36}$/);
  });

  it('tells its page to sign in and to say it is a demo', async () => {
    expect(await pageOf(demo.url)).toContain('data-demo-sign-in="on"');
  });

  it('is refused by another Kefu: the demo secret is made per start, never shared', async () => {
    const other = await startTestKefu();
    try {
      const token = (await demoToken(demo.url)).body.token as string;
      const answer = await postMessage(other.url, { conversationId: `demo-${randomUUID()}`, identityToken: token, text: '我的快递到哪了' });
      expect(answer.status).toBe(401);
      expect(answer.body.identity).toBe('bad_signature');
    } finally {
      await other.close();
    }
  });
});

describe('no demo sign-in', () => {
  let withSecret: RunningServer;
  let api: MerchantOrdersApi;
  let withApi: RunningServer;
  beforeAll(async () => {
    api = await startMerchantOrdersApi();
    [withSecret, withApi] = await Promise.all([
      startTestKefu({ env: identityEnv }),
      startTestKefu({ env: { KEFU__ORDERS__BACKEND: 'http', KEFU__ORDERS__HTTP__BASEURL: api.url, KEFU__ORDERS__HTTP__EVENTSPOLLSECONDS: '0' } }),
    ]);
  });
  afterAll(async () => {
    await withSecret?.close();
    await withApi?.close();
    await api?.close();
  });

  it('when the shop has set its identity secret: no demo route, the page signs nobody in', async () => {
    expect((await demoToken(withSecret.url)).status).toBe(404);
    expect(await pageOf(withSecret.url)).toContain('data-demo-sign-in="off"');
  });

  it('when orders come from the shop\'s own API, even without a secret: visitors are guests', async () => {
    expect((await demoToken(withApi.url)).status).toBe(404);
    expect(await pageOf(withApi.url)).toContain('data-demo-sign-in="off"');
  });
});
