// The outgoing-robot HTTP callback (机器人回调): DingTalk POSTs each message that @s the robot to
// this route, signed with the app secret (see callback-signature.ts). A request that is not signed
// right, or whose timestamp + sign pair was already used for another message (callback-sign-once.ts),
// gets 401 and is not handled; a body that is not a robot message gets 400; a message Kefu could not
// handle gets 503 (the pair is given back, so DingTalk's retry is handled), and so does a replay
// store that cannot be reached; anything else 200 `{}` (answers go through the message's session
// webhook or the OpenAPI, not the HTTP response). Refusals are logged with the reason, never the sign.

import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Clock, DeliveryLedger, Logger } from '../../../dialogs/ports.ts';
import { CallbackSignOnce } from './callback-sign-once.ts';
import { CALLBACK_MAX_SKEW_MS, verifyCallbackSignature } from './callback-signature.ts';
import { parseRobotMessage } from './robot-message.ts';
import type { RobotMessage } from './robot-message.ts';

export const DINGTALK_CALLBACK_PATH = '/dingtalk/robot';

const TRY_AGAIN = { error: 'could not handle the message now; try again' };

export interface CallbackRouteOptions {
  appSecret: string;
  /** Handles an agent's message; a rejection answers 503. */
  handle(message: RobotMessage): Promise<void>;
  /** Where used timestamp + sign pairs are kept: the delivery ledger (Redis when Kefu runs on it). */
  ledger: DeliveryLedger;
  clock: Clock;
  logger: Logger;
}

export function registerDingtalkCallbackRoute(http: FastifyInstance, options: CallbackRouteOptions): void {
  const { clock, logger } = options;
  const pairs = new CallbackSignOnce(options.ledger, clock, CALLBACK_MAX_SKEW_MS);
  const refuse = (reply: FastifyReply, address: string, reason: string): FastifyReply => {
    logger.warn({ reason, address }, 'DingTalk callback refused');
    return reply.status(401).send({ error: `signature refused: ${reason}` });
  };
  http.post(DINGTALK_CALLBACK_PATH, async (request, reply) => {
    const { timestamp, sign } = request.headers;
    const check = verifyCallbackSignature({ timestamp, sign }, options.appSecret, clock.now());
    if (!check.ok) return refuse(reply, request.ip, check.reason);
    // Checked above: both are single strings.
    const pair = { timestamp: timestamp as string, sign: sign as string };
    const parsed = parseRobotMessage(request.body);
    if (!parsed.ok) return reply.status(400).send({ error: parsed.reason });
    const { msgId } = parsed.message;
    let use;
    try {
      use = await pairs.take(pair.timestamp, pair.sign, msgId);
    } catch (error) {
      logger.error({ err: (error as Error).message, msgId }, 'DingTalk callback: used signatures cannot be checked now');
      return reply.status(503).header('retry-after', '2').send(TRY_AGAIN);
    }
    if (use.kind === 'reused') return refuse(reply, request.ip, 'this timestamp and sign were already used for another message');
    if (use.kind === 'redelivery') return reply.status(200).send({});
    try {
      await options.handle(parsed.message);
    } catch (error) {
      logger.error({ err: (error as Error).message, msgId }, 'DingTalk callback could not be handled');
      await pairs.failed(pair.timestamp, pair.sign).catch(() => {});
      return reply.status(503).header('retry-after', '2').send(TRY_AGAIN);
    }
    // Recorded after handling; if this write fails the pair stays claimed until its window ends, which only refuses it.
    await pairs.done(pair.timestamp, pair.sign, msgId).catch((error: Error) => logger.warn({ err: error.message, msgId }, 'DingTalk callback: could not record its signature as used'));
    return reply.status(200).send({});
  });
}
