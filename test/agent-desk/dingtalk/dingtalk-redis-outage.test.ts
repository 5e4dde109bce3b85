// The DingTalk desk when Redis goes away: an agent's callback is refused with 503 + Retry-After
// (DingTalk or the agent sends it again), never half-done; a Stream frame is left un-ACKed so
// DingTalk delivers it again; once Redis is back the redelivery is handled. The private Redis keeps
// no data, so its restart forgets the hand-off, as any non-persistent Redis would: the redelivered
// message then gets "no hand-off", which shows it was handled, not lost.

import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../server.ts';
import { FakeDingtalk } from '../../support/fake-dingtalk.ts';
import { startPrivateRedis, uniquePrefix, type PrivateRedisServer } from '../../support/redis-server.ts';
import { postMessage, startTestKefu } from '../../support/start-kefu.ts';

const GROUP = 'cidOutage==';
const SECRET = 'outage-secret';

describe('DingTalk desk while Redis is down', () => {
  let redis: PrivateRedisServer;
  let fake: FakeDingtalk;
  let kefu: RunningServer;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    fake = await FakeDingtalk.start({ appKey: 'dingoutage', appSecret: SECRET, robotCode: 'dingrobot', groups: [GROUP] });
    kefu = await startTestKefu({
      redisUrl: redis.url,
      env: {
        KEFU__SESSIONS__KEYPREFIX: uniquePrefix('dt-outage'),
        KEFU__AGENTDESK__KIND: 'dingtalk',
        KEFU__AGENTDESK__DINGTALK__APPKEY: 'dingoutage',
        KEFU__AGENTDESK__DINGTALK__APPSECRET: SECRET,
        KEFU__AGENTDESK__DINGTALK__ROBOTCODE: 'dingrobot',
        KEFU__AGENTDESK__DINGTALK__OPENCONVERSATIONID: GROUP,
        KEFU__AGENTDESK__DINGTALK__MODE: 'callback',
        KEFU__AGENTDESK__DINGTALK__APIBASEURL: fake.url,
        KEFU__HANDOFF__UNCLAIMEDNOTICESECONDS: '0',
      },
    });
  });
  afterAll(async () => {
    await kefu?.close();
    await fake?.close();
    await redis?.stop();
  });

  async function callback(text: string, msgId: string): Promise<Response> {
    const timestamp = String(Date.now());
    const sign = createHmac('sha256', SECRET).update(`${timestamp}\n${SECRET}`).digest('base64');
    const expires = Date.now() + 5_400_000;
    return fetch(`${kefu.url}/dingtalk/robot`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', timestamp, sign },
      body: JSON.stringify({
        conversationId: GROUP, chatbotUserId: '$:LWCP_v1:$bot', msgId, senderNick: '赵磊', senderStaffId: 'staff-zhao', createAt: Date.now(),
        conversationType: '2', senderId: '$:LWCP_v1:$zhao', sessionWebhook: fake.newSessionWebhook(expires), sessionWebhookExpiredTime: expires,
        text: { content: ` ${text}` }, msgtype: 'text', robotCode: 'dingrobot',
      }),
    });
  }

  it('refuses with 503 while Redis is down and handles the redelivery once it is back', async () => {
    const conversationId = `outage-${randomUUID()}`;
    expect((await postMessage(kefu.url, { conversationId, messageId: 'm1', text: '转人工' })).status).toBe(200);
    await fake.until('the card', () => fake.groupMessages.some((m) => m.param.title?.startsWith('Hand-off #')));
    const code = /#([A-Z]\d{1,3})/.exec(fake.groupMessages.find((m) => m.param.title?.startsWith('Hand-off #'))!.param.title!)![1]!;
    expect((await callback(`#${code} claim`, 'claim-1')).status).toBe(200);

    await redis.stop();
    const refused = await callback(`#${code} 您好，我来处理`, 'reply-1');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(await refused.json()).toEqual({ error: 'could not handle the message now; try again' });

    await redis.start();
    // DingTalk (or the agent) delivers it again until Kefu takes it.
    let status = 0;
    for (let attempt = 0; attempt < 100 && status !== 200; attempt++) {
      const again = await callback(`#${code} 您好，我来处理`, 'reply-1');
      status = again.status;
      await again.body?.cancel();
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(200);
    // Redis came back empty: the code is forgotten, and the agent is told so.
    await fake.until('the notice', () => fake.sessionMessages.some((m) => String(m.body.markdown?.text).includes(`no hand-off #${code}`)));
  });
});
