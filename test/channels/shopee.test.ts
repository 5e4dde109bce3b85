// What is Shopee's own: its push signature over the registered callback URL + "|" + raw body and its
// API signatures (vectors computed with openssl), the empty verification POST, recovery of pushes
// that never arrived through the lost-push API, and the sellerchat switch (off: read, never send).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderShopeeReply } from '../../adapters/channels/shopee/shopee-renderer.ts';
import { readShopeePush } from '../../adapters/channels/shopee/shopee-push.ts';
import { isShopeePushSigned, shopeeApiSignature, shopeePushSignature } from '../../adapters/channels/shopee/shopee-signature.ts';
import type { RunningServer } from '../../server.ts';
import { eventually, settle } from '../support/fake-marketplace.ts';
import { SHOPEE_TEST_APP, startFakeShopee, type FakeShopee } from '../support/fake-shopee.ts';
import { shopeeKit, shopeePush } from '../support/marketplace-kits.ts';
import { startTestKefu } from '../support/start-kefu.ts';

describe('Shopee signatures', () => {
  it('signs pushes over the registered callback URL, "|" and the raw body', () => {
    const raw = Buffer.from('{"code":10,"shop_id":556677}');
    const url = 'https://bot.example.com/channels/shopee/push';
    const expected = '0e50410cc8aa9cfbc9cf77aa8c732cd5b875b7c63e522b5aa1c609e8323d89ff';
    expect(shopeePushSignature(url, 'shopee-key', raw)).toBe(expected);
    expect(isShopeePushSigned(expected, url, 'shopee-key', raw)).toBe(true);
    // The URL is part of what is signed: the address Kefu sees behind a proxy would not verify.
    expect(isShopeePushSigned(expected, 'http://127.0.0.1:3000/channels/shopee/push', 'shopee-key', raw)).toBe(false);
  });

  it('signs shop-level and partner-level API calls', () => {
    expect(shopeeApiSignature('shopee-key', 2001234, '/api/v2/sellerchat/send_message', 1700000000, { accessToken: 'tok', shopId: 556677 })).toBe('977dbd652cc0997321bfce0a276f730d86968eeeec5c6cc83f3c8f66d64a1895');
    expect(shopeeApiSignature('shopee-key', 2001234, '/api/v2/push/get_lost_push_message', 1700000000)).toBe('beeeb28fb5ccf52b3dfd9ab193d0bd3e3dc21349d172101bc968e9510a3bd287');
  });
});

describe('Shopee messages', () => {
  it('reads buyer text, items and orders; ignores the shop\'s own messages, other shops and other codes', () => {
    const push = (message: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ ...shopeePush('123456789', { message_id: 'm1', ...message }), ...extra });
    expect(readShopeePush(push({ content: { text: 'hi' } }), 7, SHOPEE_TEST_APP.shopId)).toMatchObject({ kind: 'message', message: { id: 'm1', text: 'hi', buyerName: 'buyer_amy', conversation: { channel: 'shopee', conversationId: '123456789' } } });
    expect(readShopeePush(push({ message_type: 'order', content: { order_sn: '2011ABC' } }), 7, SHOPEE_TEST_APP.shopId)).toMatchObject({ message: { context: { orderId: '2011ABC' } } });
    expect(readShopeePush(push({ from_shop_id: SHOPEE_TEST_APP.shopId, content: { text: 'hi' } }), 7, SHOPEE_TEST_APP.shopId).kind).toBe('ignored');
    expect(readShopeePush(push({ content: { text: 'hi' } }, { shop_id: 1 }), 7, SHOPEE_TEST_APP.shopId).kind).toBe('ignored');
    expect(readShopeePush(push({ content: { text: 'hi' } }, { code: 3 }), 7, SHOPEE_TEST_APP.shopId).kind).toBe('ignored');
    // The lost-push API hands data back as a JSON string.
    const lost = push({ content: { text: 'from the lost list' } });
    expect(readShopeePush({ ...lost, data: JSON.stringify(lost.data) }, 7, SHOPEE_TEST_APP.shopId)).toMatchObject({ message: { text: 'from the lost list' } });
  });

  it('renders numbered options; numeric product ids as item messages, order numbers as order messages', () => {
    expect(renderShopeeReply({ text: 'Which?', buttons: [{ title: 'A', payload: '/a' }], card: { title: 'Hoodie', productId: '3001' } })).toEqual([
      { message_type: 'text', content: { text: 'Which?\n1. A' } },
      { message_type: 'item', content: { item_id: 3001 } },
    ]);
    expect(renderShopeeReply({ text: 'Yours', card: { title: 'Order', orderId: '2011ABC' } })[1]).toEqual({ message_type: 'order', content: { order_sn: '2011ABC' } });
    // A catalog id that is not a Shopee item id stays text.
    expect(renderShopeeReply({ text: 'See', card: { title: 'Hoodie', productId: 'hoodie-fleece', url: 'https://shop.example/h' } })).toEqual([{ message_type: 'text', content: { text: 'See\nHoodie\nhttps://shop.example/h' } }]);
  });
});

