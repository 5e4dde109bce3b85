// GENERATED from config.schema.json by config/generate-config-types.ts (npm run config:types).
// Do not edit: change the schema (ranges, allowed values, descriptions) and run the command.
// The shape of Kefu's configuration once loaded: every setting default.yaml gives is present.

import type { BusinessHours, HandoffRouting } from '../dialogs/handoff/handoff-settings.ts';
import type { LocalText } from '../dialogs/messages.ts';

/**
 * Where conversations the bot cannot settle are handed to people.
 */
export type AgentDeskConfig = {
  kind: AgentDeskKind;
  /**
   * The language Kefu writes to agents in Slack and DingTalk (cards, buttons, status lines, answers to their commands): zh-Hans, zh-Hant or en. What buyers read stays in the buyer's language.
   */
  language: 'zh-Hans' | 'zh-Hant' | 'en';
  slack?: SlackDeskConfig;
  dingtalk?: DingtalkDeskConfig;
};
/**
 * memory (a queue inside the process, for trying Kefu out), slack or dingtalk.
 */
export type AgentDeskKind = 'memory' | 'slack' | 'dingtalk';
/**
 * Least severe level written: trace, debug, info, warn, error, fatal or silent.
 */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
/**
 * Where product, stock and shipping data come from.
 */
export type CommerceConfig = {
  /**
   * demo (a catalog file) or http (the shop's own HTTP API, docs/openapi/commerce-catalog.yaml).
   */
  kind: 'demo' | 'http';
  /**
   * Catalog file for kind demo, relative to the project root unless absolute; null uses the demo shop's.
   */
  catalogFile: string | null;
  /**
   * Reload the catalog file when it changes.
   */
  watch: boolean;
  http?: CommerceHttpConfig;
};

/**
 * Settings for the Kefu customer-service bot. See docs/configuration.md. Secrets are written as ${env:NAME} and come from the environment.
 */
export interface KefuConfig {
  server: ServerConfig;
  redis: RedisConfig;
  flows: FlowsConfig;
  sessions: SessionsConfig;
  /**
   * Many shops in one deployment (docs/shops.md): a folder with one folder per shop, each holding its kefu.yaml (laid over this configuration) and usually its flows. null serves one shop: this configuration.
   */
  shops: {
    /**
     * The shops folder, relative to the Kefu folder unless it starts with /; null for a single shop. Environment: KEFU_SHOPS_DIR.
     */
    dir: string | null;
    /**
     * The shop that answers at the root paths (/, /webchat/messages without shop, …); every shop also answers under /shops/<id>/. Null: the shop named default, else the first by name.
     */
    defaultShop: string | null;
  };
  conversations: ConversationsConfig;
  nlu: NluConfig;
  shop: ShopConfig;
  webchat: WebchatConfig;
  agentDesk: AgentDeskConfig;
  desk: DeskConfig;
  handoff: HandoffConfig;
  orders: OrdersConfig;
  afterSale: AfterSaleConfig;
  reminders: RemindersConfig;
  logging: LoggingConfig;
  insight: InsightConfig;
  admin: AdminConfig;
  commerce: CommerceConfig;
  channels: ChannelsConfig;
}
/**
 * The HTTP server that channels and the web chat talk to.
 */
export interface ServerConfig {
  /**
   * Address to listen on; 0.0.0.0 means every network interface.
   */
  host: string;
  /**
   * TCP port to listen on; 0 picks a free one (tests).
   */
  port: number;
  /**
   * Largest request body accepted, in bytes.
   */
  bodyLimitBytes: number;
}
/**
 * Shared storage for sessions and conversation locks. Without it everything is kept in memory.
 */
export interface RedisConfig {
  /**
   * redis:// or rediss:// URL, or null for embedded in-memory storage.
   */
  url: string | null;
  /**
   * Some nodes of a Redis Cluster as redis:// URLs (the others are discovered); when given, Kefu runs on the Cluster instead of url.
   *
   * @maxItems 64
   */
  clusterNodes: string[];
  sentinel: RedisSentinelConfig;
}
/**
 * A master watched by Redis Sentinel: when nodes are given, Kefu asks the sentinels where the master is (and again after a failover) instead of using url.
 */
export interface RedisSentinelConfig {
  /**
   * Some of the sentinels, as host:port (port 26379 when left out) or redis://[:password@]host:port when the sentinels ask for a password.
   *
   * @maxItems 64
   */
  nodes: string[];
  /**
   * The name of the master group the sentinels watch (sentinel monitor <name> …), e.g. mymaster.
   */
  masterName: string | null;
  /**
   * The master's (and its replicas') password, when they ask for one. Secret: write ${env:NAME}.
   */
  password?: string;
}
/**
 * Where the merchant's YAML flows live.
 */
