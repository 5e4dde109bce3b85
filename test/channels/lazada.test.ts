// What is Lazada's own: its signatures (the documentation's own vector among them), the IM push as
// the documentation prints it read and acknowledged by the real route, the other push types
// (session updates, promotions, token alerts) acknowledged and not refused, recalled messages,
// templates, and errors classified by code. The channel end to end (pushes, replies, bad input,
// outages) is in marketplace-channels.test.ts, shared with the other platforms.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LazadaApiClient } from '../../adapters/channels/lazada/lazada-api-client.ts';
import { lazadaFailure } from '../../adapters/channels/lazada/lazada-errors.ts';
import { readLazadaPush } from '../../adapters/channels/lazada/lazada-push.ts';
import { renderLazadaReply } from '../../adapters/channels/lazada/lazada-renderer.ts';
import { registerLazadaRoutes } from '../../adapters/channels/lazada/lazada-routes.ts';
import { isLazadaPushSigned, lazadaApiSignature, lazadaApiStringToSign, lazadaPushSignature } from '../../adapters/channels/lazada/lazada-signature.ts';
import { fixedAccessToken } from '../../adapters/channels/shared/access-tokens.ts';
import { UnknownShapes } from '../../adapters/channels/shared/unknown-shapes.ts';
import { silentLogger, systemClock } from '../../dialogs/ports.ts';
import type { RunningServer } from '../../server.ts';
import { eventually, settle } from '../support/fake-marketplace.ts';
import { LAZADA_TEST_APP, startFakeLazada, type FakeLazada } from '../support/fake-lazada.ts';
import { lazadaKit } from '../support/marketplace-kits.ts';
import { startTestKefu } from '../support/start-kefu.ts';
import { startPushRouteHarness, type PushRouteHarness } from './push-route-harness.ts';
import { LAZADA_IM_PUSH_SAMPLE, LAZADA_PROMOTION_SAMPLE, LAZADA_PUSH_SIGNATURE_VECTOR, LAZADA_SESSION_UPDATE_SAMPLE, LAZADA_TOKEN_ALERT_SAMPLE } from './vendor-samples.ts';

const withData = (data: Record<string, unknown>) => ({ ...LAZADA_IM_PUSH_SAMPLE, data: { ...LAZADA_IM_PUSH_SAMPLE.data, ...data } });

describe('Lazada signatures', () => {
  it('verifies the push signature of the documentation\'s own sample (app key 123456, secret 3412gyo124goi3124)', () => {
    const { appKey, appSecret, body, signature } = LAZADA_PUSH_SIGNATURE_VECTOR;
    expect(lazadaPushSignature(appKey, appSecret, Buffer.from(body))).toBe(signature);
    expect(isLazadaPushSigned(signature, appKey, appSecret, Buffer.from(body))).toBe(true);
    expect(isLazadaPushSigned(signature.toUpperCase(), appKey, appSecret, Buffer.from(body))).toBe(true);
    expect(isLazadaPushSigned(signature, appKey, 'another-secret', Buffer.from(body))).toBe(false);
    expect(isLazadaPushSigned(signature.slice(0, -1), appKey, appSecret, Buffer.from(body))).toBe(false);
    expect(isLazadaPushSigned(undefined, appKey, appSecret, Buffer.from(body))).toBe(false);
    // Other bytes for the same JSON (no spaces after the commas) do not verify.
    expect(isLazadaPushSigned(signature, appKey, appSecret, Buffer.from(body.replace(/, /g, ',')))).toBe(false);
  });

  it('signs API calls: path + parameters sorted by name, empty ones left out, uppercase hex', () => {
    const params = { access_token: 'test', app_key: '123456', order_id: '1234', sign_method: 'sha256', timestamp: '1517820392000' };
    expect(lazadaApiStringToSign('/order/get', params)).toBe('/order/getaccess_tokentestapp_key123456order_id1234sign_methodsha256timestamp1517820392000');
    expect(lazadaApiSignature('helloworld', '/order/get', params)).toBe('4190D32361CFB9581350222F345CB77F3B19F0E31D162316848A2C1FFD5FAB4A');
    expect(lazadaApiStringToSign('/order/get', { ...params, sign: 'x', note: '' })).toBe(lazadaApiStringToSign('/order/get', params));
    // UTF-8 text is signed as it is (vector computed with openssl).
    const im = { txt: 'Hi 你好', template_id: '1', session_id: '100_1', app_key: '123456', timestamp: '1700000000000', sign_method: 'sha256', access_token: 'tok', sign: 'ignored' };
    expect(lazadaApiSignature('s3cret', '/im/message/send', im)).toBe('81577D01D23B37FEF970251FBC2A37F40B79DF7DDA15284EE05629F923B2621B');
  });
});

