// Returns: start one within the shop's return window, then take the buyer's return tracking
// number (carrier told from the number's format) and attach it.

import { carriersFor, readTrackingNumber } from '../../commerce/tracking-numbers.ts';
import type { ActionDefinition } from '../action-types.ts';
import { actorOf, carrierName, changeKey, ORDER_VOCABULARY, orderView, returnDeadline, stringSlot } from './order-view.ts';

export const startReturn: ActionDefinition = {
  name: 'start_return',
  description:
    'Starts a return of order_id for return_reason when the order was delivered within the return window. Sets ' +
    'return_state (applied, outside_window, not_delivered, already_started, not_allowed, not_found, unavailable) and order.',
  outputs: ['return_state', 'order'],
  vocabulary: ORDER_VOCABULARY,
  async run(context) {
    const orderId = stringSlot(context, 'order_id');
    const reason = stringSlot(context, 'return_reason') ?? 'other';
    if (!orderId) return { set: { return_state: 'not_found' } };
    try {
      const order = await context.orders.getOrder(orderId);
      if (!order) return { set: { return_state: 'not_found' } };
      if (order.returnRequest) return { set: { return_state: 'already_started', order: orderView(order, context) } };
      if (order.status !== 'delivered') return { set: { return_state: 'not_delivered', order: orderView(order, context) } };
      const deadline = returnDeadline(order, context.afterSale);
      if (deadline !== null && context.now > deadline) return { set: { return_state: 'outside_window', order: orderView(order, context) } };
      const result = await context.orders.startReturn(orderId, reason, {
        idempotencyKey: changeKey('return', context.conversation.channel, context.conversation.conversationId, orderId),
        actor: actorOf(context),
        at: context.now,
      });
      const state = result.outcome === 'already_applied' ? 'applied' : result.outcome;
      return { set: { return_state: state, ...(result.order ? { order: orderView(result.order, context) } : {}) } };
    } catch (error) {
      context.logger.warn({ err: (error as Error).message, action: 'start_return' }, 'orders backend unavailable');
      return { set: { return_state: 'unavailable' } };
    }
  },
};

export const readReturnTracking: ActionDefinition = {
  name: 'read_return_tracking',
  description:
    'Reads a parcel tracking number from `text` (default: this message). Sets tracking_state (ok, none, malformed, ' +
    'mismatch), tracking_number, carrier, carrier_name and, on a mismatch, named_carrier_name.',
  outputs: ['tracking_state', 'tracking_number', 'carrier', 'carrier_name', 'named_carrier_name'],
  vocabulary: ['carriers'],
  async run(context) {
    let text = typeof context.args.text === 'string' ? context.args.text : context.text;
    // The buyer's order numbers are not tracking numbers.
    const orderId = stringSlot(context, 'order_id');
    if (orderId && carriersFor(orderId).length === 0) text = text.split(orderId).join(' ');
    const reading = readTrackingNumber(text);
    switch (reading.kind) {
      case 'ok':
        return { set: { tracking_state: 'ok', tracking_number: reading.number, carrier: reading.carrier, carrier_name: carrierName(reading.carrier, context.language, context.vocabulary) } };
      case 'mismatch':
        return {
          set: {
            tracking_state: 'mismatch',
            tracking_number: reading.number,
            carrier_name: carrierName(reading.detected, context.language, context.vocabulary),
            named_carrier_name: carrierName(reading.named, context.language, context.vocabulary),
          },
        };
      case 'malformed':
        return { set: { tracking_state: 'malformed', tracking_number: reading.number } };
      default:
        return { set: { tracking_state: 'none' } };
    }
  },
};

export const attachReturnTracking: ActionDefinition = {
  name: 'attach_return_tracking',
  description: 'Attaches tracking_number (carrier) to the return of order_id. Sets attach_state (applied, not_allowed, not_found, unavailable) and order.',
  outputs: ['attach_state', 'order'],
  vocabulary: ORDER_VOCABULARY,
  async run(context) {
    const orderId = stringSlot(context, 'order_id');
    const number = stringSlot(context, 'tracking_number');
    const carrier = stringSlot(context, 'carrier');
    if (!orderId || !number || !carrier) return { set: { attach_state: 'not_allowed' } };
    try {
      const result = await context.orders.attachReturnTracking(orderId, { carrier, trackingNumber: number }, {
        idempotencyKey: changeKey('return-parcel', context.conversation.channel, context.conversation.conversationId, orderId, number),
        actor: actorOf(context),
        at: context.now,
      });
      const state = result.outcome === 'already_applied' ? 'applied' : result.outcome;
      return { set: { attach_state: state, ...(result.order ? { order: orderView(result.order, context) } : {}) } };
    } catch (error) {
      context.logger.warn({ err: (error as Error).message, action: 'attach_return_tracking' }, 'orders backend unavailable');
      return { set: { attach_state: 'unavailable' } };
    }
  },
};