export interface FlowsConfig {
  /**
   * Folder of flow files, relative to the project root unless absolute.
   */
  dir: string;
  /**
   * Reload flows when their files change.
   */
  watch: boolean;
}
export interface SessionsConfig {
  /**
   * A conversation's memory is forgotten after this many seconds of silence.
   */
  ttlSeconds: number;
  /**
   * Prefix of every key Kefu writes to Redis.
   */
  keyPrefix: string;
  /**
   * Without Redis: most conversations kept in memory (sessions, push mailboxes; ten times as many message records); past it the oldest go first.
   */
  memoryMaxConversations: number;
}
export interface ConversationsConfig {
  /**
   * How long a message waits for its turn in its conversation, in milliseconds.
   */
  lineWaitMs: number;
  /**
   * How long one process may hold a conversation's turn, in milliseconds.
   */
  leaseMs: number;
  /**
   * How long a platform's message id is remembered to ignore redeliveries. At least 900: signed requests (Slack, order events, DingTalk) are accepted up to 5 minutes either side of their timestamp, so a replay can come up to 10 minutes after the first arrival.
   */
  dedupeSeconds: number;
  /**
   * Longer buyer messages are not read; the buyer is asked to say it shorter (response message_too_long).
   */
  maxTextLength: number;
  /**
   * Recent turns kept for context and shown on a hand-off.
   */
  lastTurns: number;
}
export interface NluConfig {
  /**
   * Intent confidence (0 to 1) below which a message counts as not understood; null: the recogniser's default (0.35 when out-of-scope examples are learned, as with the shipped base; 0.5 otherwise).
   */
  threshold: number | null;
}
export interface ShopConfig {
  /**
   * The shop's name in every language buyers are answered in. Replaced as a whole by a merchant file.
   */
  name: LocalText;
  /**
   * The language of the bot's first words to a buyer who has not written yet (the question chips after a marketplace product card); afterwards the bot answers in the buyer's own.
   */
  language: 'zh-Hans' | 'zh-Hant' | 'en';
  /**
   * IANA time zone, e.g. Asia/Shanghai.
   */
  timezone: string;
  /**
   * Two-letter country code assumed for phone numbers without one, e.g. CN.
   */
  defaultCountry: string;
  /**
   * Regular expression an order id must match in full, or null to accept any.
   */
  orderIdPattern: string | null;
}
export interface WebchatConfig {
  /**
   * Serve the web chat widget and its WebSocket.
   */
  enabled: boolean;
  /**
   * How many of a page's chips are the questions that page's buyers asked most in the last 24 hours (worded by the shop's chips); 0 shows the shop's own chips only. See docs/shopping-path.md.
   */
  mostAskedChips: number;
  identity: WebchatIdentityConfig;
  /**
   * How many web chat requests one address, and messages one conversation, may send per window; more are answered 429 with Retry-After. Counted in Redis when it is set, so every process shares them.
   */
  rateLimit: {
    /**
     * Requests (messages and event streams) from one client address per window.
     */
    perAddress: number;
    /**
     * Messages to one conversation per window.
     */
    perConversation: number;
    /**
     * The window, in seconds.
     */
    windowSeconds: number;
  };
}
/**
 * How the shop's site vouches for a signed-in buyer: a short-lived HS256 JWT (docs/webchat-identity.md). Without a secret every visitor is a guest.
 */
