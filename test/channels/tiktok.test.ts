// What is TikTok Shop's own: its webhook and API signatures (vectors computed with openssl), how
// type-14 notifications are read and replies rendered, and TikTok's 3-second rule: the webhook is
// acknowledged before the bot's work, even while TikTok's API is slow to take the reply.

import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderTiktokReply } from '../../adapters/channels/tiktok/tiktok-renderer.ts';
import { isTiktokWebhookSigned, tiktokApiSignature, tiktokApiStringToSign, tiktokWebhookSignature } from '../../adapters/channels/tiktok/tiktok-signature.ts';
import { readTiktokWebhook } from '../../adapters/channels/tiktok/tiktok-webhook.ts';
import type { RunningServer } from '../../server.ts';
import { eventually } from '../support/fake-marketplace.ts';
import { tiktokKit } from '../support/marketplace-kits.ts';
import { startTestKefu } from '../support/start-kefu.ts';
import type { FakeTiktok } from '../support/fake-tiktok.ts';
import { startFakeTiktok, TIKTOK_TEST_APP } from '../support/fake-tiktok.ts';
import { registerTiktokRoutes } from '../../adapters/channels/tiktok/tiktok-routes.ts';
import { silentLogger } from '../../dialogs/ports.ts';
import { startPushRouteHarness, type PushRouteHarness } from './push-route-harness.ts';
import { TIKTOK_API_SIGNATURE_VECTOR, TIKTOK_NEW_MESSAGE_SAMPLE } from './vendor-samples.ts';

describe('TikTok Shop signatures', () => {
  it('signs webhooks as lowercase hex HMAC-SHA256(app_secret, app_key + raw body)', () => {
    const raw = Buffer.from('{"type":14,"tts_notification_id":"7327"}');
    const expected = '1c35135bb79d7fd18b9586694b385fc071d7513f4e6efd1a5f8d2003d613f2be';
    expect(tiktokWebhookSignature('6abc123', 'tiktok-secret', raw)).toBe(expected);
    expect(isTiktokWebhookSigned(expected, '6abc123', 'tiktok-secret', raw)).toBe(true);
    // TikTok documents lowercase hex: an uppercase copy is not what TikTok sends.
    expect(isTiktokWebhookSigned(expected.toUpperCase(), '6abc123', 'tiktok-secret', raw)).toBe(false);
    expect(isTiktokWebhookSigned(expected, '6abc124', 'tiktok-secret', raw)).toBe(false);
  });

  it('gives the documentation\'s own API signature (Get Authorized Shops, secret e59af819cc)', () => {
    const { appSecret, path, query, body, sign } = TIKTOK_API_SIGNATURE_VECTOR;
    expect(tiktokApiSignature(appSecret, path, query, body)).toBe(sign);
  });

  it('signs API calls over secret + path + sorted query (without sign and access_token) + body + secret', () => {
    const body = '{"type":"TEXT","content":"{\\"content\\":\\"hi\\"}"}';
    const query = { timestamp: '1700000000', shop_cipher: 'ROW_x', app_key: '6abc123', access_token: 'never-signed', sign: 'old' };
    const path = '/customer_service/202309/conversations/576/messages';
    expect(tiktokApiStringToSign('tiktok-secret', path, query, body)).toBe(`tiktok-secret${path}app_key6abc123shop_cipherROW_xtimestamp1700000000${body}tiktok-secret`);
    expect(tiktokApiSignature('tiktok-secret', path, query, body)).toBe('ec54bdbfd85404a1ab96b48fced5a9a1291651283fc031bdf3c6bfc3ca3818e8');
  });
});

describe('TikTok Shop: the documented NEW_MESSAGE event', () => {
  it('reads the event example: the buyer, the conversation, the text, known by data.message_id', () => {
    expect(readTiktokWebhook(TIKTOK_NEW_MESSAGE_SAMPLE, 9)).toEqual({
      kind: 'message',
      sentAt: 1644412885000,
      message: { id: '722323407926368819', conversation: { channel: 'tiktok', conversationId: '710688832392260838', buyerId: '707885565181165594' }, text: '444', receivedAt: 9 },
    });
    // Not shown to customer service: left alone. Without an envelope timestamp: create_time.
    expect(readTiktokWebhook({ ...TIKTOK_NEW_MESSAGE_SAMPLE, data: { ...TIKTOK_NEW_MESSAGE_SAMPLE.data, is_visible: false } }, 9).kind).toBe('ignored');
    expect(readTiktokWebhook({ ...TIKTOK_NEW_MESSAGE_SAMPLE, timestamp: undefined }, 9)).toMatchObject({ sentAt: 1681790246000 });
    // Deauthorisation (6) and authorisation expiry (7) alert the merchant.
    expect(readTiktokWebhook({ ...TIKTOK_NEW_MESSAGE_SAMPLE, type: 6, data: {} }, 9)).toMatchObject({ kind: 'authorization', notice: { revoked: true } });
    expect(readTiktokWebhook({ ...TIKTOK_NEW_MESSAGE_SAMPLE, type: 7, data: {} }, 9).kind).toBe('authorization');
  });

  describe('through the real route', () => {
    let harness: PushRouteHarness;
    beforeAll(async () => {
      harness = await startPushRouteHarness(async (http, { state, clock }) => {
        await registerTiktokRoutes(http, { path: '/webhook', appKey: TIKTOK_TEST_APP.appKey, appSecret: TIKTOK_TEST_APP.appSecret, state, clock, logger: silentLogger, maxAgeSeconds: 86_400 });
      });
    });
    afterAll(() => harness?.close());

    it('acknowledges it with an empty 200 and queues it once; a wrong signature is an empty 401', async () => {
      harness.clock.set(TIKTOK_NEW_MESSAGE_SAMPLE.timestamp * 1000 + 1_000);
      const raw = JSON.stringify(TIKTOK_NEW_MESSAGE_SAMPLE);
      const headers = (secret: string) => ({ 'content-type': 'application/json', authorization: tiktokWebhookSignature(TIKTOK_TEST_APP.appKey, secret, Buffer.from(raw)) });
      expect(await harness.post('/webhook', raw, headers(TIKTOK_TEST_APP.appSecret))).toEqual({ status: 200, body: '', outcome: 'queued', reason: null });
      expect(await harness.post('/webhook', raw, headers(TIKTOK_TEST_APP.appSecret))).toMatchObject({ status: 200, body: '', outcome: 'duplicate' });
      expect(await harness.post('/webhook', raw, headers('wrong'))).toMatchObject({ status: 401, body: '' });
      await eventually(() => (harness.queued.length === 1 ? true : undefined), 'the sample to be queued');
      expect(harness.queued[0]).toMatchObject({ text: '444' });
    });
  });
});

