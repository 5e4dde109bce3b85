// The rules of payment reminders, on the embedded parts (memory ledger, the in-process scheduler
// without its timer, the demo shop's orders) and a clock the tests move by hand: nothing here
// sleeps, and every time is a point on the shop's calendar (Asia/Shanghai).

import { beforeAll, describe, expect, it } from 'vitest';
import { DemoCatalog } from '../../adapters/commerce/demo/demo-catalog.ts';
import { DemoOrders } from '../../adapters/commerce/demo/demo-orders.ts';
import { InProcessScheduler } from '../../adapters/schedulers/in-process/in-process-scheduler.ts';
import { MemoryReminderCounters } from '../../adapters/stores/memory/memory-reminder-counters.ts';
import { MemoryReminderLedger } from '../../adapters/stores/memory/memory-reminder-ledger.ts';
import { MemorySessionStore } from '../../adapters/stores/memory/memory-session-store.ts';
import { builtInActions } from '../../dialogs/actions/index.ts';
import type { OrderEvent } from '../../dialogs/commerce/order-events.ts';
import { OrdersUnavailableError, type Order } from '../../dialogs/commerce/orders.ts';
import { newSession } from '../../dialogs/engine/session.ts';
import { loadFlows, type FlowSet } from '../../dialogs/flows/load-flows.ts';
import type { ConversationRef, Language, Reply } from '../../dialogs/messages.ts';
import { silentLogger } from '../../dialogs/ports.ts';
import { PaymentReminders, type PaymentReminderSettings } from '../../dialogs/reminders/payment-reminders.ts';
import { manualClock, type ManualClock } from '../support/store-test-kit.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Wall-clock time in the shop's zone (Shanghai, UTC+8). */
const shanghai = (iso: string): number => Date.parse(`${iso}+08:00`);

let flows: FlowSet;
beforeAll(async () => {
  const loaded = await loadFlows('flows', { actions: builtInActions });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  flows = loaded.flowSet;
});

interface Sent {
  conversation: ConversationRef;
  replies: Reply[];
  at: number;
}

async function setUp(overrides: Partial<PaymentReminderSettings> = {}, start = shanghai('2026-12-01T10:00:00')) {
  const clock: ManualClock = manualClock(start);
  const orders = await DemoOrders.load({ clock });
  const scheduler = new InProcessScheduler({ clock, logger: silentLogger, timers: false, backoffMs: MINUTE });
  const ledger = new MemoryReminderLedger(clock);
  const counters = new MemoryReminderCounters();
  const sessions = new MemorySessionStore({ clock });
  const sent: Sent[] = [];
  let failSends = 0;
  let failOrderReads = 0;
  // The demo shop's orders, whose reads can be made to fail as an unreachable backend's do.
  const flakyOrders = Object.assign(Object.create(orders) as DemoOrders, {
    async getOrder(...args: Parameters<DemoOrders['getOrder']>) {
      if (failOrderReads > 0) {
        failOrderReads -= 1;
        throw new OrdersUnavailableError('shop backend answered 503');
      }
      return orders.getOrder(...args);
    },
  });
  const reminders = new PaymentReminders({
    settings: {
      delayMs: 30 * MINUTE,
      maxPerOrder: 2,
      quietHours: { start: '22:00', end: '08:00' },
      timeZone: 'Asia/Shanghai',
      defaultLanguage: 'zh-Hans',
      shopName: { 'zh-Hans': '小蜜演示店', 'zh-Hant': '小蜜演示店', en: 'Kefu Demo Shop' },
      keepSeconds: 14 * 24 * 3600,
      ...overrides,
    },
    scheduler,
    ledger,
    counters,
    orders: flakyOrders,
    catalog: await DemoCatalog.load(),
    conversations: {
      async sendToBuyer(conversation, replies, _from, at) {
        if (failSends > 0) {
          failSends -= 1;
          throw new Error('channel down');
        }
        sent.push({ conversation, replies, at });
      },
    },
    sessions,
    flows: () => flows,
    clock,
    logger: silentLogger,
  });
  await reminders.start();

  let eventCount = 0;
  /** A buyer of the demo shop, and their unpaid sample order. */
  const buyer = async (buyerId: string): Promise<{ conversation: ConversationRef; order: Order }> => {
    const conversation = { channel: 'webchat', buyerId, conversationId: `conv-${buyerId}` };
    const order = (await orders.listOrders({ channel: 'webchat', buyerId })).find((o) => o.status === 'unpaid')!;
    return { conversation, order };
  };
  const event = (type: OrderEvent['type'], orderId: string, conversation: ConversationRef, occurredAt = clock.now()): OrderEvent => ({
    id: `evt-${(eventCount += 1)}`,
    type,
    orderId,
    buyer: { channel: conversation.channel, buyerId: conversation.buyerId, conversationId: conversation.conversationId },
    occurredAt,
  });
  /** Moves the clock to `at` in steps of a minute, running what falls due on the way. */
  const runUntil = async (at: number): Promise<void> => {
    while (clock.now() < at) {
      clock.advance(Math.min(MINUTE, at - clock.now()));
      await scheduler.runDue();
    }
  };
  return {
    clock, orders, scheduler, ledger, counters, sessions, sent, reminders, buyer, event, runUntil,
    failNextSends: (n: number) => void (failSends = n),
    failNextOrderReads: (n: number) => void (failOrderReads = n),
  };
}

