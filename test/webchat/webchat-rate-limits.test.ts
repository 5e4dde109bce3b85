// Abuse limits of the web chat (issue 12): per client address and per conversation, 429 with
// Retry-After, shared between processes through Redis, skipped (not failing) when Redis is gone;
// and the memory stores' cap on conversations, oldest first out, counted in /metrics.

import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemorySessionStore } from '../../adapters/stores/memory/memory-session-store.ts';
import type { RunningServer } from '../../server.ts';
import { usePrivateRedis } from '../support/redis-fixtures.ts';
import { sharedRedisUrl, uniquePrefix } from '../support/redis-server.ts';
import { manualClock } from '../support/store-test-kit.ts';
import { postMessage, readAnswer, startTestKefu } from '../support/start-kefu.ts';

const limits = (perAddress: number, perConversation: number, windowSeconds = 60): Record<string, string> => ({
  KEFU__WEBCHAT__RATELIMIT__PERADDRESS: String(perAddress),
  KEFU__WEBCHAT__RATELIMIT__PERCONVERSATION: String(perConversation),
  KEFU__WEBCHAT__RATELIMIT__WINDOWSECONDS: String(windowSeconds),
});

const hello = (conversationId: string) => ({ conversationId, messageId: randomUUID(), text: '你好' });

let servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});
async function start(...args: Parameters<typeof startTestKefu>): Promise<RunningServer> {
  const server = await startTestKefu(...args);
  servers.push(server);
  return server;
}

