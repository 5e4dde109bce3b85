// The Lazada IM channel: the push route, the queue and worker, and the signed /im/message/send
// road for replies. compose/marketplace-channels.ts builds it when channels.lazada.enabled.

import type { ConversationRef, Reply } from '../../../dialogs/messages.ts';
import { systemClock } from '../../../dialogs/ports.ts';
import { keepTokens } from '../shared/keep-tokens.ts';
import { TokenKeeper } from '../shared/token-keeper.ts';
import { LAZADA_AUTH_BASE_URL, refreshLazadaToken } from './lazada-tokens.ts';
import { UNPACED, type SendPacer } from '../shared/send-pacer.ts';
import { marketplaceChannel, type MarketplaceChannel, type MarketplaceChannelOptions } from '../shared/marketplace-channel.ts';
import { UnknownShapes } from '../shared/unknown-shapes.ts';
import { LazadaApiClient } from './lazada-api-client.ts';
import { LAZADA_CHANNEL } from './lazada-push.ts';
import { renderLazadaReply, type LazadaMessageParams } from './lazada-renderer.ts';
import type { ReplySender } from '../shared/marketplace-outbound.ts';
import { registerLazadaRoutes } from './lazada-routes.ts';

/** API reference "SendMessage". */
export const LAZADA_SEND_PATH = '/im/message/send';

/** Sends reply bubbles as Lazada IM messages, one /im/message/send call each. */
export class LazadaReplySender implements ReplySender<LazadaMessageParams> {
  constructor(
    private readonly api: LazadaApiClient,
    private readonly pacer: SendPacer = UNPACED,
  ) {}

  messagesOf(reply: Reply): LazadaMessageParams[] {
    return renderLazadaReply(reply);
  }

  async sendMessage(conversation: ConversationRef, params: LazadaMessageParams): Promise<void> {
    await this.pacer.take();
    await this.api.call(LAZADA_SEND_PATH, { session_id: conversation.conversationId, ...params });
  }
}

/** What the channel reads of channels.lazada (docs/channels.md); compose/ checks them when the channel is on. */
export interface LazadaSettings {
  appKey: string;
  appSecret: string;
  accessToken: string;
  refreshToken?: string;
  apiBaseUrl: string;
  authBaseUrl?: string;
  webhookPath: string;
}

export interface LazadaChannelOptions extends MarketplaceChannelOptions {
  settings: LazadaSettings;
}

export function createLazadaChannel(options: LazadaChannelOptions): MarketplaceChannel {
  const { settings: lazada, stores, reporting, maxAgeSeconds, clock = systemClock, logger } = options;
  // The keeper is the client's token source, and renews through the same client (the refresh call needs no token).
  const keeper: TokenKeeper = new TokenKeeper({
    channel: LAZADA_CHANNEL,
    store: stores.tokenStore,
    seed: lazada,
    refresh: (refreshToken) => refreshLazadaToken(api, lazada.authBaseUrl ?? LAZADA_AUTH_BASE_URL, refreshToken, clock),
    clock,
    logger,
  });
  const api = new LazadaApiClient({ baseUrl: lazada.apiBaseUrl, appKey: lazada.appKey, appSecret: lazada.appSecret, tokens: keeper, clock });
  return marketplaceChannel({
    name: LAZADA_CHANNEL,
    stores,
    logger,
    sender: new LazadaReplySender(api, stores.pacer),
    async registerRoutes(http) {
      await registerLazadaRoutes(http, {
        channel: LAZADA_CHANNEL,
        path: lazada.webhookPath,
        appKey: lazada.appKey,
        appSecret: lazada.appSecret,
        state: stores.state,
        unknownShapes: new UnknownShapes(LAZADA_CHANNEL, logger),
        // msg_type 8: the authorisation ends soon; the keeper keeps the date for /metrics and warns.
        onAuthorization: (notice) => keeper.notice(notice),
        clock,
        logger,
        maxAgeSeconds,
      });
      logger.info({ path: lazada.webhookPath }, 'Lazada IM channel is on');
    },
    startTimers: () => keepTokens(keeper, { channel: LAZADA_CHANNEL, reporting, clock, logger }),
  });
}
