// HttpOrders as an OrderEventSource: it polls the merchant API's GET /order-events (on loopback,
// docs/openapi/commerce-orders.yaml) and hands the events to the listener in order, moving its
// cursor only after the listener accepted a whole page. An unlucky API (500, 429, garbage, answers
// outside the contract) moves nothing and crashes nothing; unsubscribing and close stop the polls.

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { HttpOrders } from '../../adapters/commerce/http/http-orders.ts';
import { readOrderEventsPage } from '../../adapters/commerce/http/order-events-poller.ts';
import { eventSchema } from '../../adapters/order-events/order-events-route.ts';
import { ConfigError, loadConfig } from '../../config/load-config.ts';
import type { OrderEvent } from '../../dialogs/commerce/order-events.ts';
import type { Logger } from '../../dialogs/ports.ts';
import { startMerchantOrdersApi, type MerchantOrdersApi, type OrderEventJson } from '../support/merchant-orders-api.ts';
import { until } from '../support/order-events.ts';

let api: MerchantOrdersApi;
const opened: HttpOrders[] = [];

beforeAll(async () => {
  api = await startMerchantOrdersApi({ token: 'ev-token' });
});
afterAll(async () => {
  await api.close();
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((orders) => orders.close()));
  api.failNext(0, 0);
});

