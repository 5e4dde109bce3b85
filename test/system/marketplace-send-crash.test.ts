// A worker killed (SIGKILL) while a reply it is sending is at Lazada's door: another Kefu process
// takes the buyer's message over and finishes the answer, and the buyer gets every platform message
// of it exactly once. The answer to "推荐一件卫衣" is four Lazada messages (a line, a product with
// its card, a closing question); the fake Lazada lets the first call through and holds the second
// until the first process is dead, then carries it out, as a platform does with a request it had
// received. The second process must skip the first (recorded as sent), not repeat the second (its
// outcome was unknown to Kefu, so it is never sent again), and send the last two; the turn itself
// was committed once, so the session holds one turn.

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionKey } from '../../adapters/stores/redis/redis-keys.ts';
import { eventually, settle } from '../support/fake-marketplace.ts';
import { startFakeLazada, type FakeLazada } from '../support/fake-lazada.ts';
import { lazadaKit } from '../support/marketplace-kits.ts';
import { deleteKeysByPrefix, sharedRedisUrl, uniquePrefix } from '../support/redis-server.ts';
import { spawnKefu, type SpawnedKefu } from '../support/spawn-kefu.ts';

const prefix = uniquePrefix('send-crash');
let fake: FakeLazada;
const servers: SpawnedKefu[] = [];

function startWorker(): Promise<SpawnedKefu> {
  return spawnKefu({
    redisUrl: sharedRedisUrl,
    keyPrefix: prefix,
    logLevel: 'info',
    // A dead process's claims (its message, its inbox entry) are taken over after a second.
    env: { ...lazadaKit.env(fake.url), KEFU__CONVERSATIONS__LEASEMS: '1000' },
  }).then((server) => {
    servers.push(server);
    return server;
  });
}

beforeAll(async () => {
  fake = await startFakeLazada();
});

afterAll(async () => {
  fake.hold = null;
  for (const server of servers) await server.stop();
  await fake?.close();
  const client = new Redis(sharedRedisUrl);
  await deleteKeysByPrefix(client, prefix);
  client.disconnect();
});

function sendCallsTo(conversation: string): number {
  return fake.requests.filter((request) => request.path === '/im/message/send' && new URLSearchParams(request.body).get('session_id') === conversation).length;
}

describe('a worker killed while sending an answer', () => {
  it('leaves the rest to another worker, and no platform message reaches the buyer twice', { timeout: 120_000 }, async () => {
    const first = await startWorker();
    const conversation = lazadaKit.newConversation();
    let releaseFirst!: () => void;
    let releaseSecond!: () => void;
    fake.hold = new Promise<void>((resolve) => (releaseFirst = resolve));

    const raw = lazadaKit.buyerText(conversation, '推荐一件卫衣');
    const pushed = await fetch(first.url + lazadaKit.pushPath, { method: 'POST', headers: lazadaKit.headers(raw), body: raw });
    expect(pushed.status).toBe(200);

    // The first call waits at the door; the second will wait on a gate of its own.
    await eventually(() => (sendCallsTo(conversation) === 1 ? true : undefined), 'the first send call');
    fake.hold = new Promise<void>((resolve) => (releaseSecond = resolve));
    releaseFirst();
    await eventually(() => (sendCallsTo(conversation) === 2 ? true : undefined), 'the second send call');
    process.kill(first.pid, 'SIGKILL');
    await first.stop();
    // Lazada carries out the call it had received; the worker that made it never hears so.
    fake.hold = null;
    releaseSecond();

    await startWorker();
    const texts = await eventually(() => {
      const sent = fake.sent().filter((message) => message.session_id === conversation);
      return sent.length >= 4 ? sent : undefined;
    }, 'the rest of the answer from the second worker', 60_000);
    await settle(1500);
    expect(fake.sent().filter((message) => message.session_id === conversation)).toEqual(texts);
    expect(texts.map((message) => message.template_id)).toEqual(['1', '1', '10006', '1']);
    expect(texts[0]?.txt).toBe('给您挑了这几款,看看喜不喜欢~');
    expect(texts[2]?.item_id).toBe('hoodie-fleece');
    expect(texts[3]?.txt).toMatch(/^想要便宜点的/);

    const client = new Redis(sharedRedisUrl);
    const session = JSON.parse((await client.get(sessionKey(prefix, `lazada:${conversation}`))) ?? 'null') as { turnCount?: number } | null;
    client.disconnect();
    expect(session?.turnCount).toBe(1);
  });
});
