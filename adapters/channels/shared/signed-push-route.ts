// The webhook route every marketplace gets, differing only in how the platform signs and what its
// push looks like: verify the signature over the raw bytes (401), parse (400), read it (the
// platform's own reader), refuse a buyer's message older than the replay window (401), then queue
// and acknowledge (shared/accept-push.ts). Every answer has an empty body (see accept-push.ts).
// The window is checked against the time the platform's reader found in the push (a top-level
// timestamp is not part of every platform's push: Lazada's IM push has only data.send_time): at most
// maxAgeSeconds old, at most five minutes ahead. The message id's "seen" mark lasts until that same
// time leaves the window, so a replay the route still lets in is always a duplicate.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../../../dialogs/ports.ts';
import { acceptPush, answerPush, type PushHandling } from './accept-push.ts';
import { pushAcceptedForMs, pushAge, type PushReading } from './push-reading.ts';
import { parseJsonObject, rawBodyOf, registerRawBodyScope } from './raw-body-scope.ts';

export interface SignedPushRouteOptions extends PushHandling {
  path: string;
  /** True when the request's signature matches these exact bytes. */
  verify(request: FastifyRequest, rawBody: Buffer): boolean;
  read(push: Record<string, unknown>, receivedAt: number): PushReading;
  /** Answered before verification when the body is empty (Shopee's check of a new callback URL). */
  emptyBodyAnswer?: { status: number };
  clock: Clock;
  /** Buyers' messages older than this are refused; within it, a repeated message id is handled once. */
  maxAgeSeconds: number;
}

export async function registerSignedPushRoute(app: FastifyInstance, options: SignedPushRouteOptions): Promise<void> {
  const { clock } = options;
  await registerRawBodyScope(app, (scope) => {
    scope.post(options.path, async (request, reply) => {
      const raw = rawBodyOf(request.body);
      // An empty body carries no message, so answering it unverified changes nothing.
      if (raw.length === 0 && options.emptyBodyAnswer) return answerPush(reply, options.emptyBodyAnswer.status, 'ignored', 'empty body (a check of the callback URL)', options);
      if (!options.verify(request, raw)) return answerPush(reply, 401, 'refused', 'signature does not match', options);
      const push = parseJsonObject(raw);
      if (!push) return answerPush(reply, 400, 'refused', 'body must be a JSON object', options);
      const now = clock.now();
      const reading = options.read(push, now);
      if (reading.kind !== 'message') return acceptPush(reading, options, reply);
      if (pushAge(reading.sentAt, now, options.maxAgeSeconds) === 'stale') {
        return answerPush(reply, 401, 'refused', 'push is outside the replay window (too old or too far ahead)', options);
      }
      // The message id is remembered for as long as this push would be let in again (counted from
      // its own time, not its arrival: a push dated ahead stays acceptable longer).
      return acceptPush(reading, options, reply, { acceptedForMs: pushAcceptedForMs(reading.sentAt, now, options.maxAgeSeconds) });
    });
  });
}
