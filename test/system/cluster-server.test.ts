// Kefu configured for a Redis Cluster the way an operator would (REDIS_CLUSTER_NODES), on the run's
// local Cluster of 3 masters with replicas: two stateless server processes share one conversation,
// its keys carry the conversation's hash tag, and BullMQ's queues sit under a braced prefix.

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createRedisCluster, waitForRedisReady } from '../../adapters/stores/redis/redis-connection.ts';
import { sessionKey } from '../../adapters/stores/redis/redis-keys.ts';
import type { RunningServer } from '../../server.ts';
import { deleteKeysByPrefix, keysWithPrefix, uniquePrefix } from '../support/redis-server.ts';
import { postMessage, startTestKefu } from '../support/start-kefu.ts';

describe('Kefu on a Redis Cluster', () => {
  const prefix = uniquePrefix('cluster-server');
  const cluster = createRedisCluster(inject('redisClusterNodes'), { connectionName: 'kefu-test-cluster-server' });
  let first: RunningServer;
  let second: RunningServer;

  beforeAll(async () => {
    await waitForRedisReady(cluster);
    const env = { REDIS_CLUSTER_NODES: inject('redisClusterNodes').join(','), KEFU__SESSIONS__KEYPREFIX: prefix };
    first = await startTestKefu({ env });
    second = await startTestKefu({ env });
  });
  afterAll(async () => {
    await Promise.all([first?.close(), second?.close()]);
    await deleteKeysByPrefix(cluster, prefix);
    await cluster.quit();
  });

  it('answers one conversation across two processes, its state on the Cluster', async () => {
    expect(first.kefu.storage).toBe('redis');
    const conversationId = randomUUID();
    const say = (server: RunningServer, text: string) =>
      postMessage(server.url, { conversationId, messageId: randomUUID(), text });
    // The buyer's messages alternate between the two processes, as a load balancer would send them.
    expect((await say(first, '帮我推荐一下尺码')).body.replies[0].text).toContain('身高');
    expect((await say(second, '170')).body.replies[0].text).toContain('体重');
    expect((await say(first, '60kg')).body.replies.map((reply: { text: string }) => reply.text).join(' ')).toContain('M');
    expect(await cluster.exists(sessionKey(prefix, `webchat:${conversationId}`))).toBe(1);
  });

  it('puts every BullMQ key under one braced prefix, so its scripts stay in one slot', async () => {
    const bullKeys = await keysWithPrefix(cluster, `{${prefix}bull}`);
    expect(bullKeys.length).toBeGreaterThan(0);
    expect(await keysWithPrefix(cluster, `${prefix}bull:`)).toEqual([]);
  });

  it('answers a replayed message from the ledger on the other process', async () => {
    const conversationId = randomUUID();
    const body = { conversationId, messageId: 'm-1', text: '你好' };
    const once = await postMessage(first.url, body);
    const again = await postMessage(second.url, body);
    expect(again.status).toBe(200);
    expect(again.headers.get('kefu-duplicate')).toBe('true');
    expect(again.body).toEqual(once.body);
  });
});
