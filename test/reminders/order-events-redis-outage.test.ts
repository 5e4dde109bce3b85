// Redis goes away just as the shop posts an order event. The webhook must answer 503 with
// Retry-After (never 200 for an event it could not keep, never a hang), and the same event sent
// again once Redis is back must be taken and end in a reminder: nothing lost, nothing doubled.
// A private redis-server is stopped and started (empty, as a restart without persistence is).

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Reply } from '../../dialogs/messages.ts';
import type { RunningServer } from '../../server.ts';
import { orderEvent, postOrderEvent, postOrderEventUntilTaken, TEST_SECRET, until } from '../support/order-events.ts';
import { startPrivateRedis, uniquePrefix, type PrivateRedisServer } from '../support/redis-server.ts';
import { startTestKefu } from '../support/start-kefu.ts';

let redis: PrivateRedisServer;
let server: RunningServer;

beforeAll(async () => {
  redis = await startPrivateRedis();
  server = await startTestKefu({
    redisUrl: redis.url,
    env: {
      KEFU__SESSIONS__KEYPREFIX: uniquePrefix('reminder-outage'),
      KEFU__REMINDERS__WEBHOOKSECRET: TEST_SECRET,
      KEFU__REMINDERS__DELAYMINUTES: '0.01',
      KEFU__REMINDERS__MAXPERORDER: '1',
      KEFU__REMINDERS__QUIETHOURS: 'null',
    },
  });
});

afterAll(async () => {
  await server?.close();
  await redis?.stop();
});

it('answers 503 while Redis is down, and takes the same event once it is back', { timeout: 60_000 }, async () => {
  const buyerId = 'outage-buyer';
  const conversationId = randomUUID();
  const order = (await server.kefu.orders.listOrders({ channel: 'webchat', buyerId })).find((o) => o.status === 'unpaid')!;
  const event = orderEvent('created_unpaid', order.id, buyerId, conversationId);

  await redis.stop();
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const refused = await postOrderEvent(server.url, event);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(refused.body.error).toMatch(/again/);
  }

  await redis.start();
  const taken = await postOrderEventUntilTaken(server.url, event);
  expect(taken.status).toBe(200);
  expect(taken.body).toEqual({ outcome: 'reminder_scheduled', duplicate: false });
  expect((await postOrderEvent(server.url, event)).body).toEqual({ outcome: 'reminder_scheduled', duplicate: true });

  const pushed = await until(async () => {
    const items = await server.kefu.mailbox.readAfter(conversationId, null).catch(() => []);
    return items.length > 0 ? items : null;
  }, 'the reminder once Redis is back', 40_000);
  expect(pushed).toHaveLength(1);
  const replies = (JSON.parse(pushed[0]!.data) as { replies: Reply[] }).replies;
  expect(replies[0]!.card?.url).toBe(order.payUrl);
});
