// The TikTok Shop customer-service channel: the webhook route, the queue and worker, and the signed
// send-message API for replies. compose/marketplace-channels.ts builds it when channels.tiktok.enabled.

import type { ConversationRef, Reply } from '../../../dialogs/messages.ts';
import { systemClock } from '../../../dialogs/ports.ts';
import { isSafePathSegment, pathSegment } from '../../http/path-segment.ts';
import { ApiError } from '../shared/api-retry.ts';
import { keepTokens } from '../shared/keep-tokens.ts';
import { TokenKeeper } from '../shared/token-keeper.ts';
import { TIKTOK_AUTH_BASE_URL, refreshTiktokToken } from './tiktok-tokens.ts';
import { UNPACED, type SendPacer } from '../shared/send-pacer.ts';
import { marketplaceChannel, type MarketplaceChannel, type MarketplaceChannelOptions } from '../shared/marketplace-channel.ts';
import { TiktokApiClient } from './tiktok-api-client.ts';
import { renderTiktokReply, type TiktokMessageBody } from './tiktok-renderer.ts';
import type { ReplySender } from '../shared/marketplace-outbound.ts';
import { registerTiktokRoutes } from './tiktok-routes.ts';
import { TIKTOK_CHANNEL } from './tiktok-webhook.ts';

/** The customer-service Send Message API for one conversation. */
/**
 * The conversation id is one path segment (adapters/http/path-segment.ts); an id that cannot be one
 * is refused as a failure that retrying would not change.
 */
export function tiktokSendMessagePath(conversationId: string): string {
  if (!isSafePathSegment(conversationId)) throw new ApiError('TikTok Shop conversation id cannot be a path segment; not sent', 'refused');
  return `/customer_service/202309/conversations/${pathSegment(conversationId)}/messages`;
}

/** Sends reply bubbles as TikTok Shop messages, one Send Message call each. */
export class TiktokReplySender implements ReplySender<TiktokMessageBody> {
  constructor(
    private readonly api: TiktokApiClient,
    private readonly pacer: SendPacer = UNPACED,
  ) {}

  messagesOf(reply: Reply): TiktokMessageBody[] {
    return renderTiktokReply(reply);
  }

  async sendMessage(conversation: ConversationRef, body: TiktokMessageBody): Promise<void> {
    const path = tiktokSendMessagePath(conversation.conversationId);
    await this.pacer.take();
    await this.api.post(path, body);
  }
}

/** What the channel reads of channels.tiktok (docs/channels.md); compose/ checks them when the channel is on. */
export interface TiktokSettings {
  appKey: string;
  appSecret: string;
  accessToken: string;
  refreshToken?: string;
  shopCipher: string;
  apiBaseUrl: string;
  authBaseUrl?: string;
  webhookPath: string;
}

export interface TiktokChannelOptions extends MarketplaceChannelOptions {
  settings: TiktokSettings;
}

export function createTiktokChannel(options: TiktokChannelOptions): MarketplaceChannel {
  const { settings: tiktok, stores, reporting, maxAgeSeconds, clock = systemClock, logger } = options;
  // The keeper is the client's token source, and renews through the same client (the refresh call needs no token).
  const keeper: TokenKeeper = new TokenKeeper({
    channel: TIKTOK_CHANNEL,
    store: stores.tokenStore,
    seed: tiktok,
    refresh: (refreshToken) => refreshTiktokToken(tiktok.authBaseUrl ?? TIKTOK_AUTH_BASE_URL, tiktok.appKey, tiktok.appSecret, refreshToken),
    clock,
    logger,
  });
  const api = new TiktokApiClient({ baseUrl: tiktok.apiBaseUrl, appKey: tiktok.appKey, appSecret: tiktok.appSecret, tokens: keeper, shopCipher: tiktok.shopCipher, clock });
  return marketplaceChannel({
    name: TIKTOK_CHANNEL,
    stores,
    logger,
    sender: new TiktokReplySender(api, stores.pacer),
    async registerRoutes(http) {
      await registerTiktokRoutes(http, {
        path: tiktok.webhookPath,
        appKey: tiktok.appKey,
        appSecret: tiktok.appSecret,
        state: stores.state,
        clock,
        logger,
        maxAgeSeconds,
        onAuthorization: (notice) => keeper.notice(notice),
      });
      logger.info({ path: tiktok.webhookPath }, 'TikTok Shop customer-service channel is on');
    },
    startTimers: () => keepTokens(keeper, { channel: TIKTOK_CHANNEL, reporting, clock, logger }),
  });
}
