// The answer to a verified push, the same for every marketplace. Every answer has an EMPTY body:
// Shopee counts a push as delivered only on "a 2xx status and an empty body" (Shopee Open Platform,
// "Push Mechanism notifications", Push Mechanism Retry Logic) and disables the subscription when
// too few are; TikTok Shop lists "200 | NULL / empty" and "401 | NULL / empty" as the acceptable
// answers (TikTok Shop Partner Center, "Configuration guide" of webhooks, step 4); Lazada reads the
// HTTP status only ("Lazada Push Mechanism", Success acknowledge and retry). What happened is told in
// a `kefu-push` header instead (and `kefu-push-reason`), for operators and tests.
//   queued        the message is durably queued, then acknowledged (200)
//   duplicate     a redelivery of a queued message id: acknowledged, not queued twice
//   ignored       a seller's or system message, a push type the bot does not read (200)
//   recalled      the buyer took the message back: it will not be answered (200)
//   authorization an authorisation alert: the merchant is told (200)
//   unreadable    signed, but in a shape Kefu does not know: logged once per shape (200)
//   unavailable   the queue cannot take it now (Redis away): 503 + Retry-After, the platform delivers again

import type { FastifyReply } from 'fastify';
import type { Logger } from '../../../dialogs/ports.ts';
import type { ChannelState, PushWindow } from './channel-state.ts';
import type { AuthorizationNotice, PushReading } from './push-reading.ts';
import type { UnknownShapes } from './unknown-shapes.ts';

export type PushOutcome = 'queued' | 'duplicate' | 'ignored' | 'recalled' | 'authorization' | 'unreadable' | 'unavailable' | 'refused';

export interface PushHandling {
  channel: string;
  state: ChannelState;
  logger: Logger;
  unknownShapes: UnknownShapes;
  /** Told of an authorisation alert (the token keeper records it; see shared/token-keeper.ts). */
  onAuthorization?(notice: AuthorizationNotice): Promise<void>;
  /** Told of every answer (the channel's push counter). */
  onOutcome?(outcome: PushOutcome): void;
}

/** Answers a push with an empty body, the outcome in headers (ASCII only: a header carries no other). */
export function answerPush(reply: FastifyReply, status: number, outcome: PushOutcome, reason?: string, handling?: Pick<PushHandling, 'onOutcome'>): FastifyReply {
  handling?.onOutcome?.(outcome);
  reply.status(status).header('kefu-push', outcome);
  if (reason) reply.header('kefu-push-reason', reason.replace(/[^\x20-\x7e]/g, '?').slice(0, 200));
  return reply.send();
}

/** `window`: how long the route would still accept this push, so a replay stays a duplicate that long. */
export async function acceptPush(reading: PushReading, handling: PushHandling, reply: FastifyReply, window?: PushWindow): Promise<FastifyReply> {
  const { state, logger, channel } = handling;
  try {
    switch (reading.kind) {
      case 'ignored':
        logger.debug({ channel, reason: reading.reason }, 'push acknowledged, not for the bot');
        return answerPush(reply, 200, 'ignored', reading.reason, handling);
      case 'unreadable':
        handling.unknownShapes.report(reading.reason, reading.fields);
        return answerPush(reply, 200, 'unreadable', reading.reason, handling);
      case 'recalled':
        // Kept for the dedupe window and the future skew: a recall that overtakes its message still stops the answer.
        await state.markRecalled(reading.messageId);
        return answerPush(reply, 200, 'recalled', undefined, handling);
      case 'authorization':
        await handling.onAuthorization?.(reading.notice);
        return answerPush(reply, 200, 'authorization', reading.notice.detail, handling);
      case 'message': {
        const outcome = await state.enqueue(reading.message, window);
        return answerPush(reply, 200, outcome, undefined, handling);
      }
    }
  } catch (error) {
    logger.error({ err: (error as Error).message, channel }, 'push could not be taken now; the platform will deliver it again');
    reply.header('retry-after', '2');
    return answerPush(reply, 503, 'unavailable', 'the push could not be taken now; deliver it again', handling);
  }
}
