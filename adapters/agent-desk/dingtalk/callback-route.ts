// The outgoing-robot HTTP callback (机器人回调): DingTalk POSTs each message that @s the robot to
// this route, signed with the app secret (see callback-signature.ts). A request that is not signed
// right gets 401 and is not read further; a body that is not a robot message gets 400; a message
// Kefu could not handle gets 503, so it is not lost silently; anything else 200 `{}` (answers go
// through the message's session webhook or the OpenAPI, not the HTTP response). The sign covers
// only the timestamp, so a captured request can be replayed within the hour: the hand-off core
// handles each msgId once (the delivery ledger), so a replay changes nothing.

import type { FastifyInstance } from 'fastify';
import type { Clock, Logger } from '../../../dialogs/ports.ts';
import { verifyCallbackSignature } from './callback-signature.ts';
import { parseRobotMessage } from './robot-message.ts';
import type { RobotMessage } from './robot-message.ts';

export const DINGTALK_CALLBACK_PATH = '/dingtalk/robot';

export interface CallbackRouteOptions {
  appSecret: string;
  /** Handles an agent's message; a rejection answers 503. */
  handle(message: RobotMessage): Promise<void>;
  clock: Clock;
  logger: Logger;
}

export function registerDingtalkCallbackRoute(http: FastifyInstance, options: CallbackRouteOptions): void {
  http.post(DINGTALK_CALLBACK_PATH, async (request, reply) => {
    const check = verifyCallbackSignature(
      { timestamp: request.headers.timestamp, sign: request.headers.sign },
      options.appSecret,
      options.clock.now(),
    );
    if (!check.ok) {
      options.logger.warn({ reason: check.reason }, 'DingTalk callback refused');
      return reply.status(401).send({ error: `signature refused: ${check.reason}` });
    }
    const parsed = parseRobotMessage(request.body);
    if (!parsed.ok) return reply.status(400).send({ error: parsed.reason });
    try {
      await options.handle(parsed.message);
      return reply.status(200).send({});
    } catch (error) {
      options.logger.error({ err: (error as Error).message, msgId: parsed.message.msgId }, 'DingTalk callback could not be handled');
      return reply.status(503).header('retry-after', '2').send({ error: 'could not handle the message now; try again' });
    }
  });
}
