// What every marketplace channel needs besides its own protocol: its ChannelState and TokenStore (in
// memory, or in Redis when Kefu runs on Redis, on a connection of its own), the outbound road (also
// registered with the core, for agents' answers and reminders), and the worker that answers queued
// messages. Everything is stopped when the HTTP server closes.

import type { FastifyInstance } from 'fastify';
import type { KefuConfig } from '../../../config/config-types.ts';
import type { Logger } from '../../../dialogs/ports.ts';
import type { Kefu } from '../../../server.ts';
import { connectRedis, hasRedis, waitForRedisReady } from '../../stores/redis/redis-connection.ts';
import { DEFAULT_API_RETRY } from './api-retry.ts';
import type { ChannelState, ChannelStateOptions } from './channel-state.ts';
import { MarketplaceOutbound, type ReplySender } from './marketplace-outbound.ts';
import { marketplaceWorker } from './marketplace-worker.ts';
import { MemoryChannelState } from './memory-channel-state.ts';
import { RedisChannelState } from './redis-channel-state.ts';
import { createSendPacer, DEFAULT_SENDS_PER_SECOND, type SendPacer } from './send-pacer.ts';
import { MemoryTokenStore, RedisTokenStore, type TokenStore } from './token-store.ts';

export interface MarketplaceChannel {
  state: ChannelState;
  outbound: MarketplaceOutbound;
  tokenStore: TokenStore;
}

/**
 * Builds the channel's sender once its stores exist: its API client keeps tokens in the token store,
 * and it takes a slot from the pacer before every message it sends (the platform's rate limit).
 */
export type SenderFactory = (parts: { tokenStore: TokenStore; pacer: SendPacer }) => ReplySender;

export async function setUpMarketplaceChannel(
  http: FastifyInstance,
  kefu: Kefu,
  config: KefuConfig,
  logger: Logger,
  channel: string,
  makeSender: ReplySender | SenderFactory,
  sendsPerSecond: number = DEFAULT_SENDS_PER_SECOND,
): Promise<MarketplaceChannel> {
  const inbox = config.channels.inbox;
  const settings: ChannelStateOptions = {
    dedupeSeconds: config.conversations.dedupeSeconds,
    optionsSeconds: inbox.optionsSeconds,
    retryBaseMs: inbox.retryBaseMs,
    maxRetryMs: inbox.maxRetryMs,
    maxAttempts: inbox.maxAttempts,
  };
  let state: ChannelState;
  let tokenStore: TokenStore;
  let pacer: SendPacer;
  let close = async (): Promise<void> => {};
  if (hasRedis(config.redis)) {
    const client = connectRedis(config.redis, { logger, connectionName: `kefu-${channel}` });
    await waitForRedisReady(client).catch((error: unknown) => {
      client.disconnect();
      throw error;
    });
    state = new RedisChannelState({ ...settings, client, prefix: config.sessions.keyPrefix, channel, claimIdleMs: config.conversations.leaseMs, logger });
    tokenStore = new RedisTokenStore(client, config.sessions.keyPrefix, channel);
    pacer = createSendPacer({ channel, sendsPerSecond, redis: { client, prefix: config.sessions.keyPrefix } });
    close = async () => client.disconnect();
  } else {
    state = new MemoryChannelState(settings, logger);
    tokenStore = new MemoryTokenStore();
    pacer = createSendPacer({ channel, sendsPerSecond });
  }
  const sender = typeof makeSender === 'function' ? makeSender({ tokenStore, pacer }) : makeSender;
  const outbound = new MarketplaceOutbound(channel, sender, state, { ...DEFAULT_API_RETRY, baseMs: Math.min(DEFAULT_API_RETRY.baseMs, inbox.retryBaseMs) });
  kefu.outbound.set(channel, outbound);
  state.start(marketplaceWorker({ conversations: kefu.conversations, state, outbound }));
  http.addHook('onClose', async () => {
    await state.close();
    await close();
  });
  return { state, outbound, tokenStore };
}