describe('Shopee webchat channel: verification, lost pushes, sellerchat', () => {
  let fake: FakeShopee;
  let server: RunningServer;
  const recovered = ['1000000001', '1000000002', '1000000003'];
  const liveAndLost = shopeePush(recovered[0]!, { message_id: 'live-and-lost', content: { text: '身高170体重60穿什么码' } });

  beforeAll(async () => {
    fake = await startFakeShopee();
    // Three pushes Shopee could not deliver (two pages); the first one did arrive live too.
    for (const conversation of recovered) {
      const push = conversation === recovered[0] ? liveAndLost : shopeePush(conversation, { content: { text: '身高170体重60穿什么码' } });
      fake.lost.push({ shop_id: push.shop_id as number, code: 10, timestamp: push.timestamp as number, data: JSON.stringify(push.data) });
    }
    server = await startTestKefu({ env: { ...shopeeKit.env(fake.url), KEFU__CHANNELS__SHOPEE__LOSTPUSHINTERVALSECONDS: '1' } });
  });

  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  it('answers the empty verification POST with an empty 200', async () => {
    const response = await fetch(server.url + shopeeKit.pushPath, { method: 'POST' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('recovers missed pushes through the lost-push API, answers each once, and confirms them', async () => {
    const live = JSON.stringify(liveAndLost);
    await fetch(server.url + shopeeKit.pushPath, { method: 'POST', headers: shopeeKit.headers(live), body: live });
    const toIds = recovered.map((c) => Number(shopeeKit.ref(c).buyerId));
    await eventually(() => (toIds.every((id) => fake.sent().some((m) => m.toId === id)) ? true : undefined), 'answers to the three recovered messages');
    await eventually(() => (fake.lost.length === 0 ? true : undefined), 'the lost pushes to be confirmed');
    expect(fake.confirmed).toEqual([2, 3]);
    await settle();
    for (const id of toIds) expect(fake.sent().filter((m) => m.toId === id)).toEqual([{ toId: id, messageType: 'text', content: { text: '根据尺寸,您适合M号哦' } }]);
  });
});

describe('Shopee webchat channel with sellerchat off (not whitelisted)', () => {
  let fake: FakeShopee;
  let server: RunningServer;

  beforeAll(async () => {
    fake = await startFakeShopee();
    server = await startTestKefu({ env: { ...shopeeKit.env(fake.url), KEFU__CHANNELS__SHOPEE__SENDTHROUGHSELLERCHAT: 'false' } });
  });

  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  it('still reads buyers and hands them to people, but sends nothing to Shopee', async () => {
    const conversation = shopeeKit.newConversation();
    const raw = shopeeKit.buyerText(conversation, '转人工');
    expect((await fetch(server.url + shopeeKit.pushPath, { method: 'POST', headers: shopeeKit.headers(raw), body: raw })).status).toBe(200);
    await eventually(() => server.kefu.agentQueue.waiting().find((h) => h.request.conversation.conversationId === conversation), 'the hand-off');
    await settle();
    expect(fake.requests.filter((r) => r.path.includes('sellerchat'))).toEqual([]);
  });
});
