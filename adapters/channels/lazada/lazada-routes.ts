// Lazada's push endpoint: POST <webhookPath> with the push as JSON and the signature in the
// Authorization header, verified over the raw bytes before anything is parsed.

import type { FastifyInstance } from 'fastify';
import type { Clock, Logger } from '../../../dialogs/ports.ts';
import { acceptPush } from '../shared/accept-push.ts';
import type { ChannelState } from '../shared/channel-state.ts';
import { pushAge } from '../shared/push-reading.ts';
import { parseJsonObject, rawBodyOf, registerRawBodyScope } from '../shared/raw-body-scope.ts';
import { LAZADA_CHANNEL, readLazadaPush } from './lazada-push.ts';
import { isLazadaPushSigned } from './lazada-signature.ts';

export interface LazadaRoutesOptions {
  path: string;
  appKey: string;
  appSecret: string;
  state: ChannelState;
  clock: Clock;
  logger: Logger;
  /** Pushes older than this are refused (a replay); within it, a repeated message id is handled once. */
  maxAgeSeconds: number;
}

export async function registerLazadaRoutes(app: FastifyInstance, options: LazadaRoutesOptions): Promise<void> {
  const { appKey, appSecret, state, clock, logger } = options;
  await registerRawBodyScope(app, (scope) => {
    scope.post(options.path, async (request, reply) => {
      const raw = rawBodyOf(request.body);
      if (!isLazadaPushSigned(request.headers.authorization, appKey, appSecret, raw)) {
        return reply.status(401).send({ error: 'signature does not match' });
      }
      const push = parseJsonObject(raw);
      if (!push) return reply.status(400).send({ error: 'body must be a JSON object' });
      const age = pushAge(push.timestamp, clock.now(), options.maxAgeSeconds);
      if (age !== 'fresh') return reply.status(age === 'missing' ? 400 : 401).send({ error: age === 'missing' ? 'timestamp is required' : 'push is too old (a replay?)' });
      return acceptPush(readLazadaPush(push, clock.now()), state, logger, reply, LAZADA_CHANNEL);
    });
  });
}
