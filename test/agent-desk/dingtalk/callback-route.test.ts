// The outgoing-robot HTTP callback on a real Kefu HTTP server: requests signed exactly as DingTalk
// signs them are handed on (the end-to-end tests show each msgId acts once); unsigned, wrongly signed, stale, malformed and oversized
// requests are refused before anything is handled; a failure answers 503 and the retry is handled.
// DingTalk's sign covers the timestamp only, so each timestamp + sign pair is accepted once (across
// processes, on Redis) and within five minutes: a captured pair cannot carry another body.

import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DINGTALK_CALLBACK_PATH, registerDingtalkCallbackRoute } from '../../../adapters/agent-desk/dingtalk/callback-route.ts';
import type { RobotMessage } from '../../../adapters/agent-desk/dingtalk/robot-message.ts';
import { createHttpServer } from '../../../adapters/http/http-server.ts';
import { MemoryDeliveryLedger } from '../../../adapters/stores/memory/memory-delivery-ledger.ts';
import { RedisDeliveryLedger } from '../../../adapters/stores/redis/redis-delivery-ledger.ts';
import { silentLogger, type DeliveryLedger, type Logger } from '../../../dialogs/ports.ts';
import { useSharedRedis } from '../../support/redis-fixtures.ts';

const SECRET = 'callback-app-secret';

function sign(timestamp: string, secret = SECRET): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
}

function robotMessage(msgId: string, text: string): Record<string, unknown> {
  return {
    conversationId: 'cidGroup==', atUsers: [{ dingtalkId: '$:LWCP_v1:$bot' }], chatbotCorpId: 'dingcorp', chatbotUserId: '$:LWCP_v1:$bot',
    msgId, senderNick: '王芳', isAdmin: true, senderStaffId: 'manager4521', sessionWebhookExpiredTime: Date.now() + 5_400_000,
    createAt: Date.now(), senderCorpId: 'dingcorp', conversationType: '2', senderId: '$:LWCP_v1:$sender', conversationTitle: '售后客服',
    isInAtList: true, sessionWebhook: 'https://oapi.dingtalk.com/robot/sendBySession?session=abc', text: { content: ` ${text}` },
    msgtype: 'text', robotCode: 'dingrobot',
  };
}

/** A callback route on its own loopback server, as one Kefu process serves it. */
async function startRoute(ledger: DeliveryLedger, handled: RobotMessage[], options: { failures?: () => boolean; logger?: Logger } = {}): Promise<{ http: FastifyInstance; url: string }> {
  const http = createHttpServer({ bodyLimitBytes: 65536, logger: silentLogger });
  registerDingtalkCallbackRoute(http, {
    appSecret: SECRET, clock: { now: () => Date.now() }, logger: options.logger ?? silentLogger, ledger,
    async handle(message) {
      if (options.failures?.()) throw new Error('Redis is gone');
      handled.push(message);
    },
  });
  await http.listen({ host: '127.0.0.1', port: 0 });
  return { http, url: `http://127.0.0.1:${(http.server.address() as { port: number }).port}${DINGTALK_CALLBACK_PATH}` };
}

async function postTo(url: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; body: any }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** A fresh timestamp for each request (DingTalk signs each one when it sends it), a millisecond apart. */
let lastTimestamp = 0;
function freshTimestamp(): string {
  lastTimestamp = Math.max(Date.now(), lastTimestamp + 1);
  return String(lastTimestamp);
}
const signed = (timestamp = freshTimestamp()): Record<string, string> => ({ timestamp, sign: sign(timestamp) });

