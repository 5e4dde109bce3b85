// From turns to the merchant's numbers, through a real Kefu (demo flows, in-memory stores):
// conversations settle as resolved / handed off / abandoned once quiet, orders are credited to the
// bot within 24 h of a pre-sale conversation, hot topics show what rose, and a failing counter
// store never touches the buyer's answer.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { hotTopics } from '../../dialogs/insight/hot-topics.ts';
import { DAY_MS, InsightRecorder } from '../../dialogs/insight/insight-recorder.ts';
import { computeResults } from '../../dialogs/insight/results.ts';
import type { TurnEvent } from '../../dialogs/ports.ts';
import { MemoryInsightStore } from '../../adapters/insight/memory-insight-store.ts';
import type { RunningServer } from '../../server.ts';
import { identityEnv, signedBuyer } from '../support/buyer-tokens.ts';
import { postMessage, startTestKefu } from '../support/start-kefu.ts';

let server: RunningServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function say(conversationId: string, text: string, buyerId = `buyer-${conversationId}`): Promise<void> {
  // Signed by the shop, so the conversation is the buyer's (an unsigned one is a guest's).
  const answer = await postMessage(server!.url, { conversationId, identityToken: await signedBuyer(buyerId), text });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
}

describe('results', () => {
  it('settles quiet conversations by how they ended, and counts what the bot is worth', async () => {
    server = await startTestKefu({ env: { ...identityEnv, KEFU__INSIGHT__AGENTDAILYCAPACITY: '2' } });
    await say('left-mid-way', '我穿多大码'); // the bot asks for a height; the buyer never answers
    await say('wants-a-person', '转人工');
    await say('furious', 'is the black one in stock?? this is awful, terrible, worst shop ever');
    await say('settled', '你好');
    await say('settled', 'thanks, bye');
    const { recorder, store } = server.kefu.insight;
    await recorder.flush();

    const now = Date.now();
    expect(await recorder.settleQuietConversations(now)).toBe(0); // nobody is quiet yet
    expect(await recorder.settleQuietConversations(now + 31 * 60_000)).toBe(4);
    expect(await recorder.settleQuietConversations(now + 31 * 60_000)).toBe(0); // settled once

    server.kefu.insight.reminders = { reminderRecovery: async () => ({ sent: 10, paidWithin24h: 4 }) };
    const results = await computeResults(store, now, { agentDailyCapacity: 2, reminders: server.kefu.insight.reminders });
    expect(results).toMatchObject({
      conversations: 4,
      resolved: 1,
      handedOff: 2,
      abandoned: 1,
      resolutionRate: 0.25,
      handoffRate: 0.5,
      handoffRateByReason: { asked_for_human: 0.25, negative_sentiment: 0.25 },
      presaleConversations: 2, // the size question, and the furious one's stock question
      presaleResolvedByBot: 0,
      reminders: { sent: 10, paidWithin24h: 4, recoveryRate: 0.4 },
      agentEquivalents: 0.5,
    });
  });

  it('credits an order to the bot when the same buyer had a pre-sale conversation in the 24 h before', async () => {
    server = await startTestKefu({ env: identityEnv });
    await say('shopper', '我穿多大码', 'buyer-7');
    const { recorder, store } = server.kefu.insight;
    await recorder.flush();
    const now = Date.now();
    expect(await recorder.recordOrder({ channel: 'webchat', buyerId: 'buyer-7', orderId: 'o-1', at: now + 60_000 })).toEqual({ counted: true, influenced: true });
    // The platform reports the same order again: counted once.
    expect(await recorder.recordOrder({ channel: 'webchat', buyerId: 'buyer-7', orderId: 'o-1', at: now + 60_000 })).toEqual({ counted: false, influenced: false });
    expect(await recorder.recordOrder({ channel: 'webchat', buyerId: 'someone-else', orderId: 'o-2', at: now })).toEqual({ counted: true, influenced: false });
    expect(await recorder.recordOrder({ channel: 'webchat', buyerId: 'buyer-7', orderId: 'o-3', at: now + DAY_MS + 60_000 })).toEqual({ counted: true, influenced: false });
    expect(await recorder.recordOrder({ channel: 'lazada', buyerId: 'buyer-7', orderId: 'o-4', at: now })).toEqual({ counted: true, influenced: false });
    const results = await computeResults(store, now + DAY_MS + 60_000, { agentDailyCapacity: 100 });
    expect(results.reminders).toBeNull(); // the reminders part is not connected here
    expect((await computeResults(store, now + 60_000, { agentDailyCapacity: 100 })).ordersInfluenced).toBe(1);
  });

  it('keeps answering buyers when the counter store fails', async () => {
    server = await startTestKefu({ env: identityEnv });
    const { store, recorder } = server.kefu.insight;
    const failure = (): Promise<never> => Promise.reject(new Error('insight store is down'));
    store.add = failure;
    store.noteTurns = failure;
    await say('unlucky', '我穿多大码');
    await say('unlucky', '170');
    await recorder.flush();
    const answer = await postMessage(server.url, { conversationId: 'unlucky', identityToken: await signedBuyer('buyer-unlucky'), text: '60公斤' });
    expect(answer.body.replies[0].text).toMatch(/号|码/);
  });
});

