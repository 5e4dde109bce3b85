// Where order events come in, from the webhook and from a commerce backend alike: each event id is
// handled once (the delivery ledger, as for buyers' messages), a repeat gets the first answer, and
// a failure gives the id back so the sender's retry is handled — nothing is lost, nothing doubled.

import type { OrderEvent } from '../commerce/order-events.ts';
import { handleOnce } from '../handle-once.ts';
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
    const once = {
      ledger,
      logger,
      claimSeconds: this.options.claimSeconds,
      keepSeconds: this.options.dedupeSeconds,
      what: 'order event',
      encode: (outcome: OrderEventOutcome) => outcome,
      decode: (stored: string) => stored as OrderEventOutcome,
    };
    const { result: outcome, duplicate } = await handleOnce(once, `order-event:${event.id}`, event.id, () => this.options.reminders.handleEvent(event));
    if (!duplicate) logger.info({ event: event.id, type: event.type, orderId: event.orderId, outcome }, 'order event handled');
    return { outcome, duplicate };
  }
}
