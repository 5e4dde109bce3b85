// TikTok Shop's webhook endpoint: POST <webhookPath>, the notification as JSON, the signature in
// the Authorization header (lowercase hex HMAC-SHA256 of app key + raw body). TikTok wants an answer
// within 3 seconds: the route only verifies and queues; the bot answers from the queue afterwards.

import type { FastifyInstance } from 'fastify';
import type { Clock, Logger } from '../../../dialogs/ports.ts';
import type { PushHandling } from '../shared/accept-push.ts';
import type { ChannelState } from '../shared/channel-state.ts';
import { UnknownShapes } from '../shared/unknown-shapes.ts';
import { registerSignedPushRoute } from '../shared/signed-push-route.ts';
import { isTiktokWebhookSigned } from './tiktok-signature.ts';
import { TIKTOK_CHANNEL, readTiktokWebhook } from './tiktok-webhook.ts';

export interface TiktokRoutesOptions {
  path: string;
  appKey: string;
  appSecret: string;
  state: ChannelState;
  clock: Clock;
  logger: Logger;
  maxAgeSeconds: number;
  /** Webhooks (6) and (7): the seller's authorisation was withdrawn or ends soon (the token keeper warns). */
  onAuthorization?: PushHandling['onAuthorization'];
}

export async function registerTiktokRoutes(app: FastifyInstance, options: TiktokRoutesOptions): Promise<void> {
  const { appKey, appSecret } = options;
  await registerSignedPushRoute(app, {
    ...options,
    channel: TIKTOK_CHANNEL,
    unknownShapes: new UnknownShapes(TIKTOK_CHANNEL, options.logger),
    verify: (request, raw) => isTiktokWebhookSigned(request.headers.authorization, appKey, appSecret, raw),
    read: readTiktokWebhook,
  });
}
