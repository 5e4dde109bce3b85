// Shopee's push endpoint: POST <webhookPath>. An empty POST is Shopee checking a newly registered
// callback URL and gets an empty 200. Every other push is verified against the configured callback
// URL + "|" + the raw body before it is parsed.

import type { FastifyInstance } from 'fastify';
import type { Clock, Logger } from '../../../dialogs/ports.ts';
import type { ChannelState } from '../shared/channel-state.ts';
import { UnknownShapes } from '../shared/unknown-shapes.ts';
import { registerSignedPushRoute } from '../shared/signed-push-route.ts';
import { SHOPEE_CHANNEL, readShopeePush } from './shopee-push.ts';
import { isShopeePushSigned } from './shopee-signature.ts';

export interface ShopeeRoutesOptions {
  path: string;
  callbackUrl: string;
  /** The key pushes are signed with (the partner key unless the console shows a push key of its own). */
  pushKey: string;
  shopId: number;
  state: ChannelState;
  clock: Clock;
  logger: Logger;
  maxAgeSeconds: number;
}

export async function registerShopeeRoutes(app: FastifyInstance, options: ShopeeRoutesOptions): Promise<void> {
  const { callbackUrl, pushKey, shopId } = options;
  await registerSignedPushRoute(app, {
    ...options,
    channel: SHOPEE_CHANNEL,
    unknownShapes: new UnknownShapes(SHOPEE_CHANNEL, options.logger),
    emptyBodyAnswer: { status: 200 },
    verify: (request, raw) => isShopeePushSigned(request.headers.authorization, callbackUrl, pushKey, raw),
    read: (push, receivedAt) => readShopeePush(push, receivedAt, shopId),
  });
}
