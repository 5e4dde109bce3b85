// prove_order: a guest (a web chat visitor the shop did not sign in) proves one order with its
// number and the last four digits of the phone it is delivered to. Proven, the conversation reaches
// that order, and only that one (the engine keeps it in the session); wrong, the try is counted
// against the conversation and the order, and past the limits the flow hands the guest to a person.
// A wrong number and wrong digits are answered alike (dialogs/commerce/order-proof.ts).

import { DEFAULT_GUEST_PROOF_LIMITS, overLimits, proofKeys, readPhoneLastFour } from '../../commerce/order-proof.ts';
import type { ActionDefinition } from '../action-types.ts';
import { orderView, stringSlot } from './order-view.ts';

export const proveOrder: ActionDefinition = {
  name: 'prove_order',
  description:
    'A guest proves an order: order_id (or the number in order_proof) and the last four phone digits in order_proof. ' +
    'Sets order_state (found: the conversation now reaches that order; proof_wrong; proof_locked: too many tries; ' +
    'unavailable), order_id and order.',
  outputs: ['order_state', 'order_id', 'order'],
  async run(context) {
    const { orders, proofAttempts, conversation } = context;
    const limits = context.afterSale.guestProof ?? DEFAULT_GUEST_PROOF_LIMITS;
    if (orders.identity !== 'guest' || !proofAttempts) return { set: { order_state: 'unavailable' } };
    const orderId = stringSlot(context, 'order_id');
    const typed = stringSlot(context, 'order_proof') ?? context.text;
    const digits = readPhoneLastFour(typed, orderId);
    const keys = proofKeys(conversation, orderId);
    try {
      if (overLimits(await proofAttempts.failures(keys), limits)) return { set: { order_state: 'proof_locked' } };
      const order = orderId && digits ? await orders.proveOrder(orderId, digits) : null;
      if (order) {
        context.logger.info({ orderId: order.id, conversation: conversation.conversationId }, 'a guest proved an order');
        return {
          set: { order_state: 'found', order_id: order.id, order: orderView(order, context) },
          provenOrder: { orderId: order.id, owner: order.buyer },
        };
      }
      const counts = await proofAttempts.recordFailure(keys, limits.windowMinutes * 60);
      return { set: { order_state: overLimits(counts, limits) ? 'proof_locked' : 'proof_wrong' } };
    } catch (error) {
      context.logger.warn({ err: (error as Error).message, action: 'prove_order' }, 'order proof unavailable');
      return { set: { order_state: 'unavailable' } };
    }
  },
};
