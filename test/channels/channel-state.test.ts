// The marketplace inbox behind every channel, both implementations through one set of checks (the
// Redis one on the real shared Redis): a message id is queued once, a conversation's messages are
// handled in order, a failure is retried, repeated failures end in the dead-letter list, and notes
// are kept per conversation. Redis alone: a message a dead process left unfinished is taken over.

import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelState, ChannelStateOptions } from '../../adapters/channels/shared/channel-state.ts';
import { MemoryChannelState } from '../../adapters/channels/shared/memory-channel-state.ts';
import { RedisChannelState } from '../../adapters/channels/shared/redis-channel-state.ts';
import type { InboundMessage } from '../../dialogs/messages.ts';
import { silentLogger } from '../../dialogs/ports.ts';
import { eventually, settle } from '../support/fake-marketplace.ts';
import { useSharedRedis } from '../support/redis-fixtures.ts';
import { channelKeyBase } from '../../adapters/stores/redis/redis-keys.ts';

const settings: ChannelStateOptions = { dedupeSeconds: 600, optionsSeconds: 600, retryBaseMs: 10, maxRetryMs: 50, maxAttempts: 3 };

function message(conversationId: string, text: string, id = randomUUID()): InboundMessage {
  return { id, conversation: { channel: 'test', conversationId, buyerId: 'b' }, text, receivedAt: 1 };
}

const redis = useSharedRedis('channel-state');

const implementations = [
  { name: 'memory', make: (): ChannelState => new MemoryChannelState(settings, silentLogger) },
  {
    name: 'redis',
    make: (): ChannelState =>
      new RedisChannelState({ ...settings, client: redis.client, prefix: `${redis.prefix}${randomUUID()}:`, channel: 'test', claimIdleMs: 60_000, blockMs: 100, logger: silentLogger }),
  },
];

describe.each(implementations)('$name channel state', ({ make }) => {
  let state: ChannelState;
  afterEach(async () => {
    await state?.close();
  });

  it('queues a message id once and hands each conversation its messages in order', async () => {
    state = make();
    const seen: string[] = [];
    const first = message('c1', 'one');
    expect(await state.enqueue(first)).toBe('queued');
    expect(await state.enqueue({ ...first, text: 'the same id again' })).toBe('duplicate');
    for (const text of ['two', 'three']) await state.enqueue(message('c1', text));
    state.start(async (m) => {
      seen.push(m.text);
    });
    await eventually(() => (seen.length === 3 ? true : undefined), 'three messages');
    await settle(100);
    expect(seen).toEqual(['one', 'two', 'three']);
  });

  it('retries a message whose handling failed, counting the attempts', async () => {
    state = make();
    const attempts: number[] = [];
    state.start(async (_m, attempt) => {
      attempts.push(attempt);
      if (attempt < 2) throw new Error('the platform is down');
    });
    await state.enqueue(message('c2', 'hello'));
    await eventually(() => (attempts.length === 2 ? true : undefined), 'the retry');
    await settle(100);
    expect(attempts).toEqual([1, 2]);
  });

  it('stops after maxAttempts, and keeps the other conversations going', async () => {
    state = make();
    const handled: string[] = [];
    let failures = 0;
    state.start(async (m) => {
      if (m.text === 'poison') {
        failures++;
        throw new Error('never works');
      }
      handled.push(m.text);
    });
    await state.enqueue(message('c3', 'poison'));
    await state.enqueue(message('c4', 'fine'));
    await eventually(() => (failures === settings.maxAttempts && handled.length === 1 ? true : undefined), 'the poison message to be given up');
    await settle(150);
    expect(failures).toBe(settings.maxAttempts);
  });

  it('keeps notes per conversation, and forgets one on null', async () => {
    state = make();
    await state.remember('c5', 'options', [{ title: 'A', payload: '/a' }]);
    await state.remember('c5', 'context', { productId: 'p1' });
    expect(await state.recall('c5', 'options')).toEqual([{ title: 'A', payload: '/a' }]);
    expect(await state.recall('c6', 'options')).toBeNull();
    await state.remember('c5', 'options', null);
    expect(await state.recall('c5', 'options')).toBeNull();
    expect(await state.recall('c5', 'context')).toEqual({ productId: 'p1' });
  });
});

