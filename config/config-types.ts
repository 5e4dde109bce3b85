// The shape of Kefu's configuration once loaded and validated (see config/config.schema.json,
// which is the source of truth for ranges and allowed values, and docs/configuration.md).

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
}

export interface DingtalkDeskConfig {
  appKey: string;
  appSecret: string;
  robotCode: string;
  /** Group conversation where hand-offs are posted. */
  openConversationId: string;
}

export interface AgentDeskConfig {
  kind: AgentDeskKind;
  slack?: SlackDeskConfig;
  dingtalk?: DingtalkDeskConfig;
}

export interface OrdersConfig {
  /** demo: the demo shop's order book; http: the merchant's order API (docs/openapi/commerce-orders.yaml). */
  backend: 'demo' | 'http';
  http: { baseUrl: string | null; timeoutMs: number; token?: string };
}

export interface AfterSaleConfig {
  returnWindowDays: number;
  stalledAfterHours: number;
  refundArrivalDays: number;
}

export interface LoggingConfig {
  level: LogLevel;
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
  reminders: RemindersConfig;
  logging: LoggingConfig;
  orders: OrdersConfig;
  afterSale: AfterSaleConfig;
}
