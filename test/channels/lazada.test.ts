// The Lazada IM channel end to end: a real Kefu on a free port with the Lazada channel on, pushed to
// exactly as Lazada pushes (signed JSON over HTTP), answering through a loopback Lazada API that
// checks every call's signature. In memory and on the real Redis; Redis outages on a private one.

import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { lazadaApiSignature, lazadaApiStringToSign, isLazadaPushSigned, lazadaPushSignature } from '../../adapters/channels/lazada/lazada-signature.ts';
import { renderLazadaReply } from '../../adapters/channels/lazada/lazada-renderer.ts';
import type { RunningServer } from '../../server.ts';
import { eventually, settle } from '../support/fake-marketplace.ts';
import { LAZADA_TEST_APP, startFakeLazada, type FakeLazada } from '../support/fake-lazada.ts';
import { usePrivateRedis } from '../support/redis-fixtures.ts';
import { deleteKeysByPrefix, sharedRedisUrl, uniquePrefix } from '../support/redis-server.ts';
import { startTestKefu } from '../support/start-kefu.ts';
import { Redis } from 'ioredis';

const PUSH_PATH = '/channels/lazada/push';

function lazadaEnv(apiUrl: string): Record<string, string> {
  return {
    KEFU__CHANNELS__LAZADA__ENABLED: 'true',
    KEFU__CHANNELS__LAZADA__APPKEY: LAZADA_TEST_APP.appKey,
    KEFU__CHANNELS__LAZADA__APPSECRET: LAZADA_TEST_APP.appSecret,
    KEFU__CHANNELS__LAZADA__ACCESSTOKEN: LAZADA_TEST_APP.accessToken,
    KEFU__CHANNELS__LAZADA__APIBASEURL: apiUrl,
    KEFU__CHANNELS__INBOX__RETRYBASEMS: '20',
    KEFU__CHANNELS__INBOX__MAXRETRYMS: '200',
  };
}

interface PushOptions {
  session: string;
  messageId?: string;
  text?: string;
  fromAccountType?: number;
  templateId?: number;
  content?: unknown;
  messageType?: number;
  timestamp?: number;
}

/** A push as Lazada sends one: message_type 2, content a JSON string. */
function lazadaPush(options: PushOptions): string {
  return JSON.stringify({
    seller_id: '1000001',
    message_type: options.messageType ?? 2,
    timestamp: options.timestamp ?? Math.floor(Date.now() / 1000),
    site: 'lazada_sg',
    data: {
      session_id: options.session,
      message_id: options.messageId ?? randomUUID(),
      type: 1,
      from_account_type: options.fromAccountType ?? 1,
      from_user_id: `buyer-${options.session}`,
      to_account_type: 2,
      to_user_id: '1000001',
      template_id: options.templateId ?? 1,
      content: typeof options.content === 'string' ? options.content : JSON.stringify(options.content ?? { txt: options.text ?? '' }),
      send_time: Date.now(),
      status: 0,
    },
  });
}

/** Signed the way Lazada signs a push: hex HMAC-SHA256(app_secret, app_key + raw body), computed here independently. */
function sign(raw: string, secret = LAZADA_TEST_APP.appSecret): string {
  return createHmac('sha256', secret).update(LAZADA_TEST_APP.appKey + raw, 'utf8').digest('hex');
}

async function push(server: RunningServer, raw: string, authorization: string | null = sign(raw)): Promise<{ status: number; body: any }> {
  const response = await fetch(server.url + PUSH_PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization === null ? {} : { authorization }) },
    body: raw,
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // kept as text
  }
  return { status: response.status, body };
}

const texts = (fake: FakeLazada, session: string): string[] => fake.sent().filter((m) => m.session_id === session && m.txt !== undefined).map((m) => m.txt!);

async function nextText(fake: FakeLazada, session: string, count: number): Promise<string> {
  return eventually(() => texts(fake, session)[count - 1], `reply ${count} in ${session}`);
}

