// POST /events/orders on a real Kefu server (in memory): the signature is checked over the raw
// bytes before anything else, bad input gets a clear 4xx and changes nothing, a repeat is handled
// once, and a created_unpaid event ends with a reminder on the buyer's open web chat page (SSE).

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readReminderCounters } from '../../compose/payment-reminders.ts';
import type { Reply } from '../../dialogs/messages.ts';
import type { RunningServer } from '../../server.ts';
import { orderEvent, postOrderEvent, TEST_SECRET, until } from '../support/order-events.ts';
import { readServerSentEvents } from '../support/server-sent-events.ts';
import { startTestKefu } from '../support/start-kefu.ts';

let server: RunningServer;

beforeAll(async () => {
  server = await startTestKefu({
    env: {
      KEFU__REMINDERS__WEBHOOKSECRET: TEST_SECRET,
      KEFU__REMINDERS__DELAYMINUTES: '0.01', // 0.6 s
      KEFU__REMINDERS__MAXPERORDER: '1',
      KEFU__REMINDERS__QUIETHOURS: 'null',
      KEFU__REMINDERS__LANGUAGE: 'en',
    },
  });
});

afterAll(async () => {
  await server?.close();
});

async function unpaidOrderOf(buyerId: string): Promise<{ id: string; payUrl?: string }> {
  const orders = await server.kefu.orders.listOrders({ channel: 'webchat', buyerId });
  return orders.find((order) => order.status === 'unpaid')!;
}

/** What the buyer's page would be sent later: the conversation's push mailbox. */
async function pushed(conversationId: string): Promise<Reply[][]> {
  const items = await server.kefu.mailbox.readAfter(conversationId, null);
  return items.map((item) => (JSON.parse(item.data) as { replies: Reply[] }).replies);
}

/** Opens the page's SSE stream and resolves with the first "replies" event's replies. */
async function firstPushOnPage(conversationId: string): Promise<{ ready: Promise<void>; replies: Promise<Reply[]>; close(): void }> {
  const controller = new AbortController();
  const response = await fetch(`${server.url}/webchat/events?conversationId=${conversationId}`, { signal: controller.signal });
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  let gotReplies!: (replies: Reply[]) => void;
  const first = new Promise<Reply[]>((resolve) => (gotReplies = resolve));
  const ended = readServerSentEvents(response, ({ event, data }) => {
    if (event === 'ready') markReady();
    if (event === 'replies') gotReplies((JSON.parse(data) as { replies: Reply[] }).replies);
  }).then((): never => {
    throw new Error('stream ended before a push');
  });
  const replies = Promise.race([first, ended]);
  return { ready, replies, close: () => controller.abort() };
}

