// Two Kefu server processes on one Redis, the way a shop scales out: the buyer's messages land on
// whichever process the load balancer picks, and the conversation must behave exactly as if one
// process had handled it — one message at a time, in arrival order, each handled once.
//
// The fixture flow (test/fixtures/counter-flows/tally.yaml) answers every message with the whole
// tally so far, "tally:a|b|c", in the order the conversation's line served the messages. So a
// transcript shows the order directly; two turns run at once on one session would give two
// answers of the same length, and a lost session write would drop a message from later answers.
// Buyer messages are digits and dashes ("7-3": conversation 7, message 3), which no intent example
// holds, so none is mistaken for "never mind" or "a person please".

import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deleteKeysByPrefix, sharedRedisUrl, uniquePrefix } from '../support/redis-server.ts';
import { spawnKefu, type SpawnedKefu } from '../support/spawn-kefu.ts';
import { postMessage } from '../support/start-kefu.ts';
import { sessionKey } from '../../adapters/stores/redis/redis-keys.ts';

const FLOWS = 'test/fixtures/counter-flows';
const CONVERSATIONS = 20;

interface Answer {
  texts: string[];
  duplicate: boolean;
}

/**
 * Posts one web chat message and waits for its answer. A 503 means "not handled, send the same
 * message again" (the web chat's contract), so it is retried with the same messageId, a bounded
 * number of times; anything else unexpected fails the test.
 */
