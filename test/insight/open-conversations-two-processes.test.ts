// Two processes (two recorders, each with its own connection) noting turns of the same conversations
// on one Redis at the same instant: each conversation is counted as started once, and its open state
// holds what every turn said (the first hand-off reason, pre-sale, the latest time), because the
// store merges each turn in one atomic call instead of reading and then writing.

import { afterEach, describe, expect, it } from 'vitest';
import { InsightRecorder } from '../../dialogs/insight/insight-recorder.ts';
import { bucketOf } from '../../dialogs/insight/insight-store.ts';
import { silentLogger, type TurnEvent } from '../../dialogs/ports.ts';
import { RedisInsightStore } from '../../adapters/insight/redis-insight-store.ts';
import { connectSharedRedis, type SharedRedis } from '../support/redis-fixtures.ts';

const CONVERSATIONS = 8;
const TURNS = 6;

let redis: SharedRedis | null = null;
afterEach(async () => {
  await redis?.close();
  redis = null;
});

function event(conversation: number, turn: number, at: number): TurnEvent {
  return {
    conversation: { channel: 'webchat', conversationId: `c${conversation}`, buyerId: `b${conversation}` },
    at,
    language: 'zh-Hans',
    text: '你好',
    // One turn asks about sizes (pre-sale), one is handed off for a complaint; the others are small talk.
    intent: turn === 2 ? 'ask_size' : 'greet',
    confidence: 1,
    flow: null,
    outcome: turn === 4 ? 'handed_off' : 'answered',
    ...(turn === 4 ? { handoffReason: 'complaint' as const } : {}),
  };
}

describe('open conversations noted by two processes at once', () => {
  it('counts each conversation as started once and keeps every turn in its state', async () => {
    redis = await connectSharedRedis('insight-open-2p');
    const recorder = async (): Promise<InsightRecorder> =>
      new InsightRecorder({
        store: new RedisInsightStore({ client: await redis!.connectAnother(), prefix: redis!.prefix }),
        logger: silentLogger,
        presaleIntents: ['ask_size'],
        quietAfterMs: 60_000,
        keepMisunderstood: 10,
      });
    const processes = [await recorder(), await recorder()];
    const now = Date.now();
    // Every turn of every conversation goes to both processes' queues at once, alternating, so the
    // two connections race on the same conversations.
    for (let turn = 0; turn < TURNS; turn++) {
      for (let c = 0; c < CONVERSATIONS; c++) processes[(c + turn) % 2]!.record(event(c, turn, now + turn));
    }
    await Promise.all(processes.map((p) => p.flush()));

    const store = new RedisInsightStore({ client: redis.client, prefix: redis.prefix });
    const [counts] = await store.read('counts', 'hour', bucketOf(now, 'hour'), bucketOf(now, 'hour'));
    expect(counts).toMatchObject({ turns: CONVERSATIONS * TURNS, 'conversations:started': CONVERSATIONS });
    for (let c = 0; c < CONVERSATIONS; c++) {
      const state = await store.openConversation(`webchat:c${c}`);
      expect(state).toMatchObject({ buyerId: `b${c}`, lastAt: now + TURNS - 1, handoffReason: 'complaint', presale: true });
      expect(state!.firstAt).toBeGreaterThanOrEqual(now);
      expect(await store.lastPresale(`webchat:b${c}`)).toBe(now + 2);
    }
    // Settled once each, as handed off (by either process).
    expect(await processes[0]!.settleQuietConversations(now + TURNS + 60_000)).toBe(CONVERSATIONS);
    expect(await processes[1]!.settleQuietConversations(now + TURNS + 60_000)).toBe(0);
    await Promise.all(processes.map((p) => p.flush()));
    const [settled] = await store.read('counts', 'minute', bucketOf(now + TURNS - 1, 'minute'), bucketOf(now + TURNS - 1, 'minute'));
    expect(settled).toMatchObject({ 'conv:handed_off': CONVERSATIONS, 'conv:handed_off:complaint': CONVERSATIONS, 'conv:presale': CONVERSATIONS });
  });
});