describe('Lazada pushes read as the documentation prints them', () => {
  const read = (push: Record<string, unknown>) => readLazadaPush(push, 5, '115527');

  it('reads the IM push sample (from_account_id, no top-level timestamp, send_time in ms)', () => {
    expect(read(LAZADA_IM_PUSH_SAMPLE)).toEqual({
      kind: 'message',
      sentAt: 1596550789323,
      message: {
        id: '100094063_2_1011822749_1_103/1zYOS7N0cuIqw96026',
        conversation: { channel: 'lazada', conversationId: '100094063_2_1011822749_1_103', buyerId: '1891549323' },
        text: 'hello world!',
        receivedAt: 5,
      },
    });
  });

  it('acknowledges session updates, promotions (with or without an envelope) and tells token alerts apart', () => {
    expect(read(LAZADA_SESSION_UPDATE_SAMPLE)).toMatchObject({ kind: 'ignored' });
    expect(read({ message_type: 11, seller_id: 1, data: LAZADA_PROMOTION_SAMPLE })).toMatchObject({ kind: 'ignored' });
    expect(read(LAZADA_PROMOTION_SAMPLE)).toEqual({ kind: 'ignored', reason: 'promotion push' });
    expect(read(LAZADA_TOKEN_ALERT_SAMPLE)).toEqual({ kind: 'authorization', notice: { endsAt: 1627542238000, detail: expect.stringContaining('2021-07-29') } });
    // Another app's alert (several apps may push to one server) is not this shop's.
    expect(readLazadaPush(LAZADA_TOKEN_ALERT_SAMPLE, 5, '123456').kind).toBe('ignored');
  });

  it('does not answer a recalled message, a seller, the system or an automatic reply', () => {
    expect(read(withData({ status: 1 }))).toEqual({ kind: 'recalled', messageId: '100094063_2_1011822749_1_103/1zYOS7N0cuIqw96026' });
    expect(read(withData({ from_account_type: 2 })).kind).toBe('ignored');
    expect(read(withData({ type: 2 })).kind).toBe('ignored');
    expect(read(withData({ auto_reply: true })).kind).toBe('ignored');
  });

  it('reads item and order cards by their template ids, ignores other templates', () => {
    expect(read(withData({ template_id: 10006, content: '{"itemId":"3001","title":"Hoodie","price":"12"}' }))).toMatchObject({ message: { text: '', context: { productId: '3001' } } });
    expect(read(withData({ template_id: '10007', content: '{"orderId":5001,"title":"Order"}' }))).toMatchObject({ message: { context: { orderId: '5001' } } });
    for (const template of [2, 3, 4, 6, 10008, 10010]) expect(read(withData({ template_id: template, content: '{"txt":"x"}' })).kind).toBe('ignored');
  });

  it('accepts likely alternatives, and calls an unknown shape unreadable with the fields it saw', () => {
    const { from_account_id, ...data } = LAZADA_IM_PUSH_SAMPLE.data;
    expect(read({ ...LAZADA_IM_PUSH_SAMPLE, data: { ...data, from_user_id: from_account_id } })).toMatchObject({ kind: 'message', message: { conversation: { buyerId: '1891549323' } } });
    expect(read({ msg_type: 2, data: JSON.stringify(LAZADA_IM_PUSH_SAMPLE.data) })).toMatchObject({ kind: 'message', message: { text: 'hello world!' } });
    expect(read({ ...LAZADA_IM_PUSH_SAMPLE, timestamp: 1596550790, data: { ...LAZADA_IM_PUSH_SAMPLE.data, send_time: undefined } })).toMatchObject({ kind: 'message', sentAt: 1596550790000 });
    expect(read(withData({ send_time: undefined }))).toMatchObject({ kind: 'unreadable', reason: 'IM push without send_time' });
    expect(read(withData({ from_account_id: undefined }))).toMatchObject({ kind: 'unreadable', fields: expect.arrayContaining(['data.session_id', 'data.content']) });
    expect(read(withData({ content: '{"txt":' })).kind).toBe('unreadable');
    expect(read({ data: {} }).kind).toBe('unreadable');
  });
});

