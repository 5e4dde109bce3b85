// A merchant's order API on loopback, speaking docs/openapi/commerce-orders.yaml exactly (same
// paths, bodies and answers), backed by the demo order book. Tests point HttpOrders at it, and can
// make it fail the way real shop systems do: 5xx/429 for a while, garbage, someone else's order.

import Fastify, { type FastifyInstance } from 'fastify';
import { DemoOrders } from '../../adapters/commerce/demo/demo-orders.ts';
import type { BuyerIdentity, ChangeRequest, Order, PostalAddress } from '../../dialogs/commerce/orders.ts';
import type { Clock } from '../../dialogs/ports.ts';

export interface MerchantOrdersApi {
  url: string;
  orders: DemoOrders;
  /** Requests received, as "METHOD path". */
  requests: string[];
  /** The next `count` requests answer with this status (and Retry-After when given). */
  failNext(status: number, count: number, retryAfter?: string): void;
  /** The next request answers with this raw body (status 200). */
  answerRawOnce(body: string): void;
  /** Every list answer also carries this order (another buyer's), as a buggy API might. */
  leakOrder: Order | null;
  /** Adds an order event to the feed GET /order-events serves (occurredAt: ISO 8601); returns the cursor just after it. */
  publishEvent(event: OrderEventJson): string;
  close(): Promise<void>;
}

/** An order event as the contract's OrderEvent schema has it. */
export interface OrderEventJson {
  id: string;
  type: 'created_unpaid' | 'paid' | 'cancelled';
  orderId: string;
  occurredAt: string;
  buyer: { channel: string; buyerId: string; conversationId: string };
}

type Params = { channel: string; buyerId: string; orderId: string };

export async function startMerchantOrdersApi(options: { token?: string; clock?: Clock } = {}): Promise<MerchantOrdersApi> {
  const orders = await DemoOrders.load(options.clock ? { clock: options.clock } : {});
  const app: FastifyInstance = Fastify({ logger: false });
  const requests: string[] = [];
  let failures: { status: number; left: number; retryAfter?: string } | null = null;
  let raw: string | null = null;
  // The event feed: a cursor is the count of events before it, written "c<n>".
  const feed: OrderEventJson[] = [];
  const api: MerchantOrdersApi = {
    url: '',
    orders,
    requests,
    failNext(status, count, retryAfter) {
      failures = { status, left: count, ...(retryAfter ? { retryAfter } : {}) };
    },
    answerRawOnce(body) {
      raw = body;
    },
    leakOrder: null,
    publishEvent(event) {
      feed.push(event);
      return `c${feed.length}`;
    },
    close: () => app.close(),
  };

  app.addHook('onRequest', async (request, reply) => {
    requests.push(`${request.method} ${request.url}`);
    if (options.token && request.headers.authorization !== `Bearer ${options.token}`) return reply.code(401).send({ error: 'unauthorized' });
    if (failures && failures.left > 0) {
      failures.left -= 1;
      if (failures.retryAfter) reply.header('retry-after', failures.retryAfter);
      return reply.code(failures.status).send({ error: 'try later' });
    }
    if (raw !== null) {
      const body = raw;
      raw = null;
      return reply.code(200).header('content-type', 'application/json').send(body);
    }
  });

  const buyerOf = (p: Params): BuyerIdentity => ({ channel: p.channel, buyerId: p.buyerId });
  const request = (body: Record<string, unknown>): ChangeRequest => ({
    idempotencyKey: String(body.idempotencyKey),
    actor: String(body.actor),
    at: Number(body.at),
  });
  const answer = (result: { outcome: string; order?: Order }, reply: { code(n: number): { send(b: unknown): unknown } }) =>
    result.outcome === 'not_found' ? reply.code(404).send({ error: 'not found' }) : reply.code(200).send(result);

  app.get<{ Params: Params }>('/buyers/:channel/:buyerId/orders', async (req) => {
    const list = await orders.listOrders(buyerOf(req.params));
    return { orders: api.leakOrder ? [...list, api.leakOrder] : list };
  });
  app.get<{ Params: Params }>('/buyers/:channel/:buyerId/orders/:orderId', async (req, reply) => {
    const order = await orders.getOrder(buyerOf(req.params), req.params.orderId);
    return order ?? reply.code(404).send({ error: 'not found' });
  });
  app.get<{ Params: Params }>('/buyers/:channel/:buyerId/orders/:orderId/tracking', async (req, reply) => {
    const events = await orders.trackingEvents(buyerOf(req.params), req.params.orderId);
    return events ? { events } : reply.code(404).send({ error: 'not found' });
  });
  app.post<{ Params: Params; Body: Record<string, unknown> }>('/buyers/:channel/:buyerId/orders/:orderId/address', async (req, reply) =>
    answer(await orders.changeAddress(buyerOf(req.params), req.params.orderId, req.body.address as PostalAddress, request(req.body)), reply));
  app.post<{ Params: Params; Body: Record<string, unknown> }>('/buyers/:channel/:buyerId/orders/:orderId/cancel', async (req, reply) =>
    answer(await orders.cancelOrder(buyerOf(req.params), req.params.orderId, request(req.body)), reply));
  app.post<{ Params: Params; Body: Record<string, unknown> }>('/buyers/:channel/:buyerId/orders/:orderId/interception', async (req, reply) =>
    answer(await orders.requestInterception(buyerOf(req.params), req.params.orderId, {
      ...request(req.body),
      note: String(req.body.note),
      ...(req.body.newAddress ? { newAddress: req.body.newAddress as PostalAddress } : {}),
    }), reply));
  app.post<{ Params: Params; Body: Record<string, unknown> }>('/buyers/:channel/:buyerId/orders/:orderId/return', async (req, reply) =>
    answer(await orders.startReturn(buyerOf(req.params), req.params.orderId, String(req.body.reason), request(req.body)), reply));
  app.post<{ Params: Params; Body: Record<string, unknown> }>('/buyers/:channel/:buyerId/orders/:orderId/return/parcel', async (req, reply) =>
    answer(await orders.attachReturnTracking(buyerOf(req.params), req.params.orderId, {
      carrier: String(req.body.carrier),
      trackingNumber: String(req.body.trackingNumber),
    }, request(req.body)), reply));

  app.post<{ Params: { orderId: string }; Body: { phoneLastFour?: unknown } }>('/orders/:orderId/proof', async (req, reply) => {
    const order = await orders.proveOrder(req.params.orderId, String(req.body?.phoneLastFour ?? ''));
    return order ?? reply.code(404).send({ error: 'not found' });
  });

  app.get<{ Querystring: { after?: string; limit?: string } }>('/order-events', async (req, reply) => {
    const { after, limit = '100' } = req.query;
    if (!/^\d{1,3}$/.test(limit) || Number(limit) < 1 || Number(limit) > 500) return reply.code(400).send({ error: 'limit must be 1 to 500' });
    const start = after === undefined ? 0 : /^c\d{1,9}$/.test(after) ? Number(after.slice(1)) : -1;
    if (start < 0 || start > feed.length) return reply.code(400).send({ error: 'unknown cursor' });
    const events = feed.slice(start, start + Number(limit));
    return { events, next: `c${start + events.length}` };
  });

  await app.listen({ host: '127.0.0.1', port: 0 });
  api.url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  return api;
}