export interface WebchatIdentityConfig {
  /**
   * Secret shared with the shop's site that signs buyer tokens (at least 32 characters). Secret: write ${env:NAME}.
   */
  secret?: string;
  /**
   * The shop's id that tokens must carry as aud.
   */
  audience: string;
  /**
   * Oldest token accepted, counted from its iat, in seconds.
   */
  maxAgeSeconds: number;
}
export interface SlackDeskConfig {
  /**
   * Bot token (xoxb-...). Secret: write ${env:NAME}.
   */
  botToken: string;
  /**
   * Signing secret of the Slack app. Secret: write ${env:NAME}.
   */
  signingSecret: string;
  /**
   * Channel id where hand-off threads are opened, e.g. C0123456789.
   */
  channel: string;
  /**
   * Channel id per hand-off queue (presale, aftersale, logistics, complaints, …); a queue not listed uses channel.
   */
  channels?: {
    [k: string]: string;
  };
  /**
   * Receive events over Socket Mode (a WebSocket Kefu opens) instead of HTTP; needs appToken.
   */
  socketMode?: boolean;
  /**
   * App-level token (xapp-...) with connections:write, for Socket Mode. Secret: write ${env:NAME}.
   */
  appToken?: string;
  /**
   * Base URL of the Slack Web API; change only for a proxy or a test server.
   */
  apiUrl?: string;
}
export interface DingtalkDeskConfig {
  /**
   * AppKey of the DingTalk app.
   */
  appKey: string;
  /**
   * AppSecret of the DingTalk app. Secret: write ${env:NAME}.
   */
  appSecret: string;
  /**
   * Code of the app's robot.
   */
  robotCode: string;
  /**
   * Group conversation where hand-offs are posted.
   */
  openConversationId: string;
  /**
   * How agents' messages reach Kefu: stream (a WebSocket Kefu opens to DingTalk; no public address needed) or callback (DingTalk POSTs to /dingtalk/robot).
   */
  mode?: 'stream' | 'callback';
  /**
   * Group per hand-off queue: queue name to openConversationId. Queues not listed use openConversationId.
   */
  queues?: {
    [k: string]: string;
  };
  /**
   * Kefu's public https address, used for the buttons on hand-off cards; null leaves the buttons out (agents type commands).
   */
  publicUrl?: string | null;
  /**
   * DingTalk's API host. Only tests change it.
   */
  apiBaseUrl?: string;
}
/**
 * Kefu's own agent desk at /desk (docs/desk.md).
 */
export interface DeskConfig {
  /**
   * Serve the agent desk at /desk.
   */
  enabled: boolean;
  /**
   * Agents who may sign in. Empty: a demo agent "demo" whose password is made at every start and shown in the start-up log.
   *
   * @maxItems 1000
   */
  agents: {
    /**
     * Sign-in name (letters, digits, . _ -).
     */
    id: string;
    /**
     * Shown to other agents and on team-chat cards.
     */
    name: string;
    /**
     * Argon2id hash of the password (npm run desk -- hash). Never the password itself.
     */
    passwordHash: string;
  }[];
  /**
   * How long a sign-in lasts, in hours.
   */
  sessionHours: number;
  /**
   * Agents signing in through the shop's own system: it signs a short-lived token (HS256 JWT) for an agent, opened at /desk/api/sso?token=… (docs/desk.md#signing-in-through-your-shops-system). Without a secret the route does not exist.
   */
  sso: {
    /**
     * Secret shared with the shop's system that signs agents' tokens (at least 32 characters; not the web chat's). Secret: write ${env:NAME}.
     */
    secret?: string;
    /**
     * What tokens must carry as aud.
     */
    audience: string;
  };
  /**
   * Wrong passwords allowed within windowMinutes, per agent name and per client address, before sign-in answers 429.
   */
  signInLimits: {
    perAgent: number;
    perAddress: number;
    windowMinutes: number;
  };
}
/**
 * How conversations handed to people are routed, timed and relayed (docs/handoff.md).
 */
export interface HandoffConfig {
  /**
   * An agent's thread message starting with this stays internal.
   */
  noteMarker: string;
  /**
   * Nobody claimed after this many seconds: the buyer is told the expected wait. 0: never.
   */
  unclaimedNoticeSeconds: number;
  /**
   * The wait the buyer is told, in minutes.
   */
  expectedWaitMinutes: number;
  /**
   * How long a hand-off's record (thread, who claimed) is kept.
   */
  keepSeconds: number;
  /**
   * When agents work, in shop.timezone; null: always.
   */
  businessHours: BusinessHours | null;
  /**
   * Mask ID numbers, bank cards, phone numbers, e-mail and street addresses in buyer texts and details sent to the agents' desk.
   */
  maskPersonalData: boolean;
  /**
   * Flows an agent may hand the buyer back into from the hand-off card (Back to bot, then …).
   *
   * @maxItems 25
   */
  resumeFlows: string[];
  /**
   * Which queue a hand-off goes to: by reason, then by flow, then whether an order is named, else default.
   */
  queues: HandoffRouting;
}
/**
 * Where buyers' orders come from (after-sale flows).
 */
export interface OrdersConfig {
  /**
   * demo (the demo shop's sample orders) or http (your order API).
   */
  backend: 'demo' | 'http';
  http: {
    /**
     * The order API's base URL (http or https).
     */
    baseUrl: string | null;
    /**
     * Timeout of one request, in milliseconds.
     */
    timeoutMs: number;
    /**
     * Bearer token of the order API. Secret: write ${env:NAME}.
     */
    token?: string;
    /**
     * Seconds between polls of GET /order-events (order events for payment reminders); 0 switches polling off.
     */
    eventsPollSeconds: number;
  };
}
/**
 * The shop's after-sale rules the bot applies.
 */
