// Redis stops under traffic and comes back. Several buyers keep chatting through the web chat while
// a private redis-server is killed (as a crash would) and restarted. Each buyer behaves like a
// platform: every message has its own messageId, and a message refused with 503 + Retry-After is
// delivered again, with the SAME messageId, after a short wait.
//
// What must hold:
//   - during the outage every request is refused with 503 and Retry-After: no 500, no request left hanging;
//   - once Redis is back the bot answers sensibly again, and every message is eventually answered;
//   - no message is handled twice: the transcript an agent would see holds each message once.
// The private Redis keeps no data (no RDB, no AOF), so the restart forgets every session, as any
// non-persistent Redis does: the messages answered before the outage are gone with it, and "exactly
// once" is checked for every message answered after the restart.

import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningServer } from '../../server.ts';
import { startPrivateRedis, uniquePrefix, type PrivateRedisServer } from '../support/redis-server.ts';
import { startTestKefu } from '../support/start-kefu.ts';

const BUYERS = 4;
/** A request still unanswered after this long counts as hung (the Redis command timeout is 5 s). */
const HANG_LIMIT_MS = 10_000;
/** The "short wait" of a platform before it delivers a refused message again. */
const REDELIVERY_WAIT_MS = 50;
const MAX_DELIVERIES_PER_MESSAGE = 200;
/** Messages each buyer sends once Redis is back; the test also bounds every other loop. */
const MESSAGES_AFTER_RESTART = 6;
const SIZE_ANSWER = '根据尺寸,您适合M号哦';

type Phase = 'before' | 'outage' | 'after';

interface Delivery {
  phase: Phase;
  status: number | 'hung';
  retryAfter: string | null;
  duplicate: boolean;
  replies: string[];
}

interface SentMessage {
  messageId: string;
  text: string;
  deliveries: Delivery[];
}

/** The test's clock of events: buyers read it to label each delivery. */
const traffic = { phase: 'before' as Phase, stop: false };

let redis: PrivateRedisServer;
let server: RunningServer;

beforeAll(async () => {
  redis = await startPrivateRedis();
  server = await startTestKefu({
    redisUrl: redis.url,
    // A transcript long enough to hold every message sent after the restart.
    env: { KEFU__SESSIONS__KEYPREFIX: uniquePrefix('outage'), KEFU__CONVERSATIONS__LASTTURNS: '100' },
  });
});

