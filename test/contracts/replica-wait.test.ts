// On a Redis Cluster, what Kefu acknowledges must outlive a master failover (replica-wait.ts): a
// marketplace push is acknowledged, and a turn's answer committed, only once the master's replica
// has confirmed the write (WAIT). Redis replication is asynchronous, so without it a master that
// dies just after answering takes the write with it (the soak's flake: a Lazada conversation's last
// three messages acknowledged, then gone after the failover). Here a private Cluster (3 masters, 1
// replica each) whose replicas the test pauses (SIGSTOP) and whose master it kills.

import { randomUUID } from 'node:crypto';
import { Redis, type Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisChannelState } from '../../adapters/channels/shared/redis-channel-state.ts';
import { createRedisCluster, waitForRedisReady } from '../../adapters/stores/redis/redis-connection.ts';
import { RedisConversationLine } from '../../adapters/stores/redis/redis-conversation-line.ts';
import { channelKeyBase, sessionKey } from '../../adapters/stores/redis/redis-keys.ts';
import { RedisTurnStore } from '../../adapters/stores/redis/redis-turn-store.ts';
import { liveReplicas, NotReplicatedError, slotOf } from '../../adapters/stores/redis/replica-wait.ts';
import type { InboundMessage } from '../../dialogs/messages.ts';
import { silentLogger } from '../../dialogs/ports.ts';
import { startRedisCluster, type LocalRedisCluster } from '../support/redis-cluster.ts';

const settings = { dedupeSeconds: 900, optionsSeconds: 600, retryBaseMs: 10, maxRetryMs: 50, maxAttempts: 3, claimIdleMs: 60_000, blockMs: 100, logger: silentLogger };

function lazadaMessage(conversationId: string): InboundMessage {
  return { id: `msg-${randomUUID()}`, conversation: { channel: 'lazada', conversationId, buyerId: 'buyer-1' }, text: '发什么快递', receivedAt: Date.now() };
}

/** A Cluster client as Kefu makes one, ready, with every node connected. */
async function kefuClient(cluster: LocalRedisCluster): Promise<Cluster> {
  const client = createRedisCluster(cluster.nodeUrls, { logger: silentLogger });
  await waitForRedisReady(client);
  return client;
}

/** The port of the master holding key's slot, as the client sees it. */
function masterPort(client: Cluster, key: string): number {
  const node = client.slots[slotOf(key)]?.[0];
  if (!node) throw new Error(`no master known for ${key}`);
  return Number(node.split(':').pop());
}

/** The pid of the replica of the master on masterPort. */
async function replicaPid(cluster: LocalRedisCluster, port: number): Promise<number> {
  for (const node of cluster.nodes) {
    const redis = new Redis(node.port, '127.0.0.1', { lazyConnect: true });
    try {
      await redis.connect();
      const role = (await redis.role()) as unknown[];
      if (role[0] === 'slave' && Number(role[2]) === port) return Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1]);
    } finally {
      redis.disconnect();
    }
  }
  throw new Error(`no replica of :${port}`);
}

