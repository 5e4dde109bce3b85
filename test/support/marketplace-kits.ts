// How the shared marketplace test suite (test/channels/marketplace-channels.test.ts) talks to each
// platform: its loopback fake, the Kefu settings that point the channel at it, and pushes built and
// signed the way the platform documents them (signatures computed here, independently of the adapter).

import { createHmac, randomInt, randomUUID } from 'node:crypto';
import type { ConversationRef } from '../../dialogs/messages.ts';
import type { FakeServer, ScriptedAnswer } from './fake-marketplace.ts';
import { LAZADA_TEST_APP, startFakeLazada } from './fake-lazada.ts';
import { SHOPEE_TEST_APP, startFakeShopee } from './fake-shopee.ts';
import { TIKTOK_TEST_APP, startFakeTiktok } from './fake-tiktok.ts';

/** One message the fake platform accepted, in a shape common to the three. */
export interface SentItem {
  conversationId: string;
  kind: 'text' | 'product' | 'order';
  value: string;
}

export interface PushOptions {
  messageId?: string;
  /** Seconds since the epoch. */
  timestamp?: number;
}

export interface MarketplaceKit {
  name: 'lazada' | 'tiktok' | 'shopee';
  pushPath: string;
  start(): Promise<{ fake: FakeServer; sent(): SentItem[] }>;
  env(fakeUrl: string): Record<string, string>;
  newConversation(): string;
  buyerText(conversation: string, text: string, options?: PushOptions): string;
  productCard(conversation: string, productId: string): string;
  sellerText(conversation: string, text: string): string;
  /** A platform/system message in the conversation (not the buyer's). */
  systemMessage(conversation: string): string;
  /** A push of a type the bot does not read. */
  otherPushType(): string;
  /** A buyer message whose content is not in the documented shape. */
  badContent(conversation: string): string;
  /** The headers of a correctly signed push (or one signed with the wrong secret). */
  headers(raw: string, secret?: string): Record<string, string>;
  /** 5xx, HTTP 429, then the platform's own rate-limit answer. */
  busyAnswers: ScriptedAnswer[];
  ref(conversation: string): ConversationRef;
}

const now = (): number => Math.floor(Date.now() / 1000);
const retryEnv = { KEFU__CHANNELS__INBOX__RETRYBASEMS: '20', KEFU__CHANNELS__INBOX__MAXRETRYMS: '200' };
const hmac = (key: string, text: string): string => createHmac('sha256', key).update(text, 'utf8').digest('hex');

// ---- Lazada -------------------------------------------------------------------------------------

// The IM push as "Webhook API IM Send Message Notifications" documents it: no top-level timestamp,
// the buyer as from_account_id, the message's time as data.send_time in milliseconds.
function lazadaPush(conversation: string, fields: Record<string, unknown>, options: PushOptions = {}, messageType = 2): string {
  return JSON.stringify({
    data: {
      session_id: conversation,
      message_id: options.messageId ?? randomUUID(),
      content: '{"txt":""}',
      from_account_id: `buyer-${conversation}`,
      from_account_type: 1,
      send_time: (options.timestamp ?? now()) * 1000,
      template_id: 1,
      to_account_id: '1000001',
      to_account_type: 2,
      type: 1,
      site_id: 'SG',
      auto_reply: false,
      status: 0,
      ...fields,
    },
    seller_id: 1000001,
    message_type: messageType,
  });
}

export const lazadaKit: MarketplaceKit = {
  name: 'lazada',
  pushPath: '/channels/lazada/push',
  async start() {
    const fake = await startFakeLazada();
    return {
      fake,
      sent: () =>
        fake.sent().map((m) =>
          m.template_id === '10006'
            ? { conversationId: m.session_id!, kind: 'product' as const, value: m.item_id! }
            : m.template_id === '10007'
              ? { conversationId: m.session_id!, kind: 'order' as const, value: m.order_id! }
              : { conversationId: m.session_id!, kind: 'text' as const, value: m.txt! },
        ),
    };
  },
  env: (url) => ({
    KEFU__CHANNELS__LAZADA__ENABLED: 'true',
    KEFU__CHANNELS__LAZADA__APPKEY: LAZADA_TEST_APP.appKey,
    KEFU__CHANNELS__LAZADA__APPSECRET: LAZADA_TEST_APP.appSecret,
    KEFU__CHANNELS__LAZADA__ACCESSTOKEN: LAZADA_TEST_APP.accessToken,
    KEFU__CHANNELS__LAZADA__APIBASEURL: url,
    ...retryEnv,
  }),
  newConversation: () => `100${randomInt(1e9)}_${randomUUID().slice(0, 8)}`,
  buyerText: (c, text, o) => lazadaPush(c, { content: JSON.stringify({ txt: text }) }, o),
  productCard: (c, id) => lazadaPush(c, { template_id: 10006, content: JSON.stringify({ itemId: id, title: 'a product' }) }),
  sellerText: (c, text) => lazadaPush(c, { from_account_type: 2, from_account_id: '1000001', to_account_type: 1, content: JSON.stringify({ txt: text }) }),
  systemMessage: (c) => lazadaPush(c, { type: 2, template_id: 2, content: JSON.stringify({ txt: 'The buyer has received the order' }) }),
  otherPushType: () => JSON.stringify({ seller_id: '1000001', message_type: 0, data: { order_status: 'unpaid', status_update_time: now(), trade_order_id: '1', trade_order_line_id: '2' }, timestamp: Date.now(), site: 'lazada_sg' }),
  badContent: (c) => lazadaPush(c, { content: '{"txt":' }),
  headers: (raw, secret = LAZADA_TEST_APP.appSecret) => ({ 'content-type': 'application/json', authorization: hmac(secret, LAZADA_TEST_APP.appKey + raw) }),
  busyAnswers: [
    { status: 502, body: 'bad gateway' },
    { status: 429, body: { code: 'ApiCallLimit' }, headers: { 'retry-after': '0' } },
    { status: 200, body: { type: 'ISP', code: 'ApiCallLimit', message: 'This request has exceeded the limit', request_id: 'r' } },
  ],
  ref: (c) => ({ channel: 'lazada', conversationId: c, buyerId: `buyer-${c}` }),
};

