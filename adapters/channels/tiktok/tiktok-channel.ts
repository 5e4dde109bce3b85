// Wires the TikTok Shop customer-service channel into a running Kefu: the webhook route, the queue
// and worker, and the signed send-message API for replies. Called when channels.tiktok.enabled.

import type { FastifyInstance } from 'fastify';
import type { KefuConfig, TiktokChannelConfig } from '../../../config/config-types.ts';
import type { ConversationRef, Reply } from '../../../dialogs/messages.ts';
import { systemClock, type Clock, type Logger } from '../../../dialogs/ports.ts';
import type { Kefu } from '../../../server.ts';
import { isSafePathSegment, pathSegment } from '../../http/path-segment.ts';
import { ApiError } from '../shared/api-retry.ts';
import type { AccessTokens } from '../shared/access-tokens.ts';
import { keepTokens } from '../shared/keep-tokens.ts';
import type { TokenKeeper } from '../shared/token-keeper.ts';
import { TIKTOK_AUTH_BASE_URL, refreshTiktokToken } from './tiktok-tokens.ts';
import { UNPACED, type SendPacer } from '../shared/send-pacer.ts';
import { setUpMarketplaceChannel, type MarketplaceChannel } from '../shared/set-up-marketplace-channel.ts';
import { TiktokApiClient } from './tiktok-api-client.ts';
import { renderTiktokReply } from './tiktok-renderer.ts';
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

export class TiktokReplySender {
  constructor(
    private readonly api: TiktokApiClient,
    private readonly pacer: SendPacer = UNPACED,
  ) {}

  async sendReply(conversation: ConversationRef, reply: Reply): Promise<void> {
    for (const body of renderTiktokReply(reply)) {
      await this.pacer.take();
      await this.api.post(tiktokSendMessagePath(conversation.conversationId), body);
    }
  }
}

export async function registerTiktokChannel(http: FastifyInstance, kefu: Kefu, config: KefuConfig, logger: Logger, clock: Clock = systemClock): Promise<MarketplaceChannel> {
  const tiktok = config.channels.tiktok as Required<Omit<TiktokChannelConfig, 'refreshToken' | 'authBaseUrl'>> & Pick<TiktokChannelConfig, 'refreshToken' | 'authBaseUrl'>;
  let keeper: TokenKeeper | null = null;
  const tokens: AccessTokens = { current: () => keeper!.current(), renewAfterRefusal: (used) => keeper!.renewAfterRefusal(used) };
  const api = new TiktokApiClient({ baseUrl: tiktok.apiBaseUrl, appKey: tiktok.appKey, appSecret: tiktok.appSecret, tokens, shopCipher: tiktok.shopCipher, clock });
  const channel = await setUpMarketplaceChannel(http, kefu, config, logger, TIKTOK_CHANNEL, ({ tokenStore, pacer }) => {
    keeper = keepTokens(http, kefu, {
      channel: TIKTOK_CHANNEL,
      store: tokenStore,
      seed: { accessToken: tiktok.accessToken, ...(tiktok.refreshToken ? { refreshToken: tiktok.refreshToken } : {}) },
      refresh: (refreshToken) => refreshTiktokToken(tiktok.authBaseUrl ?? TIKTOK_AUTH_BASE_URL, tiktok.appKey, tiktok.appSecret, refreshToken),
      clock,
      logger,
    });
    return new TiktokReplySender(api, pacer);
  }, config.channels.tiktok.sendsPerSecond);
  await registerTiktokRoutes(http, {
    path: tiktok.webhookPath,
    appKey: tiktok.appKey,
    appSecret: tiktok.appSecret,
    state: channel.state,
    clock,
    logger,
    maxAgeSeconds: config.conversations.dedupeSeconds,
    onAuthorization: (notice) => keeper!.notice(notice),
  });
  logger.info({ path: tiktok.webhookPath }, 'TikTok Shop customer-service channel is on');
  return channel;
}