describe('hot topics', () => {
  const event = (text: string, intent: string | null, at: number): TurnEvent => ({
    conversation: { channel: 'webchat', conversationId: `c-${text}-${at}`, buyerId: 'b' },
    at, language: 'zh-Hans', text, intent, confidence: 0.9, flow: null, outcome: 'answered',
  });

  it('shows the top intents and the phrases that rose against the period before, in both scripts as one', async () => {
    const store = new MemoryInsightStore();
    const recorder = new InsightRecorder({ store, logger: { debug() {}, info() {}, warn() {}, error() {} }, presaleIntents: [], quietAfterMs: 60_000, keepMisunderstood: 10 });
    const now = Date.now();
    const before = now - 7 * 60_000; // in the previous 5 minutes
    for (let i = 0; i < 3; i++) recorder.record(event('什么时候发货', 'ask_shipping', before));
    recorder.record(event('还有货吗', 'ask_stock', before));
    for (let i = 0; i < 2; i++) recorder.record(event('什么时候发货', 'ask_shipping', now));
    recorder.record(event('什麼時候發貨呀', 'ask_shipping', now));
    recorder.record(event('火星有分店吗', null, now));
    recorder.record(event('火星有分店嗎', null, now));
    await recorder.flush();

    const fiveMinutes = await hotTopics(store, '5m', now);
    expect(fiveMinutes.intents).toEqual([{ name: 'ask_shipping', count: 3, previous: 3, rise: 0, isNew: false }]);
    expect(fiveMinutes.topPhrases[0]).toEqual({ name: '什么时候发货', count: 3, previous: 3, rise: 0, isNew: false });
    expect(fiveMinutes.risingPhrases).toEqual([{ name: '火星有分店吗', count: 2, previous: 0, rise: 2, isNew: true }]);

    const hour = await hotTopics(store, '1h', now);
    expect(hour.intents).toEqual([
      { name: 'ask_shipping', count: 6, previous: 0, rise: 6, isNew: true },
      { name: 'ask_stock', count: 1, previous: 0, rise: 1, isNew: true },
    ]);
    const day = await hotTopics(store, '1d', now);
    expect(day.topPhrases.find((p) => p.name === '什么时候发货')?.count).toBe(6);
  });
});

describe('the recorder under a failing store', () => {
  it('never throws into the turn and logs at most once a minute', async () => {
    const warn = vi.fn();
    const store = new MemoryInsightStore();
    store.add = () => Promise.reject(new Error('down'));
    const recorder = new InsightRecorder({ store, logger: { debug() {}, info() {}, warn, error() {} }, presaleIntents: [], quietAfterMs: 60_000, keepMisunderstood: 10 });
    for (let i = 0; i < 50; i++) {
      expect(() => recorder.record({ conversation: { channel: 'webchat', conversationId: 'c', buyerId: 'b' }, at: Date.now(), language: 'en', text: 'hi', intent: null, confidence: 0, flow: null, outcome: 'answered' })).not.toThrow();
    }
    await recorder.flush();
    expect(warn).toHaveBeenCalledTimes(1);
  });
});