export interface AfterSaleConfig {
  /**
   * Days after delivery a return may be started.
   */
  returnWindowDays: number;
  /**
   * Hours without a tracking event after which a parcel counts as stuck.
   */
  stalledAfterHours: number;
  /**
   * Days from a refund being sent to its arrival, when the order system does not say.
   */
  refundArrivalDays: number;
  /**
   * How many tries a guest (a web chat visitor the shop did not sign in) has to prove an order with its number and the last four digits of its phone.
   */
  guestProof: {
    /**
     * Wrong tries in one conversation before a person takes over.
     */
    triesPerConversation: number;
    /**
     * Wrong tries at one order, across every conversation, before it can no longer be proven by a guest.
     */
    triesPerOrder: number;
    /**
     * How long wrong tries are remembered, from the first.
     */
    windowMinutes: number;
  };
}
/**
 * Payment reminders (催付) for orders created and not paid; see docs/reminders.md.
 */
export interface RemindersConfig {
  /**
   * Send payment reminders.
   */
  enabled: boolean;
  /**
   * Minutes from the order to the first reminder, and between reminders (0 to 10080, fractions allowed).
   */
  delayMinutes: number;
  /**
   * Most reminders sent for one order.
   */
  maxPerOrder: number;
  /**
   * No reminders between start and end (HH:MM, shop.timezone); null sends at any hour.
   */
  quietHours: {
    /**
     * When quiet hours begin, HH:MM (24-hour clock).
     */
    start: string;
    /**
     * When quiet hours end, HH:MM; earlier than start means past midnight.
     */
    end: string;
  } | null;
  /**
   * Language of a reminder to a buyer the bot has no conversation with.
   */
  language: 'zh-Hans' | 'zh-Hant' | 'en';
  /**
   * Shared secret that signs POST /events/orders; without it the route is off. Secret: write ${env:NAME}.
   */
  webhookSecret?: string;
}
export interface LoggingConfig {
  level: LogLevel;
}
/**
 * Merchant insight: counters, hot topics, sentiment, robot trainer, results (docs/insight.md).
 */
export interface InsightConfig {
  /**
   * A conversation without a message this long is settled: resolved, handed off or abandoned.
   */
  quietAfterMinutes: number;
  /**
   * Conversations one agent settles in a day (for agent-equivalents).
   */
  agentDailyCapacity: number;
  /**
   * Intents that make a conversation pre-sale (orders within 24 h are credited to the bot).
   *
   * @maxItems 200
   */
  presaleIntents: string[];
  sentiment: {
    /**
     * Sentiment score at or below which a buyer is handed to a person; null never.
     */
    handoffAtOrBelow: number | null;
    /**
     * Intents whose own flows take an unhappy buyer to a person (with their apology and queue); the mood hand-off leaves them alone.
     *
     * @maxItems 50
     */
    unlessIntents: string[];
  };
  trainer: {
    /**
     * How many not-understood messages are kept for the trainer.
     */
    keepMessages: number;
    /**
     * Cosine similarity (0..1) at which two messages are grouped.
     */
    clusterThreshold: number;
    /**
     * File in the flows folder that receives intents created by the trainer.
     */
    newIntentsFile: string;
  };
  /**
   * How often the dashboard's live stream sends fresh numbers.
   */
  liveUpdateSeconds: number;
}
/**
 * The merchant dashboard at /admin and the Prometheus metrics at /metrics.
 */
export interface AdminConfig {
  /**
   * Token that opens /admin and /metrics (write ${env:NAME}); null turns both off.
   */
  token: string | null;
}
export interface CommerceHttpConfig {
  /**
   * Base URL of the shop's catalog API, e.g. https://shop.example/kefu/v1.
   */
  baseUrl: string;
  /**
   * Bearer token for the API. Secret: write ${env:NAME}.
   */
  token?: string | null;
  /**
   * Limit for one request, in milliseconds.
   */
  timeoutMs?: number;
  /**
   * Extra attempts after a network error, a timeout, a 5xx or a 429.
   */
  retries?: number;
  /**
   * How long the product list (for recognising product names and links) is reused.
   */
  cacheSeconds?: number;
  /**
   * The API has the optional GET /product-search: the shopping guide asks the shop's own search instead of searching the product list.
   */
  searchEndpoint?: boolean;
}
/**
 * Buyer channels on marketplaces (Lazada, TikTok Shop, Shopee). See docs/channels.md.
 */
