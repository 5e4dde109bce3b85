// Who the web chat buyer is (issue 12): only the shop's signed token says. A visitor who merely
// claims a buyer id sees no order, by any way in (typed order numbers, button payloads, every
// after-sale flow), in every language; a signed buyer sees exactly their own; a refused token is
// answered 401 with its reason and the message is not handled, so the page can renew and resend.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleOrders } from '../../adapters/commerce/demo/sample-orders.ts';
import type { DemoOrders } from '../../adapters/commerce/demo/demo-orders.ts';
import type { RunningServer } from '../../server.ts';
import { identityEnv, signedBuyer } from '../support/buyer-tokens.ts';
import { startMerchantOrdersApi, type MerchantOrdersApi } from '../support/merchant-orders-api.ts';
import { postMessage, startTestKefu } from '../support/start-kefu.ts';

const VICTIM = { channel: 'webchat', buyerId: 'shop-user-1001' };
const victimOrders = sampleOrders(VICTIM, 0).orders.map((o) => o.id);
// What any of the victim's sample orders would show: recipient, phone, street, tracking numbers.
const VICTIM_DETAILS = ['王小明', '13812345678', '文三路', 'Lin Mei', ...victimOrders, ...sampleOrders(VICTIM, 0).orders.flatMap((o) => (o.shipment ? [o.shipment.trackingNumber] : []))];

let kefu: RunningServer;
beforeAll(async () => {
  kefu = await startTestKefu({ env: identityEnv });
});
afterAll(async () => {
  await kefu?.close();
});

interface Said {
  status: number;
  texts: string;
  payloads: string[];
  body: any;
}

async function say(conversationId: string, fields: Record<string, unknown>): Promise<Said> {
  const answer = await postMessage(kefu.url, { conversationId, messageId: randomUUID(), ...fields });
  const replies = (answer.body?.replies ?? []) as { text: string; buttons?: { payload: string }[] }[];
  return {
    status: answer.status,
    texts: replies.map((r) => r.text).join('\n'),
    payloads: replies.flatMap((r) => (r.buttons ?? []).map((b) => b.payload)),
    body: answer.body,
  };
}

function expectNothingOfTheVictim(said: Said): void {
  expect(said.status).toBe(200);
  for (const detail of VICTIM_DETAILS) expect(said.texts).not.toContain(detail);
  for (const payload of said.payloads) expect(victimOrders.some((id) => payload.includes(id))).toBe(false);
}

describe('a visitor who claims a buyer id without the shop\'s signature', () => {
  const asks: [string, string][] = [
    ['zh-Hans', '我的快递到哪了'],
    ['zh-Hant', '我的快遞到哪了'],
    ['en', 'where is my parcel'],
    ['zh-Hans', '我要改地址'],
    ['zh-Hant', '我要取消訂單'],
    ['en', 'i want to return it'],
    ['zh-Hans', '退款什么时候到账'],
  ];
  it.each(asks)('sees none of that buyer\'s orders (%s: %s)', async (_language, text) => {
    expectNothingOfTheVictim(await say(`claim-${randomUUID()}`, { buyerId: VICTIM.buyerId, text }));
  });

  it.each([
    ['zh-Hans', (id: string) => `查一下${id}的物流`, '收件手机号的后四位'],
    ['zh-Hant', (id: string) => `我要改地址,訂單${id}`, '收件手機號的後四位'],
    ['en', (id: string) => `cancel my order ${id}`, 'the last four digits of the phone number on order'],
  ])('is asked to prove that buyer\'s order number typed out, and shown nothing of it (%s)', async (_language, text, proveIt) => {
    const said = await say(`claim-${randomUUID()}`, { buyerId: VICTIM.buyerId, text: text(victimOrders[1]!) });
    expect(said.texts).toContain(proveIt);
    for (const detail of VICTIM_DETAILS.filter((d) => d !== victimOrders[1])) expect(said.texts).not.toContain(detail);
  });

  it.each(['track_order', 'change_address', 'cancel_order', 'return_refund', 'refund_status'])(
    'gets nothing from a forged button payload naming that buyer\'s order (%s)',
    async (intent) => {
      const said = await say(`claim-${randomUUID()}`, { buyerId: VICTIM.buyerId, text: '', payload: `/${intent}{"order_id":"${victimOrders[4]}"}` });
      expect(said.texts).toContain(`请发一下订单 ${victimOrders[4]} 收件手机号的后四位`);
      for (const detail of VICTIM_DETAILS.filter((d) => d !== victimOrders[4])) expect(said.texts).not.toContain(detail);
    },
  );

  it.each([
    ['zh-Hant', '請問一下', '收件手機號的後四位'],
    ['en', 'hello there', 'the last four digits of the phone number on order'],
  ])('gets nothing from a forged button payload in a conversation held in %s, and is asked in that language', async (_language, opening, proveIt) => {
    const conversationId = `claim-${randomUUID()}`;
    await say(conversationId, { buyerId: VICTIM.buyerId, text: opening });
    const said = await say(conversationId, { buyerId: VICTIM.buyerId, text: '', payload: `/track_order{"order_id":"${victimOrders[4]}"}` });
    expect(said.texts).toContain(proveIt);
    for (const detail of VICTIM_DETAILS.filter((d) => d !== victimOrders[4])) expect(said.texts).not.toContain(detail);
  });

  it('changes nothing on that buyer\'s orders, even walking a whole address change through', async () => {
    const conversationId = `claim-${randomUUID()}`;
    await say(conversationId, { buyerId: VICTIM.buyerId, text: `改地址 ${victimOrders[1]}` });
    await say(conversationId, { buyerId: VICTIM.buyerId, text: '李雷 13900001111 北京市朝阳区建国路1号' });
    await say(conversationId, { buyerId: VICTIM.buyerId, text: '对' });
    const orders = kefu.kefu.orders as DemoOrders;
    expect(orders.auditTrail(VICTIM, victimOrders[1]!)).toEqual([]);
  });
});

