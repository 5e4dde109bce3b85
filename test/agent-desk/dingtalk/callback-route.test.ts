// The outgoing-robot HTTP callback on a real Kefu HTTP server: requests signed exactly as DingTalk
// signs them are handed on (the end-to-end tests show each msgId acts once); unsigned, wrongly signed, stale, malformed and oversized
// requests are refused before anything is handled; a failure answers 503 and the retry is handled.

import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DINGTALK_CALLBACK_PATH, registerDingtalkCallbackRoute } from '../../../adapters/agent-desk/dingtalk/callback-route.ts';
import type { RobotMessage } from '../../../adapters/agent-desk/dingtalk/robot-message.ts';
import { createHttpServer } from '../../../adapters/http/http-server.ts';
import { silentLogger } from '../../../dialogs/ports.ts';

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

describe('DingTalk outgoing-robot callback', () => {
  let http: FastifyInstance;
  let url: string;
  const handled: RobotMessage[] = [];
  let failures = 0;

  beforeAll(async () => {
    http = createHttpServer({ bodyLimitBytes: 65536, logger: silentLogger });
    registerDingtalkCallbackRoute(http, {
      appSecret: SECRET, clock: { now: () => Date.now() }, logger: silentLogger,
      async handle(message) {
        if (failures > 0) {
          failures--;
          throw new Error('Redis is gone');
        }
        handled.push(message);
      },
    });
    await http.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(http.server.address() as { port: number }).port}${DINGTALK_CALLBACK_PATH}`;
  });
  afterAll(() => http.close());

  async function post(body: unknown, headers: Record<string, string>): Promise<{ status: number; body: any }> {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }
  const signed = (timestamp = String(Date.now())): Record<string, string> => ({ timestamp, sign: sign(timestamp) });

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
});