describe('POST /events/orders', () => {
  it('takes a signed created_unpaid event, and the reminder reaches the buyer’s open page', async () => {
    const conversationId = randomUUID();
    const order = await unpaidOrderOf('web-buyer-1');
    const page = await firstPushOnPage(conversationId);
    await page.ready;
    const answer = await postOrderEvent(server.url, orderEvent('created_unpaid', order.id, 'web-buyer-1', conversationId));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ outcome: 'reminder_scheduled', duplicate: false });
    const replies = await page.replies;
    page.close();
    expect(replies).toHaveLength(1);
    expect(replies[0]!.text).toContain('Classic Cotton Crew Tee (White M) × 2');
    expect(replies[0]!.card).toMatchObject({ title: 'Pay now', url: order.payUrl });
    expect((await readReminderCounters(server.kefu)).remindersSent).toBeGreaterThanOrEqual(1);
  });

  it('handles a replayed request once: the repeat answers duplicate and schedules nothing more', async () => {
    const conversationId = randomUUID();
    const order = await unpaidOrderOf('web-buyer-2');
    const event = orderEvent('created_unpaid', order.id, 'web-buyer-2', conversationId);
    const first = await postOrderEvent(server.url, event);
    const replay = await postOrderEvent(server.url, event);
    expect(first.body).toEqual({ outcome: 'reminder_scheduled', duplicate: false });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({ outcome: 'reminder_scheduled', duplicate: true });
    // Re-sent under a new event id, the same order is known already.
    const resent = await postOrderEvent(server.url, { ...event, id: `evt-${randomUUID()}` });
    expect(resent.body).toEqual({ outcome: 'already_known', duplicate: false });
    await until(async () => (await pushed(conversationId)).length > 0, 'the reminder');
    // A marker order reminded after this one shows that no second reminder followed.
    const marker = randomUUID();
    const markerOrder = await unpaidOrderOf('web-buyer-2b');
    await postOrderEvent(server.url, orderEvent('created_unpaid', markerOrder.id, 'web-buyer-2b', marker));
    await until(async () => (await pushed(marker)).length > 0, 'the marker reminder');
    expect(await pushed(conversationId)).toHaveLength(1);
  });

  it('applies paid before created (out of order): no reminder follows', async () => {
    const conversationId = randomUUID();
    const order = await unpaidOrderOf('web-buyer-3');
    const created = orderEvent('created_unpaid', order.id, 'web-buyer-3', conversationId);
    const paid = orderEvent('paid', order.id, 'web-buyer-3', conversationId);
    expect((await postOrderEvent(server.url, paid)).body).toEqual({ outcome: 'closed', duplicate: false });
    expect((await postOrderEvent(server.url, created)).body).toEqual({ outcome: 'already_closed', duplicate: false });
    const marker = randomUUID();
    await postOrderEvent(server.url, orderEvent('created_unpaid', (await unpaidOrderOf('web-buyer-3b')).id, 'web-buyer-3b', marker));
    await until(async () => (await pushed(marker)).length > 0, 'the marker reminder');
    expect(await pushed(conversationId)).toEqual([]);
  });

  describe('refuses what is not a genuine, fresh, well-formed event', () => {
    const body = () => orderEvent('created_unpaid', 'KF1', 'b', 'c');

    it('a signature made with another secret, or a body changed after signing (401)', async () => {
      const wrong = await postOrderEvent(server.url, body(), { secret: 'not-the-shop-secret-at-all' });
      expect(wrong.status).toBe(401);
      expect(wrong.body.error).toBe('signature does not match');
      const event = body();
      const timestamp = Math.floor(Date.now() / 1000);
      const signed = await postOrderEvent(server.url, event, { timestamp });
      expect(signed.status).toBe(200);
      // The same signature on other bytes (a space added) does not pass.
      const { signOrderEvent } = await import('../../adapters/order-events/order-event-signature.ts');
      const signature = signOrderEvent(TEST_SECRET, timestamp, JSON.stringify({ ...event, id: 'evt-other' }));
      const tampered = await postOrderEvent(server.url, `${JSON.stringify({ ...event, id: 'evt-other' })} `, { timestamp, headers: { 'x-kefu-signature': signature } });
      expect(tampered.status).toBe(401);
    });

    it('a timestamp more than 5 minutes old or ahead (401), even with a valid signature', async () => {
      const now = Math.floor(Date.now() / 1000);
      // A minute past the window each way: "now" is read before the request, and on a loaded machine
      // a second may pass before the server reads its clock (now + 301 would then be inside the window).
      for (const timestamp of [now - 360, now + 360, 0]) {
        const answer = await postOrderEvent(server.url, body(), { timestamp });
        expect(answer.status).toBe(401);
        expect(answer.body.error).toMatch(/5 minutes/);
      }
    });

    it('missing or malformed signature headers (401)', async () => {
      const cases: Record<string, string | null>[] = [
        { 'x-kefu-signature': null },
        { 'x-kefu-timestamp': null },
        { 'x-kefu-signature': 'sha1=abc' },
        { 'x-kefu-signature': `sha256=${'z'.repeat(64)}` },
        { 'x-kefu-signature': `sha256=${'a'.repeat(63)}` },
        { 'x-kefu-timestamp': '12.5' },
        { 'x-kefu-timestamp': 'yesterday' },
      ];
      for (const headers of cases) {
        const answer = await postOrderEvent(server.url, body(), { headers });
        expect(answer.status, JSON.stringify(headers)).toBe(401);
        expect(typeof answer.body.error).toBe('string');
      }
    });

    it('malformed JSON: 401 unsigned, 400 when signed', async () => {
      const unsigned = await postOrderEvent(server.url, '{"id": ', { headers: { 'x-kefu-signature': null } });
      expect(unsigned.status).toBe(401);
      const signed = await postOrderEvent(server.url, '{"id": ');
      expect(signed.status).toBe(400);
      expect(signed.body.error).toBe('malformed JSON body');
    });

    it('signed but invalid events (400), each saying what is wrong', async () => {
      const good = body();
      const cases: [unknown, RegExp][] = [
        [{ ...good, type: 'refunded' }, /type/],
        [{ ...good, id: undefined }, /id/],
        [{ ...good, orderId: '../../etc/passwd' }, /orderId/],
        [{ ...good, occurredAt: 'yesterday' }, /occurredAt/],
        [{ ...good, occurredAt: '2026-13-45T99:00:00Z' }, /occurredAt/],
        [{ ...good, occurredAt: 1764583200000 }, /occurredAt/],
        [{ ...good, occurredAt: new Date(Date.now() + 2 * 3600_000).toISOString() }, /future/],
        [{ ...good, buyer: { channel: 'webchat', buyerId: 'b' } }, /conversationId/],
        [{ ...good, extra: true }, /extra/],
        [[good], /object/],
        ['"just a string"', /object/],
      ];
      for (const [event, message] of cases) {
        const answer = await postOrderEvent(server.url, event);
        expect(answer.status, JSON.stringify(event)).toBe(400);
        expect(answer.body.error).toMatch(message);
      }
    });

    it('a body over 16 KiB (413) and a body that is not JSON (415)', async () => {
      const big = { ...body(), padding: 'x'.repeat(17 * 1024) };
      expect((await postOrderEvent(server.url, big)).status).toBe(413);
      const text = await postOrderEvent(server.url, body(), { headers: { 'content-type': 'text/plain' } });
      expect(text.status).toBe(415);
    });
  });
});

describe('without a webhook secret', () => {
  it('has no /events/orders route', async () => {
    const plain = await startTestKefu();
    try {
      const answer = await postOrderEvent(plain.url, orderEvent('paid', 'KF1', 'b', 'c'));
      expect(answer.status).toBe(404);
      expect(plain.kefu.reminders).not.toBeNull(); // reminders still run on events from the commerce backend
    } finally {
      await plain.close();
    }
  });
});
