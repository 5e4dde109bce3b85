// What is Shopee's own: its push signature over the registered callback URL + "|" + raw body and its
// API signatures (vectors computed with openssl), the empty verification POST, recovery of pushes
// that never arrived through the lost-push API, and the sellerchat switch (off: read, never send).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderShopeeReply } from '../../adapters/channels/shopee/shopee-renderer.ts';
import { isOwnWebchatItem, readLostShopeePush, readShopeePush } from '../../adapters/channels/shopee/shopee-push.ts';
import { shopeeFailure } from '../../adapters/channels/shopee/shopee-errors.ts';
import { SHOPEE_LOST_PUSH_RESPONSE_SAMPLE, SHOPEE_WEBCHAT_PUSH_CAPTURED } from './vendor-samples.ts';
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
  });

  it('reads the captured live webchat push; content.shop_id naming this shop is the seller writing', () => {
    const sample = SHOPEE_WEBCHAT_PUSH_CAPTURED;
    expect(readShopeePush(sample, 7, sample.shop_id)).toEqual({
      kind: 'message',
      sentAt: 1726044722000,
      message: { id: '2302748948493123953', conversation: { channel: 'shopee', conversationId: '709122092476686867', buyerId: '165105353' }, text: 'is the blue one in stock?', buyerName: 'buyer_one', receivedAt: 7 },
    });
    // The same push written by the shop itself (its shop as content.shop_id, or as from_shop_id).
    const own = { ...sample, data: { ...sample.data, content: { ...sample.data.content, shop_id: sample.shop_id } } };
    expect(readShopeePush(own, 7, sample.shop_id)).toEqual({ kind: 'ignored', reason: 'sent by the shop (seller side)' });
    const { shop_id: _senderShop, ...withoutShop } = sample.data.content;
    expect(readShopeePush({ ...sample, data: { ...sample.data, content: { ...withoutShop, from_shop_id: sample.shop_id } } }, 7, sample.shop_id).kind).toBe('ignored');
    // No envelope timestamp: the message's created_timestamp.
    expect(readShopeePush({ ...sample, timestamp: undefined }, 7, sample.shop_id)).toMatchObject({ sentAt: 1726044721000 });
  });

  it('reads a lost-push item as the whole push its data string holds (the documented response), and likely alternatives', () => {
    const [documented] = SHOPEE_LOST_PUSH_RESPONSE_SAMPLE.response.push_message_list;
    // The documented item is an order push (code 3): read through, it is not webchat.
    expect(readLostShopeePush(documented!, 7, 727720655)).toEqual({ kind: 'ignored', reason: 'push code 3 is not webchat' });
    expect(isOwnWebchatItem(documented!, 727720655)).toBe(false);
    const live = shopeePush('123456789', { message_id: 'm-lost', content: { text: 'from the lost list' } });
    const item = { shop_id: live.shop_id, code: 10, timestamp: live.timestamp, data: JSON.stringify(live) };
    expect(isOwnWebchatItem(item, SHOPEE_TEST_APP.shopId)).toBe(true);
    expect(readLostShopeePush(item, 7, SHOPEE_TEST_APP.shopId)).toMatchObject({ kind: 'message', message: { text: 'from the lost list' } });
    // Alternatives: data holding only the inner data, or data already an object.
    expect(readLostShopeePush({ ...item, data: JSON.stringify(live.data) }, 7, SHOPEE_TEST_APP.shopId)).toMatchObject({ kind: 'message', message: { text: 'from the lost list' } });
    expect(readLostShopeePush({ ...item, data: live }, 7, SHOPEE_TEST_APP.shopId)).toMatchObject({ kind: 'message' });
    expect(readLostShopeePush({ ...item, data: 'not json' }, 7, SHOPEE_TEST_APP.shopId)).toMatchObject({ kind: 'unreadable', reason: 'lost push data is not a JSON object' });
  });

  it('classifies API errors by their code', () => {
    expect(shopeeFailure('error_server')).toBe('retry');
    expect(shopeeFailure('error_system_busy')).toBe('retry');
    expect(shopeeFailure('error_auth')).toBe('auth');
    expect(shopeeFailure('invalid_acceess_token')).toBe('auth');
    expect(shopeeFailure('common.error_auth')).toBe('auth');
    expect(shopeeFailure('error_param')).toBe('refused');
    expect(shopeeFailure('error_sign')).toBe('refused');
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
      // As get_lost_push_message documents it: data is the whole push, as a string.
      fake.lost.push({ shop_id: push.shop_id as number, code: 10, timestamp: push.timestamp as number, data: JSON.stringify(push) });
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

  it('answers a signed push with an empty 200 (Shopee counts nothing else as delivered)', async () => {
    const raw = shopeeKit.buyerText(shopeeKit.newConversation(), '你好');
    const response = await fetch(server.url + shopeeKit.pushPath, { method: 'POST', headers: shopeeKit.headers(raw), body: raw });
    expect(response.status).toBe(200);
    expect(response.headers.get('kefu-push')).toBe('queued');
    expect(await response.text()).toBe('');
    const refused = await fetch(server.url + shopeeKit.pushPath, { method: 'POST', headers: shopeeKit.headers(raw, 'wrong-key'), body: raw });
    expect(refused.status).toBe(401);
    expect(await refused.text()).toBe('');
  });

  it('answers the webchat messages of a page that also holds another system\'s pushes, but leaves that page unconfirmed', async () => {
    const confirmedBefore = [...fake.confirmed];
    const conversation = '2000000042';
    const push = shopeePush(conversation, { content: { text: '身高170体重60穿什么码' } });
    // The documented order push (code 3) for another shop, then this shop's webchat push.
    fake.lost.push(SHOPEE_LOST_PUSH_RESPONSE_SAMPLE.response.push_message_list[0]!);
    fake.lost.push({ shop_id: push.shop_id as number, code: 10, timestamp: push.timestamp as number, data: JSON.stringify(push) });
    const toId = Number(shopeeKit.ref(conversation).buyerId);
    await eventually(() => fake.sent().find((m) => m.toId === toId), 'the answer to the recovered message');
    // Rounds keep running (every second) and re-read the page; nothing is confirmed or answered twice.
    await settle(2_500);
    expect(fake.confirmed).toEqual(confirmedBefore);
    expect(fake.lost).toHaveLength(2);
    expect(fake.sent().filter((m) => m.toId === toId)).toHaveLength(1);
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