describe('a buyer the shop signed', () => {
  it.each([
    ['zh-Hans', '我的快递到哪了', '您问的是哪一笔订单'],
    ['zh-Hant', '我的快遞到哪了', '您問的是哪一筆訂單'],
    ['en', 'where is my parcel', 'Which order is it about?'],
  ])('sees exactly their own orders (%s)', async (_language, text, which) => {
    const buyerId = `signed-${randomUUID()}`;
    const own = sampleOrders({ channel: 'webchat', buyerId }, 0).orders.map((o) => o.id);
    const said = await say(`signed-${randomUUID()}`, { identityToken: await signedBuyer(buyerId), text });
    expect(said.texts).toContain(which);
    expect(said.payloads.length).toBeGreaterThan(1);
    expect(said.payloads.every((p) => own.includes(p))).toBe(true);
  });

  it('is the token\'s buyer, whatever buyerId the body claims', async () => {
    const buyerId = `signed-${randomUUID()}`;
    const own = sampleOrders({ channel: 'webchat', buyerId }, 0).orders.map((o) => o.id);
    const said = await say(`signed-${randomUUID()}`, { identityToken: await signedBuyer(buyerId), buyerId: VICTIM.buyerId, text: '我的快递到哪了' });
    expect(said.payloads.every((p) => own.includes(p))).toBe(true);
    expectNothingOfTheVictim(said);
  });

  it('gets "not found" for another buyer\'s order number', async () => {
    const said = await say(`signed-${randomUUID()}`, { identityToken: await signedBuyer(`signed-${randomUUID()}`), text: `查一下${victimOrders[2]}的物流` });
    expect(said.texts).toContain('没有找到订单号为');
    expect(said.texts).not.toContain('正在路上');
  });

  it('keeps none of their orders in the conversation once the page goes on without the token', async () => {
    const buyerId = `signed-${randomUUID()}`;
    const own = sampleOrders({ channel: 'webchat', buyerId }, 0).orders;
    const conversationId = `switch-${randomUUID()}`;
    const token = await signedBuyer(buyerId);
    const asked = await say(conversationId, { identityToken: token, text: `改地址 ${own[1]!.id}` });
    expect(asked.texts).toContain(own[1]!.id);
    // The same conversation, now without identity: the running address change must not go on for that order.
    const after = await say(conversationId, { text: '李雷 13900001111 北京市朝阳区建国路1号' });
    expect(after.texts).not.toContain(own[1]!.id);
    expect((kefu.kefu.orders as DemoOrders).auditTrail({ channel: 'webchat', buyerId }, own[1]!.id)).toEqual([]);
  });
});