/** Waits until the master on port lists a live replica (one paused earlier in the test is caught up). */
async function untilReplicaIsLive(port: number): Promise<void> {
  const redis = new Redis(port, '127.0.0.1');
  try {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      if (liveReplicas(await redis.info('replication')) > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no live replica of :${port}`);
  } finally {
    redis.disconnect();
  }
}

/** Runs work while the process is stopped (SIGSTOP): it holds its connections but reads nothing. */
async function whilePaused<T>(pid: number, work: () => Promise<T>): Promise<T> {
  process.kill(pid, 'SIGSTOP');
  try {
    return await work();
  } finally {
    process.kill(pid, 'SIGCONT');
  }
}

describe('writes acknowledged on a Redis Cluster wait for a replica', () => {
  let cluster: LocalRedisCluster;
  let client: Cluster;
  const prefix = `kefu-test:replica-wait:${randomUUID().slice(0, 8)}:`;

  beforeAll(async () => {
    cluster = await startRedisCluster(3, 1);
    client = await kefuClient(cluster);
  }, 120_000);

  afterAll(async () => {
    client?.disconnect();
    await cluster?.stop();
  });

  it('computes the slot Redis computes for a key', async () => {
    for (const key of [`${prefix}channel:{lazada}:inbox`, sessionKey(prefix, 'webchat:3f9a'), 'no-tag', 'a{}b', '{}{x}', '你好{买家}']) {
      expect(slotOf(key)).toBe(await client.cluster('KEYSLOT', key));
    }
  });

  it('answers a push only once its replica has it: not while the replica is paused, then as a duplicate', async () => {
    const state = new RedisChannelState({ ...settings, client, prefix, channel: 'lazada', replicaWaitMs: 200 });
    const inbox = `${channelKeyBase(prefix, 'lazada')}inbox`;
    const message = lazadaMessage('c-paused');
    try {
      const pid = await replicaPid(cluster, masterPort(client, inbox));
      await whilePaused(pid, async () => {
        await expect(state.enqueue(message)).rejects.toBeInstanceOf(NotReplicatedError);
      });
      // The platform delivers it again: queued once, and now acknowledged.
      expect(await state.enqueue(message)).toBe('duplicate');
      const entries = (await client.xrange(inbox, '-', '+')) as [string, string[]][];
      expect(entries.filter(([, fields]) => fields[1]?.includes(message.id))).toHaveLength(1);
    } finally {
      await state.close();
    }
  });

  it('commits a turn\'s answer only once its replica has it; the repeat is answered from it', async () => {
    const line = new RedisConversationLine({ client, prefix });
    const turns = new RedisTurnStore({ client, line, replicaWaitMs: 200 });
    const conversation = `lazada:c-${randomUUID()}`;
    const start = await turns.begin(conversation, 'm1', 60);
    if (start.status !== 'new') throw new Error(`expected a new turn, got ${start.status}`);
    const pid = await replicaPid(cluster, masterPort(client, sessionKey(prefix, conversation)));
    await whilePaused(pid, async () => {
      await expect(turns.finish(start.turn, { session: { turns: 1 }, sessionTtlSeconds: 600, result: '"the answer"', keepSeconds: 600 })).rejects.toBeInstanceOf(NotReplicatedError);
    });
    expect(await turns.begin(conversation, 'm1', 60)).toEqual({ status: 'done', result: '"the answer"' });
  });

  it('stops waiting for a replica that has acknowledged nothing for seconds (hung), as for none', async () => {
    const state = new RedisChannelState({ ...settings, client, prefix, channel: 'lazada', replicaWaitMs: 200 });
    const inbox = `${channelKeyBase(prefix, 'lazada')}inbox`;
    try {
      const pid = await replicaPid(cluster, masterPort(client, inbox));
      await whilePaused(pid, async () => {
        await new Promise((resolve) => setTimeout(resolve, 4500)); // past REPLICA_LAG_SECONDS (3) of silence
        expect(await state.enqueue(lazadaMessage('c-hung'))).toBe('queued');
      });
    } finally {
      await state.close();
    }
  });

  it('keeps an acknowledged push through its master\'s failover', async () => {
    const state = new RedisChannelState({ ...settings, client, prefix, channel: 'lazada' });
    const inbox = `${channelKeyBase(prefix, 'lazada')}inbox`;
    const message = lazadaMessage('c-failover');
    try {
      await untilReplicaIsLive(masterPort(client, inbox));
      expect(await state.enqueue(message)).toBe('queued');
      await cluster.kill(masterPort(client, inbox)); // SIGKILL, the moment after it answered
      // The replica takes over after the node timeout; ioredis follows the new slot map.
      let entries: [string, string[]][] | null = null;
      for (let attempt = 0; attempt < 300 && entries === null; attempt += 1) {
        entries = await client.xrange(inbox, '-', '+').catch(() => null) as [string, string[]][] | null;
        if (entries === null) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(entries?.some(([, fields]) => fields[1]?.includes(message.id))).toBe(true);
    } finally {
      await state.close();
    }
  }, 60_000);
});

describe('live replicas, read from INFO replication', () => {
  it('counts online replicas heard from within 3 s', () => {
    const info = ['# Replication', 'role:master', 'connected_slaves:3', 'slave0:ip=127.0.0.1,port=7001,state=online,offset=120,lag=0', 'slave1:ip=127.0.0.1,port=7002,state=online,offset=90,lag=7', 'slave2:ip=127.0.0.1,port=7003,state=wait_bgsave,offset=0,lag=0', 'master_repl_offset:120'].join('\r\n');
    expect(liveReplicas(info)).toBe(1);
    expect(liveReplicas('# Replication\r\nrole:master\r\nconnected_slaves:0\r\n')).toBe(0);
  });
});

describe('a Redis Cluster master without a replica', () => {
  it('takes writes without a replica\'s confirmation (no replica could be promoted in its place)', async () => {
    const cluster = await startRedisCluster(3, 0);
    const client = await kefuClient(cluster);
    const state = new RedisChannelState({ ...settings, client, prefix: 'kefu-test:no-replica:', channel: 'lazada', replicaWaitMs: 200 });
    try {
      const message = lazadaMessage('c-alone');
      expect(await state.enqueue(message)).toBe('queued');
      expect(await state.enqueue(message)).toBe('duplicate');
    } finally {
      await state.close();
      client.disconnect();
      await cluster.stop();
    }
  }, 120_000);
});
