// Two Kefu processes on one Redis count into the same per-minute counters: with buyers' messages
// spread over both processes at once, every turn is counted exactly once, the intent counts and
// the hot phrases add up, and either process's dashboard API shows the shared totals.

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketOf } from '../../dialogs/insight/insight-store.ts';
import { RedisInsightStore } from '../../adapters/insight/redis-insight-store.ts';
import { deleteKeysByPrefix, sharedRedisUrl, uniquePrefix } from '../support/redis-server.ts';
import { spawnKefu, type SpawnedKefu } from '../support/spawn-kefu.ts';
import { postMessage } from '../support/start-kefu.ts';

const TOKEN = 'two-process-admin-token-0123456789';
const CONVERSATIONS = 24;
const LIMIT = { timeout: 120_000 };

let servers: SpawnedKefu[] = [];
let client: Redis;
const prefix = uniquePrefix('insight-2p');

beforeAll(async () => {
  client = new Redis(sharedRedisUrl);
  servers = await Promise.all([0, 1].map(() => spawnKefu({ redisUrl: sharedRedisUrl, keyPrefix: prefix, logLevel: 'info', env: { KEFU__ADMIN__TOKEN: TOKEN, KEFU__FLOWS__WATCH: 'false' } })));
}, LIMIT.timeout);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await deleteKeysByPrefix(client, prefix);
  client.disconnect();
});

/** Posts a message, retrying the same message id on 503 (the web chat's "send it again"). */
async function send(server: SpawnedKefu, conversationId: string, messageId: string, text: string): Promise<void> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const answer = await postMessage(server.url, { conversationId, messageId, text });
    if (answer.status === 200) return;
    if (answer.status !== 503) throw new Error(`unexpected ${answer.status}: ${JSON.stringify(answer.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('still refused after 40 attempts');
}

describe('counters shared by two processes', () => {
  it('counts every turn once when both processes write at the same time', async () => {
    const started = Date.now();
    const texts = ['我穿多大码', '什么时候发货', 'asdfgh zxcv'];
    await Promise.all(
      Array.from({ length: CONVERSATIONS }, (_, c) =>
        (async () => {
          for (const [m, text] of texts.entries()) await send(servers[(c + m) % 2]!, `conv-${c}`, `m-${m}`, text);
        })(),
      ),
    );
    const total = CONVERSATIONS * texts.length;
    const store = new RedisInsightStore({ client, prefix });
    // Counting runs just after each answer: poll (generously) until both processes have written.
    const sum = async (field: string): Promise<number> => {
      const records = await store.read('counts', 'minute', bucketOf(started, 'minute'), bucketOf(Date.now(), 'minute'));
      return records.reduce((s, r) => s + (r[field] ?? 0), 0);
    };
    for (let i = 0; i < 200 && (await sum('turns')) < total; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await sum('turns')).toBe(total);
    expect(await sum('intent:ask_size')).toBe(CONVERSATIONS);
    expect(await sum('channel:webchat')).toBe(total);
    expect(await sum('conversations:started')).toBe(CONVERSATIONS);
    const phrases = await store.read('phrases', 'minute', bucketOf(started, 'minute'), bucketOf(Date.now(), 'minute'));
    expect(phrases.reduce((s, r) => s + (r['什么时候发货'] ?? 0), 0)).toBe(CONVERSATIONS);

    // Both dashboards read the same shared numbers.
    for (const server of servers) {
      const response = await fetch(`${server.url}/admin/api/overview`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(response.status).toBe(200);
      const overview = (await response.json()) as { series: { turns: number[] } };
      expect(overview.series.turns.reduce((a, b) => a + b, 0)).toBe(total);
    }
    // Every counter key expires by itself.
    const keys = await client.keys(`${prefix}insight:{c:*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(await client.pttl(key)).toBeGreaterThan(0);
  }, LIMIT.timeout);
});
