// The Slack desk end to end over HTTP: a real Kefu server, buyers on the web chat, Slack's Web API
// played by a loopback server (same paths and bodies), and agents' events and button presses
// delivered to Kefu's Request URL signed exactly as Slack signs them.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_BOT_ID, FAKE_BOT_USER_ID } from '../support/fake-slack-api.ts';
import { eventually, QUEUE_CHANNELS, SLACK_SIGNING_SECRET, startSlackKefu, type SlackKefu } from '../support/slack-kefu.ts';
import { blockActionBody, deliverToSlackEndpoint, eventEnvelope, threadReply } from '../support/slack-requests.ts';

const AGENT = 'U0ALICE';
const OTHER_AGENT = 'U0BOB';

let kefu: SlackKefu;

beforeAll(async () => {
  kefu = await startSlackKefu();
});

afterAll(async () => {
  await kefu?.close();
});

/** A buyer asks for a person; returns their conversation id and the card's channel and ts. */
async function handOff(text = '转人工', conversationId = `buyer-${randomUUID()}`): Promise<{ conversationId: string; channel: string; ts: string }> {
  const mark = kefu.slack.mark();
  const answer = await kefu.say(conversationId, text);
  expect(answer.status).toBe(200);
  const cards = kefu.slack.cardsSince(mark);
  expect(cards, 'one card was posted').toHaveLength(1);
  return { conversationId, channel: cards[0]!.channel, ts: cards[0]!.ts };
}

function cardText(channel: string, ts: string): string {
  return JSON.stringify(kefu.slack.messages.find((m) => m.channel === channel && m.ts === ts)!.blocks);
}

function threadTexts(channel: string, ts: string, options: { ephemeral?: boolean } = {}): string[] {
  return kefu.slack.thread(channel, ts).filter((m) => Boolean(m.ephemeralTo) === Boolean(options.ephemeral)).map((m) => m.text);
}

