// Payment reminders (催付): an order created but not paid gets a friendly reminder with its summary
// and a pay button, after a delay, outside quiet hours, at most N times; payment or cancellation
// stops them. The rules, in the order things happen:
//   created_unpaid → remember the order (ReminderLedger.open) and schedule reminder 1 at
//                    occurredAt + delay, moved past quiet hours;
//   paid/cancelled → close the order for good (the first one wins, also when it comes before
//                    created_unpaid) and cancel the waiting reminder; a payment within 24 h after a
//                    reminder counts in paidAfterReminder;
//   reminder due   → still unpaid in the ledger AND in the shop's backend (Orders.getOrder, re-read
//                    now)? → claim the reminder number (atomic: one process wins) → send it through
//                    the buyer's own channel → schedule the next one, if any.
// Every step can be repeated safely, so a retried event or job never sends twice.

import { loadSession } from '../conversation-sessions.ts';
import type { ConversationService } from '../conversations.ts';
import type { OrderEvent } from '../commerce/order-events.ts';
import type { Order, Orders } from '../commerce/orders.ts';
import type { FlowSet } from '../flows/load-flows.ts';
import type { ConversationRef, Language, LocalText } from '../messages.ts';
import type { Catalog, Clock, Logger, Product, SessionStore } from '../ports.ts';
import type { ScheduledJob, Scheduler } from '../scheduling/scheduler.ts';
import { afterQuietHours, type QuietHours } from './quiet-hours.ts';
import type { ReminderCounters } from './reminder-counters.ts';
import type { ReminderLedger } from './reminder-ledger.ts';
import { paymentReminderReplies } from './reminder-message.ts';

export interface PaymentReminderSettings {
  /** From the order's creation to the first reminder, and between reminders. */
  delayMs: number;
  maxPerOrder: number;
  quietHours: QuietHours | null;
  /** The shop's IANA time zone, for quiet hours. */
  timeZone: string;
  /** Language of a buyer Kefu has no session for. */
  defaultLanguage: Language;
  shopName: LocalText;
  /** How long an order is remembered (longer than any order stays unpaid). */
  keepSeconds: number;
}

export interface PaymentRemindersOptions {
  settings: PaymentReminderSettings;
  scheduler: Scheduler;
  ledger: ReminderLedger;
  counters: ReminderCounters;
  orders: Orders;
  /** Names the colours of the order's lines. */
  catalog: Catalog;
  conversations: Pick<ConversationService, 'sendToBuyer'>;
  sessions: SessionStore;
  flows: () => FlowSet;
  clock: Clock;
  logger: Logger;
}

/** What an event did (the webhook answers it, tests read it). */
export type OrderEventOutcome =
  | 'reminder_scheduled' // created_unpaid: a reminder waits
  | 'already_known' // created_unpaid again for an order already waiting
  | 'already_closed' // created_unpaid after paid/cancelled (out of order): nothing to remind
  | 'closed' // paid/cancelled: reminders stopped
  | 'already_closed_before'; // paid/cancelled again

/** What happened when a reminder fell due. */
export type ReminderOutcome = 'sent' | 'deferred' | 'not_unpaid' | 'order_not_found' | 'already_sent';

export const REMINDER_JOB_PREFIX = 'payment-reminder';
const PAID_WITHIN_MS = 24 * 60 * 60 * 1000;

export function reminderJobKey(orderId: string, n: number, deferred = false): string {
  return `${REMINDER_JOB_PREFIX}:${orderId}:${n}${deferred ? ':deferred' : ''}`;
}

export class PaymentReminders {
  constructor(private readonly options: PaymentRemindersOptions) {}

  /** Starts running due reminders (call once per process). */
  async start(): Promise<void> {
    await this.options.scheduler.start((job) => this.runJob(job).then(() => undefined));
  }

  async handleEvent(event: OrderEvent): Promise<OrderEventOutcome> {
    const { ledger, settings, clock } = this.options;
    if (event.type === 'created_unpaid') {
      const conversation: ConversationRef = { channel: event.buyer.channel, conversationId: event.buyer.conversationId, buyerId: event.buyer.buyerId };
      const { created, record } = await ledger.open(event.orderId, conversation, event.occurredAt, settings.keepSeconds);
      if (record.status !== 'unpaid') return 'already_closed';
      // Scheduling again is harmless (a waiting key keeps its first schedule) and repairs an earlier
      // delivery that opened the order but failed before scheduling.
      if (record.sent === 0) {
        const due = Math.max((record.createdAt ?? event.occurredAt) + settings.delayMs, clock.now());
        await this.scheduleReminder(event.orderId, 1, due);
      }
      return created ? 'reminder_scheduled' : 'already_known';
    }
    const { changed, before } = await ledger.close(event.orderId, event.type, event.occurredAt, settings.keepSeconds);
    // Cancelled every time, so a retry repairs a delivery that closed the order but failed here.
    await this.cancelReminders(event.orderId);
    if (changed && event.type === 'paid' && before?.lastSentAt !== undefined) {
      const since = event.occurredAt - before.lastSentAt;
      if (since >= 0 && since <= PAID_WITHIN_MS) await this.count('paidAfterReminder');
    }
    return changed ? 'closed' : 'already_closed_before';
  }

