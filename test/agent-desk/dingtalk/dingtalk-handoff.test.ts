// End to end with the DingTalk desk, on a real Kefu server and the loopback DingTalk: a web-chat
// buyer asks for a person → the card is posted in the queue's group → an agent claims and replies
// over Stream Mode → the buyer's page gets it pushed → back to bot → the bot answers again. Then
// what goes wrong: replies before claiming, redeliveries, codes from another group, closed
// hand-offs, expired session webhooks, DingTalk throttling. Runs on memory and on the real Redis.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../server.ts';
import { FakeDingtalk } from '../../support/fake-dingtalk.ts';
import { sharedRedisUrl } from '../../support/redis-server.ts';
import { postMessage, startTestKefu } from '../../support/start-kefu.ts';
import { WebchatPageStream } from '../../support/webchat-page-stream.ts';

const PRESALE = 'cidPresaleGroup==';
const COMPLAINTS = 'cidComplaintsGroup==';
const ELSEWHERE = 'cidSomeOtherGroup==';

interface Agent {
  nick: string;
  staffId: string;
}
const WANG: Agent = { nick: '王芳', staffId: 'staff-wang' };
const LI: Agent = { nick: 'Li Na', staffId: 'staff-li' };
const ZHOU: Agent = { nick: '周强', staffId: 'staff-zhou' };
const SUN: Agent = { nick: '孙悦', staffId: 'staff-sun' };

