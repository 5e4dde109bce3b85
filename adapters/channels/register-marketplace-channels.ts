// Turns on the marketplace channels the configuration enables (all are off by default).

import type { FastifyInstance } from 'fastify';
import type { KefuConfig } from '../../config/config-types.ts';
import type { Logger } from '../../dialogs/ports.ts';
import type { Kefu } from '../../server.ts';
import { registerLazadaChannel } from './lazada/lazada-channel.ts';
import { registerShopeeChannel } from './shopee/shopee-channel.ts';
import { registerTiktokChannel } from './tiktok/tiktok-channel.ts';

export async function registerMarketplaceChannels(http: FastifyInstance, kefu: Kefu, config: KefuConfig, logger: Logger): Promise<void> {
  if (config.channels.lazada.enabled) await registerLazadaChannel(http, kefu, config, logger);
  if (config.channels.tiktok.enabled) await registerTiktokChannel(http, kefu, config, logger);
  if (config.channels.shopee.enabled) await registerShopeeChannel(http, kefu, config, logger);
}
