// find_order: which of the buyer's orders the conversation is about. An order number the buyer
// typed (the order_id slot) or the channel's order (the page the buyer writes from) selects one;
// otherwise the buyer's own orders that fit what they want to do: one is taken, several become
// buttons. Orders only ever come from the buyer's channel identity, so a guessed or someone
// else's order number is "not found", word for word like a number that does not exist.
// A guest (nobody vouches for them) first proves one order (prove-order.ts): until then the
// answer is proof_needed, or proof_locked once they have run out of tries.

import type { Order } from '../../commerce/orders.ts';
import { DEFAULT_GUEST_PROOF_LIMITS, overLimits, proofKeys } from '../../commerce/order-proof.ts';
import { carriersFor } from '../../commerce/tracking-numbers.ts';
import type { ActionDefinition } from '../action-types.ts';
import { ORDER_VOCABULARY, orderButtonTitle, orderView } from './order-view.ts';

const MAX_CHOICES = 5;
/** An order number shown back to the buyer: a forged button cannot make the bot say anything else. */
const SHOWN_ORDER_ID = /^[A-Za-z0-9_-]{1,40}$/;

/** Orders that fit each purpose; the others are not offered as buttons. */
const FITS: Record<string, (order: Order) => boolean> = {
  change_address: (o) => ['unpaid', 'paid', 'shipped'].includes(o.status),
  cancel: (o) => ['unpaid', 'paid', 'shipped'].includes(o.status),
  track: (o) => ['shipped', 'delivered'].includes(o.status) || (o.status === 'return_requested' && o.shipment !== undefined),
  return: (o) => ['delivered', 'shipped'].includes(o.status),
  return_tracking: (o) => o.returnRequest !== undefined && ['awaiting_parcel', 'parcel_sent'].includes(o.returnRequest.status),
  refund: (o) => o.refund !== undefined || o.returnRequest !== undefined || o.status === 'cancelled',
};

export const findOrder: ActionDefinition = {
  name: 'find_order',
  description:
    'Finds the order the buyer means (slot order_id, else the channel\'s order, else their orders fitting `purpose`: ' +
    'change_address, cancel, track, return, return_tracking, refund). Sets order_state (found, choose, none, ' +
    'none_fitting, not_found, unavailable; for a guest: proof_needed with proof_retry, or proof_locked), order_id and ' +
    'order; with several, offers one button per order.',
  outputs: ['order_state', 'order_id', 'order', 'order_count', 'proof_retry'],
  vocabulary: ORDER_VOCABULARY,
  async run(context) {
    const purpose = String(context.args.purpose ?? '');
    const fits = FITS[purpose] ?? (() => true);
    const typed = typeof context.slots.order_id === 'string' ? context.slots.order_id : context.context.orderId;
    try {
      if (context.orders.identity === 'guest' && !context.orders.proven) {
        // Tries of this conversation so far: the question says "that did not match" after a wrong one.
        const [tries = 0] = context.proofAttempts ? await context.proofAttempts.failures(proofKeys(context.conversation, null)) : [];
        if (overLimits([tries], context.afterSale.guestProof ?? DEFAULT_GUEST_PROOF_LIMITS)) return { set: { order_state: 'proof_locked' } };
        const named = typed && SHOWN_ORDER_ID.test(typed) ? { order_id: typed } : {};
        return { set: { order_state: 'proof_needed', proof_retry: tries > 0, ...named } };
      }
      if (typed) {
        const order = await context.orders.getOrder(typed);
        if (order) return { set: { order_state: 'found', order_id: order.id, order: orderView(order, context) } };
        // "SF1234567890123" fits the order-number pattern too: a parcel number is not a wrong order
        // number, so the buyer's own orders are offered instead (and the slot is asked afresh).
        // Echoed back only when it looks like an order number: a forged button cannot make the bot say anything.
        const shown = SHOWN_ORDER_ID.test(typed) ? typed : '—';
        if (carriersFor(typed).length === 0) return { set: { order_state: 'not_found', order: { id: shown } } };
      }
      const orders = await context.orders.listOrders();
      if (orders.length === 0) return { set: { order_state: 'none', order_id: undefined, order_count: 0 } };
      const fitting = orders.filter(fits);
      if (fitting.length === 0) return { set: { order_state: 'none_fitting', order_id: undefined, order_count: orders.length } };
      if (fitting.length === 1) {
        const order = fitting[0]!;
        return { set: { order_state: 'found', order_id: order.id, order: orderView(order, context), order_count: orders.length } };
      }
      return {
        set: { order_state: 'choose', order_id: undefined, order_count: orders.length },
        buttons: fitting.slice(0, MAX_CHOICES).map((o) => ({ title: orderButtonTitle(o, context.language, context.vocabulary), payload: o.id })),
      };
    } catch (error) {
      context.logger.warn({ err: (error as Error).message, action: 'find_order' }, 'orders backend unavailable');
      return { set: { order_state: 'unavailable' } };
    }
  },
};
