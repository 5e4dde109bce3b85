// Wires the Lazada IM channel into a running Kefu: the push route, the queue and worker, and the
// signed /im/message/send road for replies. Called from server.ts when channels.lazada.enabled.

import type { FastifyInstance } from 'fastify';
import type { KefuConfig, LazadaChannelConfig } from '../../../config/config-types.ts';
import type { ConversationRef, Reply } from '../../../dialogs/messages.ts';
import { systemClock, type Clock, type Logger } from '../../../dialogs/ports.ts';
import type { Kefu } from '../../../server.ts';
import { fixedAccessToken } from '../shared/access-tokens.ts';
import { setUpMarketplaceChannel, type MarketplaceChannel } from '../shared/set-up-marketplace-channel.ts';
import { UnknownShapes } from '../shared/unknown-shapes.ts';
import { LazadaApiClient } from './lazada-api-client.ts';
import { LAZADA_CHANNEL } from './lazada-push.ts';
import { renderLazadaReply } from './lazada-renderer.ts';
import { registerLazadaRoutes } from './lazada-routes.ts';

/** API reference "SendMessage". */
export const LAZADA_SEND_PATH = '/im/message/send';

/** Sends one reply bubble as one or more Lazada IM messages. */
export class LazadaReplySender {
  constructor(private readonly api: LazadaApiClient) {}

  async sendReply(conversation: ConversationRef, reply: Reply): Promise<void> {
    for (const params of renderLazadaReply(reply)) {
      await this.api.call(LAZADA_SEND_PATH, { session_id: conversation.conversationId, ...params });
    }
  }
}

export async function registerLazadaChannel(http: FastifyInstance, kefu: Kefu, config: KefuConfig, logger: Logger, clock: Clock = systemClock): Promise<MarketplaceChannel> {
  const lazada = config.channels.lazada as Required<LazadaChannelConfig>;
  const api = new LazadaApiClient({ baseUrl: lazada.apiBaseUrl, appKey: lazada.appKey, appSecret: lazada.appSecret, tokens: fixedAccessToken(lazada.accessToken), clock });
  const channel = await setUpMarketplaceChannel(http, kefu, config, logger, LAZADA_CHANNEL, new LazadaReplySender(api));
  await registerLazadaRoutes(http, {
    channel: LAZADA_CHANNEL,
    path: lazada.webhookPath,
    appKey: lazada.appKey,
    appSecret: lazada.appSecret,
    state: channel.state,
    unknownShapes: new UnknownShapes(LAZADA_CHANNEL, logger),
    clock,
    logger,
    maxAgeSeconds: config.conversations.dedupeSeconds,
  });
  logger.info({ path: lazada.webhookPath }, 'Lazada IM channel is on');
  return channel;
}
