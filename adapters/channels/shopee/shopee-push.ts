// Reads a verified Shopee push into the core's message model. Code 10 is a webchat push; of those,
// only data.type "message" sent by the buyer reaches the bot (a message whose from_shop_id is the
// shop's own is the seller's, and notifications, read receipts and other codes are acknowledged and
// ignored). content.content depends on message_type: text {"text"}, item {"item_id"}, order
// {"order_sn"}. Pushes recovered from the lost-push API are read the same way.

import type { MessageContext } from '../../../dialogs/messages.ts';
import { idOf, isObject, parseJsonString, timeOf, unreadable, type PushReading } from '../shared/push-reading.ts';

export const SHOPEE_CHANNEL = 'shopee';
export const SHOPEE_WEBCHAT_PUSH = 10;

export function readShopeePush(push: Record<string, unknown>, receivedAt: number, shopId: number): PushReading {
  if (push.code === undefined) return unreadable('code is missing', push);
  if (Number(push.code) !== SHOPEE_WEBCHAT_PUSH) return { kind: 'ignored', reason: `push code ${String(push.code)} is not webchat` };
  if (Number(push.shop_id) !== shopId) return { kind: 'ignored', reason: `push for shop ${String(push.shop_id)}, not this shop` };
  // The lost-push API hands data back as a JSON string; live pushes carry it as an object.
  const data = typeof push.data === 'string' ? parseJsonString(push.data) : push.data;
  if (!isObject(data)) return unreadable('data must be an object', push);
  if (data.type !== 'message') return { kind: 'ignored', reason: `webchat push type ${String(data.type)} is not a message` };
  const message = data.content;
  if (!isObject(message)) return unreadable('data.content must be an object', push);
  if (Number(message.from_shop_id) === shopId) return { kind: 'ignored', reason: 'sent by the shop (seller side)' };
  const messageId = idOf(message.message_id);
  const conversationId = idOf(message.conversation_id);
  const buyerId = idOf(message.from_id);
  if (!messageId || !conversationId || !buyerId) return unreadable('message_id, conversation_id and from_id are required', push);
  const content = message.content;
  if (!isObject(content)) return unreadable('data.content.content must be an object', push);

  let text = '';
  let context: MessageContext | undefined;
  switch (message.message_type) {
    case 'text':
      if (typeof content.text !== 'string') return unreadable('a text message needs content.text', push);
      text = content.text;
      break;
    case 'item': {
      const itemId = idOf(content.item_id);
      if (!itemId) return unreadable('an item message needs content.item_id', push);
      context = { productId: itemId };
      break;
    }
    case 'order': {
      const orderSn = idOf(content.order_sn);
      if (!orderSn) return unreadable('an order message needs content.order_sn', push);
      context = { orderId: orderSn };
      break;
    }
    default:
      return { kind: 'ignored', reason: `message_type ${String(message.message_type)} is not handled` };
  }
  const sentAt = timeOf(push.timestamp);
  if (sentAt === null) return unreadable('timestamp is missing', push);
  return {
    kind: 'message',
    sentAt,
    message: {
      id: messageId,
      conversation: { channel: SHOPEE_CHANNEL, conversationId, buyerId },
      text,
      ...(context ? { context } : {}),
      ...(typeof message.from_user_name === 'string' && message.from_user_name ? { buyerName: message.from_user_name.slice(0, 100) } : {}),
      receivedAt,
    },
  };
}
