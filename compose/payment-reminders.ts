// Wires payment reminders (催付) from the configuration: the scheduler (BullMQ on Redis when
// redis.url is set, an in-process timer otherwise), the reminder ledger and counters (Redis or
// memory alike), the inbox for order events, the subscription to a commerce backend that pushes
// events, and the webhook route. server.ts calls setUpPaymentReminders from composeKefu and
// registerPaymentReminderRoutes from startServer; that is all it knows about reminders.

import type { FastifyInstance } from 'fastify';
import type { KefuConfig } from '../config/config-types.ts';
import { isOrderEventSource, type OrderEvent } from '../dialogs/commerce/order-events.ts';
import type { Orders } from '../dialogs/commerce/orders.ts';
import type { ConversationService } from '../dialogs/conversations.ts';
import type { FlowSet } from '../dialogs/flows/load-flows.ts';
import type { ReminderResults } from '../dialogs/insight/reminder-results.ts';
import type { Catalog, Clock, DeliveryLedger, Logger, SessionStore } from '../dialogs/ports.ts';
import { OrderEventInbox, type OrderEventReceipt } from '../dialogs/reminders/order-event-inbox.ts';
import { PaymentReminders } from '../dialogs/reminders/payment-reminders.ts';
import type { ReminderCounters, ReminderCounterValues } from '../dialogs/reminders/reminder-counters.ts';
import { PAYMENT_REMINDER_RESPONSE } from '../dialogs/reminders/reminder-message.ts';
import type { Scheduler } from '../dialogs/scheduling/scheduler.ts';
import { registerOrderEventsRoute } from '../adapters/order-events/order-events-route.ts';
import { InProcessScheduler } from '../adapters/schedulers/in-process/in-process-scheduler.ts';
import { MemoryReminderCounters } from '../adapters/stores/memory/memory-reminder-counters.ts';
import { MemoryReminderLedger } from '../adapters/stores/memory/memory-reminder-ledger.ts';
import { connectRedis, hasRedis, waitForRedisReady } from '../adapters/stores/redis/redis-connection.ts';
import { RedisReminderCounters } from '../adapters/stores/redis/redis-reminder-counters.ts';
import { RedisReminderLedger } from '../adapters/stores/redis/redis-reminder-ledger.ts';

/** An order is remembered this long after its first event: far longer than any order stays unpaid. */
const KEEP_ORDER_SECONDS = 14 * 24 * 3600;
export const REMINDER_QUEUE = 'payment-reminders';

export interface PaymentRemindersRuntime {
  reminders: PaymentReminders;
  inbox: OrderEventInbox;
  counters: ReminderCounters;
  scheduler: Scheduler;
  schedulerKind: 'bullmq' | 'in-process';
  /** Hands an event to the inbox, as the webhook and a commerce backend do. */
  receive(event: OrderEvent): Promise<OrderEventReceipt>;
  close(): Promise<void>;
}

export interface PaymentRemindersDeps {
  config: KefuConfig;
  logger: Logger;
  clock: Clock;
  orders: Orders;
  catalog: Catalog;
  conversations: Pick<ConversationService, 'sendToBuyer'>;
  sessions: SessionStore;
  /** The delivery ledger of the message stores: event ids are deduplicated beside message ids. */
  deliveryLedger: DeliveryLedger;
  flows: () => FlowSet;
  /** Told of every order placed (a created_unpaid event), e.g. to credit the bot with it (docs/insight.md). */
  onOrderPlaced?: (event: OrderEvent) => Promise<void>;
}

