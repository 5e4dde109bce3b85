// Order events can also come from the commerce backend itself (an Orders implementation that is an
// OrderEventSource): Kefu subscribes at start-up and handles them exactly as webhook events — the
// same inbox, so a repeated event id is handled once and a failure is returned to the backend to
// retry. Here the demo shop's orders are given an event feed, as a merchant's backend adapter would.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DemoOrders } from '../../adapters/commerce/demo/demo-orders.ts';
import { readReminderCounters } from '../../compose/payment-reminders.ts';
import { loadConfig } from '../../config/load-config.ts';
import type { OrderEvent, OrderEventListener, OrderEventSource } from '../../dialogs/commerce/order-events.ts';
import type { Orders } from '../../dialogs/commerce/orders.ts';
import { silentLogger } from '../../dialogs/ports.ts';
import { composeKefu, type Kefu } from '../../server.ts';
import { until } from '../support/order-events.ts';

/** The demo orders plus an event feed the test pushes into. */
class DemoOrdersWithEvents implements OrderEventSource {
  listeners: OrderEventListener[] = [];
  constructor(readonly orders: DemoOrders) {}
  onOrderEvent(listener: OrderEventListener): () => void {
    this.listeners.push(listener);
    return () => (this.listeners = this.listeners.filter((each) => each !== listener));
  }
  emit(event: OrderEvent): Promise<void[]> {
    return Promise.all(this.listeners.map((listener) => listener(event)));
  }
}

let kefu: Kefu;
let backend: DemoOrdersWithEvents;

beforeAll(async () => {
  const demo = await DemoOrders.load();
  backend = new DemoOrdersWithEvents(demo);
  // An Orders object that is also an event source: the demo's methods, bound, plus onOrderEvent.
  const orders = Object.assign(Object.create(demo) as Orders, { onOrderEvent: backend.onOrderEvent.bind(backend) });
  const { config } = loadConfig({
    env: { KEFU__FLOWS__WATCH: 'false', KEFU__REMINDERS__DELAYMINUTES: '0.01', KEFU__REMINDERS__MAXPERORDER: '1', KEFU__REMINDERS__QUIETHOURS: 'null' },
  });
  kefu = await composeKefu(config, { logger: silentLogger, orders });
});

afterAll(async () => {
  await kefu?.close();
});

it('subscribes to the backend’s events and reminds once per event id', async () => {
  expect(backend.listeners).toHaveLength(1);
  const buyerId = 'feed-buyer';
  const conversationId = randomUUID();
  const order = (await kefu.orders.listOrders({ channel: 'webchat', buyerId })).find((o) => o.status === 'unpaid')!;
  const event: OrderEvent = { id: 'feed-1', type: 'created_unpaid', orderId: order.id, buyer: { channel: 'webchat', buyerId, conversationId }, occurredAt: Date.now() };
  await backend.emit(event);
  await backend.emit(event);
  await until(async () => (await kefu.mailbox.readAfter(conversationId, null)).length > 0, 'the reminder');
  expect(await kefu.mailbox.readAfter(conversationId, null)).toHaveLength(1);
  expect(await readReminderCounters(kefu)).toMatchObject({ remindersSent: 1 });
});

it('rejects the backend’s delivery when it cannot be handled, so the backend retries it', async () => {
  const broken: OrderEvent = { id: 'feed-2', type: 'paid', orderId: 'x'.repeat(2000), buyer: { channel: 'webchat', buyerId: 'b', conversationId: 'c' }, occurredAt: Date.now() };
  await expect(backend.emit(broken)).rejects.toThrow();
});

it('stops listening when Kefu closes', async () => {
  const { config } = loadConfig({ env: { KEFU__FLOWS__WATCH: 'false' } });
  const demo = await DemoOrders.load();
  const feed = new DemoOrdersWithEvents(demo);
  const another = await composeKefu(config, { logger: silentLogger, orders: Object.assign(Object.create(demo) as Orders, { onOrderEvent: feed.onOrderEvent.bind(feed) }) });
  expect(feed.listeners).toHaveLength(1);
  await another.close();
  expect(feed.listeners).toHaveLength(0);
});
