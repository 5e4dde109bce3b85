// The shape of Kefu's configuration once loaded and validated (see config/config.schema.json,
// which is the source of truth for ranges and allowed values, and docs/configuration.md).

import type { BusinessHours, HandoffRouting } from '../dialogs/handoff/handoff-settings.ts';
import type { LocalText } from '../dialogs/messages.ts';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type AgentDeskKind = 'memory' | 'slack' | 'dingtalk';

export interface ServerConfig {
  host: string;
  port: number;
  /** Largest request body accepted by any HTTP endpoint. */
  bodyLimitBytes: number;
}

export interface RedisConfig {
  /** `redis://` or `rediss://` URL; null runs on embedded in-memory stores. */
  url: string | null;
  /** Some nodes of a Redis Cluster (redis:// URLs); when given, Kefu runs on the Cluster and url is not used. */
  clusterNodes: string[];
}

export interface FlowsConfig {
  /** Absolute path of the folder holding the merchant's flow files (resolved by the loader). */
  dir: string;
  /** Reload flows when their files change, without a restart. */
  watch: boolean;
}

export interface SessionsConfig {
  ttlSeconds: number;
  keyPrefix: string;
  /** Without Redis: most conversations held in memory, oldest first out. */
  memoryMaxConversations: number;
}

export interface ConversationsConfig {
  /** How long a message waits for its turn in the conversation's line. */
  lineWaitMs: number;
  /** How long a process may hold a conversation's turn before another may take it over. */
  leaseMs: number;
  /** How long a platform message id is remembered, so a redelivery is handled once. */
  dedupeSeconds: number;
  /** Longer buyer messages are not read: the bot asks for a shorter one (response message_too_long). */
  maxTextLength: number;
  /** How many recent turns are kept in the session and shown on a hand-off. */
  lastTurns: number;
}

export interface NluConfig {
  /** Intent confidence below this counts as "not understood". */
  threshold: number;
}

export interface ShopConfig {
  name: LocalText;
  /** IANA time zone of the shop (opening hours, "ships today" cut-offs). */
  timezone: string;
  /** ISO 3166 country code assumed for phone numbers written without a country code. */
  defaultCountry: string;
  /** Regular expression (JavaScript syntax) an order id must match in full; null accepts any. */
  orderIdPattern: string | null;
}

export interface WebchatConfig {
  enabled: boolean;
  identity: WebchatIdentityConfig;
  /** Abuse limits (429 with Retry-After), shared through Redis when it is set. */
  rateLimit: { perAddress: number; perConversation: number; windowSeconds: number };
}

/** The shop's signed buyer tokens (docs/webchat-identity.md). */
export interface WebchatIdentityConfig {
  /** Without it every web chat visitor is a guest. */
  secret?: string;
  audience: string;
  maxAgeSeconds: number;
}

export interface RemindersConfig {
  enabled: boolean;
  delayMinutes: number;
  maxPerOrder: number;
  quietHours: { start: string; end: string } | null;
  language: 'zh-Hans' | 'zh-Hant' | 'en';
  /** Signs POST /events/orders; the route is off without it. */
  webhookSecret?: string;
}

export interface SlackDeskConfig {
  botToken: string;
  signingSecret: string;
  /** Channel id where hand-off threads are opened. */
  channel: string;
  /** Channel id per hand-off queue; a queue not listed uses `channel`. */
  channels?: Record<string, string>;
  /** Receive events over Socket Mode instead of HTTP (needs appToken). */
  socketMode?: boolean;
  appToken?: string;
  /** Base URL of the Slack Web API (a proxy, or a test server). */
  apiUrl?: string;
}

export interface DingtalkDeskConfig {
  appKey: string;
  appSecret: string;
  robotCode: string;
  /** Group conversation where hand-offs are posted (queues without a group of their own too). */
  openConversationId: string;
  /** How agents' messages reach Kefu: a Stream Mode WebSocket (default) or the HTTP callback. */
  mode?: 'stream' | 'callback';
  /** Group per hand-off queue (queue name → openConversationId); others go to openConversationId. */
  queues?: Record<string, string>;
  /** Kefu's public address (https://…), for the card's buttons; without it agents type commands. */
  publicUrl?: string | null;
  /** DingTalk's API host; only tests change it. */
  apiBaseUrl?: string;
}

export interface AgentDeskConfig {
  kind: AgentDeskKind;
  slack?: SlackDeskConfig;
  dingtalk?: DingtalkDeskConfig;
}

/** The `desk` section: Kefu's own agent desk at /desk (docs/desk.md). */
export interface DeskConfig {
  enabled: boolean;
  /** Who may sign in; none: a demo agent whose password is made at start and logged. */
  agents: { id: string; name: string; passwordHash: string }[];
  /** How long a sign-in lasts. */
  sessionHours: number;
  /** Wrong passwords allowed per agent name and per address within the window, before 429. */
  signInLimits: { perAgent: number; perAddress: number; windowMinutes: number };
}

/** The `handoff` section: see dialogs/handoff/handoff-settings.ts for what each setting means. */
export interface HandoffConfig {
  noteMarker: string;
  unclaimedNoticeSeconds: number;
  expectedWaitMinutes: number;
  keepSeconds: number;
  businessHours: BusinessHours | null;
  queues: HandoffRouting;
  resumeFlows: string[];
  /** Mask phone numbers, e-mail and street addresses in buyer texts sent to the desk. */
  maskPersonalData: boolean;
}

export interface OrdersConfig {
  /** demo: the demo shop's order book; http: the merchant's order API (docs/openapi/commerce-orders.yaml). */
  backend: 'demo' | 'http';
  http: {
    baseUrl: string | null;
    timeoutMs: number;
    token?: string;
    /** Seconds between polls of the API's GET /order-events (payment reminders); 0: no polling. */
    eventsPollSeconds?: number;
  };
}

