// Wires the Lazada IM channel into a running Kefu: the push route, the queue and worker, and the
// signed /im/message/send road for replies. Called from server.ts when channels.lazada.enabled.

import type { FastifyInstance } from 'fastify';
import type { KefuConfig, LazadaChannelConfig } from '../../../config/config-types.ts';
import type { ConversationRef, Reply } from '../../../dialogs/messages.ts';
import { systemClock, type Clock, type Logger } from '../../../dialogs/ports.ts';
import type { Kefu } from '../../../server.ts';
import type { AccessTokens } from '../shared/access-tokens.ts';
import { keepTokens } from '../shared/keep-tokens.ts';
import type { TokenKeeper } from '../shared/token-keeper.ts';
import { LAZADA_AUTH_BASE_URL, refreshLazadaToken } from './lazada-tokens.ts';
import { UNPACED, type SendPacer } from '../shared/send-pacer.ts';
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
  constructor(
    private readonly api: LazadaApiClient,
    private readonly pacer: SendPacer = UNPACED,
  ) {}

  async sendReply(conversation: ConversationRef, reply: Reply): Promise<void> {
    for (const params of renderLazadaReply(reply)) {
      await this.pacer.take();
      await this.api.call(LAZADA_SEND_PATH, { session_id: conversation.conversationId, ...params });
    }
  }
}

export async function registerLazadaChannel(http: FastifyInstance, kefu: Kefu, config: KefuConfig, logger: Logger, clock: Clock = systemClock): Promise<MarketplaceChannel> {
  const lazada = config.channels.lazada as Required<Omit<LazadaChannelConfig, 'refreshToken' | 'authBaseUrl'>> & Pick<LazadaChannelConfig, 'refreshToken' | 'authBaseUrl'>;
  let keeper: TokenKeeper | null = null;
  const channel = await setUpMarketplaceChannel(http, kefu, config, logger, LAZADA_CHANNEL, ({ tokenStore, pacer }) => {
    // The client asks the keeper for the token; the keeper renews it through the same client, without a token.
    const tokens: AccessTokens = { current: () => keeper!.current(), renewAfterRefusal: (used) => keeper!.renewAfterRefusal(used) };
    const api = new LazadaApiClient({ baseUrl: lazada.apiBaseUrl, appKey: lazada.appKey, appSecret: lazada.appSecret, tokens, clock });
    keeper = keepTokens(http, kefu, {
      channel: LAZADA_CHANNEL,
      store: tokenStore,
      seed: { accessToken: lazada.accessToken, ...(lazada.refreshToken ? { refreshToken: lazada.refreshToken } : {}) },
      refresh: (refreshToken) => refreshLazadaToken(api, lazada.authBaseUrl ?? LAZADA_AUTH_BASE_URL, refreshToken, clock),
      clock,
      logger,
    });
    return new LazadaReplySender(api, pacer);
  }, config.channels.lazada.sendsPerSecond);
  await registerLazadaRoutes(http, {
    channel: LAZADA_CHANNEL,
    path: lazada.webhookPath,
    appKey: lazada.appKey,
    appSecret: lazada.appSecret,
    state: channel.state,
    unknownShapes: new UnknownShapes(LAZADA_CHANNEL, logger),
    // msg_type 8: the authorisation ends soon; the keeper keeps the date for /metrics and warns.
    onAuthorization: (notice) => keeper!.notice(notice),
    clock,
    logger,
    maxAgeSeconds: config.conversations.dedupeSeconds,
  });
  logger.info({ path: lazada.webhookPath }, 'Lazada IM channel is on');
  return channel;
}