export interface ChannelsConfig {
  inbox: ChannelInboxConfig;
  lazada: LazadaChannelConfig;
  tiktok: TiktokChannelConfig;
  shopee: ShopeeChannelConfig;
}
/**
 * How queued buyer messages are retried when handling them fails.
 */
export interface ChannelInboxConfig {
  /**
   * Pause before the first retry, in milliseconds; doubles each time.
   */
  retryBaseMs: number;
  /**
   * Longest pause between retries, in milliseconds.
   */
  maxRetryMs: number;
  /**
   * Attempts before a message is set aside and logged as an error.
   */
  maxAttempts: number;
  /**
   * How long numbered options can be answered with a number, and a product/order card stays the context.
   */
  optionsSeconds: number;
}
export interface LazadaChannelConfig {
  /**
   * Turn the channel on (off by default).
   */
  enabled: boolean;
  /**
   * App key of the Lazada Open Platform app.
   */
  appKey?: string;
  /**
   * App secret of the Lazada app. Secret: write ${env:NAME}.
   */
  appSecret?: string;
  /**
   * The seller's access token. Secret: write ${env:NAME}.
   */
  accessToken?: string;
  /**
   * The refresh token that came with the access token; Kefu renews the access token with it. Secret: write ${env:NAME}.
   */
  refreshToken?: string;
  /**
   * The platform's authorisation host for the token refresh call; only tests change it.
   */
  authBaseUrl?: string;
  /**
   * Lazada API base URL for the seller's country, e.g. https://api.lazada.sg/rest.
   */
  apiBaseUrl: string;
  /**
   * Messages sent per second for the shop at most; sends wait for a free slot before they are made (default 10). See docs/channels.md, Sending rate.
   */
  sendsPerSecond?: number;
  /**
   * Path on this server the platform pushes to.
   */
  webhookPath: string;
}
export interface TiktokChannelConfig {
  /**
   * Turn the channel on (off by default).
   */
  enabled: boolean;
  /**
   * App key of the TikTok Shop app.
   */
  appKey?: string;
  /**
   * App secret of the TikTok Shop app. Secret: write ${env:NAME}.
   */
  appSecret?: string;
  /**
   * The shop's access token. Secret: write ${env:NAME}.
   */
  accessToken?: string;
  /**
   * The refresh token that came with the access token; Kefu renews the access token with it. Secret: write ${env:NAME}.
   */
  refreshToken?: string;
  /**
   * The platform's authorisation host for the token refresh call; only tests change it.
   */
  authBaseUrl?: string;
  /**
   * The shop's cipher, from Get Authorized Shops.
   */
  shopCipher?: string;
  /**
   * TikTok Shop API base URL, e.g. https://open-api.tiktokglobalshop.com.
   */
  apiBaseUrl: string;
  /**
   * Messages sent per second for the shop at most; sends wait for a free slot before they are made (default 10). See docs/channels.md, Sending rate.
   */
  sendsPerSecond?: number;
  /**
   * Path on this server the platform pushes to.
   */
  webhookPath: string;
}
export interface ShopeeChannelConfig {
  /**
   * Turn the channel on (off by default).
   */
  enabled: boolean;
  /**
   * Partner id of the Shopee Open Platform app.
   */
  partnerId?: number;
  /**
   * Partner key of the Shopee app. Secret: write ${env:NAME}.
   */
  partnerKey?: string;
  /**
   * The key Shopee signs pushes with, when the console shows one apart from the partner key (defaults to the partner key). Secret: write ${env:NAME}.
   */
  pushKey?: string;
  /**
   * The shop's id.
   */
  shopId?: number;
  /**
   * The shop's access token. Secret: write ${env:NAME}.
   */
  accessToken?: string;
  /**
   * The refresh token that came with the access token; Kefu renews the access token with it. Secret: write ${env:NAME}.
   */
  refreshToken?: string;
  /**
   * The push callback URL exactly as registered with Shopee (part of what Shopee signs).
   */
  callbackUrl?: string;
  /**
   * Shopee API base URL, e.g. https://partner.shopeemobile.com.
   */
  apiBaseUrl: string;
  /**
   * Messages sent per second for the shop at most; sends wait for a free slot before they are made (default 10). See docs/channels.md, Sending rate.
   */
  sendsPerSecond?: number;
  /**
   * Path on this server the platform pushes to.
   */
  webhookPath: string;
  /**
   * Send replies through the sellerchat API (whitelisted partners only).
   */
  sendThroughSellerchat: boolean;
  /**
   * How often missed pushes are fetched, in seconds; 0 turns it off.
   */
  lostPushIntervalSeconds: number;
}
