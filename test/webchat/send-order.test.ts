// Issue 13: two messages of one conversation sent a few milliseconds apart are handled in the order
// the buyer typed them, even when the second reaches Kefu first. The page numbers its messages
// (`seq`); Kefu begins a message only after the one numbered before it, or after waiting ~2 s for a
// number that never comes. On the embedded store and on Redis with two server processes.

import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server.ts';
import { sharedRedisUrl } from '../support/redis-server.ts';
import { postMessage, startTestKefu } from '../support/start-kefu.ts';

let servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

async function kefus(store: 'memory' | 'redis'): Promise<[RunningServer, RunningServer]> {
  if (store === 'memory') {
    const one = await startTestKefu();
    servers.push(one);
    return [one, one];
  }
  const prefix = `send-order-${randomUUID()}:`;
  const env = { KEFU__SESSIONS__KEYPREFIX: prefix };
  const both = await Promise.all([startTestKefu({ redisUrl: sharedRedisUrl, env }), startTestKefu({ redisUrl: sharedRedisUrl, env })]);
  servers.push(...both);
  return both;
}

const text = (answer: { body: { replies?: { text: string }[] } }) => (answer.body.replies ?? []).map((r) => r.text).join(' ');

describe.each(['memory', 'redis'] as const)('messages handled in the order they were sent (%s)', (store) => {
  it('answers the height the buyer typed second as the reply to the size question typed first, though it arrived first', async () => {
    const [a, b] = await kefus(store);
    const conversationId = `order-${randomUUID()}`;
    // The second message overtakes the first on the way (another process, sent first).
    const height = postMessage(b.url, { conversationId, messageId: 'm2', seq: 2, text: '170' });
    await new Promise((resolve) => setTimeout(resolve, 30));
    const ask = await postMessage(a.url, { conversationId, messageId: 'm1', seq: 1, text: '帮我推荐一下尺码' });
    expect(ask.status).toBe(200);
    expect(text(ask)).toContain('身高');
    const answered = await height;
    expect(answered.status).toBe(200);
    expect(text(answered)).toContain('体重');
  });

  it('does not wait for ever for a number that never comes: a gap is answered after a short wait', async () => {
    const [a] = await kefus(store);
    const answer = await postMessage(a.url, { conversationId: `gap-${randomUUID()}`, messageId: 'm5', seq: 5, text: '你好' });
    expect(answer.status).toBe(200);
    expect(text(answer).length).toBeGreaterThan(0);
  });

  it('refuses a number that is not a whole number from 1', async () => {
    const [a] = await kefus(store);
    for (const seq of [0, -1, 1.5, '2', 2 ** 40]) {
      expect((await postMessage(a.url, { conversationId: `bad-${randomUUID()}`, messageId: 'm1', seq, text: '你好' })).status).toBe(400);
    }
  });
});
