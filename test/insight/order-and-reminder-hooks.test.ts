// The insight hooks as server.ts wires them: an order placed (a signed created_unpaid event on
// POST /events/orders) by a buyer who had a pre-sale conversation is credited to the bot, once even
// when the event is delivered twice; the results show the payment reminders' counters.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeResults } from '../../dialogs/insight/results.ts';
import type { RunningServer } from '../../server.ts';
import { orderEvent, postOrderEvent, TEST_SECRET } from '../support/order-events.ts';
import { identityEnv, signedBuyer } from '../support/buyer-tokens.ts';
import { postMessage, startTestKefu } from '../support/start-kefu.ts';

let server: RunningServer;

beforeAll(async () => {
  server = await startTestKefu({ env: { ...identityEnv, KEFU__REMINDERS__WEBHOOKSECRET: TEST_SECRET } });
});

afterAll(async () => {
  await server?.close();
});

describe('order and reminder hooks of the dashboard', () => {
  it('credits an order after a pre-sale conversation to the bot, once, and shows the reminders', async () => {
    const buyerId = `buyer-${randomUUID()}`;
    const conversationId = `c-${randomUUID()}`;
    const asked = await postMessage(server.url, { conversationId, identityToken: await signedBuyer(buyerId), text: '身高170体重60穿什么码' });
    expect(asked.status).toBe(200);
    await server.kefu.insight.recorder.flush();

    const event = orderEvent('created_unpaid', `KF-${randomUUID()}`, buyerId, conversationId);
    expect((await postOrderEvent(server.url, event)).status).toBe(200);
    expect((await postOrderEvent(server.url, event)).status).toBe(200); // a redelivery

    const results = await computeResults(server.kefu.insight.store, Date.now(), {
      agentDailyCapacity: 120,
      reminders: server.kefu.insight.reminders,
    });
    expect(results).toMatchObject({ ordersInfluenced: 1 });
    expect(results.reminders).toMatchObject({ sent: 0, paidWithin24h: 0 });
  });
});
