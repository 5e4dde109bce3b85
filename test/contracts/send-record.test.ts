// Contract of a marketplace channel's send record (ChannelState.beginSend / endSend): every
// platform message of an answer is marked pending before its send call, so that no retry, from any
// process, sends it twice (adapters/channels/shared/marketplace-outbound.ts). On the memory state,
// Redis and a real Redis Cluster; on Redis the record lives under the conversation's hash tag, in
// the slot of its session.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelState, ChannelStateOptions } from '../../adapters/channels/shared/channel-state.ts';
import { MemoryChannelState } from '../../adapters/channels/shared/memory-channel-state.ts';
import { RedisChannelState } from '../../adapters/channels/shared/redis-channel-state.ts';
import { sessionKey } from '../../adapters/stores/redis/redis-keys.ts';
import { silentLogger } from '../../dialogs/ports.ts';
import { connectClusterRedis, connectSharedRedis } from '../support/redis-fixtures.ts';
import { keysWithPrefix } from '../support/redis-server.ts';
import { elapseRedisTtls, manualClock } from '../support/store-test-kit.ts';

const settings: ChannelStateOptions = { dedupeSeconds: 900, optionsSeconds: 600, retryBaseMs: 10, maxRetryMs: 50, maxAttempts: 3 };

interface Fixture {
  state: ChannelState;
  /** The same state as another server process sees it. */
  otherProcess: ChannelState;
  elapse(seconds: number): Promise<void>;
  /** The keys the record is stored under (none in memory). */
  storedKeys(): Promise<string[]>;
  prefix: string;
  close(): Promise<void>;
}

const implementations: [string, () => Promise<Fixture>][] = [
  [
    'memory',
    async () => {
      const clock = manualClock();
      const state = new MemoryChannelState(settings, silentLogger, clock);
      return { state, otherProcess: state, elapse: async (seconds) => clock.advance(seconds * 1000), storedKeys: async () => [], prefix: '', close: () => state.close() };
    },
  ],
  ...(['redis', 'redis-cluster'] as const).map((name): [string, () => Promise<Fixture>] => [
    name,
    async () => {
      const redis = name === 'redis' ? await connectSharedRedis('send-record') : await connectClusterRedis('send-record');
      const { client, prefix } = redis;
      const make = (on: typeof client): ChannelState => new RedisChannelState({ ...settings, client: on, prefix, channel: 'lazada', claimIdleMs: 60_000, blockMs: 100, logger: silentLogger });
      const state = make(client);
      const otherProcess = make(await redis.connectAnother());
      return {
        state,
        otherProcess,
        elapse: (seconds) => elapseRedisTtls(client, prefix, seconds),
        storedKeys: () => keysWithPrefix(client, prefix),
        prefix,
        close: async () => {
          await state.close();
          await otherProcess.close();
          await redis.close();
        },
      };
    },
  ]),
];

const CONVERSATION = 'lazada:100-{odd}%id';

describe.each(implementations)('send record contract: %s', (name, makeFixture) => {
  let fixture: Fixture;
  beforeEach(async () => {
    fixture = await makeFixture();
  });
  afterEach(() => fixture.close());

  it('sends a message once it is marked; skips it once sent; never sends a pending one again; lets a refused one be sent again', async () => {
    const { state, otherProcess } = fixture;
    // The first attempt: message 0 sent, message 1 refused by the platform, message 2 left pending
    // (the process died, or Redis went away, while its call was out).
    expect(await state.beginSend(CONVERSATION, 'm1', 0)).toBe('send');
    await state.endSend(CONVERSATION, 'm1', 0, 'sent');
    expect(await state.beginSend(CONVERSATION, 'm1', 1)).toBe('send');
    await state.endSend(CONVERSATION, 'm1', 1, 'not_sent');
    expect(await state.beginSend(CONVERSATION, 'm1', 2)).toBe('send');
    // The retry, on another process:
    expect(await otherProcess.beginSend(CONVERSATION, 'm1', 0)).toBe('sent');
    expect(await otherProcess.beginSend(CONVERSATION, 'm1', 1)).toBe('send');
    expect(await otherProcess.beginSend(CONVERSATION, 'm1', 2)).toBe('unknown');
    expect(await otherProcess.beginSend(CONVERSATION, 'm1', 3)).toBe('send');
  });

  it('lets exactly one of many simultaneous attempts send a message', async () => {
    const steps = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? fixture.state : fixture.otherProcess).beginSend(CONVERSATION, 'm1', 0)));
    expect(steps.filter((step) => step === 'send')).toHaveLength(1);
    expect(steps.filter((step) => step === 'unknown')).toHaveLength(19);
  });

  it('keeps answers to other messages, and the same message id in another conversation, apart', async () => {
    expect(await fixture.state.beginSend(CONVERSATION, 'm1', 0)).toBe('send');
    expect(await fixture.state.beginSend(CONVERSATION, 'm2', 0)).toBe('send');
    expect(await fixture.state.beginSend('lazada:200', 'm1', 0)).toBe('send');
  });

  it('forgets a record after the dedupe window', async () => {
    await fixture.state.beginSend(CONVERSATION, 'm1', 0);
    await fixture.state.endSend(CONVERSATION, 'm1', 0, 'sent');
    await fixture.elapse(settings.dedupeSeconds - 1);
    expect(await fixture.state.beginSend(CONVERSATION, 'm1', 0)).toBe('sent');
    await fixture.elapse(2);
    expect(await fixture.state.beginSend(CONVERSATION, 'm1', 0)).toBe('send');
  });

  it('stores the record under the conversation\'s hash tag, the slot of its session (memory: in the process, no key)', async () => {
    await fixture.state.beginSend(CONVERSATION, 'm1', 0);
    const tagOf = (key: string): string | undefined => /\{[^}]*\}/.exec(key)?.[0];
    const keys = await fixture.storedKeys();
    if (name === 'memory') {
      expect(keys).toEqual([]);
      expect(await fixture.otherProcess.beginSend(CONVERSATION, 'm1', 0)).toBe('unknown');
      return;
    }
    expect(keys).toHaveLength(1);
    expect(tagOf(keys[0]!)).toBe(tagOf(sessionKey(fixture.prefix, CONVERSATION)));
  });
});
