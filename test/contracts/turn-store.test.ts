// Contract of the TurnStore port (a buyer's turn from claim to commit: the message claimed once,
// the conversation's line taken in arrival order, the session loaded; the session and the answer
// committed together, fenced by the claim, and the turn handed on), on the embedded store made of
// the three ports, on Redis (two scripts) and on a real Redis Cluster.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LineBusyError, type HeldTurn, type TurnOutcome, type TurnStart, type TurnStore } from '../../dialogs/ports.ts';
import { MemoryConversationLine } from '../../adapters/stores/memory/memory-conversation-line.ts';
import { MemorySessionStore } from '../../adapters/stores/memory/memory-session-store.ts';
import { MemoryTurnLedger } from '../../adapters/stores/memory/memory-turn-ledger.ts';
import { SteppedTurnStore } from '../../adapters/stores/stepped-turn-store.ts';
import { RedisConversationLine } from '../../adapters/stores/redis/redis-conversation-line.ts';
import { RedisTurnStore } from '../../adapters/stores/redis/redis-turn-store.ts';
import { sessionKey } from '../../adapters/stores/redis/redis-keys.ts';
import { connectClusterRedis, connectSharedRedis } from '../support/redis-fixtures.ts';
import { elapseRedisTtls, manualClock, sleep } from '../support/store-test-kit.ts';

interface Fixture {
  turns: TurnStore;
  /** The same store as another server process sees it. */
  otherProcess: TurnStore;
  /** Stores text as the conversation's session, as something other than Kefu might have. */
  storeRawSession(conversationKey: string, text: string): Promise<void>;
  elapse(seconds: number): Promise<void>;
  close(): Promise<void>;
}

const WAIT_MS = 400;

const implementations: [string, () => Promise<Fixture>][] = [
  [
    'memory (stepped)',
    async () => {
      const clock = manualClock();
      const sessions = new MemorySessionStore({ clock });
      const turns = new SteppedTurnStore({ ledger: new MemoryTurnLedger({ sessions, clock }), line: new MemoryConversationLine({ waitMs: WAIT_MS }), sessions });
      return {
        turns,
        otherProcess: turns,
        storeRawSession: (key, text) => sessions.save(key, text, 3600),
        elapse: async (seconds) => clock.advance(seconds * 1000),
        close: async () => {},
      };
    },
  ],
  ...(['redis', 'redis-cluster'] as const).map((name): [string, () => Promise<Fixture>] => [
    name,
    async () => {
      const redis = name === 'redis' ? await connectSharedRedis('turn-store') : await connectClusterRedis('turn-store');
      const { client, prefix } = redis;
      const other = await redis.connectAnother();
      const store = (c: typeof client) => new RedisTurnStore({ client: c, line: new RedisConversationLine({ client: c, prefix, waitMs: WAIT_MS }) });
      return {
        turns: store(client),
        otherProcess: store(other),
        storeRawSession: async (key, text) => {
          await client.set(sessionKey(prefix, key), text, 'EX', 3600);
        },
        elapse: (seconds) => elapseRedisTtls(client, prefix, seconds),
        close: () => redis.close(),
      };
    },
  ]),
];

const CONVERSATION = 'webchat:3f9a-{odd}%id';
const ANSWER = '[{"text":"根据尺寸,您适合M号哦"}]';

function outcome(overrides: Partial<TurnOutcome> = {}): TurnOutcome {
  return { session: { turnCount: 1, said: '根据尺寸,您适合M号哦' }, sessionTtlSeconds: 3600, result: ANSWER, keepSeconds: 600, ...overrides };
}

function held(start: TurnStart): { turn: HeldTurn; session: unknown } {
  if (start.status !== 'new') throw new Error(`expected a new turn, got ${start.status}`);
  return start;
}