describe('Lazada signatures', () => {
  it('signs API calls as Lazada documents (secret helloworld, /order/get example)', () => {
    const params = { access_token: 'test', app_key: '123456', order_id: '1234', sign_method: 'sha256', timestamp: '1517820392000' };
    expect(lazadaApiStringToSign('/order/get', params)).toBe('/order/getaccess_tokentestapp_key123456order_id1234sign_methodsha256timestamp1517820392000');
    expect(lazadaApiSignature('helloworld', '/order/get', params)).toBe('4190D32361CFB9581350222F345CB77F3B19F0E31D162316848A2C1FFD5FAB4A');
  });

  it('sorts parameters, leaves out sign, and keeps UTF-8 text as it is (vector from openssl)', () => {
    const params = { txt: 'Hi 你好', template_id: '1', session_id: '100_1', app_key: '123456', timestamp: '1700000000000', sign_method: 'sha256', access_token: 'tok', sign: 'ignored' };
    expect(lazadaApiSignature('s3cret', '/im/message/send', params)).toBe('81577D01D23B37FEF970251FBC2A37F40B79DF7DDA15284EE05629F923B2621B');
  });

  it('verifies pushes over the raw bytes, case-insensitively, in constant time', () => {
    const raw = Buffer.from('{"message_type":2,"data":{"content":"{\\"txt\\":\\"你好\\"}"}}');
    const expected = 'e88752af00f61e4bfa574845defa2825a2de11ab4984efb4549431e382795280';
    expect(lazadaPushSignature('123456', 'lazada-test-secret', raw)).toBe(expected);
    expect(isLazadaPushSigned(expected.toUpperCase(), '123456', 'lazada-test-secret', raw)).toBe(true);
    expect(isLazadaPushSigned(expected, '123456', 'other-secret', raw)).toBe(false);
    expect(isLazadaPushSigned(expected.slice(0, -1), '123456', 'lazada-test-secret', raw)).toBe(false);
    expect(isLazadaPushSigned(undefined, '123456', 'lazada-test-secret', raw)).toBe(false);
    // Re-serialised JSON is different bytes: the same object with other spacing does not verify.
    expect(isLazadaPushSigned(expected, '123456', 'lazada-test-secret', Buffer.from(JSON.stringify(JSON.parse(raw.toString()), null, 1)))).toBe(false);
  });

  it('renders buttons as numbered options and cards as Lazada item / order cards', () => {
    expect(renderLazadaReply({ text: '您好', buttons: [{ title: '帮我选尺码', payload: '/ask_size' }, { title: '转人工客服', payload: '/human_agent' }] }))
      .toEqual([{ template_id: '1', txt: '您好\n1. 帮我选尺码\n2. 转人工客服' }]);
    expect(renderLazadaReply({ text: 'This one?', card: { title: 'Hoodie', productId: '3001' } })).toEqual([{ template_id: '1', txt: 'This one?' }, { template_id: '10006', item_id: '3001' }]);
    expect(renderLazadaReply({ text: '', card: { title: 'Your order', orderId: '5001' } })).toEqual([{ template_id: '10007', order_id: '5001' }]);
    expect(renderLazadaReply({ text: 'See', card: { title: 'Size guide', url: 'https://shop.example/size' } })).toEqual([{ template_id: '1', txt: 'See\nSize guide\nhttps://shop.example/size' }]);
  });
});

const backends = [
  { storage: 'memory', redis: false },
  { storage: 'redis', redis: true },
] as const;

