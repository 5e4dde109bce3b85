// Redis goes away under a running Kefu with its dashboard open: the dashboard's APIs say the numbers
// are unavailable (503 + Retry-After, never a 500 or a hang), the live stream reports a problem and
// keeps going, nothing is taught; once Redis is back, counting and the dashboard resume by themselves.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server.ts';
import { startPrivateRedis, uniquePrefix, type PrivateRedisServer } from '../support/redis-server.ts';
import { postMessage, startTestKefu } from '../support/start-kefu.ts';

const TOKEN = 'outage-test-admin-token-0123456789';
const AUTH = { authorization: `Bearer ${TOKEN}` };
let redis: PrivateRedisServer;
let server: RunningServer;

beforeAll(async () => {
  redis = await startPrivateRedis();
  server = await startTestKefu({ redisUrl: redis.url, env: { KEFU__ADMIN__TOKEN: TOKEN, KEFU__SESSIONS__KEYPREFIX: uniquePrefix('insight-outage'), KEFU__INSIGHT__LIVEUPDATESECONDS: '0.5' } });
});

afterAll(async () => {
  await server?.close();
  await redis?.stop();
});

const get = (url: string) => fetch(`${server.url}${url}`, { headers: AUTH });

describe('the dashboard while Redis is down', () => {
  it('answers 503 with a reason, streams a problem, and recovers when Redis is back', async () => {
    await postMessage(server.url, { conversationId: 'before', text: '我穿多大码' });
    await server.kefu.insight.recorder.flush();
    expect((await get('/admin/api/overview')).status).toBe(200);

    const stream = await get('/admin/api/stream');
    const reader = stream.body!.getReader();
    const decoder = new TextDecoder();
    let seen = '';
    const readUntil = async (pattern: RegExp): Promise<void> => {
      while (!pattern.test(seen)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${pattern}: ${seen.slice(-300)}`);
        seen += decoder.decode(value);
      }
    };
    await readUntil(/event: overview/);

    await redis.stop();
    await new Promise((resolve) => setTimeout(resolve, 1100)); // let the shared overview cache lapse
    const overview = await get('/admin/api/overview');
    expect(overview.status).toBe(503);
    expect(overview.headers.get('retry-after')).toBe('5');
    expect((await overview.json()).error).toMatch(/unavailable/);
    const clusters = await get('/admin/api/trainer/clusters');
    expect(clusters.status).toBe(503);
    const teach = await fetch(`${server.url}/admin/api/trainer/teach`, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' }, body: JSON.stringify({ clusterId: '0123456789ab', intent: 'ask_size' }) });
    expect(teach.status).toBe(503);
    seen = '';
    await readUntil(/event: problem/);
    // A buyer's message is refused by the web chat (sessions are in Redis too) — not lost, retried later.
    expect((await postMessage(server.url, { conversationId: 'during', text: '我穿多大码' })).status).toBe(503);

    await redis.start();
    await expect.poll(async () => (await get('/admin/api/overview')).status, { timeout: 20_000, interval: 200 }).toBe(200);
    seen = '';
    await readUntil(/event: overview/);
    await reader.cancel();
    await expect.poll(async () => (await postMessage(server.url, { conversationId: 'after', text: '我穿多大码' })).status, { timeout: 20_000, interval: 200 }).toBe(200);
    await server.kefu.insight.recorder.flush();
    const counted = async (): Promise<number> => ((await (await get('/admin/api/overview')).json()) as { series: { turns: number[] } }).series.turns.reduce((a, b) => a + b, 0);
    // Redis restarted empty (no persistence): only what came after the restart is counted.
    await expect.poll(counted, { timeout: 10_000, interval: 200 }).toBe(1);
  }, 60_000);
});