/** Logs kept for assertions. */
function recordingLogger(): Logger & { lines: { level: string; message: string }[] } {
  const lines: { level: string; message: string }[] = [];
  const at = (level: string) => (_fields: unknown, message?: string) => void lines.push({ level, message: String(message ?? _fields) });
  const logger = { lines, error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') } as unknown as Logger & { lines: typeof lines };
  return logger;
}

function orders(overrides: Partial<ConstructorParameters<typeof HttpOrders>[0]> = {}): HttpOrders {
  const made = new HttpOrders({ baseUrl: api.url, token: 'ev-token', timeoutMs: 2000, logger: recordingLogger(), eventsPollMs: 20, ...overrides });
  opened.push(made);
  return made;
}

/** Events published on a fresh feed position: the test's own ids, so tests do not see each other's events. */
const run = randomUUID().slice(0, 8);
let serial = 0;
function publish(type: OrderEventJson['type'] = 'created_unpaid', orderId = `KF${run}${serial}`): OrderEventJson {
  serial += 1;
  const event: OrderEventJson = {
    id: `evt-${run}-${serial}`,
    type,
    orderId,
    occurredAt: new Date(Date.UTC(2026, 11, 1, 10, 0, serial)).toISOString(),
    buyer: { channel: 'webchat', buyerId: 'poll-buyer', conversationId: `conv-${run}` },
  };
  api.publishEvent(event);
  return event;
}

const requestsFor = () => api.requests.filter((r) => r.startsWith('GET /order-events'));

/** Subscribes and collects every event handed over; `reject` decides per event whether the listener fails. */
function subscribe(source: HttpOrders, reject: (event: OrderEvent, attempt: number) => boolean = () => false) {
  const got: OrderEvent[] = [];
  const attempts = new Map<string, number>();
  const stop = source.onOrderEvent(async (event) => {
    const attempt = (attempts.get(event.id) ?? 0) + 1;
    attempts.set(event.id, attempt);
    if (reject(event, attempt)) throw new Error('redis is down');
    got.push(event);
  });
  return { got, attempts, stop };
}

describe('HttpOrders polls GET /order-events', () => {
  it('hands every event over in the order served, with occurredAt in ms, then keeps polling after the cursor', async () => {
    const first = [publish('created_unpaid', 'KF-A'), publish('paid', 'KF-A'), publish('cancelled', 'KF-B')];
    const feed = subscribe(orders());
    await until(async () => feed.got.length >= 3, 'the first events');
    const mine = feed.got.filter((e) => e.id.startsWith(`evt-${run}`));
    expect(mine.map((e) => e.id)).toEqual(first.map((e) => e.id));
    expect(mine[0]).toEqual({ ...first[0], occurredAt: Date.parse(first[0]!.occurredAt) });
    const later = publish('paid', 'KF-B');
    await until(async () => feed.got.some((e) => e.id === later.id), 'an event published later');
    // Each event once: the cursor moved past what was accepted.
    expect(feed.got.filter((e) => e.id === first[0]!.id)).toHaveLength(1);
    expect(requestsFor().some((r) => /after=c\d+/.test(r))).toBe(true);
    expect(requestsFor().every((r) => r.includes('limit=100'))).toBe(true);
  });

  it('delivers the same events again when the listener rejects one, and moves on once it accepts', async () => {
    const page = [publish(), publish(), publish()];
    const source = orders();
    const feed = subscribe(source, (event, attempt) => event.id === page[1]!.id && attempt < 3);
    await until(async () => feed.got.some((e) => e.id === page[2]!.id), 'the page accepted at last');
    expect(feed.attempts.get(page[1]!.id)).toBe(3);
    // The first event of the page came again with it (the inbox downstream handles an id once).
    expect(feed.attempts.get(page[0]!.id)).toBe(3);
    expect(feed.attempts.get(page[2]!.id)).toBe(1);
  });

  it('follows `next` across pages within one poll', async () => {
    const many = Array.from({ length: 7 }, () => publish());
    const feed = subscribe(orders({ eventsPageSize: 2 }));
    await until(async () => feed.got.some((e) => e.id === many[6]!.id), 'the seventh event');
    const order = feed.got.map((e) => e.id).filter((id) => many.some((m) => m.id === id));
    expect(order).toEqual(many.map((m) => m.id));
    expect(requestsFor().some((r) => r.includes('limit=2') && /after=c\d+/.test(r))).toBe(true);
  });

  it('moves nothing while the API answers 500, 429, garbage or off-contract pages, and catches up after', async () => {
    const source = orders();
    const feed = subscribe(source);
    const before = publish();
    await until(async () => feed.got.some((e) => e.id === before.id), 'a first event');
    const bogus = { ...before, id: 'evt-bogus' };
    const polls = () => requestsFor().length;
    const trouble: (() => void)[] = [
      () => api.failNext(500, 3),
      () => api.failNext(429, 2, '1'),
      () => api.answerRawOnce('<html>oops</html>'),
      () => api.answerRawOnce('{"events": [' + '{"id":'.repeat(50)),
      () => api.answerRawOnce(JSON.stringify({ events: 'none', next: 'c0' })),
      () => api.answerRawOnce(JSON.stringify({ events: [{ ...bogus, type: 'refunded' }], next: 'c999999' })),
      () => api.answerRawOnce(JSON.stringify({ events: [{ ...bogus, occurredAt: '2099-01-01T00:00:00Z' }], next: 'c999999' })),
      () => api.answerRawOnce(JSON.stringify({ events: [{ ...bogus, extra: true }], next: 'c999999' })),
      () => api.answerRawOnce(JSON.stringify({ events: [bogus, { ...bogus, orderId: 'x'.repeat(129) }], next: 'c999999' })),
      () => api.answerRawOnce(JSON.stringify({ events: [], next: 'x'.repeat(501) })),
      () => api.answerRawOnce(JSON.stringify({ events: [] })),
    ];
    for (const cause of trouble) {
      const seen = polls();
      cause();
      await until(async () => polls() > seen + 1, 'a poll with trouble and the one after');
    }
    // Had any bad answer moved the cursor (to c999999, say), the API would refuse every later poll.
    const after = publish();
    await until(async () => feed.got.some((e) => e.id === after.id), 'an event published after the trouble');
    expect(feed.got.some((e) => e.id === 'evt-bogus')).toBe(false);
    expect(feed.got.filter((e) => e.id === before.id)).toHaveLength(1);
  });

  it('logs a lasting outage once, not every interval, and says when it is over', async () => {
    const logger = recordingLogger();
    const source = orders({ logger });
    api.failNext(503, 6);
    const feed = subscribe(source);
    await until(async () => logger.lines.some((l) => l.level === 'info' && l.message === 'order events polled again'), 'recovery');
    const warnings = logger.lines.filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain('nothing is lost');
    feed.stop();
  });

  it('stops polling when unsubscribed, and on close', async () => {
    const source = orders();
    const feed = subscribe(source);
    await until(async () => requestsFor().length > 0, 'a poll');
    feed.stop();
    await new Promise((resolve) => setTimeout(resolve, 50)); // a poll under way ends
    const after = requestsFor().length;
    const late = publish();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(requestsFor().length).toBe(after);
    expect(feed.got.some((e) => e.id === late.id)).toBe(false);

    const other = orders();
    subscribe(other);
    await until(async () => requestsFor().length > after, 'the other source polling');
    await other.close();
    const closedAt = requestsFor().length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(requestsFor().length).toBe(closedAt);
  });

  it('does not poll when eventsPollMs is 0', async () => {
    const seen = requestsFor().length;
    const stop = orders({ eventsPollMs: 0 }).onOrderEvent(async () => {});
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(requestsFor().length).toBe(seen);
    stop();
  });
});

describe('the order-event page contract', () => {
  const event = { id: 'e1', type: 'paid', orderId: 'KF1', occurredAt: '2026-12-01T10:00:00Z', buyer: { channel: 'webchat', buyerId: 'b', conversationId: 'c' } };
  const now = Date.UTC(2026, 11, 1, 12);

  it('takes a page as the contract has it and refuses what is not', () => {
    expect(readOrderEventsPage({ events: [event], next: 'c1' }, 10, now)).toEqual({ events: [{ ...event, occurredAt: Date.UTC(2026, 11, 1, 10) }], next: 'c1' });
    for (const bad of [null, [], 'x', { events: [event] }, { events: [event], next: '' }, { events: [event], next: 5 }, { events: [{ ...event, id: 'a b' }], next: 'c' },
      { events: [{ ...event, occurredAt: '2026-13-45T99:00:00Z' }], next: 'c' }, { events: [{ ...event, buyer: { channel: 'webchat' } }], next: 'c' },
      { events: Array.from({ length: 11 }, () => event), next: 'c' }]) {
      expect(() => readOrderEventsPage(bad, 10, now), JSON.stringify(bad)?.slice(0, 80)).toThrow();
    }
  });

  it('is the OrderEvent of docs/openapi/commerce-orders.yaml, field for field', () => {
    const doc = parse(readFileSync(new URL('../../docs/openapi/commerce-orders.yaml', import.meta.url), 'utf8'));
    const documented = doc.components.schemas.OrderEvent;
    expect([...documented.required].sort()).toEqual([...eventSchema.required].sort());
    expect(documented.properties.type.enum).toEqual([...eventSchema.properties.type.enum]);
    expect(documented.properties.id.pattern).toBe(eventSchema.properties.id.pattern);
    expect(Object.keys(documented.properties.buyer.properties).sort()).toEqual([...eventSchema.properties.buyer.required].sort());
    expect(doc.paths['/order-events'].get.responses['200'].content['application/json'].schema.required).toEqual(['events', 'next']);
  });
});

describe('orders.http.eventsPollSeconds', () => {
  it('defaults to 10, takes 0 and fractions, and refuses what is not a sane number of seconds', () => {
    expect(loadConfig({ env: {} }).config.orders.http.eventsPollSeconds).toBe(10);
    expect(loadConfig({ env: { KEFU__ORDERS__HTTP__EVENTSPOLLSECONDS: '0' } }).config.orders.http.eventsPollSeconds).toBe(0);
    expect(loadConfig({ env: { KEFU__ORDERS__HTTP__EVENTSPOLLSECONDS: '2.5' } }).config.orders.http.eventsPollSeconds).toBe(2.5);
    for (const bad of ['-1', '3601', 'often', '1e9']) {
      expect(() => loadConfig({ env: { KEFU__ORDERS__HTTP__EVENTSPOLLSECONDS: bad } }), bad).toThrow(ConfigError);
    }
  });
});