/** Null when reminders are switched off (reminders.enabled: false). */
export async function setUpPaymentReminders(deps: PaymentRemindersDeps): Promise<PaymentRemindersRuntime | null> {
  const { config, logger, clock } = deps;
  const settings = config.reminders;
  if (!settings.enabled) return null;
  if (!deps.flows().responses.has(PAYMENT_REMINDER_RESPONSE)) {
    logger.warn(`the flows have no "${PAYMENT_REMINDER_RESPONSE}" response: payment reminders will fail until one is added`);
  }

  let scheduler: Scheduler;
  let stores: { ledger: MemoryReminderLedger | RedisReminderLedger; counters: ReminderCounters; close(): Promise<void> };
  const redisUrl = hasRedis(config.redis);
  if (redisUrl) {
    const client = connectRedis(config.redis, { connectionName: 'kefu-reminders', logger });
    // BullMQ is loaded only when Redis is configured: an in-memory Kefu does not need it.
    const { BullmqScheduler } = await import('../adapters/schedulers/bullmq/bullmq-scheduler.ts');
    const bullmq = new BullmqScheduler({ url: config.redis.url, clusterNodes: config.redis.clusterNodes, sentinel: config.redis.sentinel, prefix: `${config.sessions.keyPrefix}bull`, queueName: REMINDER_QUEUE, logger });
    try {
      await Promise.all([waitForRedisReady(client), bullmq.ready()]);
    } catch (error) {
      client.disconnect();
      await bullmq.close().catch(() => {});
      throw error;
    }
    scheduler = bullmq;
    const prefix = config.sessions.keyPrefix;
    stores = { ledger: new RedisReminderLedger({ client, prefix }), counters: new RedisReminderCounters(client, prefix), close: async () => client.disconnect() };
  } else {
    scheduler = new InProcessScheduler({ clock, logger });
    stores = { ledger: new MemoryReminderLedger(clock), counters: new MemoryReminderCounters(), close: async () => {} };
  }

  const reminders = new PaymentReminders({
    settings: {
      delayMs: Math.round(settings.delayMinutes * 60_000),
      maxPerOrder: settings.maxPerOrder,
      quietHours: settings.quietHours,
      timeZone: config.shop.timezone,
      defaultLanguage: settings.language,
      shopName: config.shop.name,
      keepSeconds: KEEP_ORDER_SECONDS,
    },
    scheduler,
    ledger: stores.ledger,
    counters: stores.counters,
    orders: deps.orders,
    catalog: deps.catalog,
    conversations: deps.conversations,
    sessions: deps.sessions,
    flows: deps.flows,
    clock,
    logger,
  });
  const inbox = new OrderEventInbox({
    reminders,
    ledger: deps.deliveryLedger,
    logger,
    dedupeSeconds: config.conversations.dedupeSeconds,
    claimSeconds: Math.ceil(config.conversations.leaseMs / 1000),
  });
  await reminders.start();
  const receive = async (event: OrderEvent): Promise<OrderEventReceipt> => {
    const receipt = await inbox.receive(event);
    // After the inbox accepted it (so a redelivery is told the same); the observer counts each order once itself.
    if (event.type === 'created_unpaid' && deps.onOrderPlaced) {
      await deps.onOrderPlaced(event).catch((error: Error) => logger.warn({ err: error.message }, 'order observer failed'));
    }
    return receipt;
  };
  // A commerce backend that pushes events itself: same inbox, same guarantees as the webhook.
  const unsubscribe = isOrderEventSource(deps.orders) ? deps.orders.onOrderEvent(async (event) => void (await receive(event))) : () => {};
  logger.info({ scheduler: redisUrl ? 'bullmq' : 'in-process' }, `payment reminders on (${redisUrl ? 'BullMQ on Redis' : 'in-process timer'})`);

  return {
    reminders,
    inbox,
    counters: stores.counters,
    scheduler,
    schedulerKind: redisUrl ? 'bullmq' : 'in-process',
    receive,
    async close() {
      unsubscribe();
      await scheduler.close();
      await stores.close();
    },
  };
}

/** Mounts POST /events/orders when reminders are on and reminders.webhookSecret is set. */
export function registerPaymentReminderRoutes(
  http: FastifyInstance,
  runtime: PaymentRemindersRuntime | null,
  config: KefuConfig,
  deps: { clock: Clock; logger: Logger },
): void {
  const secret = config.reminders.webhookSecret;
  if (!runtime || !secret) return;
  // Through runtime.receive, so the observers (onOrderPlaced) hear of webhook events too.
  registerOrderEventsRoute(http, { inbox: { receive: runtime.receive }, secret, clock: deps.clock, logger: deps.logger });
}

/**
 * The reminder counters, for a dashboard: reminders sent, and orders paid within 24 h of one.
 * Zeros when reminders are off. Shared by every process (and kept across restarts) with Redis.
 */
export async function readReminderCounters(kefu: { reminders: PaymentRemindersRuntime | null }): Promise<ReminderCounterValues> {
  return kefu.reminders ? kefu.reminders.counters.read() : { remindersSent: 0, paidAfterReminder: 0 };
}

/**
 * The reminders' counters as the dashboard's ReminderResults. The counters are running totals
 * (since they began, or since Redis was emptied), so the dashboard shows totals, whatever window it asks for.
 */
export function reminderResults(counters: PaymentRemindersRuntime['counters']): ReminderResults {
  return {
    async reminderRecovery() {
      const { remindersSent, paidAfterReminder } = await counters.read();
      return { sent: remindersSent, paidWithin24h: paidAfterReminder };
    },
  };
}