describe('a hand-off in a Slack thread', () => {
  it('opens a card with buyer, channel, language, reason, last turns and the three buttons', async () => {
    const conversationId = `buyer-${randomUUID()}`;
    await kefu.say(conversationId, '我穿多大码');
    const { channel, ts } = await handOff('转人工', conversationId);
    expect(channel).toBe(QUEUE_CHANNELS.presale);
    const card = cardText(channel, ts);
    expect(card).toContain('Asked for a person');
    expect(card).toContain('webchat');
    expect(card).toContain('Chinese (Simplified)');
    expect(card).toContain('我穿多大码');
    expect(card).toContain('kefu_claim');
    expect(card).toContain('kefu_back_to_bot');
    expect(card).toContain('kefu_close');
    // The buyer id is masked on the card.
    expect(card).not.toContain(conversationId);
  });

  it('relays both ways once claimed, keeps notes internal and gives the buyer back to the bot', async () => {
    const { conversationId, channel, ts } = await handOff();

    // The bot keeps quiet; the buyer's message goes to the thread.
    expect((await kefu.say(conversationId, '我的包裹还没到')).texts).toEqual([]);
    expect(threadTexts(channel, ts).join('\n')).toContain('我的包裹还没到');

    // A reply before anyone claimed reaches nobody, and the agent is told why (only them).
    expect((await kefu.agentReplies(channel, ts, AGENT, '马上帮您看')).status).toBe(200);
    await eventually(() => expect(threadTexts(channel, ts, { ephemeral: true }).join('\n')).toMatch(/Claim first/), 'the agent is told to claim');
    expect(await kefu.pushedToBuyer(conversationId)).toEqual([]);

    // Claim: the card says who, the buyer hears a person joined.
    expect((await kefu.agentPresses(channel, ts, AGENT, 'kefu_claim')).status).toBe(200);
    expect(cardText(channel, ts)).toContain(`Claimed by <@${AGENT}>`);
    expect(cardText(channel, ts)).not.toContain('kefu_claim');
    expect(await kefu.pushedToBuyer(conversationId)).toEqual([expect.stringMatching(/人工客服已接入/)]);

    // Someone else cannot claim it again.
    await kefu.agentPresses(channel, ts, OTHER_AGENT, 'kefu_claim');
    expect(kefu.slack.thread(channel, ts).filter((m) => m.ephemeralTo === OTHER_AGENT).map((m) => m.text).join('\n')).toMatch(/already claimed/);

    // A reply reaches the buyer; a note does not; Slack's markup is read as text.
    await kefu.agentReplies(channel, ts, AGENT, '您好 &lt;亲&gt;,快递明天到 <https://t.example/1|查看物流>');
    await kefu.agentReplies(channel, ts, AGENT, '// buyer sounds upset, offer a coupon');
    expect((await kefu.pushedToBuyer(conversationId)).slice(1)).toEqual(['您好 <亲>,快递明天到 查看物流 (https://t.example/1)']);

    // Back to bot: the buyer is told, and the bot answers again.
    await kefu.agentPresses(channel, ts, AGENT, 'kefu_back_to_bot');
    expect((await kefu.pushedToBuyer(conversationId)).at(-1)).toMatch(/小蜜继续为您服务/);
    expect(cardText(channel, ts)).toContain('Back with the bot');
    const after = await kefu.say(conversationId, '我穿多大码');
    expect(after.texts.join('')).toMatch(/身高/);
    expect(threadTexts(channel, ts).join('\n')).not.toContain('我穿多大码\n');
  });

  it('masks phone numbers and addresses in what the buyer wrote, on the card and in the thread', async () => {
    const conversationId = `buyer-${randomUUID()}`;
    await kefu.say(conversationId, '我的手机是13800138000');
    const { channel, ts } = await handOff('转人工', conversationId);
    expect(cardText(channel, ts)).toContain('138****8000');
    expect(cardText(channel, ts)).not.toContain('13800138000');
    await kefu.say(conversationId, '寄到北京市朝阳区建国路88号3单元502');
    const thread = threadTexts(channel, ts).join('\n');
    expect(thread).toContain('北京市朝阳区');
    expect(thread).not.toContain('建国路88号');
  });

  it('masks ID numbers, bank cards, phones with any separators and full-width e-mails on the card and in the thread', async () => {
    const conversationId = `buyer-${randomUUID()}`;
    const said = '身份证11010519491231002X 退款卡6222 0212 3456 7890 128 手机138.1234.5678 邮箱ｚｈａｎｇ＠ｑｑ．ｃｏｍ';
    await kefu.say(conversationId, said);
    const { channel, ts } = await handOff('转人工', conversationId);
    expect(cardText(channel, ts)).toContain('110***********002X');
    await kefu.say(conversationId, `再说一遍 ${said}`);
    const everything = cardText(channel, ts) + threadTexts(channel, ts).join('\n');
    expect(everything).toContain('再说一遍');
    for (const secret of ['19491231', '0212 3456', '1234.5678', 'ｈａｎｇ＠']) expect(everything).not.toContain(secret);
  });

  it('takes a button press whose form body is larger than the server\'s general limit', async () => {
    // Slack sends the message the button was pressed on, as it stands; Chinese text weighs 9 bytes a character once form-encoded.
    const { channel, ts } = await handOff('转人工');
    const card = kefu.slack.messages.find((m) => m.channel === channel && m.ts === ts)!;
    const payload = JSON.parse(new URLSearchParams(blockActionBody({ channel, messageTs: ts, user: AGENT, actionId: 'kefu_claim', value: 'x' })).get('payload')!);
    payload.message = { ...payload.message, blocks: card.blocks, text: '我想问一下这件衣服的面料和尺码'.repeat(600) };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    expect(body.length).toBeGreaterThan(65_536);
    expect((await deliverToSlackEndpoint(kefu.eventsUrl, body, 'application/x-www-form-urlencoded', { secret: SLACK_SIGNING_SECRET })).status).toBe(200);
    expect(cardText(channel, ts)).toContain(`Claimed by <@${AGENT}>`);
  });

  it('ignores its own posts and other bots (no echo loop), edits and joins', async () => {
    const { conversationId, channel, ts } = await handOff();
    await kefu.agentPresses(channel, ts, AGENT, 'kefu_claim');
    const pushed = (await kefu.pushedToBuyer(conversationId)).length;
    const own = { type: 'message', subtype: 'bot_message', channel, bot_id: FAKE_BOT_ID, text: '*buyer:* hi', ts: '1700000999.000001', thread_ts: ts };
    const ownAsUser = { ...threadReply(channel, ts, FAKE_BOT_USER_ID, 'status line'), bot_id: FAKE_BOT_ID };
    const edited = { type: 'message', subtype: 'message_changed', channel, message: { text: 'edited', user: AGENT }, ts: '1700000999.000002', thread_ts: ts };
    for (const event of [own, ownAsUser, edited]) {
      const answer = await deliverToSlackEndpoint(kefu.eventsUrl, eventEnvelope(event), 'application/json', { secret: SLACK_SIGNING_SECRET });
      expect(answer.status).toBe(200);
    }
    expect(await kefu.pushedToBuyer(conversationId)).toHaveLength(pushed);
  });

  it('handles a redelivered event once (X-Slack-Retry-Num), and a replayed button press once', async () => {
    const { conversationId, channel, ts } = await handOff();
    await kefu.agentPresses(channel, ts, AGENT, 'kefu_claim');
    const eventId = `Ev${randomUUID().slice(0, 8)}`;
    for (const retryNum of [undefined, 1, 2]) {
      const answer = await kefu.agentReplies(channel, ts, AGENT, '请提供订单号', { eventId, ...(retryNum ? { retryNum } : {}) });
      expect(answer.status).toBe(200);
    }
    expect((await kefu.pushedToBuyer(conversationId)).filter((t) => t === '请提供订单号')).toHaveLength(1);

    // The same signed request sent again within the 5 minutes (a replay): one Close only.
    const body = blockActionBody({ channel, messageTs: ts, user: AGENT, actionId: 'kefu_close', value: 'x' });
    const timestamp = Math.floor(Date.now() / 1000);
    for (let i = 0; i < 2; i++) {
      expect((await deliverToSlackEndpoint(kefu.eventsUrl, body, 'application/x-www-form-urlencoded', { secret: SLACK_SIGNING_SECRET, timestamp })).status).toBe(200);
    }
    expect((await kefu.pushedToBuyer(conversationId)).filter((t) => /人工服务已结束/.test(t))).toHaveLength(1);
    expect(threadTexts(channel, ts).filter((t) => /closed this hand-off/.test(t))).toHaveLength(1);
  });

  it('tells an agent replying in a closed thread that nothing was sent', async () => {
    const { conversationId, channel, ts } = await handOff();
    await kefu.agentPresses(channel, ts, AGENT, 'kefu_claim');
    await kefu.agentPresses(channel, ts, AGENT, 'kefu_close');
    const pushed = (await kefu.pushedToBuyer(conversationId)).length;
    expect((await kefu.agentReplies(channel, ts, AGENT, 'one more thing')).status).toBe(200);
    await eventually(() => expect(kefu.slack.thread(channel, ts).filter((m) => m.ephemeralTo === AGENT).at(-1)?.text).toMatch(/hand-off is over/), 'the agent is told');
    expect(await kefu.pushedToBuyer(conversationId)).toHaveLength(pushed);
    // The buttons are gone from a closed card; a stale press is refused the same way.
    expect(cardText(channel, ts)).not.toContain('kefu_back_to_bot');
    await kefu.agentPresses(channel, ts, OTHER_AGENT, 'kefu_claim');
    expect(kefu.slack.thread(channel, ts).filter((m) => m.ephemeralTo === OTHER_AGENT).at(-1)?.text).toMatch(/hand-off is over/);
  });

  it('leaves threads that are not hand-offs alone', async () => {
    const before = kefu.slack.callsOf('chat.postEphemeral').length;
    const answer = await kefu.agentReplies(QUEUE_CHANNELS.presale, '1600000000.000001', AGENT, 'lunch?');
    expect(answer.status).toBe(200);
    expect(kefu.slack.callsOf('chat.postEphemeral')).toHaveLength(before);
  });

  it('tells the buyer who went back to the bot themselves, and the thread hears of it', async () => {
    const { conversationId, channel, ts } = await handOff();
    const answer = await kefu.server.http.inject({ method: 'POST', url: '/webchat/messages', payload: { conversationId, payload: '/back_to_bot' } });
    expect(answer.json().replies[0].text).toMatch(/小蜜继续为您服务/);
    await eventually(() => expect(threadTexts(channel, ts).join('\n')).toMatch(/buyer went back to the bot/), 'the thread is told');
  });
});