describe('Lazada push route', () => {
  let harness: PushRouteHarness;
  const post = (push: unknown, secret = LAZADA_TEST_APP.appSecret) => {
    const raw = JSON.stringify(push);
    return harness.post('/push', raw, { 'content-type': 'application/json', authorization: lazadaPushSignature(LAZADA_TEST_APP.appKey, secret, Buffer.from(raw)) });
  };

  beforeAll(async () => {
    harness = await startPushRouteHarness(async (http, { state, clock }) => {
      await registerLazadaRoutes(http, { channel: 'lazada', path: '/push', appKey: LAZADA_TEST_APP.appKey, appSecret: LAZADA_TEST_APP.appSecret, state, clock, logger: silentLogger, unknownShapes: new UnknownShapes('lazada', silentLogger), maxAgeSeconds: 86_400 });
    });
  });
  afterAll(() => harness?.close());

  it('acknowledges the documented IM sample with an empty 200 and queues it, at the time it was sent', async () => {
    harness.clock.set(LAZADA_IM_PUSH_SAMPLE.data.send_time + 2_000);
    expect(await post(LAZADA_IM_PUSH_SAMPLE)).toEqual({ status: 200, body: '', outcome: 'queued', reason: null });
    expect(await post(LAZADA_IM_PUSH_SAMPLE)).toMatchObject({ status: 200, body: '', outcome: 'duplicate' });
    await eventually(() => (harness.queued.length === 1 ? true : undefined), 'the sample to be handed to the worker');
    expect(harness.queued[0]).toMatchObject({ text: 'hello world!', conversation: { buyerId: '1891549323' } });
  });

  it('acknowledges session updates, promotions and token alerts (200, not refused), refuses a replay and a wrong signature', async () => {
    harness.clock.set(LAZADA_IM_PUSH_SAMPLE.data.send_time + 2_000);
    expect(await post(LAZADA_SESSION_UPDATE_SAMPLE)).toMatchObject({ status: 200, body: '', outcome: 'ignored' });
    expect(await post(LAZADA_PROMOTION_SAMPLE)).toMatchObject({ status: 200, body: '', outcome: 'ignored' });
    expect(await post({ ...LAZADA_TOKEN_ALERT_SAMPLE, data: { ...LAZADA_TOKEN_ALERT_SAMPLE.data, app_key: LAZADA_TEST_APP.appKey } })).toMatchObject({ status: 200, body: '', outcome: 'authorization' });
    expect(await post({ unexpected: true })).toMatchObject({ status: 200, body: '', outcome: 'unreadable' });
    harness.clock.set(LAZADA_IM_PUSH_SAMPLE.data.send_time + 2 * 86_400_000);
    expect(await post(withData({ message_id: 'other' }))).toMatchObject({ status: 401, body: '', outcome: 'refused', reason: 'push is outside the replay window (too old or too far ahead)' });
    expect(await post(LAZADA_IM_PUSH_SAMPLE, 'not-the-secret')).toMatchObject({ status: 401, body: '', outcome: 'refused' });
  });
});