export interface AfterSaleConfig {
  returnWindowDays: number;
  stalledAfterHours: number;
  refundArrivalDays: number;
  /** A guest's tries at proving an order (dialogs/commerce/order-proof.ts). */
  guestProof?: { triesPerConversation: number; triesPerOrder: number; windowMinutes: number };
}

/** How marketplace channels retry the messages they queued (see docs/channels.md). */
export interface ChannelInboxConfig {
  /** Pause before the first retry of a message whose handling failed; doubles each time. */
  retryBaseMs: number;
  /** Longest pause between two retries. */
  maxRetryMs: number;
  /** After this many failed attempts a message is set aside and logged as an error. */
  maxAttempts: number;
  /** How long a buyer may answer numbered options with a number, and a product/order card stays the context. */
  optionsSeconds: number;
}

export interface LazadaChannelConfig {
  enabled: boolean;
  appKey?: string;
  appSecret?: string;
  /** The seller's access token (from Lazada's seller authorisation). */
  accessToken?: string;
  /** The refresh token that came with it: Kefu renews the access token with it (docs/channels.md, Tokens). */
  refreshToken?: string;
  /** Lazada's authorisation host for /auth/token/refresh; only tests change it. */
  authBaseUrl?: string;
  /** e.g. https://api.lazada.sg/rest */
  apiBaseUrl: string;
  /** Path Lazada pushes to, e.g. /channels/lazada/push. */
  webhookPath: string;
  /** Messages sent per second for the shop at most (rate limit kept before sending); default 10. */
  sendsPerSecond?: number;
}

export interface TiktokChannelConfig {
  enabled: boolean;
  appKey?: string;
  appSecret?: string;
  accessToken?: string;
  /** The refresh token that came with it. */
  refreshToken?: string;
  /** TikTok Shop's authorisation host for /api/v2/token/refresh; only tests change it. */
  authBaseUrl?: string;
  /** The shop's cipher (from Get Authorized Shops). */
  shopCipher?: string;
  /** e.g. https://open-api.tiktokglobalshop.com */
  apiBaseUrl: string;
  webhookPath: string;
  /** Messages sent per second for the shop at most (rate limit kept before sending); default 10. */
  sendsPerSecond?: number;
}

export interface ShopeeChannelConfig {
  enabled: boolean;
  partnerId?: number;
  partnerKey?: string;
  /** The key pushes are signed with when Shopee's console shows one apart from the partner key; defaults to partnerKey. */
  pushKey?: string;
  shopId?: number;
  accessToken?: string;
  /** The refresh token that came with it. */
  refreshToken?: string;
  /** The callback URL exactly as registered in Shopee's console: it is part of what Shopee signs. */
  callbackUrl?: string;
  /** e.g. https://partner.shopeemobile.com */
  apiBaseUrl: string;
  webhookPath: string;
  /** Send replies through the sellerchat API (whitelisted partners only); off: read only. */
  sendThroughSellerchat: boolean;
  /** How often missed pushes are fetched from the lost-push API, in seconds; 0 turns it off. */
  lostPushIntervalSeconds: number;
  /** Messages sent per second for the shop at most (rate limit kept before sending); default 10. */
  sendsPerSecond?: number;
}

export interface ChannelsConfig {
  inbox: ChannelInboxConfig;
  lazada: LazadaChannelConfig;
  tiktok: TiktokChannelConfig;
  shopee: ShopeeChannelConfig;
}

export interface LoggingConfig {
  level: LogLevel;
}

export interface InsightConfig {
  /** A conversation without a message this long is settled (resolved / handed off / abandoned). */
  quietAfterMinutes: number;
  /** Conversations one agent settles in a day, for "agent-equivalents". */
  agentDailyCapacity: number;
  /** Intents that make a conversation pre-sale. */
  presaleIntents: string[];
  sentiment: { handoffAtOrBelow: number | null; unlessIntents: string[] };
  trainer: { keepMessages: number; clusterThreshold: number; newIntentsFile: string };
  liveUpdateSeconds: number;
}

export interface AdminConfig {
  /** Opens /admin and /metrics; null turns them off. */
  token: string | null;
}

export interface CommerceHttpConfig {
  /** Base URL of the shop's catalog API (docs/openapi/commerce-catalog.yaml). */
  baseUrl: string;
  /** Bearer token; a secret (`${env:NAME}`). */
  token?: string | null;
  timeoutMs?: number;
  retries?: number;
  /** How long the product list is reused for recognising product names and links. */
  cacheSeconds?: number;
}

export interface CommerceConfig {
  /** demo: a catalog file; http: the shop's own API. */
  kind: 'demo' | 'http';
  /** Absolute path of the catalog file (resolved by the loader); null for the demo shop's. */
  catalogFile: string | null;
  /** Reload the catalog file when it changes. */
  watch: boolean;
  http?: CommerceHttpConfig;
}

export interface KefuConfig {
  server: ServerConfig;
  redis: RedisConfig;
  flows: FlowsConfig;
  sessions: SessionsConfig;
  conversations: ConversationsConfig;
  nlu: NluConfig;
  shop: ShopConfig;
  webchat: WebchatConfig;
  agentDesk: AgentDeskConfig;
  handoff: HandoffConfig;
  desk: DeskConfig;
  reminders: RemindersConfig;
  logging: LoggingConfig;
  insight: InsightConfig;
  admin: AdminConfig;
  commerce: CommerceConfig;
  orders: OrdersConfig;
  afterSale: AfterSaleConfig;
  channels: ChannelsConfig;
}
