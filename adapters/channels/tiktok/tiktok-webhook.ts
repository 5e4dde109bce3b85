// Reads a verified TikTok Shop webhook into the core's message model. Source: TikTok Shop Partner
// Center, webhook "(14) New message" (docv2 page 14-new-message; its event example is a test
// fixture): envelope {type: 14, tts_notification_id (string), shop_id (string), timestamp (seconds),
// data}; data {message_id, index, conversation_id, type (TEXT, IMAGE, ALLOCATED_SERVICE,
// NOTIFICATION, BUYER_ENTER_FROM_TRANSFER, BUYER_ENTER_FROM_PRODUCT, BUYER_ENTER_FROM_ORDER,
// PRODUCT_CARD, ORDER_CARD, EMOTICONS, VIDEO, COUPON_CARD, LOGISTICS_CARD, OTHER), content (a JSON
// string: TEXT {"content"}, PRODUCT_CARD / BUYER_ENTER_FROM_PRODUCT {"product_id"}, ORDER_CARD /
// BUYER_ENTER_FROM_ORDER {"order_id"}), create_time (seconds), is_visible, sender {im_user_id, role:
// BUYER, SHOP, CUSTOMER_SERVICE, SYSTEM, ROBOT}}. Only a visible message whose sender.role is BUYER
// reaches the bot. The message is known by data.message_id (the same message notified twice is
// answered once); tts_notification_id stands in when it is missing. Webhooks (6) Seller
// deauthorization and (7) Seller authorization expire (same envelope; their data is not read) alert
// the merchant.

import type { MessageContext } from '../../../dialogs/messages.ts';
import { firstIdOf, idOf, isObject, parseJsonString, timeOf, unreadable, type PushReading } from '../shared/push-reading.ts';

export const TIKTOK_CHANNEL = 'tiktok';
export const TIKTOK_NEW_MESSAGE = 14;
/** (6) Seller deauthorization, (7) Seller authorization expire: the merchant is alerted. */
export const TIKTOK_DEAUTHORIZED = 6;
export const TIKTOK_AUTHORIZATION_EXPIRING = 7;

export function readTiktokWebhook(webhook: Record<string, unknown>, receivedAt: number): PushReading {
  if (webhook.type === undefined) return unreadable('type is missing', webhook);
  const type = Number(webhook.type);
  if (type === TIKTOK_DEAUTHORIZED) return { kind: 'authorization', notice: { revoked: true, detail: `TikTok Shop: shop ${String(webhook.shop_id)} withdrew the app's authorisation` } };
  if (type === TIKTOK_AUTHORIZATION_EXPIRING) return { kind: 'authorization', notice: { detail: `TikTok Shop: the authorisation of shop ${String(webhook.shop_id)} is about to expire` } };
  if (type !== TIKTOK_NEW_MESSAGE) return { kind: 'ignored', reason: `webhook type ${String(webhook.type)} is not a new message` };
  const data = webhook.data;
  if (!isObject(data)) return unreadable('data must be an object', webhook);
  const messageId = firstIdOf(data.message_id, webhook.tts_notification_id);
  if (!messageId) return unreadable('data.message_id (or tts_notification_id) is required', webhook);
  const sender = data.sender;
  if (!isObject(sender)) return unreadable('data.sender must be an object', webhook);
  if (sender.role !== 'BUYER') return { kind: 'ignored', reason: `sender role ${String(sender.role)} is not a buyer` };
  if (data.is_visible === false) return { kind: 'ignored', reason: 'a message not shown to customer service' };
  const conversationId = idOf(data.conversation_id);
  const buyerId = idOf(sender.im_user_id);
  if (!conversationId || !buyerId) return unreadable('data.conversation_id and data.sender.im_user_id are required', webhook);
  const content = parseJsonString(data.content);
  if (!content) return unreadable('data.content must be a JSON object in a string', webhook);

  let text = '';
  let context: MessageContext | undefined;
  switch (data.type) {
    case 'TEXT':
      if (typeof content.content !== 'string') return unreadable('a TEXT message needs content.content', webhook);
      text = content.content;
      break;
    case 'PRODUCT_CARD':
    case 'BUYER_ENTER_FROM_PRODUCT': {
      const productId = idOf(content.product_id);
      if (!productId) return unreadable(`${data.type} needs content.product_id`, webhook);
      context = { productId };
      break;
    }
    case 'ORDER_CARD':
    case 'BUYER_ENTER_FROM_ORDER': {
      const orderId = idOf(content.order_id);
      if (!orderId) return unreadable(`${data.type} needs content.order_id`, webhook);
      context = { orderId };
      break;
    }
    default:
      return { kind: 'ignored', reason: `message type ${String(data.type)} is not handled` };
  }
  const sentAt = timeOf(webhook.timestamp) ?? timeOf(data.create_time);
  if (sentAt === null) return unreadable('timestamp is missing', webhook);
  return {
    kind: 'message',
    sentAt,
    message: {
      id: messageId,
      conversation: { channel: TIKTOK_CHANNEL, conversationId, buyerId },
      text,
      ...(context ? { context } : {}),
      receivedAt,
    },
  };
}