// ---- TikTok Shop --------------------------------------------------------------------------------

function tiktokWebhook(conversation: string, data: Record<string, unknown>, options: PushOptions = {}, type = 14): string {
  return JSON.stringify({
    type,
    tts_notification_id: options.messageId ? `n-${options.messageId}` : `7${randomInt(1e12)}`,
    shop_id: '7494000000000000001',
    timestamp: options.timestamp ?? now(),
    data: {
      conversation_id: conversation,
      message_id: options.messageId ?? `m${randomInt(1e12)}`,
      index: String(Date.now()),
      type: 'TEXT',
      create_time: now(),
      is_visible: true,
      sender: { im_user_id: `buyer-${conversation}`, role: 'BUYER' },
      ...data,
    },
  });
}

export const tiktokKit: MarketplaceKit = {
  name: 'tiktok',
  pushPath: '/channels/tiktok/webhook',
  async start() {
    const fake = await startFakeTiktok();
    return {
      fake,
      sent: () =>
        fake.sent().map((m) =>
          m.type === 'PRODUCT_CARD'
            ? { conversationId: m.conversationId, kind: 'product' as const, value: m.content.product_id! }
            : m.type === 'ORDER_CARD'
              ? { conversationId: m.conversationId, kind: 'order' as const, value: m.content.order_id! }
              : { conversationId: m.conversationId, kind: 'text' as const, value: m.content.content! },
        ),
    };
  },
  env: (url) => ({
    KEFU__CHANNELS__TIKTOK__ENABLED: 'true',
    KEFU__CHANNELS__TIKTOK__APPKEY: TIKTOK_TEST_APP.appKey,
    KEFU__CHANNELS__TIKTOK__APPSECRET: TIKTOK_TEST_APP.appSecret,
    KEFU__CHANNELS__TIKTOK__ACCESSTOKEN: TIKTOK_TEST_APP.accessToken,
    KEFU__CHANNELS__TIKTOK__SHOPCIPHER: TIKTOK_TEST_APP.shopCipher,
    KEFU__CHANNELS__TIKTOK__APIBASEURL: url,
    ...retryEnv,
  }),
  newConversation: () => `57${randomInt(1e12)}`,
  buyerText: (c, text, o) => tiktokWebhook(c, { content: JSON.stringify({ content: text }) }, o),
  productCard: (c, id) => tiktokWebhook(c, { type: 'BUYER_ENTER_FROM_PRODUCT', content: JSON.stringify({ product_id: id }) }),
  sellerText: (c, text) => tiktokWebhook(c, { content: JSON.stringify({ content: text }), sender: { im_user_id: 'shop-1', role: 'CUSTOMER_SERVICE' } }),
  systemMessage: (c) => tiktokWebhook(c, { type: 'NOTIFICATION', content: JSON.stringify({ content: 'The conversation was assigned' }), sender: { im_user_id: 'sys', role: 'SYSTEM' } }),
  otherPushType: () => JSON.stringify({ type: 1, tts_notification_id: `7${randomInt(1e12)}`, shop_id: '1', timestamp: now(), data: { order_id: '576', order_status: 'UNPAID' } }),
  badContent: (c) => tiktokWebhook(c, { content: 'plain text, not JSON' }),
  headers: (raw, secret = TIKTOK_TEST_APP.appSecret) => ({ 'content-type': 'application/json', authorization: hmac(secret, TIKTOK_TEST_APP.appKey + raw) }),
  busyAnswers: [
    { status: 500, body: 'internal' },
    { status: 429, body: { code: 36009004, message: 'Too many requests' }, headers: { 'retry-after': '0' } },
    { status: 200, body: { code: 36009004, message: 'Rate limit exceeded, please retry later' } },
  ],
  ref: (c) => ({ channel: 'tiktok', conversationId: c, buyerId: `buyer-${c}` }),
};

