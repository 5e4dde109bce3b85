// Builds the marketplace channels that `channels` turns on, each with its stores (in memory, or in
// Redis on a connection of the channel's own when Kefu runs on Redis). composeKefu builds them before
// the conversation service, so their outbound roads are known from the start; buildServer starts them.

import type { ChannelInboxConfig, KefuConfig } from '../config/config-types.ts';
import type { Clock, Logger } from '../dialogs/ports.ts';
import { createLazadaChannel, type LazadaSettings } from '../adapters/channels/lazada/lazada-channel.ts';
import type { MarketplaceChannel, MarketplaceStores } from '../adapters/channels/shared/marketplace-channel.ts';
import { marketplaceStores } from '../adapters/channels/shared/marketplace-channel.ts';
import type { TokenReporting } from '../adapters/channels/shared/keep-tokens.ts';
import { createShopeeChannel, type ShopeeSettings } from '../adapters/channels/shopee/shopee-channel.ts';
import { createTiktokChannel, type TiktokSettings } from '../adapters/channels/tiktok/tiktok-channel.ts';
import { connectRedis, hasRedis, waitForRedisReady } from '../adapters/stores/redis/redis-connection.ts';

export interface ChannelParts {
  reporting: TokenReporting;
  clock: Clock;
  logger: Logger;
}

/** The channels turned on, built but not started; a channel whose Redis cannot be reached stops the start (those built so far are closed). */
export async function createMarketplaceChannels(config: KefuConfig, parts: ChannelParts): Promise<MarketplaceChannel[]> {
  const { channels } = config;
  const built: MarketplaceChannel[] = [];
  const common = async (name: string, sendsPerSecond: number | undefined) => ({
    stores: await storesFor(config, name, sendsPerSecond, parts.logger),
    reporting: parts.reporting,
    maxAgeSeconds: config.conversations.dedupeSeconds,
    clock: parts.clock,
    logger: parts.logger,
  });
  try {
    // load-config.ts has checked that an enabled channel has every setting it needs.
    if (channels.lazada.enabled) built.push(createLazadaChannel({ settings: channels.lazada as LazadaSettings, ...(await common('lazada', channels.lazada.sendsPerSecond)) }));
    if (channels.tiktok.enabled) built.push(createTiktokChannel({ settings: channels.tiktok as TiktokSettings, ...(await common('tiktok', channels.tiktok.sendsPerSecond)) }));
    if (channels.shopee.enabled) built.push(createShopeeChannel({ settings: channels.shopee as ShopeeSettings, ...(await common('shopee', channels.shopee.sendsPerSecond)) }));
  } catch (error) {
    for (const channel of built) await channel.close().catch(() => {});
    throw error;
  }
  return built;
}

async function storesFor(config: KefuConfig, channel: string, sendsPerSecond: number | undefined, logger: Logger): Promise<MarketplaceStores> {
  const inbox: ChannelInboxConfig = config.channels.inbox;
  const settings = {
    dedupeSeconds: config.conversations.dedupeSeconds,
    optionsSeconds: inbox.optionsSeconds,
    retryBaseMs: inbox.retryBaseMs,
    maxRetryMs: inbox.maxRetryMs,
    maxAttempts: inbox.maxAttempts,
  };
  if (!hasRedis(config.redis)) return marketplaceStores({ channel, inbox: settings, redis: null, ...(sendsPerSecond !== undefined ? { sendsPerSecond } : {}), logger });
  const client = connectRedis(config.redis, { logger, connectionName: `kefu-${channel}` });
  await waitForRedisReady(client).catch((error: unknown) => {
    client.disconnect();
    throw error;
  });
  const redis = { client, prefix: config.sessions.keyPrefix, claimIdleMs: config.conversations.leaseMs };
  return marketplaceStores({ channel, inbox: settings, redis, ...(sendsPerSecond !== undefined ? { sendsPerSecond } : {}), logger });
}
