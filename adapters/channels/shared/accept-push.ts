// The answer to a verified push, the same for every marketplace: the message is queued durably and
// only then acknowledged (200); a queue that cannot take it (Redis away) answers 503 so the platform
// delivers it again; a redelivery is acknowledged without queueing it twice; a seller's or system
// message is acknowledged and left alone; a push not in the documented shape is a 400.

import type { FastifyReply } from 'fastify';
import type { Logger } from '../../../dialogs/ports.ts';
import type { ChannelState } from './channel-state.ts';
import type { PushReading } from './push-reading.ts';

export async function acceptPush(reading: PushReading, state: ChannelState, logger: Logger, reply: FastifyReply, channel: string): Promise<FastifyReply> {
  if (reading.kind === 'invalid') return reply.status(400).send({ error: reading.reason });
  if (reading.kind === 'ignored') {
    logger.debug({ channel, reason: reading.reason }, 'push acknowledged, not for the bot');
    return reply.status(200).send({ ok: true, ignored: reading.reason });
  }
  try {
    const outcome = await state.enqueue(reading.message);
    return reply.status(200).send({ ok: true, ...(outcome === 'duplicate' ? { duplicate: true } : {}) });
  } catch (error) {
    logger.error({ err: (error as Error).message, channel, messageId: reading.message.id }, 'push could not be queued; the platform will deliver it again');
    return reply.header('retry-after', '2').status(503).send({ error: 'the message could not be queued now; deliver it again' });
  }
}
