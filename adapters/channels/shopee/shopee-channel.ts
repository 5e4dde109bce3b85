// The Shopee webchat channel: the push route (with Shopee's empty
// verification POST), the queue and worker, the lost-push recovery, and replies through sellerchat
// when channels.shopee.sendThroughSellerchat is on (Shopee whitelists that API per partner). With it
// off, Kefu reads and records buyers' messages and hands them to people, but sends nothing.

import type { ConversationRef, Reply } from '../../../dialogs/messages.ts';
import { systemClock, type Logger } from '../../../dialogs/ports.ts';
import { ApiError } from '../shared/api-retry.ts';
import { UnknownShapes } from '../shared/unknown-shapes.ts';
import { keepTokens } from '../shared/keep-tokens.ts';
import { TokenKeeper } from '../shared/token-keeper.ts';
import { refreshShopeeToken } from './shopee-tokens.ts';
import type { ReplySender } from '../shared/marketplace-outbound.ts';
import { UNPACED, type SendPacer } from '../shared/send-pacer.ts';
import { marketplaceChannel, type MarketplaceChannel, type MarketplaceChannelOptions } from '../shared/marketplace-channel.ts';
import { ShopeeApiClient } from './shopee-api-client.ts';
import { scheduleLostPushRecovery } from './shopee-lost-push.ts';
import { SHOPEE_CHANNEL } from './shopee-push.ts';
import { renderShopeeReply, type ShopeeMessageBody } from './shopee-renderer.ts';
import { registerShopeeRoutes } from './shopee-routes.ts';

export const SHOPEE_SEND_MESSAGE_PATH = '/api/v2/sellerchat/send_message';

/** Sends reply bubbles through sellerchat, one send_message call per Shopee message. */
export class ShopeeReplySender implements ReplySender<ShopeeMessageBody> {
  constructor(
    private readonly api: ShopeeApiClient,
    private readonly pacer: SendPacer = UNPACED,
  ) {}

  messagesOf(reply: Reply): ShopeeMessageBody[] {
    return renderShopeeReply(reply);
  }

  async sendMessage(conversation: ConversationRef, message: ShopeeMessageBody): Promise<void> {
    if (!/^\d{1,19}$/.test(conversation.buyerId)) throw new ApiError(`Shopee buyer id ${conversation.buyerId} is not a user id`, 'refused');
    await this.pacer.take();
    await this.api.shopCall('POST', SHOPEE_SEND_MESSAGE_PATH, { to_id: Number(conversation.buyerId), ...message });
  }
}

/** Used while sellerchat is off: the replies are recorded in the session but not sent. */
export class ShopeeReadOnlySender implements ReplySender<Reply> {
  constructor(private readonly logger: Logger) {}

  messagesOf(reply: Reply): Reply[] {
    return [reply];
  }

  async sendMessage(conversation: ConversationRef, reply: Reply): Promise<void> {
    this.logger.debug({ conversationId: conversation.conversationId, chars: reply.text.length }, 'Shopee reply not sent: channels.shopee.sendThroughSellerchat is off');
  }
}

/** What the channel reads of channels.shopee (docs/channels.md); compose/ checks them when the channel is on. */
export interface ShopeeSettings {
  partnerId: number;
  partnerKey: string;
  pushKey?: string;
  shopId: number;
  accessToken: string;
  refreshToken?: string;
  apiBaseUrl: string;
  webhookPath: string;
  callbackUrl: string;
  sendThroughSellerchat: boolean;
  lostPushIntervalSeconds: number;
}

export interface ShopeeChannelOptions extends MarketplaceChannelOptions {
  settings: ShopeeSettings;
}

export function createShopeeChannel(options: ShopeeChannelOptions): MarketplaceChannel {
  const { settings: shopee, stores, reporting, maxAgeSeconds, clock = systemClock, logger } = options;
  // The keeper is the client's token source, and renews through the same client (the refresh call needs no token).
  const keeper: TokenKeeper = new TokenKeeper({
    channel: SHOPEE_CHANNEL,
    store: stores.tokenStore,
    seed: shopee,
    refresh: (refreshToken) => refreshShopeeToken(api, shopee.partnerId, shopee.shopId, refreshToken, clock),
    clock,
    logger,
  });
  const api = new ShopeeApiClient({ baseUrl: shopee.apiBaseUrl, partnerId: shopee.partnerId, partnerKey: shopee.partnerKey, shopId: shopee.shopId, tokens: keeper, clock });
  return marketplaceChannel({
    name: SHOPEE_CHANNEL,
    stores,
    logger,
    sender: shopee.sendThroughSellerchat ? new ShopeeReplySender(api, stores.pacer) : new ShopeeReadOnlySender(logger),
    async registerRoutes(http) {
      await registerShopeeRoutes(http, {
        path: shopee.webhookPath,
        callbackUrl: shopee.callbackUrl,
        // Developer Guide "Push Mechanism notifications", Push Authorization: signed with the partner key;
        // newer consoles show a push key of its own (not confirmed by a published page): pushKey when set.
        pushKey: shopee.pushKey ?? shopee.partnerKey,
        shopId: shopee.shopId,
        state: stores.state,
        clock,
        logger,
        maxAgeSeconds,
      });
      logger.info({ path: shopee.webhookPath, sending: shopee.sendThroughSellerchat }, 'Shopee webchat channel is on');
    },
    startTimers() {
      const stopTokens = keepTokens(keeper, { channel: SHOPEE_CHANNEL, reporting, clock, logger });
      if (shopee.lostPushIntervalSeconds <= 0) return stopTokens;
      const unknownShapes = new UnknownShapes(SHOPEE_CHANNEL, logger);
      const stopRecovery = scheduleLostPushRecovery({ api, state: stores.state, shopId: shopee.shopId, clock, logger, unknownShapes, maxAgeSeconds }, shopee.lostPushIntervalSeconds);
      return async () => {
        await stopRecovery();
        await stopTokens();
      };
    },
  });
}
