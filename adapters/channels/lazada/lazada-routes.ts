// Lazada's push endpoint: POST <webhookPath>, the push as JSON, the signature in the Authorization
// header (hex HMAC-SHA256 of app key + raw body), verified before anything is parsed.

import type { FastifyInstance } from 'fastify';
import type { Clock, Logger } from '../../../dialogs/ports.ts';
import type { ChannelState } from '../shared/channel-state.ts';
import { registerSignedPushRoute } from '../shared/signed-push-route.ts';
import { LAZADA_CHANNEL, readLazadaPush } from './lazada-push.ts';
import { isLazadaPushSigned } from './lazada-signature.ts';

export interface LazadaRoutesOptions {
  path: string;
  appKey: string;
  appSecret: string;
  state: ChannelState;
  clock: Clock;
  logger: Logger;
  maxAgeSeconds: number;
}

export async function registerLazadaRoutes(app: FastifyInstance, options: LazadaRoutesOptions): Promise<void> {
  const { appKey, appSecret } = options;
  await registerSignedPushRoute(app, {
    ...options,
    channel: LAZADA_CHANNEL,
    verify: (request, raw) => isLazadaPushSigned(request.headers.authorization, appKey, appSecret, raw),
    read: readLazadaPush,
  });
}
