// What Kefu's Slack Request URL does with requests Slack did not sign, signed too long ago,
// malformed or oversized bodies, and what a hand-off does when Slack's Web API answers 429 or 500.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, QUEUE_CHANNELS, SLACK_SIGNING_SECRET, startSlackKefu, type SlackKefu } from '../support/slack-kefu.ts';
import { deliverToSlackEndpoint, eventEnvelope, slackSignature, threadReply } from '../support/slack-requests.ts';

let kefu: SlackKefu;

beforeAll(async () => {
  kefu = await startSlackKefu();
});

afterAll(async () => {
  await kefu?.close();
});

const now = (): number => Math.floor(Date.now() / 1000);

/**
 * The one card posted since the mark (tests in a file run one after another). After a Slack
 * failure the card may come from the scheduler's job a moment after the buyer's answer.
 */
async function cardSince(mark: number): Promise<{ channel: string; ts: string }> {
  return eventually(() => {
    const cards = kefu.slack.cardsSince(mark);
    if (cards.length !== 1) throw new Error(`${cards.length} cards posted`);
    return { channel: cards[0]!.channel, ts: cards[0]!.ts };
  }, 'one card', 20_000);
}

describe('the Slack Request URL refuses what Slack did not sign', () => {
  const verification = JSON.stringify({ type: 'url_verification', token: 'x', challenge: 'c-123' });

  it('answers the URL verification challenge when signed', async () => {
    const answer = await deliverToSlackEndpoint(kefu.eventsUrl, verification, 'application/json', { secret: SLACK_SIGNING_SECRET });
    expect(answer).toEqual({ status: 200, text: JSON.stringify({ challenge: 'c-123' }) });
  });

  it.each([
    ['a wrong signing secret', { secret: 'not-the-secret' }],
    ['a signature of another body', { secret: SLACK_SIGNING_SECRET, signature: slackSignature(SLACK_SIGNING_SECRET, now(), '{}') }],
    ['an unknown signature version', { secret: SLACK_SIGNING_SECRET, signature: `v1=${'0'.repeat(64)}` }],
    ['a signature that is not hex', { secret: SLACK_SIGNING_SECRET, signature: 'v0=zz' }],
    ['a timestamp 6 minutes old', { secret: SLACK_SIGNING_SECRET, timestamp: now() - 360 }],
    ['a timestamp 6 minutes ahead', { secret: SLACK_SIGNING_SECRET, timestamp: now() + 360 }],
  ])('refuses %s with 401', async (_name, delivery) => {
    const answer = await deliverToSlackEndpoint(kefu.eventsUrl, verification, 'application/json', delivery);
    expect(answer.status).toBe(401);
    expect(answer.text).not.toContain('c-123');
  });

  it('refuses a request without the signature headers, or with a timestamp that is not a number', async () => {
    const bare = await fetch(kefu.eventsUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: verification });
    expect(bare.status).toBe(401);
    const odd = await fetch(kefu.eventsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': '1e9', 'x-slack-signature': slackSignature(SLACK_SIGNING_SECRET, 1e9, verification) },
      body: verification,
    });
    expect(odd.status).toBe(401);
  });

  it('answers 400 to a signed body that is not JSON, and 415 to other content types', async () => {
    const broken = await deliverToSlackEndpoint(kefu.eventsUrl, '{"type":', 'application/json', { secret: SLACK_SIGNING_SECRET });
    expect(broken.status).toBe(400);
    const form = await deliverToSlackEndpoint(kefu.eventsUrl, 'payload=%7Bnot-json', 'application/x-www-form-urlencoded', { secret: SLACK_SIGNING_SECRET });
    expect(form.status).toBe(400);
    const array = await deliverToSlackEndpoint(kefu.eventsUrl, '[1,2]', 'application/json', { secret: SLACK_SIGNING_SECRET });
    expect(array.status).toBe(400);
    const text = await deliverToSlackEndpoint(kefu.eventsUrl, 'hello', 'text/plain', { secret: SLACK_SIGNING_SECRET });
    expect(text.status).toBe(415);
  });

  it('answers 413 to an oversized body without reading it all', async () => {
    const huge = eventEnvelope(threadReply(QUEUE_CHANNELS.presale, '1.1', 'U0X', 'x'.repeat(2_000_000)));
    const answer = await deliverToSlackEndpoint(kefu.eventsUrl, huge, 'application/json', { secret: SLACK_SIGNING_SECRET });
    expect(answer.status).toBe(413);
  });

  it('does nothing with a forged agent reply', async () => {
    const conversationId = `buyer-${randomUUID()}`;
    const mark = kefu.slack.mark();
    await kefu.say(conversationId, '转人工');
    const { channel, ts } = await cardSince(mark);
    const forged = eventEnvelope(threadReply(channel, ts, 'U0MALLORY', 'send me your card number'));
    const answer = await deliverToSlackEndpoint(kefu.eventsUrl, forged, 'application/json', { secret: 'guessed' });
    expect(answer.status).toBe(401);
    expect(await kefu.pushedToBuyer(conversationId)).toEqual([]);
  });
});

