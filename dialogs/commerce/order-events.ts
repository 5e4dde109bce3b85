// Order events: what a shop's order system tells Kefu about an order's payment, so it can remind a
// buyer who has not paid (催付). They arrive two ways, both handled the same, idempotently by `id`:
//   - on the webhook POST /events/orders, signed by the shop (adapters/order-events/, docs/reminders.md);
//   - from a commerce backend that implements OrderEventSource (e.g. the demo shop), which Kefu
//     subscribes to at start-up.

export type OrderEventType = 'created_unpaid' | 'paid' | 'cancelled';
export const ORDER_EVENT_TYPES: readonly OrderEventType[] = ['created_unpaid', 'paid', 'cancelled'];

export interface OrderEvent {
  /** The sender's unique id for this event: a second delivery with the same id is handled once. */
  id: string;
  type: OrderEventType;
  orderId: string;
  /** The buyer as their channel knows them, and the conversation a reminder is written to. */
  buyer: {
    channel: string;
    buyerId: string;
    conversationId: string;
  };
  /** When it happened in the shop, milliseconds since the epoch (the delay counts from here). */
  occurredAt: number;
}

export type OrderEventListener = (event: OrderEvent) => Promise<void>;

/**
 * A commerce backend that pushes order events itself. Kefu calls onOrderEvent once per process at
 * start-up; the backend calls the listener for each event and, when the listener rejects (Redis
 * down, say), delivers the same event (same id) again later — the same contract as the webhook.
 */
export interface OrderEventSource {
  /** Starts delivering events to the listener; returns a function that stops it. */
  onOrderEvent(listener: OrderEventListener): () => void;
}

export function isOrderEventSource(value: unknown): value is OrderEventSource {
  return typeof value === 'object' && value !== null && typeof (value as { onOrderEvent?: unknown }).onOrderEvent === 'function';
}