afterAll(async () => {
  await server?.close();
  await redis?.stop();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One delivery of a message; a request that does not finish within HANG_LIMIT_MS is reported as hung. */
async function deliverOnce(conversationId: string, message: { messageId: string; text: string }): Promise<Delivery> {
  const phase = traffic.phase;
  try {
    const response = await fetch(`${server.url}/webchat/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ conversationId, messageId: message.messageId, text: message.text }),
      signal: AbortSignal.timeout(HANG_LIMIT_MS),
    });
    const body = (await response.json()) as { replies?: { text: string }[] };
    return {
      phase,
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      duplicate: response.headers.get('kefu-duplicate') === 'true',
      replies: (body.replies ?? []).map((reply) => reply.text),
    };
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') return { phase, status: 'hung', retryAfter: null, duplicate: false, replies: [] };
    throw error;
  }
}

/** Delivers a message until it is answered (or refused for a reason a retry cannot fix), as a platform does. */
async function deliver(conversationId: string, message: SentMessage): Promise<void> {
  for (let attempt = 0; attempt < MAX_DELIVERIES_PER_MESSAGE; attempt++) {
    const delivery = await deliverOnce(conversationId, message);
    message.deliveries.push(delivery);
    if (delivery.status !== 503) return;
    await sleep(REDELIVERY_WAIT_MS);
  }
}

function answered(message: SentMessage): Delivery | undefined {
  return message.deliveries.find((d) => d.status === 200);
}

/**
 * A buyer asking size questions one after another, each a different message (heights 166–174 cm
 * and weights 56–64 kg are all an M on the demo chart), until told to stop and MESSAGES_AFTER_RESTART
 * of its messages were answered after the restart.
 */
async function buyer(conversationId: string, sent: SentMessage[]): Promise<void> {
  for (let n = 0; n < 81; n++) {
    const answeredAfterRestart = sent.filter((m) => answered(m)?.phase === 'after').length;
    if (traffic.stop && answeredAfterRestart >= MESSAGES_AFTER_RESTART) return;
    const message: SentMessage = {
      messageId: `${conversationId}-m${n}`,
      text: `身高${166 + (n % 9)}体重${56 + (Math.floor(n / 9) % 9)}穿什么码`,
      deliveries: [],
    };
    sent.push(message);
    await deliver(conversationId, message);
    await sleep(5);
  }
}

/** Waits, in bounded steps, until `condition` holds; on giving up, says what the buyers saw. */
async function until(what: string, condition: () => boolean, seen: () => unknown): Promise<void> {
  for (let step = 0; step < 1000; step++) {
    if (condition()) return;
    await sleep(10);
  }
  throw new Error(`gave up waiting until ${what}; answers so far: ${JSON.stringify(seen())}`);
}

it('refuses with 503 + Retry-After while Redis is down, then answers every message exactly once', { timeout: 90_000 }, async () => {
  const conversations = Array.from({ length: BUYERS }, (_, i) => `outage-buyer-${i}`);
  const sent = new Map(conversations.map((id) => [id, [] as SentMessage[]]));
  const buyers = Promise.all(conversations.map((id) => buyer(id, sent.get(id)!)));
  const all = (): SentMessage[] => [...sent.values()].flat();
  const deliveries = (): Delivery[] => all().flatMap((m) => m.deliveries);
  const statuses = (): Record<string, number> => {
    const counts: Record<string, number> = {};
    for (const d of deliveries()) counts[`${d.phase} ${d.status}`] = (counts[`${d.phase} ${d.status}`] ?? 0) + 1;
    return counts;
  };

  // Mid-stream: every buyer has been answered a few times, and messages are in flight.
  await until('every buyer was answered three times', () => conversations.every((id) => sent.get(id)!.filter(answered).length >= 3), statuses);
  traffic.phase = 'outage';
  await redis.stop();
  // Long enough for the Redis client's reconnect backoff to grow past its first steps.
  await until('every buyer was refused five times during the outage', () =>
    conversations.every((id) => sent.get(id)!.flatMap((m) => m.deliveries).filter((d) => d.phase === 'outage' && d.status === 503).length >= 5),
  statuses,
  );
  // A page opening its stream of later replies now cannot be told where "now" is in its mailbox:
  // the stream ends at once (no "ready", no replay of old pushes) and the page reconnects later.
  const stream = await fetch(`${server.url}/webchat/events?conversationId=${conversations[0]}`, { signal: AbortSignal.timeout(HANG_LIMIT_MS) });
  const streamed = await stream.text();
  expect(streamed).toMatch(/^retry: \d+/);
  expect(streamed).not.toMatch(/event:/);

  // Labelled before the start: a delivery labelled "after" cannot have run on the Redis that died.
  traffic.phase = 'after';
  await redis.start();
  traffic.stop = true;
  await buyers;

  // No 500s, no hung requests: each delivery was answered or refused with a hint when to retry.
  expect(new Set(deliveries().map((d) => d.status))).toEqual(new Set([200, 503]));
  for (const refused of deliveries().filter((d) => d.status === 503)) expect(refused.retryAfter).toMatch(/^[1-9]\d*$/);
  // While Redis was down nothing could be handled; requests sent then were refused, not queued.
  const duringOutage = deliveries().filter((d) => d.phase === 'outage');
  expect(duringOutage.filter((d) => d.status === 503).length).toBeGreaterThanOrEqual(5 * BUYERS);

  // Every message was eventually answered, with the answer to its question.
  for (const message of all()) {
    expect(answered(message), `${message.messageId} was answered`).toBeDefined();
    expect(answered(message)!.replies).toEqual([SIZE_ANSWER]);
  }

  for (const conversationId of conversations) {
    const messages = sent.get(conversationId)!;
    const afterRestart = messages.filter((m) => answered(m)!.phase === 'after');
    expect(afterRestart.length).toBeGreaterThanOrEqual(MESSAGES_AFTER_RESTART);

    // A platform's late redelivery of an answered message is answered from the ledger, not handled again.
    const last = messages.at(-1)!;
    const redelivered = await deliverOnce(conversationId, last);
    expect(redelivered).toMatchObject({ status: 200, duplicate: true, replies: answered(last)!.replies });

    // The bot also carries a dialogue over several messages again (the session lives in Redis).
    const dialogue = [
      { text: '我穿多大码', reply: /请问您的身高是多少/ },
      { text: '170', reply: /体重大概多少/ },
      { text: '60', reply: new RegExp(SIZE_ANSWER) },
    ];
    for (const [i, step] of dialogue.entries()) {
      const delivery = await deliverOnce(conversationId, { messageId: `${conversationId}-dialogue-${i}`, text: step.text });
      expect(delivery).toMatchObject({ status: 200, duplicate: false, replies: [expect.stringMatching(step.reply)] });
    }

    // Exactly once: the transcript an agent is handed holds each message answered after the restart
    // once, in the order sent, and nothing twice.
    const handoff = await deliverOnce(conversationId, { messageId: `${conversationId}-agent`, text: '转人工' });
    expect(handoff.status).toBe(200);
    const card = server.kefu.agentQueue.waiting().filter((h) => h.request.conversation.conversationId === conversationId).at(-1);
    const buyerSaid = card!.request.lastTurns.filter((turn) => turn.from === 'buyer').map((turn) => turn.text);
    expect(new Set(buyerSaid).size, `no message twice in ${JSON.stringify(buyerSaid)}`).toBe(buyerSaid.length);
    const fromTheStream = buyerSaid.filter((text) => messages.some((m) => m.text === text));
    expect(fromTheStream.slice(-afterRestart.length)).toEqual(afterRestart.map((m) => m.text));
    expect(buyerSaid.slice(fromTheStream.length)).toEqual(['我穿多大码', '170', '60', '转人工']);
  }
});