describe('web chat rate limits', () => {
  it('answers 429 with Retry-After past the messages one conversation may send, and handles nothing of it', async () => {
    const kefu = await start({ env: limits(1000, 3) });
    const conversationId = `flood-${randomUUID()}`;
    for (let i = 0; i < 3; i++) expect((await postMessage(kefu.url, hello(conversationId))).status).toBe(200);
    const limited = await postMessage(kefu.url, hello(conversationId));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body.error).toMatch(/too many requests/);
    // Another conversation from the same address is not held back.
    expect((await postMessage(kefu.url, hello(`other-${randomUUID()}`))).status).toBe(200);
  });

  it('answers 429 past the requests one address may make, messages and event streams alike', async () => {
    const kefu = await start({ env: limits(4, 1000) });
    for (let i = 0; i < 4; i++) expect((await postMessage(kefu.url, hello(`address-${randomUUID()}`))).status).toBe(200);
    expect((await postMessage(kefu.url, hello(`address-${randomUUID()}`))).status).toBe(429);
    const stream = await readAnswer(await fetch(`${kefu.url}/webchat/events?conversationId=${randomUUID()}`));
    expect(stream.status).toBe(429);
    expect(stream.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('counts what it refuses against the address too: a malformed body, an empty text, a forged identity token', async () => {
    const kefu = await start({ env: limits(3, 1000) });
    expect((await postMessage(kefu.url, { conversationId: 'x'.repeat(500), text: 'hi' })).status).toBe(400);
    expect((await postMessage(kefu.url, { conversationId: `empty-${randomUUID()}`, text: '' })).status).toBe(400);
    expect((await postMessage(kefu.url, { ...hello(`forged-${randomUUID()}`), identityToken: 'eyJhbGciOiJIUzI1NiJ9.e30.forged' })).status).toBe(401);
    expect((await postMessage(kefu.url, hello(`fine-${randomUUID()}`))).status).toBe(429);
  });

  it.each(['memory', 'redis'])('neither handles nor loses a message refused at its limit: the same message after the window is answered once (%s)', async (store) => {
    const kefu = await start({ env: limits(1000, 1, 1), ...(store === 'redis' ? { redisUrl: sharedRedisUrl } : {}) });
    const conversationId = `window-${randomUUID()}`;
    expect((await postMessage(kefu.url, hello(conversationId))).status).toBe(200);
    const second = { conversationId, messageId: randomUUID(), text: '帮我推荐一下尺码' };
    expect((await postMessage(kefu.url, second)).status).toBe(429);
    // The refused message held its conversation for no longer than the refusal: the retry runs it.
    await expect.poll(async () => (await postMessage(kefu.url, second)).status, { interval: 250, timeout: 5_000 }).toBe(200);
    // Its repeat, in a later window, is answered from the stored answer: it ran once.
    await expect.poll(async () => {
      const repeat = await postMessage(kefu.url, second);
      return repeat.status === 200 ? repeat.headers.get('kefu-duplicate') : 'limited';
    }, { interval: 250, timeout: 5_000 }).toBe('true');
  });

  it('shares the counts between processes on one Redis', async () => {
    const prefix = uniquePrefix('kefu');
    const shared = { redisUrl: sharedRedisUrl, env: { ...limits(1000, 3), KEFU__SESSIONS__KEYPREFIX: prefix } };
    const [a, b] = await Promise.all([start(shared), start(shared)]);
    const conversationId = `shared-${randomUUID()}`;
    expect((await postMessage(a.url, hello(conversationId))).status).toBe(200);
    expect((await postMessage(b.url, hello(conversationId))).status).toBe(200);
    expect((await postMessage(a.url, hello(conversationId))).status).toBe(200);
    expect((await postMessage(b.url, hello(conversationId))).status).toBe(429);
  });
});

describe('web chat rate limits when Redis is gone', () => {
  const redis = usePrivateRedis();
  let kefu: RunningServer;
  beforeAll(async () => {
    kefu = await startTestKefu({ redisUrl: redis.server.url, env: limits(1000, 3) });
  });
  afterAll(async () => {
    await kefu?.close();
  });

  it('skips the limits (the message gets the usual 503, never a 500), and counts again once Redis is back', async () => {
    const conversationId = `gone-${randomUUID()}`;
    expect((await postMessage(kefu.url, hello(conversationId))).status).toBe(200);
    await redis.server.stop();
    const during = await postMessage(kefu.url, hello(conversationId));
    expect(during.status).toBe(503);
    expect(during.headers.get('retry-after')).toMatch(/^\d+$/);
    await redis.server.start();
    // The restarted Redis is empty: the conversation starts counting afresh.
    await expect.poll(async () => (await postMessage(kefu.url, hello(conversationId))).status, { timeout: 15_000 }).toBe(200);
    expect((await postMessage(kefu.url, hello(conversationId))).status).toBe(200);
    expect((await postMessage(kefu.url, hello(conversationId))).status).toBe(200);
    expect((await postMessage(kefu.url, hello(conversationId))).status).toBe(429);
  });
});

describe('the memory stores\' cap', () => {
  it('forgets the conversation saved longest ago first', async () => {
    const sessions = new MemorySessionStore({ clock: manualClock(), maxEntries: 2 });
    await sessions.save('a', { n: 1 }, 60);
    await sessions.save('b', { n: 2 }, 60);
    await sessions.save('a', { n: 3 }, 60); // written again: now the newest
    await sessions.save('c', { n: 4 }, 60);
    expect([await sessions.load('a'), await sessions.load('b'), await sessions.load('c')]).toEqual([{ n: 3 }, null, { n: 4 }]);
    expect(sessions.stats).toEqual({ entries: 2, evicted: 1 });
  });

  it('holds at most sessions.memoryMaxConversations conversations under a flood, and /metrics counts what it dropped', async () => {
    const token = 'metrics-token-0123456789';
    const kefu = await start({ env: { KEFU__SESSIONS__MEMORYMAXCONVERSATIONS: '100', KEFU__ADMIN__TOKEN: token } });
    for (let i = 0; i < 150; i++) expect((await postMessage(kefu.url, hello(`new-${i}-${randomUUID()}`))).status).toBe(200);
    const metrics = await (await fetch(`${kefu.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
    const value = (line: string): number => Number(new RegExp(`^${line.replace(/[{}"]/g, '\\$&')} (\\d+)$`, 'm').exec(metrics)?.[1]);
    expect(value('kefu_memory_store_entries{store="sessions"}')).toBe(100);
    expect(value('kefu_memory_store_evicted_total{store="sessions"}')).toBe(50);
    // Buyers' messages are claimed in the turn ledger (the delivery ledger keeps desk and order events).
    expect(value('kefu_memory_store_entries{store="turn_ledger"}')).toBe(150);
  });
});
