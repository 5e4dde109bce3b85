// Payment reminders on Redis with real server processes (server.ts started as an operator would):
//   - two processes share one Redis; the shop posts each order's events to either of them, twice
//     even: every order gets exactly one reminder (maxPerOrder 1), written once to the buyer's page;
//   - a reminder scheduled by a process that then stops is sent by the process started after it
//     (BullMQ keeps it in Redis).
// The demo shop's orders are the same in every process (each buyer's sample book is generated
// from their id), so the test computes the unpaid order ids the same way.

import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sampleOrders } from '../../adapters/commerce/demo/sample-orders.ts';
import { orderEvent, postOrderEvent, TEST_SECRET, until } from '../support/order-events.ts';
import { deleteKeysByPrefix, sharedRedisUrl, uniquePrefix } from '../support/redis-server.ts';
import { spawnKefu, type SpawnedKefu } from '../support/spawn-kefu.ts';
import { pushStreamKey } from '../../adapters/stores/redis/redis-keys.ts';

const LIMIT = { timeout: 120_000 };

function reminderEnv(delayMinutes: number): Record<string, string> {
  return {
    KEFU__REMINDERS__WEBHOOKSECRET: TEST_SECRET,
    KEFU__REMINDERS__DELAYMINUTES: String(delayMinutes),
    KEFU__REMINDERS__MAXPERORDER: '1',
    KEFU__REMINDERS__QUIETHOURS: 'null',
    KEFU__FLOWS__WATCH: 'false',
  };
}

function unpaidOrderId(buyerId: string): string {
  return sampleOrders({ channel: 'webchat', buyerId }, 0).orders.find((order) => order.status === 'unpaid')!.id;
}

describe('payment reminders across server processes', LIMIT, () => {
  const prefix = uniquePrefix('reminders-processes');
  const servers: SpawnedKefu[] = [];
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(sharedRedisUrl, { lazyConnect: true });
    await redis.connect();
  });

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    if (redis) {
      await deleteKeysByPrefix(redis, prefix);
      await redis.quit();
    }
  });

  beforeEach(({ onTestFailed }) => {
    onTestFailed(() => {
      for (const server of servers) console.error(`--- pid ${server.pid} stderr ---\n${server.stderr().slice(-4000)}\n--- log ---\n${server.stdout().slice(-6000)}`);
    });
  });

  const spawn = async (delayMinutes: number): Promise<SpawnedKefu> => {
    const server = await spawnKefu({ redisUrl: sharedRedisUrl, keyPrefix: prefix, env: reminderEnv(delayMinutes) });
    servers.push(server);
    return server;
  };
  /** The replies written to a conversation's page (its push mailbox stream in Redis). */
  const pushes = async (conversationId: string): Promise<string[]> =>
    (await redis.xrange(pushStreamKey(prefix, conversationId), '-', '+')).map(([, fields]) => fields[1]!);
  const counters = async (): Promise<Record<string, string>> => redis.hgetall(`${prefix}reminders:counters`);

  it('sends exactly one reminder per order with two processes, whichever gets the events', async () => {
    const [a, b] = await Promise.all([spawn(0.02), spawn(0.02)]);
    const orders = Array.from({ length: 8 }, (_, i) => ({ buyerId: `two-proc-${i}`, conversationId: randomUUID() }));
    await Promise.all(
      orders.map(async ({ buyerId, conversationId }, i) => {
        const event = orderEvent('created_unpaid', unpaidOrderId(buyerId), buyerId, conversationId);
        const [first, second] = i % 2 ? [a, b] : [b, a];
        // The same event to both processes at once, then again under a new event id.
        const answers = await Promise.all([postOrderEvent(first.url, event), postOrderEvent(second.url, event)]);
        for (const answer of answers) expect([200, 503]).toContain(answer.status); // 503: the twin is being handled, retry
        expect((await postOrderEvent(second.url, { ...event, id: `evt-${randomUUID()}` })).status).toBe(200);
      }),
    );
    for (const { conversationId } of orders) await until(async () => (await pushes(conversationId)).length > 0, `the reminder to ${conversationId}`);
    // A marker reminded after all of them: by then a second reminder would have shown up.
    const marker = { buyerId: 'two-proc-marker', conversationId: randomUUID() };
    expect((await postOrderEvent(a.url, orderEvent('created_unpaid', unpaidOrderId(marker.buyerId), marker.buyerId, marker.conversationId))).status).toBe(200);
    await until(async () => (await pushes(marker.conversationId)).length > 0, 'the marker reminder');
    for (const { conversationId } of orders) expect(await pushes(conversationId)).toHaveLength(1);
    expect(JSON.parse((await pushes(orders[0]!.conversationId))[0]!).replies[0].text).toContain('经典纯棉圆领T恤');
    expect(await counters()).toMatchObject({ remindersSent: String(orders.length + 1) });
    const sentBy = (server: SpawnedKefu): number => server.stdout().split('\n').filter((line) => line.includes('payment reminder sent')).length;
    await until(async () => sentBy(a) + sentBy(b) >= orders.length + 1, 'every reminder to be logged');
    expect(sentBy(a) + sentBy(b)).toBe(orders.length + 1);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('keeps a scheduled reminder across a restart: the next process sends it', async () => {
    const first = await spawn(0.25); // 15 s: the process is stopped long before
    const buyerId = 'restart-buyer';
    const conversationId = randomUUID();
    const answer = await postOrderEvent(first.url, orderEvent('created_unpaid', unpaidOrderId(buyerId), buyerId, conversationId));
    expect(answer.body).toEqual({ outcome: 'reminder_scheduled', duplicate: false });
    await first.stop();
    expect(await pushes(conversationId)).toEqual([]);
    const second = await spawn(0.25);
    await until(async () => (await pushes(conversationId)).length > 0, 'the reminder after the restart', 60_000);
    // The log line follows the push, and a pipe may bring it a moment later.
    await until(async () => second.stdout().includes('payment reminder sent'), 'the second process to log the reminder');
    expect(first.stdout()).not.toContain('payment reminder sent');
  });
});