describe.each(implementations)('TurnStore contract: %s', (_name, makeFixture) => {
  let fixture: Fixture;
  let turns: TurnStore;
  beforeEach(async () => {
    fixture = await makeFixture();
    turns = fixture.turns;
  });
  afterEach(() => fixture.close());

  it('begins a message once; finish stores session and answer together; a repeat gets the answer; the next message reads the session', async () => {
    const first = held(await turns.begin(CONVERSATION, 'm1', 30));
    expect(first.session).toBeNull();
    expect(await fixture.otherProcess.begin(CONVERSATION, 'm1', 30)).toEqual({ status: 'in_progress' });
    expect(await turns.finish(first.turn, outcome())).toBe(true);
    expect(await fixture.otherProcess.begin(CONVERSATION, 'm1', 30)).toEqual({ status: 'done', result: ANSWER });
    const second = held(await fixture.otherProcess.begin(CONVERSATION, 'm2', 30));
    expect(second.session).toEqual({ turnCount: 1, said: '根据尺寸,您适合M号哦' });
    await fixture.otherProcess.finish(second.turn, outcome({ session: { turnCount: 2 } }));
  });

  it('lines up overlapping messages of one conversation in arrival order: the second starts after the first finished, with its session', async () => {
    const first = held(await turns.begin(CONVERSATION, 'm1', 30));
    const order: string[] = [];
    const second = fixture.otherProcess.begin(CONVERSATION, 'm2', 30).then((start) => {
      order.push('second began');
      return held(start);
    });
    await sleep(50);
    order.push('first finishing');
    await turns.finish(first.turn, outcome({ session: { turnCount: 1, from: 'm1' } }));
    const next = await second;
    expect(order).toEqual(['first finishing', 'second began']);
    expect(next.session).toEqual({ turnCount: 1, from: 'm1' });
    await fixture.otherProcess.finish(next.turn, outcome());
  });

  it('leaves other conversations alone: a held turn does not hold up another conversation', async () => {
    const a = held(await turns.begin('webchat:a', 'same-id', 30));
    const b = held(await fixture.otherProcess.begin('webchat:b', 'same-id', 30));
    for (const [store, start, conversationKey, result] of [[turns, a, 'webchat:a', ''], [fixture.otherProcess, b, 'webchat:b', '=?\n🎉']] as const) {
      expect(await store.finish(start.turn, outcome({ result }))).toBe(true);
      expect(await turns.begin(conversationKey, 'same-id', 30)).toEqual({ status: 'done', result });
    }
  });

  it('fences a claim that lapsed and was taken: the late turn writes nothing, and hands the turn on', async () => {
    const slow = held(await turns.begin(CONVERSATION, 'm1', 5));
    await fixture.elapse(6);
    // The retry claims the message again, and waits in line behind the slow turn.
    const taker = fixture.otherProcess.begin(CONVERSATION, 'm1', 5);
    await sleep(20);
    expect(await turns.finish(slow.turn, outcome({ session: { stale: true }, result: '"stale"' }))).toBe(false);
    const retry = held(await taker);
    expect(retry.session).toBeNull();
    expect(await fixture.otherProcess.finish(retry.turn, outcome())).toBe(true);
    expect(await turns.begin(CONVERSATION, 'm1', 5)).toEqual({ status: 'done', result: ANSWER });
  });

  it('abandon gives the claim and the turn back: the retry runs at once; it never undoes an answer', async () => {
    const first = held(await turns.begin(CONVERSATION, 'm1', 30));
    await turns.abandon(first.turn);
    const retry = held(await fixture.otherProcess.begin(CONVERSATION, 'm1', 30));
    await fixture.otherProcess.finish(retry.turn, outcome());
    // A late abandon of the first attempt changes nothing.
    await turns.abandon(first.turn);
    expect(await turns.begin(CONVERSATION, 'm1', 30)).toEqual({ status: 'done', result: ANSWER });
    expect(held(await turns.begin(CONVERSATION, 'm2', 30)).session).toEqual(outcome().session);
  });

  it('a message that waits too long for its turn is refused (LineBusyError) and its claim given back', async () => {
    const first = held(await turns.begin(CONVERSATION, 'm1', 30));
    await expect(fixture.otherProcess.begin(CONVERSATION, 'm2', 30)).rejects.toBeInstanceOf(LineBusyError);
    await turns.finish(first.turn, outcome());
    // The refused message's retry is handled, and it is not stuck behind its own abandoned place.
    const retry = held(await fixture.otherProcess.begin(CONVERSATION, 'm2', 30));
    await fixture.otherProcess.finish(retry.turn, outcome());
  });

  it('keeps the sender\'s numbering: a message numbered past the next is "early" until its predecessor began; without wait it is begun and recorded', async () => {
    expect(await turns.begin(CONVERSATION, 'm2', 30, { sequence: 2, wait: true })).toEqual({ status: 'early' });
    const first = held(await fixture.otherProcess.begin(CONVERSATION, 'm1', 30, { sequence: 1, wait: true }));
    // Its predecessor has begun (it need not have finished): the second takes the next place in line.
    const second = turns.begin(CONVERSATION, 'm2', 30, { sequence: 2, wait: true });
    await fixture.otherProcess.finish(first.turn, outcome({ session: { from: 'm1' } }));
    const next = held(await second);
    expect(next.session).toEqual({ from: 'm1' });
    await turns.finish(next.turn, outcome({ session: { from: 'm2' } }));
    // Number 4 without 3: given up on waiting, it is begun, and 3 (late, lower) is not held back by it.
    expect(await turns.begin(CONVERSATION, 'm4', 30, { sequence: 4, wait: true })).toEqual({ status: 'early' });
    await turns.abandon(held(await turns.begin(CONVERSATION, 'm4', 30, { sequence: 4, wait: false })).turn);
    await turns.abandon(held(await fixture.otherProcess.begin(CONVERSATION, 'm3', 30, { sequence: 3, wait: true })).turn);
    // A repeat of a handled message is answered, whatever its number says.
    expect(await turns.begin(CONVERSATION, 'm2', 30, { sequence: 2, wait: true })).toEqual({ status: 'done', result: ANSWER });
    await expect(turns.begin(CONVERSATION, 'm5', 30, { sequence: 0, wait: true })).rejects.toThrow(RangeError);
    await expect(turns.begin(CONVERSATION, 'm5', 30, { sequence: 1.5, wait: true })).rejects.toThrow(RangeError);
  });

  it('grants exactly one of many simultaneous begins of one message', async () => {
    const starts = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? turns : fixture.otherProcess).begin(CONVERSATION, 'm1', 30)));
    const granted = starts.filter((s) => s.status === 'new');
    expect(granted).toHaveLength(1);
    await turns.abandon(held(granted[0]!).turn);
  });

  it('reads a stored session that is not JSON as none (a fresh session beats a stuck buyer)', async () => {
    await fixture.storeRawSession(CONVERSATION, '{not json');
    const start = held(await turns.begin(CONVERSATION, 'm1', 30));
    expect(start.session === null || start.session === '{not json').toBe(true);
    await turns.abandon(start.turn);
  });

  it('rejects bad keys and TTLs, and a session that is not JSON, and the turn is still handed on', async () => {
    await expect(turns.begin('', 'm', 30)).rejects.toThrow(RangeError);
    await expect(turns.begin(CONVERSATION, 'x'.repeat(5000), 30)).rejects.toThrow(RangeError);
    await expect(turns.begin(CONVERSATION, 'm', 0)).rejects.toThrow(RangeError);
    const start = held(await turns.begin(CONVERSATION, 'm2', 30));
    await expect(turns.finish(start.turn, outcome({ session: undefined }))).rejects.toThrow(TypeError);
    await turns.abandon(start.turn);
    held(await fixture.otherProcess.begin(CONVERSATION, 'm3', 30));
  });
});
