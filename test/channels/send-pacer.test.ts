// The send pacer keeps a shop's sends within the platform's rate before they are made: a send past
// the window's budget waits for the next window; with Redis the budget is the shop's across
// processes; with Redis gone, sends go on, paced in the process. Long windows (a minute) make
// "this send is still waiting" a fact of the budget, not of how fast the machine is.

import { describe, expect, it } from 'vitest';
import { createSendPacer, type SendPacer } from '../../adapters/channels/shared/send-pacer.ts';
import type { RunningServer } from '../../server.ts';
import { eventually, settle, type FakeServer } from '../support/fake-marketplace.ts';
import { lazadaKit, type SentItem } from '../support/marketplace-kits.ts';
import { usePrivateRedis, useSharedRedis } from '../support/redis-fixtures.ts';
import { sharedRedisUrl } from '../support/redis-server.ts';
import { startTestKefu } from '../support/start-kefu.ts';

/** Whether `take` is still waiting after everything already runnable has run (Redis answers included). */
async function stillWaiting(take: Promise<void>): Promise<boolean> {
  let done = false;
  void take.then(() => (done = true));
  for (let round = 0; round < 20; round++) await new Promise((resolve) => setTimeout(resolve, 5));
  return !done;
}

async function takeTimes(pacer: SendPacer, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await pacer.take();
}

describe('send pacer', () => {
  it('lets the budget through at once and holds the next send for the next window', async () => {
    const pacer = createSendPacer({ channel: 'lazada', sendsPerSecond: 3, windowMs: 60_000 });
    await takeTimes(pacer, 3);
    expect(await stillWaiting(pacer.take())).toBe(true);
  });

  it('sends the held message once the window has passed', async () => {
    // That it is held is the test above (a minute's window); here only that it goes out after the
    // window: a short window, because how long the machine takes must not decide the outcome.
    const pacer = createSendPacer({ channel: 'tiktok', sendsPerSecond: 2, windowMs: 150 });
    await takeTimes(pacer, 3); // the third resolves only after the window: the test would time out otherwise
  });

  it('treats a rate below one as one send per window', async () => {
    const pacer = createSendPacer({ channel: 'shopee', sendsPerSecond: 0.2, windowMs: 60_000 });
    await pacer.take();
    expect(await stillWaiting(pacer.take())).toBe(true);
  });

  describe('on Redis, shared by processes', () => {
    const redis = useSharedRedis('pacer');

    it('counts the shop\'s budget across two processes', async () => {
      const other = await redis.connectAnother();
      const first = createSendPacer({ channel: 'lazada', sendsPerSecond: 4, windowMs: 60_000, redis: { client: redis.client, prefix: redis.prefix } });
      const second = createSendPacer({ channel: 'lazada', sendsPerSecond: 4, windowMs: 60_000, redis: { client: other, prefix: redis.prefix } });
      await takeTimes(first, 2);
      await takeTimes(second, 2);
      // Four sends between them: the budget is spent for both.
      expect(await stillWaiting(first.take())).toBe(true);
      expect(await stillWaiting(second.take())).toBe(true);
      expect(await redis.client.keys(`${redis.prefix}channel:lazada:sends*`)).toHaveLength(1);
    });

    it('keeps each channel\'s budget apart', async () => {
      const lazada = createSendPacer({ channel: 'lazada-b', sendsPerSecond: 1, windowMs: 60_000, redis: { client: redis.client, prefix: redis.prefix } });
      const tiktok = createSendPacer({ channel: 'tiktok-b', sendsPerSecond: 1, windowMs: 60_000, redis: { client: redis.client, prefix: redis.prefix } });
      await lazada.take();
      expect(await stillWaiting(tiktok.take())).toBe(false);
    });
  });

  describe('with Redis gone', () => {
    const redis = usePrivateRedis();

    it('still sends, paced in this process', async () => {
      const pacer = createSendPacer({ channel: 'shopee', sendsPerSecond: 2, windowMs: 60_000, redis: { client: redis.client, prefix: 'kefu-test:pacer-outage:' } });
      await redis.server.stop();
      await takeTimes(pacer, 2);
      expect(await stillWaiting(pacer.take())).toBe(true);
    });
  });

  describe('wired into a running channel (Lazada on Redis)', () => {
    const redis = useSharedRedis('pacer-kefu');
    let platform: { fake: FakeServer; sent(): SentItem[] };
    let server: RunningServer;

    it('sends nothing while the shop\'s budget is spent, and the reply once it frees', async () => {
      platform = await lazadaKit.start();
      server = await startTestKefu({ redisUrl: sharedRedisUrl, env: { ...lazadaKit.env(platform.fake.url), KEFU__SESSIONS__KEYPREFIX: redis.prefix, KEFU__CHANNELS__LAZADA__SENDSPERSECOND: '5' } });
      try {
        // Another process spent this second's sends (and more): the budget key says so for 5 s.
        await redis.client.set(`${redis.prefix}channel:lazada:sends:lazada`, '1000', 'PX', 5000);
        const conversation = lazadaKit.newConversation();
        const raw = lazadaKit.buyerText(conversation, '身高170体重60穿什么码');
        const answer = await fetch(server.url + lazadaKit.pushPath, { method: 'POST', headers: lazadaKit.headers(raw), body: raw });
        expect(answer.status).toBe(200);
        await settle(500);
        const to = () => platform.sent().filter((item) => item.conversationId === conversation);
        expect(to()).toEqual([]);
        expect(await eventually(() => to()[0]?.value, 'the paced reply', 20_000)).toBe('根据尺寸,您适合M号哦');
      } finally {
        await server.close();
        await platform.fake.close();
      }
    });
  });
});
