// Never strand a buyer when Slack is down: Kefu starts without it, answers buyers who ask for a
// person (never a 5xx), keeps the hand-off in the store, says so on /healthz, and posts the card
// and every buyer line, once and in order, when Slack is back. Slack is the loopback Web API,
// refusing connections while it is "down".

import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeSlackApi } from '../support/fake-slack-api.ts';
import { eventually, QUEUE_CHANNELS, SLACK_BOT_TOKEN, startSlackKefu, type SlackKefu } from '../support/slack-kefu.ts';

const AGENT = 'U0ALICE';
let kefu: SlackKefu | null = null;
let slack: FakeSlackApi | null = null;

afterEach(async () => {
  await kefu?.close();
  await slack?.close();
  kefu = null;
  slack = null;
});

async function health(url: string): Promise<{ status: string; degraded: { part: string; reason: string }[] }> {
  const response = await fetch(`${url}/healthz`);
  expect(response.status).toBe(200);
  return (await response.json()) as never;
}

function threadTexts(channel: string, ts: string): string[] {
  return slack!.thread(channel, ts).filter((m) => !m.ephemeralTo).map((m) => m.text);
}

describe('Slack unreachable', () => {
  it('at start: Kefu starts and answers, and the hand-off reaches Slack when it is back', { timeout: 60_000 }, async () => {
    slack = await new FakeSlackApi(SLACK_BOT_TOKEN).start();
    await slack.goDown();
    kefu = await startSlackKefu({ slack });
    expect((await health(kefu.server.url)).degraded).toEqual([expect.objectContaining({ part: 'agentDesk.slack' })]);

    const conversationId = `buyer-${randomUUID()}`;
    const asked = await kefu.say(conversationId, '转人工');
    expect(asked.status).toBe(200);
    expect(asked.texts.join('')).toMatch(/转接/);
    const more = await kefu.say(conversationId, '我的订单还没到');
    expect(more.status).toBe(200);

    await slack.comeBack();
    const card = await eventually(() => {
      const found = slack!.messages.find((m) => m.channel === QUEUE_CHANNELS.presale && !m.thread_ts);
      if (!found) throw new Error('no card yet');
      return found;
    }, 'the card reaches Slack once it is back', 30_000);
    await eventually(() => expect(threadTexts(card.channel, card.ts).filter((t) => t.includes('我的订单还没到'))).toHaveLength(1), 'the buyer line, once', 30_000);
    await eventually(async () => expect((await health(kefu!.server.url)).status).toBe('ok'), '/healthz is ok again', 30_000);

    // From here on it is an ordinary hand-off.
    expect((await kefu.agentPresses(card.channel, card.ts, AGENT, 'kefu_claim')).status).toBe(200);
    expect((await kefu.agentReplies(card.channel, card.ts, AGENT, '您好,我来帮您查')).status).toBe(200);
    await eventually(async () => expect(await kefu!.pushedToBuyer(conversationId)).toContain('您好,我来帮您查'), 'the reply reaches the buyer');
  });

  it('mid-hand-off: the buyer is answered, lines wait, and arrive once and in order', { timeout: 60_000 }, async () => {
    slack = await new FakeSlackApi(SLACK_BOT_TOKEN).start();
    kefu = await startSlackKefu({ slack });
    const conversationId = `buyer-${randomUUID()}`;
    const mark = slack.mark();
    expect((await kefu.say(conversationId, '转人工')).status).toBe(200);
    const [card] = slack.cardsSince(mark);
    expect((await kefu.agentPresses(card!.channel, card!.ts, AGENT, 'kefu_claim')).status).toBe(200);

    await slack.goDown();
    for (const text of ['第一句', '第二句']) {
      const answer = await kefu.say(conversationId, text);
      expect(answer.status).toBe(200);
      expect(answer.texts).toEqual([]); // a person has the conversation: the bot stays quiet
    }
    expect((await health(kefu.server.url)).degraded).toEqual([expect.objectContaining({ part: 'agentDesk.slack', reason: expect.any(String) })]);

    await slack.comeBack();
    await eventually(() => {
      const lines = threadTexts(card!.channel, card!.ts).filter((t) => t.includes('第一句') || t.includes('第二句'));
      expect(lines).toHaveLength(2);
      expect(lines[0]).toContain('第一句');
      expect(lines[1]).toContain('第二句');
    }, 'both lines, once each, in order', 30_000);
    await eventually(async () => expect((await health(kefu!.server.url)).status).toBe('ok'), '/healthz is ok again', 30_000);
  });
});