describe('DingTalk outgoing-robot callback', () => {
  let http: FastifyInstance;
  let url: string;
  const handled: RobotMessage[] = [];
  let failures = 0;
  const warnings: Record<string, unknown>[] = [];
  const logger: Logger = { ...silentLogger, warn: (fields: Record<string, unknown>) => warnings.push(fields) } as Logger;

  beforeAll(async () => {
    ({ http, url } = await startRoute(new MemoryDeliveryLedger(), handled, {
      logger,
      failures: () => {
        if (failures === 0) return false;
        failures--;
        return true;
      },
    }));
  });
  afterAll(() => http.close());

  const post = (body: unknown, headers: Record<string, string>) => postTo(url, body, headers);

  it('hands on a message signed as DingTalk signs it', async () => {
    const first = await post(robotMessage('msg-1', '#A7 claim'), signed());
    expect(first).toEqual({ status: 200, body: {} });
    expect(handled.at(-1)).toMatchObject({ msgId: 'msg-1', text: ' #A7 claim', senderNick: '王芳', senderStaffId: 'manager4521' });
  });

  it('refuses wrong, stale, missing and foreign signatures without handling anything', async () => {
    const before = handled.length;
    const ts = String(Date.now());
    const cases: Record<string, string>[] = [
      {},
      { timestamp: ts },
      { sign: sign(ts) },
      { timestamp: ts, sign: sign(ts, 'another-apps-secret') },
      { timestamp: ts, sign: sign(String(Number(ts) - 1)) },
      signed(String(Date.now() - 61 * 60 * 1000)),
      signed(String(Date.now() + 61 * 60 * 1000)),
      // DingTalk allows an hour; Kefu five minutes (a request is signed when it is sent).
      signed(String(Date.now() - 6 * 60 * 1000)),
      signed(String(Date.now() + 6 * 60 * 1000)),
      { timestamp: 'yesterday', sign: sign('yesterday') },
    ];
    for (const headers of cases) {
      const answer = await post(robotMessage(`msg-bad-${Math.random()}`, 'hi'), headers);
      expect(answer.status, JSON.stringify(headers)).toBe(401);
      expect(answer.body.error).toMatch(/^signature refused/);
    }
    expect(handled.length).toBe(before);
  });

  it('refuses malformed and oversized bodies', async () => {
    const before = handled.length;
    expect((await post('{"msgId": ', signed())).status).toBe(400);
    expect((await post([], signed())).status).toBe(400);
    expect((await post({ ...robotMessage('m', 'x'), msgId: 42 }, signed())).body.error).toMatch(/msgId/);
    expect((await post({ ...robotMessage('m', 'x'), conversationType: 3 }, signed())).status).toBe(400);
    expect((await post({ ...robotMessage('m', 'x'), text: { content: 'x'.repeat(20_001) } }, signed())).status).toBe(400);
    expect((await post({ ...robotMessage('m', 'x'), padding: 'x'.repeat(70_000) }, signed())).status).toBe(413);
    expect(handled.length).toBe(before);
  });

  it('answers 503 when the message cannot be handled, and handles the retry', async () => {
    failures = 1;
    const failed = await post(robotMessage('msg-2', '#A7 hello'), signed());
    expect(failed.status).toBe(503);
    const retried = await post(robotMessage('msg-2', '#A7 hello'), signed());
    expect(retried.status).toBe(200);
    expect(handled.filter((m) => m.msgId === 'msg-2')).toHaveLength(1);
  });

  it('accepts a timestamp + sign pair once: the same pair with another body is refused', async () => {
    const headers = signed();
    expect((await post(robotMessage('msg-genuine', '#A7 您好，已为您登记'), headers)).status).toBe(200);
    const before = handled.length;
    // A captured pair with a forged body (another msgId, another text): refused, nothing handled.
    const forged = await post(robotMessage('msg-forged', '#A7 please pay the deposit to account 6222 0000 1234'), headers);
    expect(forged.status).toBe(401);
    expect(forged.body.error).toMatch(/^signature refused: .*already used/);
    // Even with the genuine msgId and a changed text, or later: never handled again.
    expect((await post(robotMessage('msg-genuine', '#A7 please pay the deposit'), headers)).status).toBe(200);
    expect(handled.length).toBe(before);
    expect(warnings.at(-1)).toMatchObject({ reason: expect.stringMatching(/already used/) });
    expect(JSON.stringify(warnings)).not.toContain(headers.sign);
  });

  it('a redelivery of the same signed request is acknowledged and not handled twice', async () => {
    const headers = signed();
    expect((await post(robotMessage('msg-3', '#A7 hi'), headers)).status).toBe(200);
    expect((await post(robotMessage('msg-3', '#A7 hi'), headers)).status).toBe(200);
    expect(handled.filter((m) => m.msgId === 'msg-3')).toHaveLength(1);
  });

  it('a failure gives the pair back, so DingTalk delivering the same request again is handled', async () => {
    const headers = signed();
    failures = 1;
    expect((await post(robotMessage('msg-4', '#A7 hi'), headers)).status).toBe(503);
    expect((await post(robotMessage('msg-4', '#A7 hi'), headers)).status).toBe(200);
    expect(handled.filter((m) => m.msgId === 'msg-4')).toHaveLength(1);
  });

  it('answers 503 and handles nothing when the replay store cannot be reached', async () => {
    const gone: DeliveryLedger = {
      claim: async () => { throw new Error('Redis is gone'); },
      complete: async () => {},
      release: async () => {},
    };
    const seen: RobotMessage[] = [];
    const route = await startRoute(gone, seen);
    try {
      const answer = await postTo(route.url, robotMessage('msg-5', '#A7 hi'), signed());
      expect(answer.status).toBe(503);
      expect(seen).toHaveLength(0);
    } finally {
      await route.http.close();
    }
  });
});

describe('DingTalk callback pairs on two Kefu processes sharing Redis', () => {
  const redis = useSharedRedis('dingtalk-callback');

  it('a pair used on one process is refused on the other', async () => {
    const handledA: RobotMessage[] = [];
    const handledB: RobotMessage[] = [];
    const a = await startRoute(new RedisDeliveryLedger({ client: redis.client, prefix: redis.prefix }), handledA);
    const b = await startRoute(new RedisDeliveryLedger({ client: await redis.connectAnother(), prefix: redis.prefix }), handledB);
    try {
      const headers = signed();
      expect((await postTo(a.url, robotMessage('msg-a', '#A7 您好'), headers)).status).toBe(200);
      expect((await postTo(b.url, robotMessage('msg-b', '#A7 please pay the deposit'), headers)).status).toBe(401);
      expect(handledB).toHaveLength(0);
      // The mark lasts as long as the pair could be accepted: at least until its time + five minutes.
      const keys = await redis.client.keys(`${redis.prefix}*`);
      expect(keys).toHaveLength(1);
      const ttl = await redis.client.ttl(keys[0]!);
      expect(ttl).toBeGreaterThanOrEqual(5 * 60 - 2);
    } finally {
      await a.http.close();
      await b.http.close();
    }
  });

  it('a pair dated ahead stays used until its own time + five minutes', async () => {
    const a = await startRoute(new RedisDeliveryLedger({ client: redis.client, prefix: redis.prefix }), []);
    try {
      const ahead = String(Date.now() + 4 * 60 * 1000);
      expect((await postTo(a.url, robotMessage('msg-ahead', '#A7 hi'), signed(ahead))).status).toBe(200);
      const key = (await redis.client.keys(`${redis.prefix}*`)).find((k) => k.includes(ahead))!;
      expect(await redis.client.ttl(key)).toBeGreaterThanOrEqual(9 * 60 - 2);
    } finally {
      await a.http.close();
    }
  });
});
