// Lazada's push endpoint: POST <webhookPath>, the push as JSON, the signature in the Authorization
// header (lazada-signature.ts), verified before anything is parsed. Lazada wants HTTP 200 within
// 500 ms and retries a push 12 times, 30 minutes apart, otherwise ("Lazada Push Mechanism", Success
// acknowledge and retry): the route only verifies, reads and queues.

import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../../dialogs/ports.ts';
import type { PushHandling } from '../shared/accept-push.ts';
import { registerSignedPushRoute } from '../shared/signed-push-route.ts';
import { readLazadaPush } from './lazada-push.ts';
import { isLazadaPushSigned } from './lazada-signature.ts';

export interface LazadaRoutesOptions extends PushHandling {
  path: string;
  appKey: string;
  appSecret: string;
  clock: Clock;
  maxAgeSeconds: number;
}

export async function registerLazadaRoutes(app: FastifyInstance, options: LazadaRoutesOptions): Promise<void> {
  const { appKey, appSecret } = options;
  await registerSignedPushRoute(app, {
    ...options,
    verify: (request, raw) => isLazadaPushSigned(request.headers.authorization, appKey, appSecret, raw),
    read: (push, receivedAt) => readLazadaPush(push, receivedAt, appKey),
  });
}