// ---- Shopee -------------------------------------------------------------------------------------

/** What the shop registered as its callback URL; Kefu sits behind a proxy that rewrites it. */
export const SHOPEE_CALLBACK_URL = 'https://bot.example.com/channels/shopee/push';
const buyerOf = (conversation: string): number => 1_000_000 + Number(conversation.slice(-6));

export function shopeePush(conversation: string, message: Record<string, unknown>, options: PushOptions = {}, code = 10): Record<string, unknown> {
  return {
    msg_id: randomUUID(),
    shop_id: SHOPEE_TEST_APP.shopId,
    code,
    timestamp: options.timestamp ?? now(),
    data: {
      type: 'message',
      content: {
        message_id: options.messageId ?? `${randomInt(1e14)}`,
        conversation_id: conversation,
        from_id: buyerOf(conversation),
        from_user_name: 'buyer_amy',
        from_shop_id: 0,
        to_id: 700_001,
        to_shop_id: SHOPEE_TEST_APP.shopId,
        message_type: 'text',
        created_timestamp: now(),
        ...message,
      },
    },
  };
}

export const shopeeKit: MarketplaceKit = {
  name: 'shopee',
  pushPath: '/channels/shopee/push',
  async start() {
    const fake = await startFakeShopee();
    const conversationOf = (toId: number): string => `to:${toId}`;
    return {
      fake,
      sent: () =>
        fake.sent().map((m) =>
          m.messageType === 'item'
            ? { conversationId: conversationOf(m.toId), kind: 'product' as const, value: String(m.content.item_id) }
            : m.messageType === 'order'
              ? { conversationId: conversationOf(m.toId), kind: 'order' as const, value: String(m.content.order_sn) }
              : { conversationId: conversationOf(m.toId), kind: 'text' as const, value: String(m.content.text) },
        ),
    };
  },
  env: (url) => ({
    KEFU__CHANNELS__SHOPEE__ENABLED: 'true',
    KEFU__CHANNELS__SHOPEE__PARTNERID: String(SHOPEE_TEST_APP.partnerId),
    KEFU__CHANNELS__SHOPEE__PARTNERKEY: SHOPEE_TEST_APP.partnerKey,
    KEFU__CHANNELS__SHOPEE__SHOPID: String(SHOPEE_TEST_APP.shopId),
    KEFU__CHANNELS__SHOPEE__ACCESSTOKEN: SHOPEE_TEST_APP.accessToken,
    KEFU__CHANNELS__SHOPEE__CALLBACKURL: SHOPEE_CALLBACK_URL,
    KEFU__CHANNELS__SHOPEE__APIBASEURL: url,
    KEFU__CHANNELS__SHOPEE__SENDTHROUGHSELLERCHAT: 'true',
    KEFU__CHANNELS__SHOPEE__LOSTPUSHINTERVALSECONDS: '0',
    ...retryEnv,
  }),
  // Shopee sends to the buyer's user id: the fake reports "to:<user id>", which the kit maps back.
  newConversation: () => `${randomInt(1e9)}${String(randomInt(1e6)).padStart(6, '0')}`,
  buyerText: (c, text, o) => JSON.stringify(shopeePush(c, { content: { text } }, o)),
  productCard: (c, id) => JSON.stringify(shopeePush(c, { message_type: 'item', content: { shop_id: SHOPEE_TEST_APP.shopId, item_id: id } })),
  sellerText: (c, text) => JSON.stringify(shopeePush(c, { from_id: 700_001, from_shop_id: SHOPEE_TEST_APP.shopId, to_id: buyerOf(c), to_shop_id: 0, content: { text } })),
  systemMessage: (c) => JSON.stringify({ ...shopeePush(c, {}), data: { type: 'notification', content: { conversation_id: c, text: 'read' } } }),
  otherPushType: () => JSON.stringify({ shop_id: SHOPEE_TEST_APP.shopId, code: 3, timestamp: now(), data: { ordersn: '2011', status: 'READY_TO_SHIP' } }),
  badContent: (c) => JSON.stringify(shopeePush(c, { content: 'not an object' })),
  headers: (raw, secret = SHOPEE_TEST_APP.partnerKey) => ({ 'content-type': 'application/json', authorization: hmac(secret, `${SHOPEE_CALLBACK_URL}|${raw}`) }),
  busyAnswers: [
    { status: 503, body: 'unavailable' },
    { status: 429, body: { error: 'error_too_many_request', message: 'slow down' }, headers: { 'retry-after': '0' } },
    { status: 200, body: { error: 'error_rate_limit', message: 'rate limited', request_id: 'x' } },
  ],
  ref: (c) => ({ channel: 'shopee', conversationId: c, buyerId: String(buyerOf(c)) }),
};

/** Where the kit's sent() files a message of conversation `c`. */
export function sentKey(kit: MarketplaceKit, conversation: string): string {
  return kit.name === 'shopee' ? `to:${kit.ref(conversation).buyerId}` : conversation;
}

export const marketplaceKits: MarketplaceKit[] = [lazadaKit, tiktokKit, shopeeKit];