for (const backend of ['memory', 'redis'] as const) {
  describe(`DingTalk desk end to end (${backend})`, () => {
    let fake: FakeDingtalk;
    let kefu: RunningServer;

    beforeAll(async () => {
      fake = await FakeDingtalk.start({ appKey: 'dingappkey', appSecret: 'app-secret-e2e', robotCode: 'dingrobot', groups: [PRESALE, COMPLAINTS, ELSEWHERE] });
      kefu = await startTestKefu({
        ...(backend === 'redis' ? { redisUrl: sharedRedisUrl } : {}),
        env: {
          KEFU__AGENTDESK__KIND: 'dingtalk',
          KEFU__AGENTDESK__DINGTALK__APPKEY: 'dingappkey',
          KEFU__AGENTDESK__DINGTALK__APPSECRET: 'app-secret-e2e',
          KEFU__AGENTDESK__DINGTALK__ROBOTCODE: 'dingrobot',
          KEFU__AGENTDESK__DINGTALK__OPENCONVERSATIONID: PRESALE,
          KEFU__AGENTDESK__DINGTALK__QUEUES__COMPLAINTS: COMPLAINTS,
          KEFU__AGENTDESK__DINGTALK__APIBASEURL: fake.url,
          KEFU__HANDOFF__UNCLAIMEDNOTICESECONDS: '0',
        },
      });
      await fake.until('the Stream connection', () => fake.streamOpen);
    });
    afterAll(async () => {
      await kefu?.close();
      await fake?.close();
    });

    /** An agent @s the robot in a group: a robot message over Stream, as DingTalk sends it. Returns the frame id. */
    function agentWrites(
      agent: Agent,
      text: string,
      options: { group?: string; msgId?: string; frameId?: string; webhookExpiresAt?: number; fields?: Record<string, unknown> } = {},
    ): { msgId: string; frameId: string } {
      const msgId = options.msgId ?? `msg${randomUUID()}`;
      const expires = options.webhookExpiresAt ?? Date.now() + 5_400_000;
      const frameId = fake.pushRobotMessage({
        conversationId: options.group ?? PRESALE, chatbotCorpId: 'dingcorp', chatbotUserId: '$:LWCP_v1:$bot', msgId,
        senderNick: agent.nick, isAdmin: false, senderStaffId: agent.staffId, sessionWebhookExpiredTime: expires, createAt: Date.now(),
        senderCorpId: 'dingcorp', conversationType: '2', senderId: `$:LWCP_v1:$${agent.staffId}`, conversationTitle: 'Kefu agents',
        isInAtList: true, sessionWebhook: fake.newSessionWebhook(expires), text: { content: ` ${text}` }, msgtype: 'text', robotCode: 'dingrobot',
        ...options.fields,
      }, options.frameId);
      return { msgId, frameId };
    }

    async function handled(frameId: string): Promise<void> {
      await fake.until(`the ACK of ${frameId}`, () => fake.acks.some((a) => a.messageId === frameId));
    }

    /** Notices the desk sent to agents through session webhooks, newest last. */
    const notices = (): string[] => fake.sessionMessages.map((m) => m.body.markdown?.text ?? '');
    const groupTexts = (group: string): string[] => fake.groupMessages.filter((m) => m.openConversationId === group).map((m) => m.param.text ?? '');

    async function handOff(text: string, group = PRESALE): Promise<{ conversationId: string; code: string; page: WebchatPageStream }> {
      const conversationId = `dt-${randomUUID()}`;
      const page = await WebchatPageStream.open(kefu.url, conversationId);
      const cards = fake.groupMessages.length;
      const answer = await postMessage(kefu.url, { conversationId, messageId: 'm1', text });
      expect(answer.status).toBe(200);
      await fake.until('the hand-off card', () => fake.groupMessages.slice(cards).some((m) => m.param.title?.startsWith('Hand-off #')));
      const card = fake.groupMessages.slice(cards).find((m) => m.param.title?.startsWith('Hand-off #'))!;
      expect(card.openConversationId).toBe(group);
      const code = /^Hand-off #([A-Z]\d{1,3}):/.exec(card.param.title!)![1]!;
      return { conversationId, code, page };
    }

    it('a buyer asks for a person; an agent claims, replies, gives the buyer back; the bot answers again', async () => {
      const { conversationId, code, page } = await handOff('转人工');
      const card = fake.groupMessages.find((m) => m.param.title?.startsWith(`Hand-off #${code}`))!;
      expect(card.msgKey).toBe('sampleMarkdown');
      expect(card.param.text).toContain('Asked for a person');
      expect(card.param.text).toContain('webchat');
      expect(card.param.text).toContain('转人工');

      // A reply before anyone claimed: refused, told to the agent, nothing reaches the buyer.
      await handled(agentWrites(WANG, `#${code} 您好`).frameId);
      expect(notices().at(-1)).toMatch(/press Claim first/);

      await handled(agentWrites(WANG, `#${code} 认领`).frameId);
      await page.until('the claim notice', (t) => t.includes('人工客服已接入'));
      expect(groupTexts(PRESALE).at(-1)).toMatch(new RegExp(`#${code}.*Claimed by 王芳`));

      // The buyer writes while the agent has the conversation: relayed to the group, the bot keeps quiet.
      const during = await postMessage(kefu.url, { conversationId, messageId: 'm2', text: '我的快递到哪了' });
      expect(during.status).toBe(200);
      expect(during.body.replies).toEqual([]);
      await fake.until('the relayed buyer message', () => groupTexts(PRESALE).some((t) => t.includes(`#${code}`) && t.includes('我的快递到哪了')));

      // The agent answers without the code: their one claimed hand-off in this group.
      const reply = agentWrites(WANG, '亲，您的包裹今天已经从杭州仓发出了');
      await handled(reply.frameId);
      await page.until('the agent reply', (t) => t === '亲，您的包裹今天已经从杭州仓发出了');

      // DingTalk redelivers the same message: nothing is sent twice.
      agentWrites(WANG, '亲，您的包裹今天已经从杭州仓发出了', { msgId: reply.msgId, frameId: `${reply.frameId}-again` });
      await handled(`${reply.frameId}-again`);
      // An internal note stays in the group.
      await handled(agentWrites(WANG, `#${code} // 买家是老客户`).frameId);
      // A marker message after the redelivery and the note: once it arrives, both were handled.
      await handled(agentWrites(WANG, `#${code} 还有什么可以帮您?`).frameId);
      await page.until('the marker reply', (t) => t === '还有什么可以帮您?');
      expect(page.texts.filter((t) => t.includes('杭州仓'))).toHaveLength(1);
      expect(page.texts.some((t) => t.includes('老客户'))).toBe(false);

      await handled(agentWrites(WANG, `#${code} back`).frameId);
      await fake.until('the status line', () => groupTexts(PRESALE).some((t) => t.includes(`#${code}`) && t.includes('gave the conversation back')));
      const texts = page.texts.length;

      // After the hand-off: the agent's message is refused, and the bot answers the buyer again.
      await handled(agentWrites(WANG, `#${code} 再见`).frameId);
      expect(notices().at(-1)).toMatch(/hand-off is over/);
      const after = await postMessage(kefu.url, { conversationId, messageId: 'm3', text: '身高170体重60穿什么码' });
      expect(after.status).toBe(200);
      expect(after.body.replies.map((r: { text: string }) => r.text).join(' ')).toMatch(/M/);
      expect(page.texts.slice(texts).some((t) => t === '再见')).toBe(false);
      page.close();
    });

    it('masks ID numbers, bank cards, phones and e-mails the buyer typed, on the card and in relayed messages', async () => {
      const conversationId = `dt-${randomUUID()}`;
      const said = '身份证11010519491231002X 退款卡6222 0212 3456 7890 128 手机138.1234.5678 邮箱ｚｈａｎｇ＠ｑｑ．ｃｏｍ';
      expect((await postMessage(kefu.url, { conversationId, messageId: 'p1', text: said })).status).toBe(200);
      const cards = fake.groupMessages.length;
      expect((await postMessage(kefu.url, { conversationId, messageId: 'p2', text: '转人工' })).status).toBe(200);
      await fake.until('the hand-off card', () => fake.groupMessages.slice(cards).some((m) => m.param.title?.startsWith('Hand-off #')));
      const card = fake.groupMessages.slice(cards).find((m) => m.param.title?.startsWith('Hand-off #'))!;
      const code = /^Hand-off #([A-Z]\d{1,3}):/.exec(card.param.title!)![1]!;
      // The card's Markdown writes a mask's "*" full-width (card-markdown.ts), so it is not read as emphasis.
      expect(card.param.text).toMatch(/110[*＊]{11}002X/);
      expect(card.param.text).toMatch(/138\.[*＊]{4}\.5678/);
      await postMessage(kefu.url, { conversationId, messageId: 'p3', text: `再说一遍 ${said}` });
      await fake.until('the relayed buyer message', () => groupTexts(PRESALE).some((t) => t.includes(`#${code}`) && t.includes('再说一遍')));
      const everything = JSON.stringify(fake.groupMessages) + JSON.stringify(fake.sessionMessages);
      for (const secret of ['19491231', '0212 3456', '1234.5678', 'ｈａｎｇ＠']) expect(everything).not.toContain(secret);
    });

    it('routes complaints to their own group; a code works only in its group; a second claim is refused', async () => {
      const { code, page } = await handOff('你们的服务太差了，我要投诉', COMPLAINTS);
      await handled(agentWrites(LI, `#${code} claim`, { group: PRESALE }).frameId);
      expect(notices().at(-1)).toMatch(new RegExp(`#${code} belongs to another group`));
      await handled(agentWrites(LI, `#${code} claim`, { group: COMPLAINTS }).frameId);
      await page.until('the claim notice', (t) => t.includes('人工客服已接入'));
      await handled(agentWrites(WANG, `#${code} 认领`, { group: COMPLAINTS }).frameId);
      expect(notices().at(-1)).toMatch(/Li Na has already claimed/);
      await handled(agentWrites(LI, `#${code} close`, { group: COMPLAINTS }).frameId);
      await page.until('the closing message', (t) => t.includes('本次人工服务已结束'));
      page.close();
    });

    it('acts only for a member of the shop\'s organisation writing in the hand-off\'s group', async () => {
      const { code, page } = await handOff('转人工');
      const refusals: { why: string; fields: Record<string, unknown> }[] = [
        // Someone DingTalk gives no staff id: not a member of the organisation (an outside contact in the group).
        { why: 'no staff id', fields: { senderStaffId: undefined } },
        // A member of another organisation in a cross-organisation group.
        { why: 'another organisation', fields: { senderCorpId: 'dingothercorp' } },
        // A one-to-one chat with the robot that names the group's id.
        { why: 'a one-to-one chat', fields: { conversationType: '1' } },
      ];
      for (const { why, fields } of refusals) {
        await handled(agentWrites(SUN, `#${code} claim`, { fields }).frameId);
        expect(notices().at(-1), why).toMatch(/commands only from members of the shop's DingTalk organisation, in the hand-off group/);
      }
      expect(page.texts.some((t) => t.includes('已接入'))).toBe(false);
      // The same agent, as DingTalk describes a member: acts.
      await handled(agentWrites(SUN, `#${code} claim`).frameId);
      await page.until('the claim notice', (t) => t.includes('人工客服已接入'));
      // Once claimed, a message from outside the organisation still never reaches the buyer.
      await handled(agentWrites(SUN, `#${code} please pay the deposit to account 6222 0000`, { fields: { senderStaffId: undefined } }).frameId);
      await handled(agentWrites(SUN, `#${code} 老客户`).frameId);
      await page.until('the member reply', (t) => t === '老客户');
      expect(page.texts.some((t) => t.includes('deposit'))).toBe(false);
      page.close();
    });

    it('takes the code from a quoted card line when the agent replies to it without typing the code', async () => {
      const { code, page } = await handOff('talk to a human');
      await handled(agentWrites(LI, `#${code} claim`).frameId);
      await page.until('the claim notice', (t) => t.includes('has joined the chat'));
      // A second hand-off claimed by the same agent: without a code, a plain message would be ambiguous.
      const second = await handOff('real person please');
      await handled(agentWrites(LI, `#${second.code} claim`).frameId);
      const expires = Date.now() + 5_400_000;
      const frameId = fake.pushRobotMessage({
        conversationId: PRESALE, msgId: `msg${randomUUID()}`, senderNick: LI.nick, senderStaffId: LI.staffId, senderId: '$:LWCP_v1:$li',
        conversationType: '2', createAt: Date.now(), sessionWebhook: fake.newSessionWebhook(expires), sessionWebhookExpiredTime: expires,
        msgtype: 'text', robotCode: 'dingrobot', chatbotUserId: '$:LWCP_v1:$bot',
        text: { content: ' Which size did you order?', isReplyMsg: true, repliedMsg: { msgType: 'text', msgId: 'card', content: { text: `Hand-off #${code}: Asked for a person` } } },
      });
      await handled(frameId);
      await page.until('the quoted reply', (t) => t === 'Which size did you order?');
      expect(second.page.texts).not.toContain('Which size did you order?');
      page.close();
      second.page.close();
    });

    it('answers unknown codes, missing codes and chats that are not hand-off groups', async () => {
      await handled(agentWrites(LI, '#Z999 hello').frameId);
      expect(notices().at(-1)).toMatch(/no hand-off #Z999/);
      await handled(agentWrites(ZHOU, 'hello?').frameId);
      expect(notices().at(-1)).toMatch(/Which hand-off\?/);
      // With two claimed hand-offs (the quote test above), a message without a code names them.
      await handled(agentWrites(LI, 'hello?').frameId);
      expect(notices().at(-1)).toMatch(/You have 2 hand-offs \(#[A-Z]\d+, #[A-Z]\d+\)/);
      fake.options.groups.push('cidNewGroup==');
      await handled(agentWrites(LI, 'what is this group id', { group: 'cidNewGroup==' }).frameId);
      expect(notices().at(-1)).toContain('cidNewGroup==');
    });

    it('keeps working after DingTalk drops the Stream connection, and survives junk frames', async () => {
      const connections = fake.connectionCount;
      fake.disconnect();
      await fake.until('the reconnect', () => fake.connectionCount === connections + 1 && fake.streamOpen);
      fake.sendRaw('{"type":"CALLBACK","headers":null}');
      fake.sendRaw('\u0000garbage');
      const { code, page } = await handOff('agent please');
      await handled(agentWrites(LI, `#${code} claim`).frameId);
      await page.until('the claim notice', (t) => t.includes('has joined the chat'));
      page.close();
    });

    it('answers through the OpenAPI when the session webhook has expired, and rides out DingTalk throttling', async () => {
      const { code, page } = await handOff('人工客服');
      fake.failNext('/v1.0/robot/groupMessages/send', 429, { code: 'Forbidden.AccessDenied.QpsLimitForApi', message: 'qps limit' }, 1, { 'retry-after': '0' });
      const sessionCalls = fake.calls.filter((c) => c.path === '/robot/sendBySession').length;
      await handled(agentWrites(LI, `#${code} 你好`, { webhookExpiresAt: Date.now() - 1000 }).frameId);
      await fake.until('the notice in the group', () => groupTexts(PRESALE).some((t) => t.includes(`#${code}`) && t.includes('press Claim first')));
      expect(fake.calls.filter((c) => c.path === '/robot/sendBySession').length).toBe(sessionCalls);
      await handled(agentWrites(LI, `#${code} claim`).frameId);
      await page.until('the claim notice', (t) => t.includes('人工客服已接入'));
      page.close();
    });

    it('a buyer message is not lost when DingTalk fails: the buyer is answered, the line is posted when DingTalk is back', async () => {
      const { conversationId, code, page } = await handOff('我要找人工');
      await handled(agentWrites(LI, `#${code} claim`).frameId);
      fake.failNext('/v1.0/robot/groupMessages/send', 500, { code: 'SystemError', message: 'busy' }, 8);
      const answered = await postMessage(kefu.url, { conversationId, messageId: 'm-fail', text: '还在吗' });
      expect(answered.status).toBe(200);
      const health = (await (await fetch(`${kefu.url}/healthz`)).json()) as { degraded: { part: string }[] };
      expect(health.degraded.map((d) => d.part)).toContain('agentDesk.dingtalk');
      await fake.until('the relayed message', () => groupTexts(PRESALE).some((t) => t.includes('还在吗')), 30_000);
      expect(groupTexts(PRESALE).filter((t) => t.includes('还在吗'))).toHaveLength(1);
      page.close();
    }, 40_000);

    it('DingTalk unreachable mid-hand-off: the buyer is answered and every line arrives once, in order, when it is back', async () => {
      const { conversationId, code, page } = await handOff('人工');
      await handled(agentWrites(LI, `#${code} claim`).frameId);
      await fake.goDown();
      for (const [i, text] of ['第一句话', '第二句话'].entries()) {
        const answer = await postMessage(kefu.url, { conversationId, messageId: `down-${i}`, text });
        expect(answer.status).toBe(200);
      }
      await fake.comeBack();
      await fake.until('both lines', () => groupTexts(PRESALE).filter((t) => t.includes(`#${code}`) && /第[一二]句话/.test(t)).length === 2, 30_000);
      const lines = groupTexts(PRESALE).filter((t) => t.includes(`#${code}`) && /第[一二]句话/.test(t));
      expect(lines[0]).toContain('第一句话');
      expect(lines[1]).toContain('第二句话');
      await fake.until('the Stream connection again', () => fake.streamOpen, 30_000);
      page.close();
    }, 60_000);
  });
}

describe('DingTalk unreachable at start', () => {
  it('Kefu starts and answers; /healthz says so; the card is posted when DingTalk is back', async () => {
    const fake = await FakeDingtalk.start({ appKey: 'dingappkey', appSecret: 'app-secret-down', robotCode: 'dingrobot', groups: [PRESALE] });
    await fake.goDown();
    const kefu = await startTestKefu({
      env: {
        KEFU__AGENTDESK__KIND: 'dingtalk',
        KEFU__AGENTDESK__DINGTALK__APPKEY: 'dingappkey',
        KEFU__AGENTDESK__DINGTALK__APPSECRET: 'app-secret-down',
        KEFU__AGENTDESK__DINGTALK__ROBOTCODE: 'dingrobot',
        KEFU__AGENTDESK__DINGTALK__OPENCONVERSATIONID: PRESALE,
        KEFU__AGENTDESK__DINGTALK__APIBASEURL: fake.url,
      },
    });
    try {
      const health = (await (await fetch(`${kefu.url}/healthz`)).json()) as { status: string; degraded: { part: string }[] };
      expect(health).toMatchObject({ status: 'degraded', degraded: [{ part: 'agentDesk.dingtalk' }] });
      const answer = await postMessage(kefu.url, { conversationId: `dt-${randomUUID()}`, messageId: 'm1', text: '转人工' });
      expect(answer.status).toBe(200);
      expect((answer.body.replies as { text: string }[]).map((r) => r.text).join('')).toMatch(/转接/);
      await fake.comeBack();
      await fake.until('the hand-off card', () => fake.groupMessages.some((m) => m.param.title?.startsWith('Hand-off #')), 30_000);
      await fake.until('the Stream connection', () => fake.streamOpen, 30_000);
    } finally {
      await kefu.close();
      await fake.close();
    }
  }, 60_000);
});

describe('DingTalk desk for a Chinese-speaking team (agentDesk.language: zh-Hans)', () => {
  let fake: FakeDingtalk;
  let kefu: RunningServer;

  beforeAll(async () => {
    fake = await FakeDingtalk.start({ appKey: 'dingappkey', appSecret: 'app-secret-zh', robotCode: 'dingrobot', groups: [PRESALE] });
    kefu = await startTestKefu({
      env: {
        KEFU__AGENTDESK__KIND: 'dingtalk',
        KEFU__AGENTDESK__LANGUAGE: 'zh-Hans',
        KEFU__AGENTDESK__DINGTALK__APPKEY: 'dingappkey',
        KEFU__AGENTDESK__DINGTALK__APPSECRET: 'app-secret-zh',
        KEFU__AGENTDESK__DINGTALK__ROBOTCODE: 'dingrobot',
        KEFU__AGENTDESK__DINGTALK__OPENCONVERSATIONID: PRESALE,
        KEFU__AGENTDESK__DINGTALK__APIBASEURL: fake.url,
        KEFU__HANDOFF__UNCLAIMEDNOTICESECONDS: '0',
      },
    });
    await fake.until('the Stream connection', () => fake.streamOpen);
  });
  afterAll(async () => {
    await kefu?.close();
    await fake?.close();
  });

  /** An agent @s the robot in the group over Stream; resolves once Kefu has handled it. */
  async function agentWrites(agent: Agent, text: string): Promise<void> {
    const expires = Date.now() + 5_400_000;
    const frameId = fake.pushRobotMessage({
      conversationId: PRESALE, chatbotCorpId: 'dingcorp', chatbotUserId: '$:LWCP_v1:$bot', msgId: `msg${randomUUID()}`,
      senderNick: agent.nick, isAdmin: false, senderStaffId: agent.staffId, sessionWebhookExpiredTime: expires, createAt: Date.now(),
      senderCorpId: 'dingcorp', conversationType: '2', senderId: `$:LWCP_v1:$${agent.staffId}`, conversationTitle: '客服群',
      isInAtList: true, sessionWebhook: fake.newSessionWebhook(expires), text: { content: ` ${text}` }, msgtype: 'text', robotCode: 'dingrobot',
    });
    await fake.until(`the ACK of ${frameId}`, () => fake.acks.some((a) => a.messageId === frameId));
  }
  const notices = (): string[] => fake.sessionMessages.map((m) => m.body.markdown?.text ?? '');
  const groupTexts = (): string[] => fake.groupMessages.map((m) => m.param.text ?? '');

  it('posts the card, the claim and its answers to agents in Simplified Chinese; the buyer keeps their own words', async () => {
    const conversationId = `dt-${randomUUID()}`;
    const page = await WebchatPageStream.open(kefu.url, conversationId);
    expect((await postMessage(kefu.url, { conversationId, messageId: 'm1', text: '转人工' })).status).toBe(200);
    await fake.until('the hand-off card', () => fake.groupMessages.some((m) => m.param.title?.startsWith('转人工 #')));
    const card = fake.groupMessages.find((m) => m.param.title?.startsWith('转人工 #'))!;
    const code = /^转人工 #([A-Z]\d{1,3})：买家要求人工$/.exec(card.param.title!)![1]!;
    expect(card.param.text).toContain(`### 转人工 #${code} · 等待客服认领`);
    expect(card.param.text).toContain('**买家:**');
    expect(card.param.text).toContain('**原因:** 买家要求人工');
    expect(card.param.text).toContain('**最近的消息**');
    expect(card.param.text).toMatch(/ 买家: 转人工/);
    expect(card.param.text).toContain(`认领：\`#${code} 认领\``);
    expect(card.param.text).not.toMatch(/Hand-off|claim|Buyer/);

    await agentWrites(WANG, `#${code} 您好`);
    expect(notices().at(-1)).toBe(`**#${code}** · 未发送：请先认领再回复（以 // 开头的消息是内部备注）。`);

    await agentWrites(WANG, `#${code} 认领`);
    await page.until('the claim notice', (t) => t.includes('人工客服已接入'));
    expect(groupTexts().at(-1)).toBe(`**#${code}** · 已认领 — 王芳 已认领。此后的回复会发给买家。`);

    await agentWrites(ZHOU, `#${code} 认领`);
    expect(notices().at(-1)).toBe(`**#${code}** · 王芳 已经认领了这个会话。`);

    await agentWrites(WANG, `#${code} 关闭`);
    await fake.until('the closing line', () => groupTexts().at(-1) === `**#${code}** · 已关闭 — 王芳 已关闭，机器人接回了会话。`);
    await agentWrites(WANG, 'Z999 还在吗');
    expect(notices().at(-1)).toBe('哪一个转人工会话？消息请以卡片上的编号开头，例如 `#A7 你的回复` 或 `#A7 认领`。');
    page.close();
  });
});
