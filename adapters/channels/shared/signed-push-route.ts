// The webhook route every marketplace gets, differing only in how the platform signs and what its
// push looks like: verify the signature over the raw bytes (401), parse (400), refuse a push older
// than the dedupe window (a replay, 401), read it (the platform's own reader), then queue and
// acknowledge (shared/accept-push.ts).

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock, Logger } from '../../../dialogs/ports.ts';
import { acceptPush } from './accept-push.ts';
import type { ChannelState } from './channel-state.ts';
import { pushAge, type PushReading } from './push-reading.ts';
import { parseJsonObject, rawBodyOf, registerRawBodyScope } from './raw-body-scope.ts';

export interface SignedPushRouteOptions {
  channel: string;
  path: string;
  /** True when the request's signature matches these exact bytes. */
  verify(request: FastifyRequest, rawBody: Buffer): boolean;
  read(push: Record<string, unknown>, receivedAt: number): PushReading;
  /** Answered before verification when the body is empty (Shopee's check of a new callback URL). */
  emptyBodyAnswer?: { status: number };
  state: ChannelState;
  clock: Clock;
  logger: Logger;
  /** Pushes older than this are refused; within it, a repeated message id is handled once. */
  maxAgeSeconds: number;
}

export async function registerSignedPushRoute(app: FastifyInstance, options: SignedPushRouteOptions): Promise<void> {
  const { state, clock, logger, channel } = options;
  await registerRawBodyScope(app, (scope) => {
    scope.post(options.path, async (request, reply) => {
      const raw = rawBodyOf(request.body);
      // An empty body carries no message, so answering it unverified changes nothing.
      if (raw.length === 0 && options.emptyBodyAnswer) return reply.status(options.emptyBodyAnswer.status).send();
      if (!options.verify(request, raw)) return reply.status(401).send({ error: 'signature does not match' });
      const push = parseJsonObject(raw);
      if (!push) return reply.status(400).send({ error: 'body must be a JSON object' });
      const age = pushAge(push.timestamp, clock.now(), options.maxAgeSeconds);
      if (age === 'missing') return reply.status(400).send({ error: 'timestamp is required' });
      if (age === 'stale') return reply.status(401).send({ error: 'push is too old (a replay?)' });
      return acceptPush(options.read(push, clock.now()), state, logger, reply, channel);
    });
  });
}