describe.each(backends)('Lazada IM channel, sessions in $storage', ({ redis }) => {
  let fake: FakeLazada;
  let server: RunningServer;
  const prefix = uniquePrefix('lazada');

  beforeAll(async () => {
    fake = await startFakeLazada();
    server = await startTestKefu({ ...(redis ? { redisUrl: sharedRedisUrl } : {}), env: { ...lazadaEnv(fake.url), ...(redis ? { KEFU__SESSIONS__KEYPREFIX: prefix } : {}) } });
  });

  afterAll(async () => {
    await server?.close();
    await fake?.close();
    if (redis) {
      const client = new Redis(sharedRedisUrl);
      await deleteKeysByPrefix(client, prefix);
      client.disconnect();
    }
  });

  afterEach(() => {
    fake.script.length = 0;
  });

  it('answers a signed buyer push through a signed /im/message/send call', async () => {
    const session = `s-${randomUUID()}`;
    const answer = await push(server, lazadaPush({ session, text: '身高170体重60穿什么码' }));
    expect(answer).toEqual({ status: 200, body: { ok: true } });
    expect(await nextText(fake, session, 1)).toBe('根据尺寸,您适合M号哦');
    const call = fake.requests.find((r) => r.body.includes(encodeURIComponent(session)))!;
    expect(call.query.get('sign_method')).toBe('sha256');
    expect(call.query.get('sign')).toMatch(/^[0-9A-F]{64}$/);
  });

  it('turns buttons into numbered options and reads "1" as the first button', async () => {
    const session = `s-${randomUUID()}`;
    await push(server, lazadaPush({ session, text: '你好' }));
    expect(await nextText(fake, session, 1)).toMatch(/\n1\. 帮我选尺码\n2\. 转人工客服$/);
    await push(server, lazadaPush({ session, text: '1' }));
    expect(await nextText(fake, session, 2)).toMatch(/身高/);
  });

  it('passes the product card the buyer wrote from to the core', async () => {
    const fromCard = `s-${randomUUID()}`;
    const card = await push(server, lazadaPush({ session: fromCard, templateId: 10006, content: { itemId: 'hoodie-fleece', title: 'Fleece hoodie' } }));
    expect(card.status).toBe(200);
    await push(server, lazadaPush({ session: fromCard, text: '身高173体重63穿什么码' }));
    // 173 cm / 63 kg: an L on the hoodie's chart, an M on the shop's default chart.
    expect(await nextText(fake, fromCard, 1)).toBe('根据尺寸,您适合L号哦');
    const plain = `s-${randomUUID()}`;
    await push(server, lazadaPush({ session: plain, text: '身高173体重63穿什么码' }));
    expect(await nextText(fake, plain, 1)).toBe('根据尺寸,您适合M号哦');
  });

  it('handles a redelivered (replayed) push once: acknowledged again, answered once', async () => {
    const session = `s-${randomUUID()}`;
    const raw = lazadaPush({ session, text: '身高170体重60穿什么码' });
    expect((await push(server, raw)).status).toBe(200);
    expect(await push(server, raw)).toEqual({ status: 200, body: { ok: true, duplicate: true } });
    await nextText(fake, session, 1);
    await settle();
    expect(texts(fake, session)).toHaveLength(1);
  });

  it('refuses wrong, missing and stale signatures, and stale replays, without answering', async () => {
    const session = `s-${randomUUID()}`;
    const raw = lazadaPush({ session, text: '你好' });
    expect((await push(server, raw, sign(raw, 'not-the-secret'))).status).toBe(401);
    expect((await push(server, raw, null)).status).toBe(401);
    expect((await push(server, raw, '')).status).toBe(401);
    expect((await push(server, raw.replace('你好', '您好'), sign(raw))).status).toBe(401);
    const old = lazadaPush({ session, text: '你好', timestamp: Math.floor(Date.now() / 1000) - 3 * 86_400 });
    expect((await push(server, old)).status).toBe(401);
    await settle();
    expect(texts(fake, session)).toEqual([]);
  });

  it('answers malformed, oversized and unknown pushes clearly, and never answers sellers or system messages', async () => {
    const session = `s-${randomUUID()}`;
    const notJson = '{"message_type":2,';
    expect(await push(server, notJson)).toEqual({ status: 400, body: { error: 'body must be a JSON object' } });
    expect((await push(server, '[1,2]')).status).toBe(400);
    expect((await push(server, lazadaPush({ session, content: 'not json' }))).status).toBe(400);
    expect((await push(server, JSON.stringify({ message_type: 2, timestamp: Math.floor(Date.now() / 1000), data: 'x' }))).status).toBe(400);
    expect((await push(server, JSON.stringify({ message_type: 2, timestamp: Math.floor(Date.now() / 1000), data: { from_account_type: 1 } }))).status).toBe(400);
    const big = lazadaPush({ session, text: 'x'.repeat(70_000) });
    expect((await push(server, big)).status).toBe(413);
    // Acknowledged (so Lazada does not retry) but not for the bot:
    expect((await push(server, lazadaPush({ session, text: '你好', fromAccountType: 2 }))).body).toMatchObject({ ok: true, ignored: expect.stringMatching(/not a buyer/) });
    expect((await push(server, lazadaPush({ session, text: '你好', messageType: 0 }))).body).toMatchObject({ ok: true, ignored: expect.any(String) });
    expect((await push(server, lazadaPush({ session, templateId: 3, content: { imgUrl: 'https://x/y.jpg' } }))).body).toMatchObject({ ok: true, ignored: expect.any(String) });
    await settle();
    expect(texts(fake, session)).toEqual([]);
  });

  it('retries when the Lazada API answers 500, HTTP 429 and ApiCallLimit, and sends the reply once', async () => {
    const session = `s-${randomUUID()}`;
    fake.script.push(
      { status: 500, body: 'busy' },
      { status: 429, body: { code: 'ApiCallLimit' }, headers: { 'retry-after': '0' } },
      { status: 200, body: { type: 'ISP', code: 'ApiCallLimit', message: 'too fast' } },
    );
    await push(server, lazadaPush({ session, text: '身高170体重60穿什么码' }));
    expect(await nextText(fake, session, 1)).toBe('根据尺寸,您适合M号哦');
    await settle();
    expect(texts(fake, session)).toHaveLength(1);
  });

  it('sends an agent\'s answer (sendToBuyer) through Lazada, with a product card', async () => {
    const session = `s-${randomUUID()}`;
    await server.kefu.conversations.sendToBuyer({ channel: 'lazada', conversationId: session, buyerId: 'b' }, [{ text: 'Try this one', card: { title: 'Hoodie', productId: '3001' } }], 'agent', Date.now());
    expect(fake.sent().filter((m) => m.session_id === session)).toEqual([
      { session_id: session, template_id: '1', txt: 'Try this one' },
      { session_id: session, template_id: '10006', item_id: '3001' },
    ]);
  });
});

describe('Lazada IM channel when Redis is briefly away', () => {
  const redis = usePrivateRedis();
  let fake: FakeLazada;
  let server: RunningServer;

  beforeAll(async () => {
    fake = await startFakeLazada();
    server = await startTestKefu({ redisUrl: redis.server.url, env: lazadaEnv(fake.url) });
  });

  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  it('answers 503 while the message cannot be queued, and handles Lazada\'s redelivery once Redis is back', async () => {
    const session = `s-${randomUUID()}`;
    const raw = lazadaPush({ session, text: '身高170体重60穿什么码' });
    await redis.server.stop();
    const refused = await push(server, raw);
    expect(refused.status).toBe(503);
    await redis.server.start();
    const delivered = await eventually(async () => {
      const answer = await push(server, raw);
      return answer.status === 200 ? answer : undefined;
    }, 'the push to be accepted once Redis is back');
    expect(delivered.body).toEqual({ ok: true });
    expect(await nextText(fake, session, 1)).toBe('根据尺寸,您适合M号哦');
  });
});