describe('payment reminders', () => {
  it('reminds an unpaid order after the delay, with its items, total and a pay button, in the shop’s default language', async () => {
    const t = await setUp();
    const { conversation, order } = await t.buyer('alice');
    expect(await t.reminders.handleEvent(t.event('created_unpaid', order.id, conversation))).toBe('reminder_scheduled');
    await t.runUntil(t.clock.now() + 29 * MINUTE);
    expect(t.sent).toEqual([]);
    await t.runUntil(t.clock.now() + MINUTE);
    expect(t.sent).toHaveLength(1);
    const [reply] = t.sent[0]!.replies;
    expect(t.sent[0]!.conversation).toEqual(conversation);
    // The variant by its names in the buyer's language, not the order's ids ("(M,white)").
    expect(reply!.text).toContain('经典纯棉圆领T恤(白色M码)×2');
    expect(reply!.text).toContain('¥158.00');
    expect(reply!.card).toMatchObject({ url: order.payUrl });
    expect(await t.counters.read()).toEqual({ remindersSent: 1, paidAfterReminder: 0 });
  });

  it.each<[Language, string, string]>([
    ['zh-Hant', '經典純棉圓領T恤(白色M碼)×2', '付款'],
    ['en', 'Classic Cotton Crew Tee (White M) × 2', 'Pay now'],
  ])('writes in the language of the buyer’s conversation (%s)', async (language, item, payWord) => {
    const t = await setUp();
    const { conversation, order } = await t.buyer(`speaker-${language}`);
    await t.sessions.save(`webchat:${conversation.conversationId}`, newSession(language, t.clock.now()), 86400);
    await t.reminders.handleEvent(t.event('created_unpaid', order.id, conversation));
    await t.runUntil(t.clock.now() + 30 * MINUTE);
    const reply = t.sent[0]!.replies[0]!;
    expect(reply.text).toContain(item);
    expect(reply.card!.title).toContain(payWord);
    if (language === 'en') expect(reply.text).toContain('CN¥158.00');
  });

  it('handles a duplicate created_unpaid once', async () => {
    const t = await setUp({ maxPerOrder: 1 });
    const { conversation, order } = await t.buyer('bob');
    const created = t.event('created_unpaid', order.id, conversation);
    expect(await t.reminders.handleEvent(created)).toBe('reminder_scheduled');
    expect(await t.reminders.handleEvent(created)).toBe('already_known');
    expect(await t.reminders.handleEvent({ ...created, id: 'evt-resent-with-new-id' })).toBe('already_known');
    expect(t.scheduler.size()).toBe(1);
    await t.runUntil(t.clock.now() + 3 * HOUR);
    expect(t.sent).toHaveLength(1);
  });

  it('sends at most maxPerOrder reminders, one delay apart', async () => {
    const t = await setUp({ maxPerOrder: 3 });
    const { conversation, order } = await t.buyer('carol');
    await t.reminders.handleEvent(t.event('created_unpaid', order.id, conversation));
    await t.runUntil(shanghai('2026-12-01T20:00:00'));
    expect(t.sent.map((s) => s.at)).toEqual([shanghai('2026-12-01T10:30:00'), shanghai('2026-12-01T11:00:00'), shanghai('2026-12-01T11:30:00')]);
    expect(t.scheduler.size()).toBe(0);
    expect((await t.ledger.get(order.id))!.sent).toBe(3);
    // Two reminders read differently (the variation is chosen per reminder).
    expect(new Set(t.sent.map((s) => s.replies[0]!.text)).size).toBeGreaterThan(1);
  });

  it('defers a reminder that falls in quiet hours to their end, in the shop’s time zone', async () => {
    const t = await setUp({}, shanghai('2026-12-01T21:50:00'));
    const { conversation, order } = await t.buyer('night-owl');
    await t.reminders.handleEvent(t.event('created_unpaid', order.id, conversation));
    await t.runUntil(shanghai('2026-12-02T07:59:00'));
    expect(t.sent).toEqual([]);
    await t.runUntil(shanghai('2026-12-02T08:00:00'));
    expect(t.sent.map((s) => s.at)).toEqual([shanghai('2026-12-02T08:00:00')]);
  });

  it('holds back a reminder that comes due late, inside quiet hours (every process was down), until they end', async () => {
    const t = await setUp({ quietHours: { start: '22:00', end: '08:00' } }, shanghai('2026-12-01T21:00:00'));
    const { conversation, order } = await t.buyer('late-job');
    await t.reminders.handleEvent(t.event('created_unpaid', order.id, conversation));
    // Nothing ran until 23:00 (as after an outage); the job is overdue and it is quiet now.
    t.clock.advance(2 * HOUR);
    await t.scheduler.runDue();
    expect(t.sent).toEqual([]);
    await t.runUntil(shanghai('2026-12-02T08:00:00'));
    expect(t.sent.map((s) => s.at)).toEqual([shanghai('2026-12-02T08:00:00')]);
  });

  it.each(['paid', 'cancelled'] as const)('removes the waiting reminder when the order is %s', async (type) => {
    const t = await setUp();
    const { conversation, order } = await t.buyer(`closer-${type}`);
    await t.reminders.handleEvent(t.event('created_unpaid', order.id, conversation));
    expect(t.scheduler.size()).toBe(1);
    t.clock.advance(10 * MINUTE);
    expect(await t.reminders.handleEvent(t.event(type, order.id, conversation))).toBe('closed');
    expect(t.scheduler.size()).toBe(0);
    expect(await t.reminders.handleEvent(t.event(type, order.id, conversation))).toBe('already_closed_before');
    await t.runUntil(t.clock.now() + 5 * HOUR);
    expect(t.sent).toEqual([]);
    expect((await t.ledger.get(order.id))!.status).toBe(type);
  });

  it('ignores created_unpaid that arrives after paid (events out of order)', async () => {
    const t = await setUp();
    const { conversation, order } = await t.buyer('dave');
    const createdAt = t.clock.now();
    t.clock.advance(MINUTE);
    expect(await t.reminders.handleEvent(t.event('paid', order.id, conversation))).toBe('closed');
    expect(await t.reminders.handleEvent(t.event('created_unpaid', order.id, conversation, createdAt))).toBe('already_closed');
    await t.runUntil(t.clock.now() + 5 * HOUR);
    expect(t.sent).toEqual([]);
    expect(t.scheduler.size()).toBe(0);
  });

  it('counts from when the order was created, so a late event is not reminded later than planned', async () => {
    const t = await setUp();
    const { conversation, order } = await t.buyer('erin');
    const createdAt = t.clock.now();
    t.clock.advance(20 * MINUTE);
    await t.reminders.handleEvent(t.event('created_unpaid', order.id, conversation, createdAt));
    await t.runUntil(createdAt + 30 * MINUTE);
    expect(t.sent.map((s) => s.at)).toEqual([createdAt + 30 * MINUTE]);
  });

  it('re-reads the order at send time and sends nothing once the shop says it is no longer unpaid', async () => {
    const t = await setUp();
    const { conversation, order } = await t.buyer('frank');
    await t.reminders.handleEvent(t.event('created_unpaid', order.id, conversation));
    // Cancelled in the shop, but the event never reached Kefu.
    await t.orders.cancelOrder({ channel: 'webchat', buyerId: 'frank' }, order.id, { idempotencyKey: 'c1', actor: 'test', at: t.clock.now() });
    await t.runUntil(t.clock.now() + 5 * HOUR);
    expect(t.sent).toEqual([]);
    expect((await t.ledger.get(order.id))!.status).toBe('cancelled');
  });

  it('sends nothing for an order the buyer does not have (another buyer’s, or a guessed id)', async () => {
    const t = await setUp();
    const { order: mallorysOrder } = await t.buyer('mallory');
    const { conversation } = await t.buyer('grace');
    await t.reminders.handleEvent(t.event('created_unpaid', mallorysOrder.id, conversation));
    await t.reminders.handleEvent(t.event('created_unpaid', 'KF0000000000001', conversation));
    await t.runUntil(t.clock.now() + 5 * HOUR);
    expect(t.sent).toEqual([]);
  });

  it('retries a reminder the channel could not deliver, and sends it once', async () => {
    const t = await setUp({ maxPerOrder: 1 });
    const { conversation, order } = await t.buyer('heidi');
    await t.reminders.handleEvent(t.event('created_unpaid', order.id, conversation));
    t.failNextSends(2);
    await t.runUntil(t.clock.now() + 2 * HOUR);
    expect(t.sent).toHaveLength(1);
    expect((await t.ledger.get(order.id))!.sent).toBe(1);
    expect(await t.counters.read()).toEqual({ remindersSent: 1, paidAfterReminder: 0 });
  });

  it('retries a reminder while the shop’s backend cannot be read, then sends it once', async () => {
    const t = await setUp({ maxPerOrder: 1 });
    const { conversation, order } = await t.buyer('backend-down');
    await t.reminders.handleEvent(t.event('created_unpaid', order.id, conversation));
    t.failNextOrderReads(3);
    await t.runUntil(t.clock.now() + 2 * HOUR);
    expect(t.sent).toHaveLength(1);
    expect((await t.ledger.get(order.id))!.sent).toBe(1);
  });

  it('counts an order paid within 24 hours after a reminder, once', async () => {
    const t = await setUp({ maxPerOrder: 1 });
    const { conversation, order } = await t.buyer('ivan');
    await t.reminders.handleEvent(t.event('created_unpaid', order.id, conversation));
    await t.runUntil(t.clock.now() + 30 * MINUTE);
    t.clock.advance(23 * HOUR);
    const paid = t.event('paid', order.id, conversation);
    await t.reminders.handleEvent(paid);
    await t.reminders.handleEvent({ ...paid, id: 'evt-paid-again' });
    expect(await t.counters.read()).toEqual({ remindersSent: 1, paidAfterReminder: 1 });
  });

  it('does not count a payment more than 24 hours after the reminder, or one without a reminder', async () => {
    const t = await setUp({ maxPerOrder: 1 });
    const late = await t.buyer('judy');
    await t.reminders.handleEvent(t.event('created_unpaid', late.order.id, late.conversation));
    await t.runUntil(t.clock.now() + 30 * MINUTE);
    t.clock.advance(25 * HOUR);
    await t.reminders.handleEvent(t.event('paid', late.order.id, late.conversation));
    const quick = await t.buyer('ken');
    await t.reminders.handleEvent(t.event('created_unpaid', quick.order.id, quick.conversation));
    await t.reminders.handleEvent(t.event('paid', quick.order.id, quick.conversation));
    expect(await t.counters.read()).toEqual({ remindersSent: 1, paidAfterReminder: 0 });
  });
});
