// Where order events come in, from the webhook and from a commerce backend alike: each event id is
// handled once (the delivery ledger, as for buyers' messages), a repeat gets the first answer, and
// a failure gives the id back so the sender's retry is handled — nothing is lost, nothing doubled.

import type { OrderEvent } from '../commerce/order-events.ts';
import { DeliveryInProgressError } from '../conversations.ts';
import type { DeliveryLedger, Logger } from '../ports.ts';
import type { OrderEventOutcome, PaymentReminders } from './payment-reminders.ts';

export interface OrderEventInboxOptions {
  reminders: Pick<PaymentReminders, 'handleEvent'>;
  ledger: DeliveryLedger;
  logger: Logger;
  /** How long an event id is remembered (must outlast the senders' retries and the signature window). */
  dedupeSeconds: number;
  /** How long a claim blocks a concurrent repeat of the same id. */
  claimSeconds: number;
}

export interface OrderEventReceipt {
  outcome: OrderEventOutcome;
  /** True when this event id was handled before; outcome is then the first delivery's. */
  duplicate: boolean;
}

export class OrderEventInbox {
  constructor(private readonly options: OrderEventInboxOptions) {}

  /** Throws DeliveryInProgressError while the same id is being handled, or the failure that stopped it: retry later. */
  async receive(event: OrderEvent): Promise<OrderEventReceipt> {
    const { ledger, logger } = this.options;
    const key = `order-event:${event.id}`;
    const claim = await ledger.claim(key, this.options.claimSeconds);
    if (claim.status === 'done') return { outcome: claim.result as OrderEventOutcome, duplicate: true };
    if (claim.status === 'in_progress') throw new DeliveryInProgressError(event.id);
    try {
      const outcome = await this.options.reminders.handleEvent(event);
      await ledger.complete(key, outcome, this.options.dedupeSeconds);
      logger.info({ event: event.id, type: event.type, orderId: event.orderId, outcome }, 'order event handled');
      return { outcome, duplicate: false };
    } catch (error) {
      await ledger.release(key).catch((releaseError: Error) =>
        logger.warn({ err: releaseError.message }, 'could not release order event claim; it lapses by itself'),
      );
      throw error;
    }
  }
}