describe('redis channel state across processes', () => {
  it('lets a live process take over a message a dead one left unfinished, and sets repeated failures aside', async () => {
    const prefix = `${redis.prefix}${randomUUID()}:`;
    const options = { ...settings, client: redis.client, prefix, channel: 'test', claimIdleMs: 200, blockMs: 100, logger: silentLogger };
    const dying = new RedisChannelState(options);
    let taken = false;
    dying.start(async () => {
      taken = true;
      await new Promise(() => {}); // the process "dies" holding the message
    });
    await dying.enqueue(message('c7', 'lost in a crash?'));
    await eventually(() => (taken ? true : undefined), 'the first process to take the message');
    void dying.close();

    const other = await redis.connectAnother();
    const survivor = new RedisChannelState({ ...options, client: other });
    const handled: string[] = [];
    survivor.start(async (m) => {
      handled.push(m.text);
    });
    await eventually(() => (handled.length > 0 ? true : undefined), 'the survivor to take it over');
    expect(handled).toEqual(['lost in a crash?']);

    const failing = new RedisChannelState({ ...options, client: other, channel: 'poison' });
    failing.start(async () => {
      throw new Error('never works');
    });
    await failing.enqueue(message('c8', 'poison'));
    const dead = await eventually(async () => {
      const entries = await redis.client.xrange(`${channelKeyBase(prefix, 'poison')}dead`, '-', '+');
      return entries.length > 0 ? entries : undefined;
    }, 'the dead-letter entry');
    expect(JSON.parse(dead[0]![1][1]!)).toMatchObject({ text: 'poison' });
    expect(await redis.client.xlen(`${channelKeyBase(prefix, 'poison')}inbox`)).toBe(0);
    await survivor.close();
    await failing.close();
  });
});

describe('redis channel state: one conversation across two processes', () => {
  it('answers a later message only after the earlier one another process holds, other conversations meanwhile', async () => {
    const prefix = `${redis.prefix}${randomUUID()}:`;
    const options = { ...settings, client: redis.client, prefix, channel: 'test', claimIdleMs: 60_000, blockMs: 50, logger: silentLogger };
    const handled: string[] = [];
    let release: () => void = () => {};
    const firstHeld = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Process A takes the first message and is slow with it (a slow backend, a long turn).
    const slow = new RedisChannelState(options);
    slow.start(async (m) => {
      if (m.text === 'first') await firstHeld;
      handled.push(m.text);
    });
    await slow.enqueue(message('c9', 'first'));
    await eventually(async () => ((await redis.client.xpending(`${channelKeyBase(prefix, 'test')}inbox`, 'kefu'))[0] === 1 ? true : undefined), 'A to take the first message');
    void slow.close(); // A reads nothing more; it still holds "first"

    const other = await redis.connectAnother();
    const fast = new RedisChannelState({ ...options, client: other });
    fast.start(async (m) => {
      handled.push(m.text);
    });
    await fast.enqueue(message('c9', 'second'));
    await fast.enqueue(message('c10', 'another conversation'));
    await eventually(() => (handled.includes('another conversation') ? true : undefined), 'the other conversation');
    await settle(200);
    expect(handled).toEqual(['another conversation']);
    release();
    await eventually(() => (handled.includes('second') ? true : undefined), 'the second message');
    expect(handled).toEqual(['another conversation', 'first', 'second']);
    expect(await redis.client.exists(`${channelKeyBase(prefix, 'test')}order:test:c9`)).toBe(0);
    await fast.close();
  });
});

describe('retry pauses', () => {
  it('grow exponentially up to the cap, and wait at least as long as the platform asked', async () => {
    const { retryDelayMs } = await import('../../adapters/channels/shared/channel-state.ts');
    const { ApiError } = await import('../../adapters/channels/shared/api-retry.ts');
    const options = { retryBaseMs: 1000, maxRetryMs: 60_000 };
    expect([1, 2, 3, 7, 30].map((attempt) => retryDelayMs(options, attempt))).toEqual([1000, 2000, 4000, 60_000, 60_000]);
    expect(retryDelayMs(options, 1, new ApiError('429', 'retry', 120_000))).toBe(120_000);
    expect(retryDelayMs(options, 3, new ApiError('429', 'retry', 10))).toBe(4000);
    expect(retryDelayMs(options, 1, new Error('plain'))).toBe(1000);
  });
});
