// Kefu configured for Redis Sentinel the way an operator would (REDIS_SENTINEL_NODES and
// REDIS_SENTINEL_MASTER), on a master, a replica and three sentinels started by the test
// (test/support/redis-sentinel.ts). The master is killed with SIGKILL in the middle of two
// conversations: one between two messages of a size dialogue, one in the middle of a turn (held
// where it waits on the shop's order API, after it claimed the message and read the session). The
// sentinels promote the replica; Kefu asks them for the new master by itself. Both conversations
// carry on there with their sessions, and the message in flight gets one answer: the page's retries
// of it while there is no master are refused (503), the first one after is answered, and a
// retry after that gets the same answer from the ledger.
//
// Replication is asynchronous: a write the master acknowledged in its last moments may not have
// reached the replica. The test waits until the replica has every write before the kill, so what
// it checks is Kefu's part (finding the new master, failing fast meanwhile, the turn ledger), not
// Redis's replication lag (docs/scaling.md says what may be lost).

import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionKey } from '../../adapters/stores/redis/redis-keys.ts';
import { identityEnv, signedBuyer } from '../support/buyer-tokens.ts';
import { eventually } from '../support/fake-marketplace.ts';
import { startHoldingProxy, type HoldingProxy } from '../support/holding-proxy.ts';
import { startMerchantOrdersApi, type MerchantOrdersApi } from '../support/merchant-orders-api.ts';
import { startRedisSentinel, type LocalRedisSentinel } from '../support/redis-sentinel.ts';
import { uniquePrefix } from '../support/redis-server.ts';
import { spawnKefu, type SpawnedKefu } from '../support/spawn-kefu.ts';
import { postMessage, type WebchatAnswer } from '../support/start-kefu.ts';

const prefix = uniquePrefix('sentinel');
let sentinel: LocalRedisSentinel;
let api: MerchantOrdersApi;
let proxy: HoldingProxy;
let kefu: SpawnedKefu;

beforeAll(async () => {
  sentinel = await startRedisSentinel();
  api = await startMerchantOrdersApi({ token: 'sentinel-token' });
  proxy = await startHoldingProxy(api.url);
  kefu = await spawnKefu({
    keyPrefix: prefix,
    env: {
      REDIS_SENTINEL_NODES: sentinel.sentinelNodes.join(','),
      REDIS_SENTINEL_MASTER: sentinel.masterName,
      ...identityEnv,
      KEFU__ORDERS__BACKEND: 'http',
      KEFU__ORDERS__HTTP__BASEURL: proxy.url,
      KEFU__ORDERS__HTTP__TOKEN: 'sentinel-token',
      KEFU__ORDERS__HTTP__TIMEOUTMS: '60000',
    },
  });
}, 90_000);

afterAll(async () => {
  if (proxy) proxy.hold = null;
  await kefu?.stop();
  await proxy?.close();
  await api?.close();
  await sentinel?.stop();
});

/** Sends the same message until it is answered, as the web chat page does; every refusal must be a 503. */
async function untilAnswered(send: () => Promise<WebchatAnswer>, what: string): Promise<WebchatAnswer> {
  return eventually(async () => {
    const answer = await send();
    if (answer.status === 200) return answer;
    expect(answer.status, JSON.stringify(answer.body)).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, 200));
    return undefined;
  }, what, 60_000);
}

describe('Kefu through Redis Sentinel', () => {
  it('finds the master through the sentinels and says so when it starts', () => {
    expect(kefu.listeningMessage).toContain('Redis');
  });

  it('keeps both conversations through the master\'s SIGKILL: sessions on the promoted replica, the message in flight answered once', { timeout: 120_000 }, async () => {
    // A guest's size dialogue, two messages before the kill.
    const sizeChat = randomUUID();
    const size = (messageId: string, text: string) => postMessage(kefu.url, { conversationId: sizeChat, messageId, text });
    // (Retried as the page would: on a loaded machine the sentinels may fail the master over early.)
    expect((await untilAnswered(() => size('m-1', '帮我推荐一下尺码'), 'the first answer')).body.replies[0].text).toContain('身高');
    expect((await untilAnswered(() => size('m-2', '170'), 'the second answer')).body.replies[0].text).toContain('体重');

    // A signed-in buyer's order question, stopped mid-turn where it waits on the shop's order API.
    const orderChat = randomUUID();
    const orderBody = { conversationId: orderChat, messageId: 'o-1', identityToken: await signedBuyer('shopper-42'), text: '我要取消订单' };
    let release!: () => void;
    proxy.hold = new Promise<void>((resolve) => (release = resolve));
    const held = postMessage(kefu.url, orderBody);
    await eventually(() => (proxy.requests.some((path) => path.startsWith('/buyers/webchat/shopper-42/orders')) ? true : undefined), 'the turn to wait on the order API');

    await sentinel.waitUntilReplicated();
    const oldMaster = await sentinel.masterPort();
    await sentinel.kill(oldMaster);

    // The size dialogue's next message, sent while there is no master: refused, then answered on the
    // promoted replica with the height given before the kill (M for 170 cm and 60 kg).
    const sized = await untilAnswered(() => size('m-3', '60kg'), 'the size answer after the failover');
    expect(sized.body.replies.map((reply: { text: string }) => reply.text).join(' ')).toContain('M号');
    const newMaster = await sentinel.waitForFailover(oldMaster);
    expect(newMaster).not.toBe(oldMaster);

    // The held turn goes on once the replica is master: it commits there (its claim was replicated)
    // or, when its commit met the outage, answers 503 and the page's retry runs it.
    proxy.hold = null;
    release();
    const first = await held;
    const ordered = first.status === 200 ? first : await untilAnswered(() => postMessage(kefu.url, orderBody), 'the order question after the failover');
    expect(ordered.body.replies[0].buttons.length).toBeGreaterThan(1);

    // Retries after the answer get the same answer from the ledger: one answer per message.
    for (const [send, answer] of [[() => size('m-3', '60kg'), sized], [() => postMessage(kefu.url, orderBody), ordered]] as const) {
      const again = await send();
      expect(again.status).toBe(200);
      expect(again.headers.get('kefu-duplicate')).toBe('true');
      expect(again.body.replies).toEqual(answer.body.replies);
    }

    // On the new master: each session holds each of its messages once.
    const redis = new Redis({ host: '127.0.0.1', port: newMaster, lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
      await redis.connect();
      const sessionOf = async (conversation: string) =>
        JSON.parse((await redis.get(sessionKey(prefix, `webchat:${conversation}`))) ?? 'null') as { turnCount: number; turns: { from: string; text: string }[] } | null;
      const sizeSession = await sessionOf(sizeChat);
      expect(sizeSession?.turnCount).toBe(3);
      expect(sizeSession?.turns.filter((turn) => turn.from === 'buyer').map((turn) => turn.text)).toEqual(['帮我推荐一下尺码', '170', '60kg']);
      const orderSession = await sessionOf(orderChat);
      expect(orderSession?.turnCount).toBe(1);
      expect(orderSession?.turns.filter((turn) => turn.from === 'buyer').map((turn) => turn.text)).toEqual(['我要取消订单']);
    } finally {
      redis.disconnect();
    }
  });
});