describe('Lazada replies and errors', () => {
  it('renders buttons as numbered options and cards as Lazada item / order cards', () => {
    expect(renderLazadaReply({ text: '您好', buttons: [{ title: '帮我选尺码', payload: '/ask_size' }, { title: '转人工客服', payload: '/human_agent' }] }))
      .toEqual([{ template_id: '1', txt: '您好\n1. 帮我选尺码\n2. 转人工客服' }]);
    expect(renderLazadaReply({ text: 'This one?', card: { title: 'Hoodie', productId: '3001' } })).toEqual([{ template_id: '1', txt: 'This one?' }, { template_id: '10006', item_id: '3001' }]);
    expect(renderLazadaReply({ text: '', card: { title: 'Your order', orderId: '5001' } })).toEqual([{ template_id: '10007', order_id: '5001' }]);
    expect(renderLazadaReply({ text: 'See', card: { title: 'Size guide', url: 'https://shop.example/size' } })).toEqual([{ template_id: '1', txt: 'See\nSize guide\nhttps://shop.example/size' }]);
  });

  it('classifies errors by code: a refused token is renewed, limits and ISP trouble retried, other SYSTEM errors not', () => {
    expect(lazadaFailure('IllegalAccessToken', 'ISV')).toBe('auth');
    expect(lazadaFailure('ApiCallLimit', 'ISP')).toBe('retry');
    expect(lazadaFailure('ServiceTimeout', 'SYSTEM')).toBe('retry');
    expect(lazadaFailure('SOMETHING_NEW', 'ISP')).toBe('retry');
    for (const code of ['IncompleteSignature', 'IllegalRefreshToken', 'AppWhiteIpLimit', 'SOMETHING_NEW']) expect(lazadaFailure(code, 'SYSTEM')).toBe('refused');
    expect(lazadaFailure('InvalidParameter', 'ISV')).toBe('refused');
  });

  describe('against the loopback Lazada', () => {
    let fake: FakeLazada;
    beforeAll(async () => void (fake = await startFakeLazada()));
    afterAll(() => fake?.close());
    const client = (accessToken = LAZADA_TEST_APP.accessToken) =>
      new LazadaApiClient({ baseUrl: fake.url, appKey: LAZADA_TEST_APP.appKey, appSecret: LAZADA_TEST_APP.appSecret, tokens: fixedAccessToken(accessToken), clock: systemClock });

    it('sends, and reports a refused token, a busy platform and a refused message by their codes', async () => {
      await expect(client().call('/im/message/send', { session_id: 's1', template_id: '1', txt: 'hi' })).resolves.toMatchObject({ code: '0' });
      // The only token there is was refused, and there is nothing to renew it with: final.
      await expect(client('stale-token').call('/im/message/send', { session_id: 's1', template_id: '1', txt: 'hi' })).rejects.toMatchObject({ failure: 'refused', code: 'IllegalAccessToken' });
      fake.script.push({ status: 200, body: { type: 'ISP', code: 'ApiCallLimit', message: 'This request has exceeded the limit', request_id: 'r' } });
      await expect(client().call('/im/message/send', { session_id: 's1', template_id: '1', txt: 'hi' })).rejects.toMatchObject({ failure: 'retry', code: 'ApiCallLimit' });
      fake.script.push({ status: 200, body: { code: '0', success: false, err_code: '20001', err_message: 'session expired', request_id: 'r' } });
      await expect(client().call('/im/message/send', { session_id: 's1', template_id: '1', txt: 'hi' })).rejects.toMatchObject({ failure: 'refused', code: '20001' });
    });
  });
});

describe('Lazada channel: recalled messages and cards', () => {
  let fake: FakeLazada;
  let server: RunningServer;

  beforeAll(async () => {
    fake = await startFakeLazada();
    server = await startTestKefu({ env: lazadaKit.env(fake.url) });
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  const push = async (data: Record<string, unknown>) => {
    const raw = JSON.stringify(withData({ send_time: Date.now(), ...data }));
    return (await fetch(server.url + lazadaKit.pushPath, { method: 'POST', headers: lazadaKit.headers(raw), body: raw })).status;
  };

  it('never answers a message the buyer recalled, even when the recall arrives first', async () => {
    const session = `100_${randomUUID()}`;
    expect(await push({ session_id: session, message_id: 'm-recalled', status: 1, content: '{"txt":"身高170体重60穿什么码"}' })).toBe(200);
    expect(await push({ session_id: session, message_id: 'm-recalled', status: 0, content: '{"txt":"身高170体重60穿什么码"}' })).toBe(200);
    expect(await push({ session_id: session, message_id: 'm-kept', content: '{"txt":"你好"}' })).toBe(200);
    await eventually(() => fake.sent().find((m) => m.session_id === session), 'the answer to the message kept');
    await settle();
    const answers = fake.sent().filter((m) => m.session_id === session).map((m) => m.txt);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatch(/1\. 帮我选尺码/);
  });

  it('takes the product card (template 10006, itemId) as the context of the next question', async () => {
    const session = `100_${randomUUID()}`;
    expect(await push({ session_id: session, message_id: 'card', template_id: 10006, content: JSON.stringify({ itemId: 'hoodie-fleece', title: 'Fleece hoodie' }) })).toBe(200);
    expect(await push({ session_id: session, message_id: 'q', content: '{"txt":"身高173体重63穿什么码"}' })).toBe(200);
    const sent = await eventually(() => fake.sent().filter((m) => m.session_id === session && m.template_id === '1')[1], 'the answer after the chips');
    expect(sent.txt).toBe('根据尺寸,您适合L号哦');
  });
});