  /** Runs a due reminder job; throws when it should be retried (the backend or the channel failed). */
  async runJob(job: ScheduledJob): Promise<ReminderOutcome> {
    const orderId = String(job.data.orderId);
    const n = Number(job.data.n);
    return this.sendReminder(orderId, n, job.key.endsWith(':deferred'));
  }

  async sendReminder(orderId: string, n: number, wasDeferred: boolean): Promise<ReminderOutcome> {
    const { ledger, orders, settings, clock, logger } = this.options;
    const record = await ledger.get(orderId);
    if (!record || record.status !== 'unpaid' || !record.conversation) return 'not_unpaid';
    if (record.sent >= n) return 'already_sent';
    const now = clock.now();
    // A job that ran late (Redis was down, every process was stopped) may fall into quiet hours.
    const allowedAt = afterQuietHours(now, settings.quietHours, settings.timeZone);
    if (allowedAt > now && !wasDeferred) {
      await this.options.scheduler.schedule({ key: reminderJobKey(orderId, n, true), runAt: allowedAt, data: { orderId, n } });
      return 'deferred';
    }
    const conversation = record.conversation;
    const order = await orders.getOrder({ channel: conversation.channel, buyerId: conversation.buyerId }, orderId);
    if (!order) {
      logger.warn({ orderId }, 'payment reminder skipped: the order is not found for this buyer');
      return 'order_not_found';
    }
    if (order.status !== 'unpaid') {
      // The backend knows better than the events we got: stop here and remember it.
      if (order.status === 'cancelled') await ledger.close(orderId, 'cancelled', now, settings.keepSeconds);
      else await ledger.close(orderId, 'paid', order.paidAt ?? now, settings.keepSeconds);
      return 'not_unpaid';
    }
    const language = await this.buyerLanguage(conversation);
    const replies = paymentReminderReplies(this.options.flows(), order, language, settings.shopName, n, await this.productsOf(order));
    if (!(await ledger.claimReminder(orderId, n, now))) return 'already_sent';
    try {
      await this.options.conversations.sendToBuyer(conversation, replies, 'bot', now, `reminder:${orderId}:${n}`);
    } catch (error) {
      await ledger.releaseReminder(orderId, n, record.lastSentAt ?? null);
      throw error;
    }
    logger.info({ orderId, reminder: n }, 'payment reminder sent');
    await this.count('remindersSent');
    if (n < settings.maxPerOrder) await this.scheduleReminder(orderId, n + 1, now + settings.delayMs);
    return 'sent';
  }

  private async scheduleReminder(orderId: string, n: number, due: number): Promise<void> {
    const { settings } = this.options;
    const runAt = afterQuietHours(due, settings.quietHours, settings.timeZone);
    await this.options.scheduler.schedule({ key: reminderJobKey(orderId, n), runAt, data: { orderId, n } });
  }

  private async cancelReminders(orderId: string): Promise<void> {
    const keys: string[] = [];
    for (let n = 1; n <= this.options.settings.maxPerOrder; n += 1) keys.push(reminderJobKey(orderId, n), reminderJobKey(orderId, n, true));
    await Promise.all(keys.map((key) => this.options.scheduler.cancel(key)));
  }

  /** The order's products, for their colour names; a catalog that is down only costs the names. */
  private async productsOf(order: Order): Promise<Map<string, Product>> {
    const products = new Map<string, Product>();
    await Promise.all(
      [...new Set(order.lines.map((line) => line.productId))].map(async (id) => {
        try {
          const product = await this.options.catalog.getProduct(id);
          if (product) products.set(id, product);
        } catch (error) {
          this.options.logger.warn({ err: (error as Error).message, productId: id }, 'catalog unavailable; the reminder shows colours as the order has them');
        }
      }),
    );
    return products;
  }

  private async buyerLanguage(conversation: ConversationRef): Promise<Language> {
    try {
      const session = await loadSession(this.options.sessions, conversation, this.options.logger);
      if (session) return session.language;
    } catch (error) {
      this.options.logger.warn({ err: (error as Error).message }, 'could not read the buyer session; reminding in the default language');
    }
    return this.options.settings.defaultLanguage;
  }

  /** Counters are worth less than a reminder: a failing counter is logged, never an error. */
  private async count(name: 'remindersSent' | 'paidAfterReminder'): Promise<void> {
    await this.options.counters.increment(name).catch((error: Error) => this.options.logger.warn({ err: error.message, counter: name }, 'reminder counter failed'));
  }
}