describe('back to the bot, then a flow', () => {
  it('offers the allowed flows on the card and starts the one picked', async () => {
    const { conversationId, channel, ts } = await handOff();
    expect(cardText(channel, ts)).toContain('kefu_resume');
    expect(cardText(channel, ts)).toContain('size_advice');
    expect((await kefu.agentResumes(channel, ts, AGENT, 'size_advice')).status).toBe(200);
    expect((await kefu.pushedToBuyer(conversationId)).at(-1)).toMatch(/身高/);
    expect((await kefu.say(conversationId, '170')).texts.join('')).toMatch(/体重/);
  });
});

describe('queues', () => {
  it('routes complaints, order questions and the rest to their own channels', async () => {
    // (Parcel tracking and returns are settled by the bot now; their logistics hand-offs are routed
    // by reason, which handoff-service.test.ts covers.)
    expect((await handOff('我要投诉你们,太差劲了')).channel).toBe(QUEUE_CHANNELS.complaints);
    expect((await handOff('付不了款')).channel).toBe(QUEUE_CHANNELS.aftersale);
    expect((await handOff('human please')).channel).toBe(QUEUE_CHANNELS.presale);
  });
});

describe('a Chinese-speaking team (agentDesk.language: zh-Hans)', () => {
  let zh: SlackKefu;

  beforeAll(async () => {
    zh = await startSlackKefu({ agentLanguage: 'zh-Hans' });
  });

  afterAll(async () => {
    await zh?.close();
  });

  it('gets the card, the buttons, the claim and the answers to its actions in Simplified Chinese; the buyer keeps theirs', async () => {
    const conversationId = `buyer-${randomUUID()}`;
    const mark = zh.slack.mark();
    expect((await zh.say(conversationId, '转人工')).status).toBe(200);
    const [posted] = zh.slack.cardsSince(mark);
    const { channel, ts } = posted!;
    const card = (): string => JSON.stringify(zh.slack.messages.find((m) => m.channel === channel && m.ts === ts)!.blocks);
    expect(card()).toContain('转人工：买家要求人工');
    for (const label of ['*买家*', '*渠道*', '*语言*\\n简体中文', '*队列*', '*最近的消息*', '等待客服认领', '"认领"', '"转回机器人"', '"关闭"', '关闭这个转人工会话？', '"取消"']) {
      expect(card()).toContain(label);
    }
    expect(card()).not.toMatch(/Hand-off|Claim|Waiting/);
    expect(posted!.text).toMatch(/^转人工：买家要求人工 — /);

    // A reply before the claim: the agent is told, in Chinese, to claim first.
    await zh.agentReplies(channel, ts, AGENT, '马上帮您看');
    await eventually(() => expect(zh.slack.thread(channel, ts).filter((m) => m.ephemeralTo === AGENT).at(-1)?.text).toBe('未发送：请先认领再回复（以 // 开头的消息是内部备注）。'), 'the agent is told to claim');

    await zh.agentPresses(channel, ts, AGENT, 'kefu_claim');
    expect(card()).toContain(`<@${AGENT}> 已认领`);
    expect(zh.slack.thread(channel, ts).filter((m) => !m.ephemeralTo).map((m) => m.text)).toContain(
      `:raising_hand: <@${AGENT}> 已认领。此后在本线程的回复会发给买家；以 \`//\` 开头的消息是内部备注，不发给买家。`,
    );
    // The buyer still reads the buyer's own language, as before.
    expect(await zh.pushedToBuyer(conversationId)).toEqual([expect.stringMatching(/人工客服已接入/)]);

    await zh.agentPresses(channel, ts, OTHER_AGENT, 'kefu_claim');
    expect(zh.slack.thread(channel, ts).filter((m) => m.ephemeralTo === OTHER_AGENT).at(-1)?.text).toMatch(/^\S+ 已经认领了这个会话。$/);

    await zh.agentPresses(channel, ts, AGENT, 'kefu_close');
    expect(card()).toContain(`<@${AGENT}> 已关闭`);
    expect(zh.slack.thread(channel, ts).filter((m) => !m.ephemeralTo).at(-1)?.text).toBe(`:white_check_mark: <@${AGENT}> 已关闭这个转人工会话，机器人接回了会话。`);
    await zh.agentReplies(channel, ts, AGENT, '还在吗');
    await eventually(() => expect(zh.slack.thread(channel, ts).filter((m) => m.ephemeralTo === AGENT).at(-1)?.text).toBe('未发送：这个转人工会话已结束，机器人已接回。'), 'the agent is told it is over');
  });
});
