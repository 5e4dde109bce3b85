// Hand-offs on Redis: the state (thread, who claimed, since when) is in the session store, so
// any Kefu process relays. Here the buyer talks to one process while Slack delivers the agent's
// events to another; and when Redis is gone, Slack is answered 500 so that it retries.

import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usePrivateRedis } from '../support/redis-fixtures.ts';
import { deleteKeysByPrefix, sharedRedisUrl, uniquePrefix } from '../support/redis-server.ts';
import { FakeSlackApi } from '../support/fake-slack-api.ts';
import { eventually, SLACK_BOT_TOKEN, startSlackKefu, type SlackKefu } from '../support/slack-kefu.ts';
import { sessionKey } from '../../adapters/stores/redis/redis-keys.ts';

const AGENT = 'U0ALICE';

describe('two Kefu processes on one Redis', () => {
  const prefix = uniquePrefix('handoff');
  let slack: FakeSlackApi;
  let first: SlackKefu;
  let second: SlackKefu;

  beforeAll(async () => {
    slack = await new FakeSlackApi(SLACK_BOT_TOKEN).start();
    const env = { KEFU__SESSIONS__KEYPREFIX: prefix };
    [first, second] = await Promise.all([
      startSlackKefu({ redisUrl: sharedRedisUrl, env, slack }),
      startSlackKefu({ redisUrl: sharedRedisUrl, env, slack }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([first?.close(), second?.close()]);
    await slack?.close();
    const client = new Redis(sharedRedisUrl);
    await deleteKeysByPrefix(client, prefix);
    client.disconnect();
  });

  it('relays through whichever process gets the message', async () => {
    const conversationId = `buyer-${randomUUID()}`;
    const mark = slack.mark();
    expect((await first.say(conversationId, 'human please')).texts.join('')).toMatch(/passing you to a member of our team/);
    const card = slack.cardsSince(mark)[0]!;
    expect(card).toBeDefined();

    // Slack delivers to the second process; the buyer's page listens on the first.
    expect((await second.agentPresses(card.channel, card.ts, AGENT, 'kefu_claim')).status).toBe(200);
    expect((await second.agentReplies(card.channel, card.ts, AGENT, 'Hi, this is Alice')).status).toBe(200);
    await eventually(async () => expect(await first.pushedToBuyer(conversationId)).toEqual([expect.stringMatching(/joined the chat/), 'Hi, this is Alice']), 'the buyer gets the reply');

    // The state is in Redis, under the shop's prefix.
    const client = new Redis(sharedRedisUrl);
    const stored = JSON.parse((await client.get(sessionKey(prefix, `handoff:webchat:${conversationId}`))) ?? 'null');
    client.disconnect();
    expect(stored.card).toMatchObject({ status: 'claimed', claimedBy: { id: AGENT }, queue: 'presale' });

    // The buyer writes to the second process; it goes to the same thread.
    expect((await second.say(conversationId, 'thanks, when does it ship?')).texts).toEqual([]);
    expect(slack.thread(card.channel, card.ts).map((m) => m.text).join('\n')).toContain('when does it ship?');

    // Closed on the first, the bot answers on the second.
    await first.agentPresses(card.channel, card.ts, AGENT, 'kefu_close');
    expect((await second.say(conversationId, 'what size should I get')).texts.join('')).toMatch(/height/i);
  });
});

describe('when Redis is gone', () => {
  const redis = usePrivateRedis();
  let kefu: SlackKefu;

  beforeAll(async () => {
    kefu = await startSlackKefu({ redisUrl: redis.server.url });
  });

  afterAll(async () => {
    await kefu?.close();
  });

  it('answers Slack 500, so that Slack retries the event', async () => {
    const conversationId = `buyer-${randomUUID()}`;
    const mark = kefu.slack.mark();
    await kefu.say(conversationId, '转人工');
    const card = kefu.slack.cardsSince(mark)[0]!;
    await kefu.agentPresses(card.channel, card.ts, AGENT, 'kefu_claim');
    await redis.server.stop();
    try {
      const answer = await kefu.agentReplies(card.channel, card.ts, AGENT, '您好', { eventId: 'Ev-outage' });
      expect(answer.status).toBe(500);
    } finally {
      await redis.server.start();
    }
    // Back, but empty (this test server keeps nothing on disk): the retry is answered, and nothing is sent.
    await eventually(async () => expect((await kefu.agentReplies(card.channel, card.ts, AGENT, '您好', { eventId: 'Ev-outage', retryNum: 1 })).status).toBe(200), 'Slack\'s retry is answered', 20_000);
    expect(await kefu.pushedToBuyer(conversationId)).toEqual([]);
  });
});
