// A worker killed (SIGKILL) in the middle of a buyer's turn, then the page's retry on another
// worker. The turn is stopped where it waits on the shop's order API (a holding proxy in front of
// the loopback merchant API), after it loaded the session and claimed the message and before its
// commit. Nothing of the turn may be written: the retry runs the turn once, answers, and the
// session holds one turn; a second retry is answered from the stored answer. The leases are the
// default 30 s: the retry is answered well before because the dead worker's heartbeat stops and the
// live one takes its claim and its turn over (adapters/stores/redis/process-heartbeat.ts). (A worker whose claim lapses while it is still alive is test/dialogs/turn-commit-fencing.test.ts.)

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionKey } from '../../adapters/stores/redis/redis-keys.ts';
import { identityEnv, signedBuyer } from '../support/buyer-tokens.ts';
import { eventually } from '../support/fake-marketplace.ts';
import { startHoldingProxy, type HoldingProxy } from '../support/holding-proxy.ts';
import { startMerchantOrdersApi, type MerchantOrdersApi } from '../support/merchant-orders-api.ts';
import { deleteKeysByPrefix, keysWithPrefix, sharedRedisUrl, uniquePrefix } from '../support/redis-server.ts';
import { spawnKefu, type SpawnedKefu } from '../support/spawn-kefu.ts';
import { postMessage } from '../support/start-kefu.ts';

const prefix = uniquePrefix('turn-crash');
let api: MerchantOrdersApi;
let proxy: HoldingProxy;
let redis: Redis;
const workers: SpawnedKefu[] = [];

function startWorker(): Promise<SpawnedKefu> {
  return spawnKefu({
    redisUrl: sharedRedisUrl,
    keyPrefix: prefix,
    env: { ...identityEnv, KEFU__ORDERS__BACKEND: 'http', KEFU__ORDERS__HTTP__BASEURL: proxy.url, KEFU__ORDERS__HTTP__TOKEN: 'crash-token', KEFU__ORDERS__HTTP__TIMEOUTMS: '60000' },
  }).then((worker) => {
    workers.push(worker);
    return worker;
  });
}

beforeAll(async () => {
  api = await startMerchantOrdersApi({ token: 'crash-token' });
  proxy = await startHoldingProxy(api.url);
  redis = new Redis(sharedRedisUrl);
});

afterAll(async () => {
  proxy.hold = null;
  for (const worker of workers) await worker.stop();
  await proxy?.close();
  await api?.close();
  await deleteKeysByPrefix(redis, prefix);
  redis.disconnect();
});

describe('a worker killed mid-turn', () => {
  it('writes nothing; the retry on another worker runs the turn once and its repeat gets the same answer', { timeout: 120_000 }, async () => {
    const [first, second] = await Promise.all([startWorker(), startWorker()]);
    const conversationId = `crash-${Date.now()}`;
    const body = { conversationId, messageId: 'm1', identityToken: await signedBuyer('shopper-42'), text: '我要取消订单' };
    let release!: () => void;
    proxy.hold = new Promise<void>((resolve) => (release = resolve));

    const dying = postMessage(first.url, body).catch((error: unknown) => error);
    await eventually(() => (proxy.requests.some((path) => path.startsWith('/buyers/webchat/shopper-42/orders')) ? true : undefined), 'the turn to wait on the order API');
    process.kill(first.pid, 'SIGKILL');
    await first.stop();
    await dying;
    proxy.hold = null;
    release();

    // The dead worker held the message's claim and wrote nothing else of the turn.
    expect(await redis.get(sessionKey(prefix, `webchat:${conversationId}`))).toBeNull();
    const turnKeys = await keysWithPrefix(redis, `${prefix}turn:`);
    expect(turnKeys).toHaveLength(1);
    expect((await redis.get(turnKeys[0]!))?.startsWith('?')).toBe(true);

    // The page sends the same message again until it is answered (503 while the claim holds). Within
    // 20 s, shorter than the 30 s lease: only the takeover from the dead worker can answer it.
    const answered = await eventually(async () => {
      const answer = await postMessage(second.url, body);
      if (answer.status === 503) return undefined;
      return answer;
    }, 'the retry to be answered once the dead worker\'s claim was taken over', 20_000);
    expect(answered.status).toBe(200);
    expect(answered.headers.get('kefu-duplicate')).toBeNull();
    const buttons = answered.body.replies[0].buttons as { payload: string }[];
    expect(buttons.length).toBeGreaterThan(1);

    const again = await postMessage(second.url, body);
    expect(again.status).toBe(200);
    expect(again.headers.get('kefu-duplicate')).toBe('true');
    expect(again.body.replies).toEqual(answered.body.replies);
    const session = JSON.parse((await redis.get(sessionKey(prefix, `webchat:${conversationId}`))) ?? 'null') as { turnCount?: number } | null;
    expect(session?.turnCount).toBe(1);
  });
});