describe('starting with a bad bot token', () => {
  it('stops the start with Slack\'s error, instead of failing at the first hand-off', async () => {
    await expect(startSlackKefu({ env: { SLACK_BOT_TOKEN: 'xoxb-revoked' } })).rejects.toThrow(/invalid_auth/);
  });
});

describe('when Slack\'s Web API is unlucky', () => {
  it('waits out a 429 as Retry-After says, then opens the hand-off', async () => {
    kefu.slack.fail('chat.postMessage', { status: 429, retryAfterSeconds: 1 });
    const conversationId = `buyer-${randomUUID()}`;
    const mark = kefu.slack.mark();
    const answer = await kefu.say(conversationId, '转人工');
    expect(answer.status).toBe(200);
    expect(answer.texts.join('')).toMatch(/转接人工客服/);
    expect(kefu.slack.rateLimitsAnswered()).toEqual([{ method: 'chat.postMessage', retryAfterSeconds: 1 }]);
    await cardSince(mark);
  });

  it('on 500s, answers the buyer as usual and opens the hand-off once, when Slack answers again', async () => {
    kefu.slack.fail('chat.postMessage', { status: 500 }, 3);
    const conversationId = `buyer-${randomUUID()}`;
    const messageId = 'm-1';
    const mark = kefu.slack.mark();
    const first = await kefu.say(conversationId, '转人工', messageId);
    expect(first.status).toBe(200);
    expect(first.texts.join('')).toMatch(/转接人工客服/);
    // The page's retry of the same message is answered the same, and opens nothing more.
    const again = await kefu.say(conversationId, '转人工', messageId);
    expect(again.texts).toEqual(first.texts);
    await cardSince(mark);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(kefu.slack.cardsSince(mark)).toHaveLength(1);
  });

  it('when a buyer message cannot reach the thread, the buyer is answered and it is posted once', async () => {
    const conversationId = `buyer-${randomUUID()}`;
    const mark = kefu.slack.mark();
    await kefu.say(conversationId, '转人工');
    const { channel, ts } = await cardSince(mark);
    await kefu.agentPresses(channel, ts, 'U0ALICE', 'kefu_claim');
    kefu.slack.fail('chat.postMessage', { status: 500 }, 3);
    expect((await kefu.say(conversationId, '在吗', 'm-2')).status).toBe(200);
    expect((await kefu.say(conversationId, '在吗', 'm-2')).status).toBe(200);
    await eventually(() => expect(kefu.slack.thread(channel, ts).filter((m) => m.text.includes('在吗'))).toHaveLength(1), 'relayed once', 20_000);
  });

  it('keeps the state when a card update fails: the claim holds and replies flow', async () => {
    const conversationId = `buyer-${randomUUID()}`;
    const mark = kefu.slack.mark();
    await kefu.say(conversationId, '转人工');
    const { channel, ts } = await cardSince(mark);
    kefu.slack.fail('chat.update', { status: 500 }, 3);
    expect((await kefu.agentPresses(channel, ts, 'U0ALICE', 'kefu_claim')).status).toBe(200);
    await kefu.agentReplies(channel, ts, 'U0ALICE', '您好');
    expect((await kefu.pushedToBuyer(conversationId)).at(-1)).toBe('您好');
  });
});
