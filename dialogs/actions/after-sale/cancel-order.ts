// cancel_order: cancels an unpaid or unshipped order (once: the key is the conversation and order).

import type { ActionDefinition } from '../action-types.ts';
import { actorOf, changeKey, ORDER_VOCABULARY, orderView, stringSlot } from './order-view.ts';

export const cancelOrder: ActionDefinition = {
  name: 'cancel_order',
  description: 'Cancels order_id when it is unpaid or not shipped. Sets cancel_state (applied, shipped, not_allowed, not_found, unavailable) and order.',
  outputs: ['cancel_state', 'order'],
  vocabulary: ORDER_VOCABULARY,
  async run(context) {
    const orderId = stringSlot(context, 'order_id');
    if (!orderId) return { set: { cancel_state: 'not_found' } };
    try {
      const result = await context.orders.cancelOrder(orderId, {
        idempotencyKey: changeKey('cancel', context.conversation.channel, context.conversation.conversationId, orderId),
        actor: actorOf(context),
        at: context.now,
      });
      const state = result.outcome === 'already_applied' ? 'applied'
        : result.outcome === 'not_allowed' && result.order && ['shipped', 'delivered'].includes(result.order.status) ? 'shipped'
        : result.outcome;
      return { set: { cancel_state: state, ...(result.order ? { order: orderView(result.order, context) } : {}) } };
    } catch (error) {
      context.logger.warn({ err: (error as Error).message, action: 'cancel_order' }, 'orders backend unavailable');
      return { set: { cancel_state: 'unavailable' } };
    }
  },
};
