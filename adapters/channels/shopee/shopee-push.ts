// Reads a verified Shopee push into the core's message model. Sources (re-check them when Shopee
// changes its pushes):
//   [push guide]  Shopee Open Platform, Developer Guide "Push Mechanism notifications": Chat Push,
//                 "Webchat Push (Code:10): Chat information notification"; envelope {shop_id, code,
//                 timestamp, data}; Push Authorization (shopee-signature.ts); Retry Logic (a 2xx
//                 with an EMPTY body, shared/accept-push.ts).
//   [lost push]   API reference "v2.push.get_lost_push_message": each item's `data` is a string
//                 holding the WHOLE push, e.g. "{\"data\":{…},\"shop_id\":727720655,\"code\":3,
//                 \"timestamp\":1660123127}" (readLostShopeePush below).
//   [captured]    No webchat push sample is published; the field names of data.content come from a
//                 live push captured in a public repository (fuyurina/yorozuya, request.py): type
//                 "message", content {message_id, shop_id, from_id, from_user_name, to_id,
//                 to_user_name, message_type, content {text}, conversation_id, created_timestamp,
//                 region, …}. In it content.shop_id is the SENDER's shop (it differs from the
//                 envelope's shop_id, the shop the push is for), and there is no from_shop_id.
// Only data.type "message" sent by the buyer reaches the bot: a message whose sender shop
// (from_shop_id, or content.shop_id as captured) is this shop is the seller's own, and so is one
// whose id Kefu itself sent (checked by the worker); notifications, read receipts and other codes
// are acknowledged and ignored. content.content by message_type: text {"text"}, item {"item_id"},
// order {"order_sn"} (the sellerchat send_message API's own message types).

import type { MessageContext } from '../../../dialogs/messages.ts';
import { firstIdOf, idOf, isObject, parseJsonString, timeOf, unreadable, type PushReading } from '../shared/push-reading.ts';

export const SHOPEE_CHANNEL = 'shopee';
/** [push guide] "Webchat Push (Code:10)"; v2.push.set_app_push_config "10=webchat push". */
export const SHOPEE_WEBCHAT_PUSH = 10;

export function readShopeePush(push: Record<string, unknown>, receivedAt: number, shopId: number): PushReading {
  if (push.code === undefined) return unreadable('code is missing', push);
  if (Number(push.code) !== SHOPEE_WEBCHAT_PUSH) return { kind: 'ignored', reason: `push code ${String(push.code)} is not webchat` };
  if (Number(push.shop_id) !== shopId) return { kind: 'ignored', reason: `push for shop ${String(push.shop_id)}, not this shop` };
  const data = push.data;
  if (!isObject(data)) return unreadable('data must be an object', push);
  if (data.type !== 'message') return { kind: 'ignored', reason: `webchat push type ${String(data.type)} is not a message` };
  const message = data.content;
  if (!isObject(message)) return unreadable('data.content must be an object', push);
  // [captured] the sender's shop is content.shop_id; from_shop_id is the name earlier readers used.
  // Either one naming this shop means the seller (or Kefu itself) wrote it.
  const senderShop = firstIdOf(message.from_shop_id, message.shop_id);
  if (senderShop !== null && Number(senderShop) === shopId) return { kind: 'ignored', reason: 'sent by the shop (seller side)' };
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
  // [push guide] the envelope's timestamp (seconds); the message's own created_timestamp [captured]
  // when the envelope has none.
  const sentAt = timeOf(push.timestamp) ?? timeOf(message.created_timestamp);
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

/** Whether a lost-push item is a webchat push for this shop, i.e. Kefu's to handle (see shopee-lost-push.ts). */
export function isOwnWebchatItem(item: Record<string, unknown>, shopId: number): boolean {
  return Number(item.code) === SHOPEE_WEBCHAT_PUSH && Number(item.shop_id) === shopId;
}

/**
 * Reads one item of get_lost_push_message's push_message_list. [lost push] documents `data` as a
 * string holding the whole push ({data, shop_id, code, timestamp}); that is unwrapped and read as a
 * live push. Likely alternatives are accepted too: `data` already an object, or a string holding only
 * the inner data ({type, content}), read under the item's own shop_id, code and timestamp.
 */
export function readLostShopeePush(item: Record<string, unknown>, receivedAt: number, shopId: number): PushReading {
  const data = typeof item.data === 'string' ? parseJsonString(item.data) : isObject(item.data) ? item.data : null;
  if (!data) return unreadable('lost push data is not a JSON object', item);
  const isWholePush = data.code !== undefined && isObject(data.data);
  const push = isWholePush ? { ...data, shop_id: data.shop_id ?? item.shop_id, timestamp: data.timestamp ?? item.timestamp } : { ...item, data };
  return readShopeePush(push, receivedAt, shopId);
}