describe('a guest who signs in mid-question', () => {
  it('carries on where they were', async () => {
    const conversationId = `sign-in-${randomUUID()}`;
    const asked = await say(conversationId, { text: '我穿多大码' });
    expect(asked.texts).toContain('身高');
    const answered = await say(conversationId, { identityToken: await signedBuyer(`signed-${randomUUID()}`), text: '身高170体重60' });
    expect(answered.texts).toContain('您适合');
  });
});

describe('a refused token', () => {
  it.each([
    ['expired', () => signedBuyer('shop-user-7', { issuedAt: Date.now() - 3600_000, lifetimeSeconds: 600 })],
    ['not_yet_valid', () => signedBuyer('shop-user-7', { issuedAt: Date.now() + 600_000 })],
    ['bad_signature', () => signedBuyer('shop-user-7', { secret: 'not-the-shop-secret-0123456789abcdef' })],
    ['wrong_shop', () => signedBuyer('shop-user-7', { audience: 'another-shop' })],
    ['malformed', async () => 'not-a-jwt'],
  ])('is answered 401 %s, and the message is handled once the page resends it with a good token', async (failure, make) => {
    const conversationId = `refused-${randomUUID()}`;
    const body = { conversationId, messageId: randomUUID(), text: '我的快递到哪了' };
    const refused = await postMessage(kefu.url, { ...body, identityToken: await make() });
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ identity: failure });
    expect(refused.headers.get('www-authenticate')).toBe(`Bearer error="invalid_token", error_description="${failure}"`);
    const resent = await postMessage(kefu.url, { ...body, identityToken: await signedBuyer('shop-user-7') });
    expect(resent.status).toBe(200);
    expect(resent.headers.get('kefu-duplicate')).toBeNull();
    expect(resent.body.replies[0].text).toContain('您问的是哪一笔订单');
  });

  it('is refused as too long before anything is checked', async () => {
    const answer = await postMessage(kefu.url, { conversationId: 'long-token', text: 'hi', identityToken: 'x'.repeat(5000) });
    expect(answer.status).toBe(400);
  });
});

describe('a Kefu without an identity secret', () => {
  let plain: RunningServer;
  beforeAll(async () => {
    plain = await startTestKefu();
  });
  afterAll(async () => {
    await plain?.close();
  });

  it('refuses every token (it cannot check one) and treats a visitor without one as a guest', async () => {
    const token = await signedBuyer('shop-user-7');
    const refused = await postMessage(plain.url, { conversationId: 'plain-1', text: '我的快递到哪了', identityToken: token });
    expect(refused.status).toBe(401);
    expect(refused.body.identity).toBe('bad_signature');
    const guest = await postMessage(plain.url, { conversationId: 'plain-1', buyerId: VICTIM.buyerId, text: '我的快递到哪了' });
    expect(guest.status).toBe(200);
    expect(JSON.stringify(guest.body)).not.toContain(victimOrders[2]);
  });
});

describe('with the merchant\'s order API', () => {
  let api: MerchantOrdersApi;
  let withApi: RunningServer;
  beforeAll(async () => {
    api = await startMerchantOrdersApi({ token: 'identity-orders-token' });
    withApi = await startTestKefu({
      env: { ...identityEnv, KEFU__ORDERS__BACKEND: 'http', KEFU__ORDERS__HTTP__BASEURL: api.url, KEFU__ORDERS__HTTP__TOKEN: 'identity-orders-token', KEFU__ORDERS__HTTP__EVENTSPOLLSECONDS: '0' },
    });
  });
  afterAll(async () => {
    await withApi?.close();
    await api?.close();
  });

  it('never sends a guest\'s conversation id, or a buyer id it only claims, to the API', async () => {
    const conversationId = `guest-${randomUUID()}`;
    for (const text of ['我的快递到哪了', `查一下${victimOrders[2]}的物流`, '我要退货', 'cancel my order']) {
      const answer = await postMessage(withApi.url, { conversationId, messageId: randomUUID(), buyerId: VICTIM.buyerId, text });
      expect(answer.status).toBe(200);
    }
    expect(api.requests.filter((r) => r.includes(conversationId) || r.includes(VICTIM.buyerId))).toEqual([]);
  });

  it('asks the API for the signed buyer\'s orders only', async () => {
    const answer = await postMessage(withApi.url, { conversationId: `signed-${randomUUID()}`, identityToken: await signedBuyer('shopper-42'), text: '我要取消订单' });
    expect(answer.status).toBe(200);
    expect(api.requests).toContain('GET /buyers/webchat/shopper-42/orders');
  });
});