async function send(server: SpawnedKefu, conversationId: string, messageId: string, content: { text: string } | { payload: string }): Promise<Answer> {
  for (let attempt = 1; attempt <= 40; attempt += 1) {
    const response = await postMessage(server.url, { conversationId, messageId, ...content });
    if (response.status === 200) {
      return {
        texts: (response.body.replies as { text: string }[]).map((reply) => reply.text),
        duplicate: response.headers.get('kefu-duplicate') === 'true',
      };
    }
    if (response.status !== 503) throw new Error(`unexpected ${response.status} for ${conversationId}/${messageId}: ${JSON.stringify(response.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${conversationId}/${messageId} was still refused after 40 attempts`);
}

/** What one process alone answers to "/tally" followed by these messages, one at a time. */
function tallyTranscript(messages: string[]): string[][] {
  return [['next'], ...messages.map((_, i) => [`tally:${messages.slice(0, i + 1).join('|')}`, 'next'])];
}

/** The messages a tally answer lists, in the order the line served them. */
function tallied(answer: Answer): string[] {
  const first = answer.texts[0] ?? '';
  expect(first.startsWith('tally:'), `not a tally answer: ${JSON.stringify(answer.texts)}`).toBe(true);
  return first.slice('tally:'.length).split('|');
}

// Two child processes and a hundred requests in flight on a shared two-core machine: a generous
// limit, so a busy machine slows the test down rather than failing it.
const LIMIT = { timeout: 90_000 };

describe('two Kefu processes sharing one Redis', LIMIT, () => {
  const prefix = uniquePrefix('two-processes');
  let a: SpawnedKefu;
  let b: SpawnedKefu;
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(sharedRedisUrl, { lazyConnect: true });
    await redis.connect();
    [a, b] = await Promise.all([
      spawnKefu({ redisUrl: sharedRedisUrl, keyPrefix: prefix, flowsDir: FLOWS }),
      spawnKefu({ redisUrl: sharedRedisUrl, keyPrefix: prefix, flowsDir: FLOWS }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    if (redis) {
      await deleteKeysByPrefix(redis, prefix);
      await redis.quit();
    }
  });

  beforeEach(({ onTestFailed }) => {
    // A failure is easier to read with what the servers said.
    onTestFailed(() => {
      for (const [name, server] of [['A', a], ['B', b]] as const) {
        console.error(`--- server ${name} stderr ---\n${server?.stderr().slice(-4000)}\n--- server ${name} log ---\n${server?.stdout().slice(-4000)}`);
      }
    });
  });

  /** The session as Kefu stored it (keyed "<channel>:<id>" in the store's "<prefix>session:" namespace). */
  async function storedSession(conversationId: string): Promise<{ turnCount: number }> {
    const json = await redis.get(sessionKey(prefix, `webchat:${conversationId}`));
    expect(json, `no stored session for ${conversationId}`).not.toBeNull();
    return JSON.parse(json!) as { turnCount: number };
  }

  it('says in its start-up line that sessions are in Redis', () => {
    expect(a.listeningMessage).toContain('sessions in Redis');
    expect(b.listeningMessage).toContain('sessions in Redis');
    expect(a.url).not.toBe(b.url);
  });

  it('gives every conversation the transcript one process alone would, with messages alternating between the processes', async () => {
    const messages = (c: number): string[] => Array.from({ length: 8 }, (_, i) => `${c}-${i + 1}`);

    // One process alone, for reference.
    const alone: string[][] = [];
    alone.push((await send(a, 'seq-alone', 'm0', { payload: '/tally' })).texts);
    for (const [i, text] of messages(99).entries()) alone.push((await send(a, 'seq-alone', `m${i + 1}`, { text })).texts);
    expect(alone).toEqual(tallyTranscript(messages(99)));
    expect(alone[2]).toEqual(['tally:99-1|99-2', 'next']);

    // Twenty conversations at once; within each, one message at a time, A, B, A, B …
    // (every other conversation starts on B, so both processes start conversations).
    const transcripts = await Promise.all(
      Array.from({ length: CONVERSATIONS }, async (_, c) => {
        const id = `seq-${c}`;
        const servers = c % 2 === 0 ? [a, b] : [b, a];
        const transcript: string[][] = [];
        transcript.push((await send(servers[0]!, id, 'm0', { payload: '/tally' })).texts);
        for (const [i, text] of messages(c).entries()) {
          transcript.push((await send(servers[(i + 1) % 2]!, id, `m${i + 1}`, { text })).texts);
        }
        return { c, id, transcript };
      }),
    );
    for (const { c, id, transcript } of transcripts) {
      expect(transcript, id).toEqual(tallyTranscript(messages(c)));
      expect((await storedSession(id)).turnCount, id).toBe(9);
    }
  });

  it('handles a burst of one conversation’s messages on both processes one at a time, each exactly once', async () => {
    const BURST = 6;
    const before = (c: number): string => `${c}-0`;
    const afterwards = (c: number): string => `${c}-99`;
    const results = await Promise.all(
      Array.from({ length: CONVERSATIONS }, async (_, c) => {
        const id = `burst-${c}`;
        await send(a, id, 'start', { payload: '/tally' });
        await send(b, id, 'before', { text: before(c) });
        // All in flight at once, half to each process.
        const burst = Array.from({ length: BURST }, (_, i) => `${c}-${i + 1}`);
        const answers = await Promise.all(burst.map((text, i) => send(i % 2 === 0 ? a : b, id, `x${i}`, { text })));
        const after = await send(a, id, 'after', { text: afterwards(c) });
        return { c, id, burst, answers, after };
      }),
    );

    for (const { c, id, burst, answers, after } of results) {
      // The line served the burst in some order; the answer after it lists that order.
      const served = tallied(after);
      expect(served[0], id).toBe(before(c));
      expect(served.at(-1), id).toBe(afterwards(c));
      const order = served.slice(1, -1);
      expect([...order].sort(), `${id}: every burst message tallied exactly once`).toEqual([...burst].sort());

      for (const [i, answer] of answers.entries()) {
        expect(answer.duplicate, `${id} ${burst[i]}`).toBe(false);
        // Each answer saw exactly the messages served before it, in that order, and itself last:
        // no two turns overlapped (they would have seen the same history) and none was lost.
        const seen = tallied(answer);
        expect(seen.at(-1), `${id}: answer to ${burst[i]}`).toBe(burst[i]);
        expect(seen, `${id}: answer to ${burst[i]}`).toEqual([before(c), ...order.slice(0, order.indexOf(burst[i]!) + 1)]);
        expect(answer.texts[1]).toBe('next');
      }
      // start + before + the burst + after, each counted once.
      expect((await storedSession(id)).turnCount, id).toBe(BURST + 3);
    }
  });

  it('handles a retried delivery once when the same message reaches both processes', async () => {
    const id = 'redelivered';
    await send(b, id, 'start', { payload: '/tally' });
    await send(a, id, 'one', { text: '1' });

    // At the same time: the platform gave up waiting on A and delivered again, to B.
    const [onA, onB] = await Promise.all([send(a, id, 'two', { text: '2' }), send(b, id, 'two', { text: '2' })]);
    expect(onA.texts).toEqual(['tally:1|2', 'next']);
    expect(onB.texts).toEqual(onA.texts);
    expect([onA.duplicate, onB.duplicate].sort()).toEqual([false, true]);

    // Later, one more redelivery to each: answered from the record, not run again.
    for (const server of [a, b]) expect(await send(server, id, 'two', { text: '2' })).toEqual({ texts: onA.texts, duplicate: true });

    const next = await send(b, id, 'three', { text: '3' });
    expect(next.texts).toEqual(['tally:1|2|3', 'next']);
    expect((await storedSession(id)).turnCount).toBe(4);
  });
});

it('says in its start-up line that sessions are in memory without REDIS_URL', LIMIT, async () => {
  const alone = await spawnKefu({ flowsDir: FLOWS });
  try {
    expect(alone.listeningMessage).toContain('sessions in memory');
    expect(alone.listeningMessage).not.toContain('sessions in Redis');
    expect((await send(alone, 'in-memory', 'start', { payload: '/tally' })).texts).toEqual(['next']);
  } finally {
    await alone.stop();
  }
});
