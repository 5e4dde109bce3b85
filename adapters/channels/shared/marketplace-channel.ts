// What every marketplace channel has besides its own protocol: its ChannelState and TokenStore (in
// memory, or in Redis on a connection of the channel's own), the pacer that keeps sends within the
// platform's rate limit, the outbound road, and the worker that answers queued messages. A channel
// (lazada-channel.ts, …) builds its stores, its sender and its routes, and this file makes the
// ChannelAdapter of them.

import type { FastifyInstance } from 'fastify';
import type { Clock, Logger } from '../../../dialogs/ports.ts';
import type { TokenReporting } from './keep-tokens.ts';
import type { RedisClient } from '../../stores/redis/redis-connection.ts';
import type { ChannelAdapter } from '../channel-adapter.ts';
import { DEFAULT_API_RETRY } from './api-retry.ts';
import type { ChannelState, ChannelStateOptions } from './channel-state.ts';
import { MarketplaceOutbound, type ReplySender } from './marketplace-outbound.ts';
import { marketplaceWorker } from './marketplace-worker.ts';
import { MemoryChannelState } from './memory-channel-state.ts';
import { RedisChannelState } from './redis-channel-state.ts';
import { createSendPacer, DEFAULT_SENDS_PER_SECOND, type SendPacer } from './send-pacer.ts';
import { MemoryTokenStore, RedisTokenStore, type TokenStore } from './token-store.ts';

export interface MarketplaceStoreOptions {
  channel: string;
  /** Redelivery memory, the inbox's retries and how long shown options are kept. */
  inbox: ChannelStateOptions;
  /** The channel's own Redis connection (closed with the channel) and key prefix; null keeps all in memory. */
  redis: { client: RedisClient; prefix: string; claimIdleMs: number } | null;
  sendsPerSecond?: number;
  logger: Logger;
}

export interface MarketplaceStores {
  state: ChannelState;
  tokenStore: TokenStore;
  pacer: SendPacer;
  /** How the inbox retries; the outbound's retries never wait longer at first. */
  retryBaseMs: number;
  close(): Promise<void>;
}

export function marketplaceStores(options: MarketplaceStoreOptions): MarketplaceStores {
  const { channel, inbox, redis, logger } = options;
  const sendsPerSecond = options.sendsPerSecond ?? DEFAULT_SENDS_PER_SECOND;
  if (!redis) {
    return {
      state: new MemoryChannelState(inbox, logger),
      tokenStore: new MemoryTokenStore(),
      pacer: createSendPacer({ channel, sendsPerSecond }),
      retryBaseMs: inbox.retryBaseMs,
      close: async () => {},
    };
  }
  const { client, prefix, claimIdleMs } = redis;
  return {
    state: new RedisChannelState({ ...inbox, client, prefix, channel, claimIdleMs, logger }),
    tokenStore: new RedisTokenStore(client, prefix, channel),
    pacer: createSendPacer({ channel, sendsPerSecond, redis: { client, prefix } }),
    retryBaseMs: inbox.retryBaseMs,
    close: async () => client.disconnect(),
  };
}

/** What every channel's factory takes besides its own settings (lazada-channel.ts, …). */
export interface MarketplaceChannelOptions {
  stores: MarketplaceStores;
  reporting: TokenReporting;
  /** Pushes older than this are refused as replays (the redelivery memory lasts as long). */
  maxAgeSeconds: number;
  clock?: Clock;
  logger: Logger;
}

export interface MarketplaceChannel extends ChannelAdapter {
  readonly state: ChannelState;
  readonly outbound: MarketplaceOutbound;
  readonly tokenStore: TokenStore;
}

export interface MarketplaceChannelParts {
  name: string;
  stores: MarketplaceStores;
  sender: ReplySender;
  /** Where sends whose outcome is unknown are reported. */
  logger?: Logger;
  /** Mounts the channel's webhook routes (called by start). */
  registerRoutes(http: FastifyInstance): Promise<void>;
  /** Starts the channel's own timers (token checks, lost-push recovery); returns what stops them. */
  startTimers?(): () => Promise<void>;
}

export function marketplaceChannel(parts: MarketplaceChannelParts): MarketplaceChannel {
  const { name, stores, sender } = parts;
  const { state, tokenStore } = stores;
  const outbound = new MarketplaceOutbound(name, sender, state, { ...DEFAULT_API_RETRY, baseMs: Math.min(DEFAULT_API_RETRY.baseMs, stores.retryBaseMs) }, parts.logger);
  let stopTimers = async (): Promise<void> => {};
  return {
    name,
    outbound,
    state,
    tokenStore,
    async start({ http, conversations }) {
      await parts.registerRoutes(http);
      state.start(marketplaceWorker({ conversations, state, outbound }));
      stopTimers = parts.startTimers?.() ?? stopTimers;
    },
    async close() {
      await stopTimers();
      await state.close();
      await stores.close();
    },
  };
}
