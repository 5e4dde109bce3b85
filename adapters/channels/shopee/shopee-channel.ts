// Wires the Shopee webchat channel into a running Kefu: the push route (with Shopee's empty
// verification POST), the queue and worker, the lost-push recovery, and replies through sellerchat
// when channels.shopee.sendThroughSellerchat is on (Shopee whitelists that API per partner). With it
// off, Kefu reads and records buyers' messages and hands them to people, but sends nothing.

import type { FastifyInstance } from 'fastify';
import type { KefuConfig, ShopeeChannelConfig } from '../../../config/config-types.ts';
import type { ConversationRef, Reply } from '../../../dialogs/messages.ts';
import { systemClock, type Clock, type Logger } from '../../../dialogs/ports.ts';
import type { Kefu } from '../../../server.ts';
import { ApiError } from '../shared/api-retry.ts';
import { UnknownShapes } from '../shared/unknown-shapes.ts';
import type { AccessTokens } from '../shared/access-tokens.ts';
import { keepTokens } from '../shared/keep-tokens.ts';
import type { TokenKeeper } from '../shared/token-keeper.ts';
import { refreshShopeeToken } from './shopee-tokens.ts';
import type { ReplySender } from '../shared/marketplace-outbound.ts';
import { UNPACED, type SendPacer } from '../shared/send-pacer.ts';
import { setUpMarketplaceChannel, type MarketplaceChannel } from '../shared/set-up-marketplace-channel.ts';
import { ShopeeApiClient } from './shopee-api-client.ts';
import { scheduleLostPushRecovery } from './shopee-lost-push.ts';
import { SHOPEE_CHANNEL } from './shopee-push.ts';
import { renderShopeeReply } from './shopee-renderer.ts';
import { registerShopeeRoutes } from './shopee-routes.ts';

export const SHOPEE_SEND_MESSAGE_PATH = '/api/v2/sellerchat/send_message';

export class ShopeeReplySender implements ReplySender {
  constructor(
    private readonly api: ShopeeApiClient,
    private readonly pacer: SendPacer = UNPACED,
  ) {}

  async sendReply(conversation: ConversationRef, reply: Reply): Promise<void> {
    if (!/^\d{1,19}$/.test(conversation.buyerId)) throw new ApiError(`Shopee buyer id ${conversation.buyerId} is not a user id`, 'refused');
    for (const message of renderShopeeReply(reply)) {
      await this.pacer.take();
      await this.api.shopCall('POST', SHOPEE_SEND_MESSAGE_PATH, { to_id: Number(conversation.buyerId), ...message });
    }
  }
}

/** Used while sellerchat is off: the replies are recorded in the session but not sent. */
export class ShopeeReadOnlySender implements ReplySender {
  constructor(private readonly logger: Logger) {}

  async sendReply(conversation: ConversationRef, reply: Reply): Promise<void> {
    this.logger.debug({ conversationId: conversation.conversationId, chars: reply.text.length }, 'Shopee reply not sent: channels.shopee.sendThroughSellerchat is off');
  }
}

export async function registerShopeeChannel(http: FastifyInstance, kefu: Kefu, config: KefuConfig, logger: Logger, clock: Clock = systemClock): Promise<MarketplaceChannel> {
  const shopee = config.channels.shopee as Required<Omit<ShopeeChannelConfig, 'pushKey' | 'refreshToken'>> & Pick<ShopeeChannelConfig, 'pushKey' | 'refreshToken'>;
  let keeper: TokenKeeper | null = null;
  const tokens: AccessTokens = { current: () => keeper!.current(), renewAfterRefusal: (used) => keeper!.renewAfterRefusal(used) };
  const api = new ShopeeApiClient({ baseUrl: shopee.apiBaseUrl, partnerId: shopee.partnerId, partnerKey: shopee.partnerKey, shopId: shopee.shopId, tokens, clock });
  const channel = await setUpMarketplaceChannel(http, kefu, config, logger, SHOPEE_CHANNEL, ({ tokenStore, pacer }) => {
    keeper = keepTokens(http, kefu, {
      channel: SHOPEE_CHANNEL,
      store: tokenStore,
      seed: { accessToken: shopee.accessToken, ...(shopee.refreshToken ? { refreshToken: shopee.refreshToken } : {}) },
      refresh: (refreshToken) => refreshShopeeToken(api, shopee.partnerId, shopee.shopId, refreshToken, clock),
      clock,
      logger,
    });
    return shopee.sendThroughSellerchat ? new ShopeeReplySender(api, pacer) : new ShopeeReadOnlySender(logger);
  }, config.channels.shopee.sendsPerSecond);
  await registerShopeeRoutes(http, {
    path: shopee.webhookPath,
    callbackUrl: shopee.callbackUrl,
    // Developer Guide "Push Mechanism notifications", Push Authorization: signed with the partner key;
    // newer consoles show a push key of its own (not confirmed by a published page): pushKey when set.
    pushKey: shopee.pushKey ?? shopee.partnerKey,
    shopId: shopee.shopId,
    state: channel.state,
    clock,
    logger,
    maxAgeSeconds: config.conversations.dedupeSeconds,
  });
  if (shopee.lostPushIntervalSeconds > 0) {
    const unknownShapes = new UnknownShapes(SHOPEE_CHANNEL, logger);
    const stop = scheduleLostPushRecovery({ api, state: channel.state, shopId: shopee.shopId, clock, logger, unknownShapes, maxAgeSeconds: config.conversations.dedupeSeconds }, shopee.lostPushIntervalSeconds);
    http.addHook('onClose', stop);
  }
  logger.info({ path: shopee.webhookPath, sending: shopee.sendThroughSellerchat }, 'Shopee webchat channel is on');
  return channel;
}
