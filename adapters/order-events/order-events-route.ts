// POST /events/orders: a shop's order system tells Kefu that an order was created unpaid, paid or
// cancelled (payment reminders, docs/reminders.md). The route checks the signature over the raw
// bytes before anything else, then the JSON, then hands the event to the inbox, which handles each
// event id once. Answers:
//   200 {"outcome": …, "duplicate": bool}   handled (or handled before: a repeat changes nothing)
//   400 malformed JSON or an invalid event · 401 missing, malformed, stale or wrong signature
//   413 larger than 16 KiB · 415 not application/json
//   503 + Retry-After: not handled now (Redis unreachable, the same event being handled) — send it again

import { Ajv } from 'ajv';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ORDER_EVENT_TYPES, type OrderEvent } from '../../dialogs/commerce/order-events.ts';
import { DeliveryInProgressError } from '../../dialogs/conversations.ts';
import type { Clock, Logger } from '../../dialogs/ports.ts';
import type { OrderEventInbox } from '../../dialogs/reminders/order-event-inbox.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyOrderEventSignature } from './order-event-signature.ts';

export const ORDER_EVENTS_PATH = '/events/orders';
/** An event is a few hundred bytes; anything much larger is not one. */
export const ORDER_EVENT_MAX_BYTES = 16 * 1024;
/** Shared with the merchant-API poller (adapters/commerce/http/order-events-poller.ts). */
export const MAX_FUTURE_MS = 60 * 60 * 1000;

const ID = { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.:@-]+$' } as const;
// ISO 8601 with a time zone, e.g. 2026-12-01T10:00:00Z or 2026-12-01T18:00:00.123+08:00.
const ISO_TIME = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$';

export const eventSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'type', 'orderId', 'buyer', 'occurredAt'],
  properties: {
    id: ID,
    type: { type: 'string', enum: ORDER_EVENT_TYPES },
    orderId: ID,
    occurredAt: { type: 'string', pattern: ISO_TIME },
    buyer: {
      type: 'object',
      additionalProperties: false,
      required: ['channel', 'buyerId', 'conversationId'],
      properties: {
        channel: { type: 'string', minLength: 1, maxLength: 32, pattern: '^[a-z][a-z0-9_-]*$' },
        buyerId: ID,
        conversationId: ID,
      },
    },
  },
} as const;

interface EventBody {
  id: string;
  type: OrderEvent['type'];
  orderId: string;
  occurredAt: string;
  buyer: OrderEvent['buyer'];
}

const validateEvent = new Ajv({ coerceTypes: false, allErrors: false }).compile<EventBody>(eventSchema);

export interface OrderEventsRouteOptions {
  inbox: Pick<OrderEventInbox, 'receive'>;
  secret: string;
  clock: Clock;
  logger: Logger;
}

function retryLater(reply: FastifyReply, seconds: number, message: string): FastifyReply {
  return reply.header('retry-after', String(seconds)).status(503).send({ error: message });
}

export function registerOrderEventsRoute(app: FastifyInstance, options: OrderEventsRouteOptions): void {
  const { inbox, secret, clock, logger } = options;
  // Its own plugin scope, so the raw-bytes JSON parser applies to this route only.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: ORDER_EVENT_MAX_BYTES }, (_request, body, done) => done(null, body));

    scope.post(ORDER_EVENTS_PATH, async (request, reply) => {
      const rawBody = request.body;
      if (!Buffer.isBuffer(rawBody)) return reply.status(400).send({ error: 'empty body' });
      const check = verifyOrderEventSignature({
        secret,
        timestamp: request.headers[TIMESTAMP_HEADER],
        signature: request.headers[SIGNATURE_HEADER],
        rawBody,
        nowMs: clock.now(),
      });
      if (!check.ok) {
        logger.warn({ reason: check.reason, ip: request.ip }, 'order event refused');
        return reply.status(401).send({ error: check.reason });
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(rawBody.toString('utf8'));
      } catch {
        return reply.status(400).send({ error: 'malformed JSON body' });
      }
      if (!validateEvent(parsed)) {
        const first = validateEvent.errors?.[0];
        const where = `body${first?.instancePath ?? ''}`;
        const message = first?.keyword === 'additionalProperties' ? `${where} has a field that is not allowed: "${String(first.params.additionalProperty)}"` : `${where} ${first?.message ?? 'is invalid'}`;
        return reply.status(400).send({ error: message });
      }
      const occurredAt = Date.parse(parsed.occurredAt);
      if (!Number.isFinite(occurredAt)) return reply.status(400).send({ error: 'body/occurredAt is not a real date and time' });
      // A time far ahead would schedule the reminder far ahead: a sender's clock or a unit mistake.
      if (occurredAt > clock.now() + MAX_FUTURE_MS) return reply.status(400).send({ error: 'body/occurredAt is more than an hour in the future' });
      const event: OrderEvent = { id: parsed.id, type: parsed.type, orderId: parsed.orderId, buyer: parsed.buyer, occurredAt };
      try {
        const receipt = await inbox.receive(event);
        return reply.status(200).send(receipt);
      } catch (error) {
        if (error instanceof DeliveryInProgressError) return retryLater(reply, 1, 'this event is being handled; send it again later');
        logger.error({ err: (error as Error).message, event: event.id }, 'order event not handled; the sender should retry');
        return retryLater(reply, 2, 'not handled now; send the same event again later');
      }
    });
  });
}