describe('TikTok Shop messages', () => {
  const webhook = (data: Record<string, unknown>, type = 14) => ({
    type,
    tts_notification_id: 'n1',
    timestamp: 1,
    data: { conversation_id: 'c1', type: 'TEXT', content: '{"content":"hi"}', sender: { im_user_id: 'u1', role: 'BUYER' }, ...data },
  });

  it('reads buyer text and cards, with the notification id as the message id', () => {
    expect(readTiktokWebhook(webhook({}), 9)).toEqual({ kind: 'message', sentAt: 1000, message: { id: 'n1', conversation: { channel: 'tiktok', conversationId: 'c1', buyerId: 'u1' }, text: 'hi', receivedAt: 9 } });
    expect(readTiktokWebhook(webhook({ type: 'ORDER_CARD', content: '{"order_id":"5761"}' }), 9)).toMatchObject({ kind: 'message', message: { text: '', context: { orderId: '5761' } } });
    expect(readTiktokWebhook(webhook({ type: 'PRODUCT_CARD', content: '{"product_id":"1729"}' }), 9)).toMatchObject({ kind: 'message', message: { context: { productId: '1729' } } });
  });

  it('ignores shop, agent, system and robot messages, and other webhook types', () => {
    for (const role of ['SHOP', 'CUSTOMER_SERVICE', 'SYSTEM', 'ROBOT']) {
      expect(readTiktokWebhook(webhook({ sender: { im_user_id: 'x', role } }), 9).kind).toBe('ignored');
    }
    expect(readTiktokWebhook(webhook({}, 1), 9).kind).toBe('ignored');
    expect(readTiktokWebhook(webhook({ type: 'IMAGE', content: '{"url":"https://x"}' }), 9).kind).toBe('ignored');
    expect(readTiktokWebhook({ ...webhook({}), tts_notification_id: undefined }, 9).kind).toBe('unreadable');
    expect(readTiktokWebhook(webhook({ sender: 'BUYER' }), 9).kind).toBe('unreadable');
  });

  it('renders numbered options and product / order cards', () => {
    expect(renderTiktokReply({ text: 'Pick one', buttons: [{ title: 'S', payload: '/s' }, { title: 'M', payload: '/m' }], card: { title: 'Order', orderId: '5761' } })).toEqual([
      { type: 'TEXT', content: '{"content":"Pick one\\n1. S\\n2. M"}' },
      { type: 'ORDER_CARD', content: '{"order_id":"5761"}' },
    ]);
  });
});

describe('TikTok Shop: acknowledge first, work after', () => {
  let fake: FakeTiktok;
  let server: RunningServer;

  beforeAll(async () => {
    fake = await startFakeTiktok();
    server = await startTestKefu({ env: tiktokKit.env(fake.url) });
  });

  afterAll(async () => {
    fake.hold = null;
    await server?.close();
    await fake?.close();
  });

  it('acknowledges the webhook while TikTok has not yet taken the reply, then sends it', async () => {
    let release!: () => void;
    fake.hold = new Promise<void>((resolve) => (release = resolve));
    const conversation = `57${randomInt(1e12)}`;
    const raw = tiktokKit.buyerText(conversation, '身高170体重60穿什么码');
    const response = await fetch(server.url + tiktokKit.pushPath, { method: 'POST', headers: tiktokKit.headers(raw), body: raw });
    expect(response.status).toBe(200);
    // The send call is waiting at TikTok's door: the webhook did not wait for it.
    await eventually(() => (fake.requests.some((r) => r.path.includes(conversation)) ? true : undefined), 'the send call to reach TikTok');
    expect(fake.sent().filter((m) => m.conversationId === conversation)).toEqual([]);
    release();
    fake.hold = null;
    const sent = await eventually(() => fake.sent().find((m) => m.conversationId === conversation), 'the reply to be taken');
    expect(sent).toEqual({ conversationId: conversation, type: 'TEXT', content: { content: '根据尺寸,您适合M号哦' } });
  });
});
