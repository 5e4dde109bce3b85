// End to end with a real Kefu on the merchant's order API (orders.backend = http): the order events
// the API serves on GET /order-events are polled, so a created_unpaid event leads to a payment
// reminder in the buyer's web chat mailbox, a paid event served later cancels it, and the order
// placed is counted once on the dashboard however often it is served.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeResults } from '../../dialogs/insight/results.ts';
import type { Reply } from '../../dialogs/messages.ts';
import type { RunningServer } from '../../server.ts';
import { startMerchantOrdersApi, type MerchantOrdersApi, type OrderEventJson } from '../support/merchant-orders-api.ts';
import { until } from '../support/order-events.ts';
import { startTestKefu } from '../support/start-kefu.ts';

let api: MerchantOrdersApi;
let server: RunningServer;

beforeAll(async () => {
  api = await startMerchantOrdersApi({ token: 'poll-token' });
  server = await startTestKefu({
    env: {
      KEFU__ORDERS__BACKEND: 'http',
      KEFU__ORDERS__HTTP__BASEURL: api.url,
      KEFU__ORDERS__HTTP__TOKEN: 'poll-token',
      KEFU__ORDERS__HTTP__EVENTSPOLLSECONDS: '0.1',
      // Long enough for a paid event served right after the order to arrive first, even on a busy machine.
      KEFU__REMINDERS__DELAYMINUTES: '0.1', // 6 s
      KEFU__REMINDERS__MAXPERORDER: '1',
      KEFU__REMINDERS__QUIETHOURS: 'null',
      KEFU__REMINDERS__LANGUAGE: 'en',
    },
  });
});

afterAll(async () => {
  await server?.close();
  await api?.close();
});

async function unpaidOrderOf(buyerId: string): Promise<{ id: string; payUrl?: string }> {
  const orders = await api.orders.listOrders({ channel: 'webchat', buyerId });
  return orders.find((order) => order.status === 'unpaid')!;
}

function event(type: OrderEventJson['type'], orderId: string, buyerId: string, conversationId: string): OrderEventJson {
  return { id: `evt-${randomUUID()}`, type, orderId, occurredAt: new Date().toISOString(), buyer: { channel: 'webchat', buyerId, conversationId } };
}

async function pushed(conversationId: string): Promise<Reply[][]> {
  const items = await server.kefu.mailbox.readAfter(conversationId, null);
  return items.map((item) => (JSON.parse(item.data) as { replies: Reply[] }).replies);
}

/** Resolves once Kefu has polled past `cursor`, i.e. accepted every event up to it. */
const polledPast = (cursor: string) => until(async () => api.requests.some((r) => r.includes(`after=${cursor}&`)), `a poll after ${cursor}`);

describe('order events polled from the merchant order API', () => {
  it('reminds the buyer of a created_unpaid order, and counts the order placed once', async () => {
    const buyerId = `poll-${randomUUID().slice(0, 8)}`;
    const conversationId = randomUUID();
    const order = await unpaidOrderOf(buyerId);
    const created = event('created_unpaid', order.id, buyerId, conversationId);
    api.publishEvent(created);
    api.publishEvent(created); // served twice, as a careless feed might
    await polledPast(api.publishEvent({ ...created, id: `evt-${randomUUID()}` })); // and once more under another id

    const reminders = await until(async () => ((await pushed(conversationId)).length > 0 ? pushed(conversationId) : null), 'the reminder');
    expect(reminders).toHaveLength(1);
    expect(reminders[0]![0]!.text).toContain('Classic Cotton Crew Tee (White M) × 2');
    expect(reminders[0]![0]!.card).toMatchObject({ title: 'Pay now', url: order.payUrl });
    expect(api.requests).toContain(`GET /buyers/webchat/${buyerId}/orders/${order.id}`); // re-read before sending

    await server.kefu.insight.recorder.flush();
    const results = await computeResults(server.kefu.insight.store, Date.now(), { agentDailyCapacity: 120, reminders: server.kefu.insight.reminders });
    expect(results.orders).toBe(1);
    expect(results.reminders).toMatchObject({ sent: 1 });
  });

  it('cancels the reminder when the paid event is served later', async () => {
    const buyerId = `poll-${randomUUID().slice(0, 8)}`;
    const conversationId = randomUUID();
    const order = await unpaidOrderOf(buyerId);
    await polledPast(api.publishEvent(event('created_unpaid', order.id, buyerId, conversationId)));
    await polledPast(api.publishEvent(event('paid', order.id, buyerId, conversationId)));
    // A marker order placed after it: once its reminder is out, the paid order's would have been too.
    const markerBuyer = `poll-${randomUUID().slice(0, 8)}`;
    const marker = randomUUID();
    api.publishEvent(event('created_unpaid', (await unpaidOrderOf(markerBuyer)).id, markerBuyer, marker));
    await until(async () => (await pushed(marker)).length > 0, 'the marker reminder');
    expect(await pushed(conversationId)).toEqual([]);
  });
});
