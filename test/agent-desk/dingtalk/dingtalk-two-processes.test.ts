// Two Kefu processes on one Redis, both connected to DingTalk's Stream (DingTalk hands each frame
// to one connection of the app): whichever process receives an agent's message acts on the hand-off
// and the buyer, whose page is open on the other process, gets every reply once, in order.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../server.ts';
import { FakeDingtalk } from '../../support/fake-dingtalk.ts';
import { sharedRedisUrl, uniquePrefix } from '../../support/redis-server.ts';
import { postMessage, startTestKefu } from '../../support/start-kefu.ts';
import { WebchatPageStream } from '../../support/webchat-page-stream.ts';

const GROUP = 'cidTwoProcesses==';

describe('DingTalk desk on two Kefu processes sharing Redis', () => {
  let fake: FakeDingtalk;
  const servers: RunningServer[] = [];

  beforeAll(async () => {
    fake = await FakeDingtalk.start({ appKey: 'dingtwo', appSecret: 'two-secret', robotCode: 'dingrobot', groups: [GROUP] });
    const prefix = uniquePrefix('dt-two');
    for (let i = 0; i < 2; i++) {
      servers.push(await startTestKefu({
        redisUrl: sharedRedisUrl,
        env: {
          KEFU__SESSIONS__KEYPREFIX: prefix,
          KEFU__AGENTDESK__KIND: 'dingtalk',
          KEFU__AGENTDESK__DINGTALK__APPKEY: 'dingtwo',
          KEFU__AGENTDESK__DINGTALK__APPSECRET: 'two-secret',
          KEFU__AGENTDESK__DINGTALK__ROBOTCODE: 'dingrobot',
          KEFU__AGENTDESK__DINGTALK__OPENCONVERSATIONID: GROUP,
          KEFU__AGENTDESK__DINGTALK__APIBASEURL: fake.url,
          KEFU__HANDOFF__UNCLAIMEDNOTICESECONDS: '0',
        },
      }));
    }
    await fake.until('both Stream connections', () => fake.openConnections === 2);
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
    await fake?.close();
  });

  it('relays one hand-off whichever process gets each agent message', async () => {
    const [a, b] = servers as [RunningServer, RunningServer];
    const conversationId = `two-${randomUUID()}`;
    const page = await WebchatPageStream.open(b.url, conversationId);
    expect((await postMessage(a.url, { conversationId, messageId: 'm1', text: '转人工' })).status).toBe(200);
    await fake.until('the card', () => fake.groupMessages.some((m) => m.param.title?.startsWith('Hand-off #')));
    const code = /#([A-Z]\d{1,3})/.exec(fake.groupMessages.find((m) => m.param.title?.startsWith('Hand-off #'))!.param.title!)![1]!;

    const lines = [`#${code} claim`, ...Array.from({ length: 6 }, (_, i) => `#${code} 第${i + 1}条回复`)];
    const ackedBy = new Set<number>();
    for (const line of lines) {
      const expires = Date.now() + 5_400_000;
      const frameId = fake.pushRobotMessage({
        conversationId: GROUP, msgId: `msg${randomUUID()}`, senderNick: '孙悦', senderStaffId: 'staff-sun', senderId: '$:LWCP_v1:$sun',
        conversationType: '2', createAt: Date.now(), sessionWebhook: fake.newSessionWebhook(expires), sessionWebhookExpiredTime: expires,
        text: { content: ` ${line}` }, msgtype: 'text', robotCode: 'dingrobot', chatbotUserId: '$:LWCP_v1:$bot',
      });
      // An agent types one message after another: each is handled before the next is sent.
      await fake.until(`the ACK of "${line}"`, () => fake.acks.some((ack) => ack.messageId === frameId));
      ackedBy.add(fake.acks.find((ack) => ack.messageId === frameId)!.connection);
    }
    expect(ackedBy.size).toBe(2);
    await page.until('the last reply', (t) => t === '第6条回复');
    const replies = page.texts.filter((t) => t.startsWith('第'));
    expect(replies).toEqual(['第1条回复', '第2条回复', '第3条回复', '第4条回复', '第5条回复', '第6条回复']);
    expect(page.texts.filter((t) => t.includes('人工客服已接入'))).toHaveLength(1);
    page.close();
  });
});
