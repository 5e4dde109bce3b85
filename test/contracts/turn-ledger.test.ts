// Contract of the TurnLedger port (a buyer's message claimed once, its turn's session and answer
// committed together and fenced by the claim). Its one implementation is the embedded store's, a
// part of SteppedTurnStore; on Redis the same rules are the TurnStore's scripts (turn-store.test.ts).

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionStore, TurnCommit, TurnLedger } from '../../dialogs/ports.ts';
import { MemorySessionStore } from '../../adapters/stores/memory/memory-session-store.ts';
import { MemoryTurnLedger } from '../../adapters/stores/memory/memory-turn-ledger.ts';
import { manualClock } from '../support/store-test-kit.ts';

interface Fixture {
  turns: TurnLedger;
  /** The same ledger as another server process sees it. */
  otherProcess: TurnLedger;
  /** Where the committed sessions are read back. */
  sessions: SessionStore;
  elapse(seconds: number): Promise<void>;
  close(): Promise<void>;
}

const implementations: [string, () => Promise<Fixture>][] = [
  [
    'memory',
    async () => {
      const clock = manualClock();
      const sessions = new MemorySessionStore({ clock });
      const turns = new MemoryTurnLedger({ sessions, clock });
      return { turns, otherProcess: turns, sessions, elapse: async (seconds) => clock.advance(seconds * 1000), close: async () => {} };
    },
  ],
];

const CONVERSATION = 'webchat:3f9a-{odd}%id';

function turn(token: string, overrides: Partial<TurnCommit> = {}): TurnCommit {
  return {
    conversationKey: CONVERSATION,
    messageId: 'm1',
    token,
    session: { turnCount: 1, said: '根据尺寸,您适合M号哦' },
    sessionTtlSeconds: 3600,
    result: '[{"text":"根据尺寸,您适合M号哦"}]',
    keepSeconds: 600,
    ...overrides,
  };
}

describe.each(implementations)('TurnLedger contract: %s', (_name, makeFixture) => {
  let fixture: Fixture;
  let turns: TurnLedger;
  beforeEach(async () => {
    fixture = await makeFixture();
    turns = fixture.turns;
  });
  afterEach(() => fixture.close());

  it('claims a message once; the commit stores the session and the answer together; a repeat gets the answer', async () => {
    const claim = await turns.claim(CONVERSATION, 'm1', 30);
    expect(claim).toEqual({ status: 'new', token: expect.any(String) });
    expect(await fixture.otherProcess.claim(CONVERSATION, 'm1', 30)).toEqual({ status: 'in_progress' });
    expect(await fixture.sessions.load(CONVERSATION)).toBeNull();
    expect(await turns.commit(turn((claim as { token: string }).token))).toBe(true);
    expect(await fixture.sessions.load(CONVERSATION)).toEqual({ turnCount: 1, said: '根据尺寸,您适合M号哦' });
    expect(await fixture.otherProcess.claim(CONVERSATION, 'm1', 30)).toEqual({ status: 'done', result: '[{"text":"根据尺寸,您适合M号哦"}]' });
  });

  it('fences a claim that lapsed and was taken: the late process writes neither session nor answer', async () => {
    const slow = await turns.claim(CONVERSATION, 'm1', 5);
    await fixture.elapse(6);
    const taker = await fixture.otherProcess.claim(CONVERSATION, 'm1', 5);
    expect(taker.status).toBe('new');
    expect(await turns.commit(turn((slow as { token: string }).token, { session: { stale: true }, result: '"stale"' }))).toBe(false);
    expect(await fixture.sessions.load(CONVERSATION)).toBeNull();
    expect(await fixture.otherProcess.commit(turn((taker as { token: string }).token))).toBe(true);
    expect(await turns.claim(CONVERSATION, 'm1', 5)).toEqual({ status: 'done', result: '[{"text":"根据尺寸,您适合M号哦"}]' });
  });

  it('a claim that lapsed and was not taken cannot be committed either (its retry runs the turn)', async () => {
    const lapsed = await turns.claim(CONVERSATION, 'm1', 5);
    await fixture.elapse(6);
    expect(await turns.commit(turn((lapsed as { token: string }).token))).toBe(false);
    expect(await turns.claim(CONVERSATION, 'm1', 5)).toMatchObject({ status: 'new' });
  });

  it('releases only its own claim, and never an answer', async () => {
    const first = await turns.claim(CONVERSATION, 'm1', 30);
    await turns.release(CONVERSATION, 'm1', 'someone-else');
    expect(await turns.claim(CONVERSATION, 'm1', 30)).toEqual({ status: 'in_progress' });
    await turns.release(CONVERSATION, 'm1', (first as { token: string }).token);
    const second = await fixture.otherProcess.claim(CONVERSATION, 'm1', 30);
    expect(second.status).toBe('new');
    await fixture.otherProcess.commit(turn((second as { token: string }).token));
    await turns.release(CONVERSATION, 'm1', (second as { token: string }).token);
    expect((await turns.claim(CONVERSATION, 'm1', 30)).status).toBe('done');
  });

  it('keeps messages of different conversations and ids apart, and answers any text exactly', async () => {
    const a = await turns.claim('webchat:a', 'same-id', 30);
    const b = await turns.claim('webchat:b', 'same-id', 30);
    expect([a.status, b.status]).toEqual(['new', 'new']);
    for (const [claim, conversationKey, result] of [[a, 'webchat:a', ''], [b, 'webchat:b', '=?\n🎉']] as const) {
      expect(await turns.commit(turn((claim as { token: string }).token, { conversationKey, messageId: 'same-id', result }))).toBe(true);
      expect(await turns.claim(conversationKey, 'same-id', 30)).toEqual({ status: 'done', result });
    }
  });

  it('grants exactly one of many simultaneous claims', async () => {
    const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? turns : fixture.otherProcess).claim(CONVERSATION, 'm1', 30)));
    expect(claims.filter((c) => c.status === 'new')).toHaveLength(1);
  });

  it('forgets an answer after keepSeconds', async () => {
    const claim = await turns.claim(CONVERSATION, 'm1', 30);
    await turns.commit(turn((claim as { token: string }).token, { keepSeconds: 100 }));
    await fixture.elapse(99);
    expect((await turns.claim(CONVERSATION, 'm1', 30)).status).toBe('done');
    await fixture.elapse(2);
    expect((await turns.claim(CONVERSATION, 'm1', 30)).status).toBe('new');
  });

  it('rejects bad keys and TTLs, and a session that is not JSON', async () => {
    await expect(turns.claim('', 'm', 30)).rejects.toThrow(RangeError);
    await expect(turns.claim(CONVERSATION, 'x'.repeat(5000), 30)).rejects.toThrow(RangeError);
    await expect(turns.claim(CONVERSATION, 'm', 0)).rejects.toThrow(RangeError);
    const claim = await turns.claim(CONVERSATION, 'm2', 30);
    await expect(turns.commit(turn((claim as { token: string }).token, { messageId: 'm2', session: undefined }))).rejects.toThrow(TypeError);
  });
});
