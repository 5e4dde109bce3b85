// A marketplace push is accepted while its own time is inside the replay window: up to
// maxAgeSeconds old, and up to five minutes ahead of Kefu's clock (the platform's clock may run
// fast). Its "seen" mark must last as long as the push can still be accepted, counted from the
// push's own time: a push dated four minutes ahead, replayed after a mark counted from its arrival
// would have expired, is still a duplicate and answered once. Through the real route (Lazada's,
// the shared signed-push route behind every platform) with a clock the test moves, and on both
// inboxes (memory, and the real Redis) for the mark itself.

import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { registerLazadaRoutes } from '../../adapters/channels/lazada/lazada-routes.ts';
import { lazadaPushSignature } from '../../adapters/channels/lazada/lazada-signature.ts';
import type { ChannelState, ChannelStateOptions } from '../../adapters/channels/shared/channel-state.ts';
import { MemoryChannelState } from '../../adapters/channels/shared/memory-channel-state.ts';
import { MAX_FUTURE_SKEW_MS, pushAge } from '../../adapters/channels/shared/push-reading.ts';
import { RedisChannelState } from '../../adapters/channels/shared/redis-channel-state.ts';
import { UnknownShapes } from '../../adapters/channels/shared/unknown-shapes.ts';
import type { InboundMessage } from '../../dialogs/messages.ts';
import { silentLogger } from '../../dialogs/ports.ts';
import { eventually, settle } from '../support/fake-marketplace.ts';
import { LAZADA_TEST_APP } from '../support/fake-lazada.ts';
import { useSharedRedis } from '../support/redis-fixtures.ts';
import { startPushRouteHarness, type PushRouteHarness } from './push-route-harness.ts';

const DAY_MS = 86_400_000;

function lazadaPush(messageId: string, sendTime: number, text: string): Record<string, unknown> {
  return {
    seller_id: 1000001,
    message_type: 2,
    data: {
      session_id: 'replay-session',
      message_id: messageId,
      content: JSON.stringify({ txt: text }),
      from_account_id: 'buyer-replay',
      from_account_type: 1,
      send_time: sendTime,
      template_id: 1,
      to_account_id: '1000001',
      to_account_type: 2,
      type: 1,
    },
  };
}

describe('replay window of a marketplace push', () => {
  let harness: PushRouteHarness;
  const post = (push: unknown) => {
    const raw = JSON.stringify(push);
    return harness.post('/push', raw, { 'content-type': 'application/json', authorization: lazadaPushSignature(LAZADA_TEST_APP.appKey, LAZADA_TEST_APP.appSecret, Buffer.from(raw)) });
  };

  beforeAll(async () => {
    // The harness's inbox remembers ids for a day, the route accepts pushes up to a day old.
    harness = await startPushRouteHarness(async (http, { state, clock }) => {
      await registerLazadaRoutes(http, { channel: 'lazada', path: '/push', appKey: LAZADA_TEST_APP.appKey, appSecret: LAZADA_TEST_APP.appSecret, state, clock, logger: silentLogger, unknownShapes: new UnknownShapes('lazada', silentLogger), maxAgeSeconds: 86_400 });
    });
  });
  afterAll(() => harness?.close());

  it('answers once a push dated four minutes ahead, replayed after a mark counted from its arrival would have expired', async () => {
    const arrival = Date.UTC(2026, 11, 1, 8, 0, 0);
    harness.clock.set(arrival);
    const push = lazadaPush(`ahead-${randomUUID()}`, arrival + 4 * 60_000, 'does the hoodie come in M');
    expect(await post(push)).toMatchObject({ status: 200, outcome: 'queued' });
    await eventually(() => (harness.queued.length === 1 ? true : undefined), 'the push to be handed to the worker');

    // A day and a minute after arrival: a mark kept a day from arrival is gone, but the push is
    // only 23 h 57 min old by its own time, so the route still accepts it.
    harness.clock.set(arrival + DAY_MS + 60_000);
    expect(await post(push)).toMatchObject({ status: 200, outcome: 'duplicate' });
    // Once the push is older than the window by its own time, it is refused outright.
    harness.clock.set(arrival + 4 * 60_000 + DAY_MS + 1_000);
    expect(await post(push)).toMatchObject({ status: 401, outcome: 'refused' });
    await settle(50);
    expect(harness.queued.map((message) => message.text)).toEqual(['does the hoodie come in M']);
  });

  it('accepts a push at most five minutes ahead of the clock, and refuses one further ahead', async () => {
    const now = Date.UTC(2026, 11, 2, 8, 0, 0);
    expect(pushAge(now + MAX_FUTURE_SKEW_MS, now, 86_400)).toBe('fresh');
    expect(pushAge(now + MAX_FUTURE_SKEW_MS + 1, now, 86_400)).toBe('stale');
    harness.clock.set(now);
    expect(await post(lazadaPush(`far-ahead-${randomUUID()}`, now + MAX_FUTURE_SKEW_MS + 60_000, 'from the future'))).toMatchObject({ status: 401, outcome: 'refused' });
  });
});

const settings: ChannelStateOptions = { dedupeSeconds: 1, optionsSeconds: 60, retryBaseMs: 10, maxRetryMs: 50, maxAttempts: 2 };
const redis = useSharedRedis('replay-window');

function message(id: string): InboundMessage {
  return { id, conversation: { channel: 'test', conversationId: 'c', buyerId: 'b' }, text: 'hi', receivedAt: 1 };
}

describe.each([
  { name: 'memory', make: (): ChannelState => new MemoryChannelState(settings, silentLogger) },
  {
    name: 'redis',
    make: (): ChannelState =>
      new RedisChannelState({ ...settings, client: redis.client, prefix: `${redis.prefix}${randomUUID()}:`, channel: 'test', claimIdleMs: 60_000, blockMs: 100, logger: silentLogger }),
  },
])('$name inbox', ({ make }) => {
  let state: ChannelState;
  afterEach(() => state?.close());

  it('keeps a seen mark for as long as the push stays acceptable when that is longer than the dedupe window', async () => {
    state = make();
    const id = randomUUID();
    // Remembered for one second by default; this push stays acceptable three seconds more.
    expect(await state.enqueue(message(id), { acceptedForMs: 3_000 })).toBe('queued');
    const plain = randomUUID();
    expect(await state.enqueue(message(plain))).toBe('queued');
    await settle(1_300);
    expect(await state.enqueue(message(id))).toBe('duplicate');
    expect(await state.enqueue(message(plain))).toBe('queued');
  });
});

describe('the dedupe window of signed requests', () => {
  it('cannot be set shorter than the ten minutes a signed request (±5 min) stays acceptable', async () => {
    const { ConfigError, loadConfig } = await import('../../config/load-config.ts');
    expect(() => loadConfig({ env: { KEFU__CONVERSATIONS__DEDUPESECONDS: '300' } })).toThrow(ConfigError);
    expect(loadConfig({ env: { KEFU__CONVERSATIONS__DEDUPESECONDS: '900' } }).config.conversations.dedupeSeconds).toBe(900);
  });
});
