// How Kefu reads the sentinels it is given and what its Sentinel client promises before any
// sentinel answers. The failover itself is test/system/sentinel-failover.test.ts.

import { describe, expect, it } from 'vitest';
import { connectRedis, createRedisSentinelClient, hasRedis, parseSentinelNode, sentinelOptions } from '../../adapters/stores/redis/redis-connection.ts';
import { silentLogger } from '../../dialogs/ports.ts';
import { freePort } from '../support/redis-server.ts';

describe('sentinel nodes', () => {
  it.each([
    ['10.0.0.1:26380', { host: '10.0.0.1', port: 26380 }],
    ['sentinel-a', { host: 'sentinel-a', port: 26379 }],
    ['[::1]:26381', { host: '::1', port: 26381 }],
    ['redis://10.0.0.1', { host: '10.0.0.1', port: 26379 }],
    ['redis://:s%40cret@10.0.0.1:26382', { host: '10.0.0.1', port: 26382, password: 's@cret' }],
    ['redis://watcher:pw@10.0.0.1:26383', { host: '10.0.0.1', port: 26383, username: 'watcher', password: 'pw' }],
  ])('reads %s', (node, expected) => {
    expect(parseSentinelNode(node)).toEqual(expected);
  });

  it.each(['rediss://10.0.0.1:26379', 'http://10.0.0.1:26379', '10.0.0.1:0', '10.0.0.1:99999', 'a b:1', ''])('refuses %j', (node) => {
    expect(() => parseSentinelNode(node)).toThrow(RangeError);
  });
});

describe('the Sentinel target', () => {
  const sentinel = { nodes: ['redis://:hunter2@10.0.0.1:26379', '10.0.0.2:26379'], masterName: 'mymaster', password: 'swordfish' };

  it('gives ioredis the sentinels, the master group, both passwords and a failover detector', () => {
    const options = sentinelOptions(sentinel);
    expect(options).toMatchObject({
      sentinels: [{ host: '10.0.0.1', port: 26379 }, { host: '10.0.0.2', port: 26379 }],
      name: 'mymaster',
      sentinelPassword: 'hunter2',
      password: 'swordfish',
      failoverDetector: true,
    });
    expect(options.sentinelRetryStrategy?.(1)).toBe(50);
    expect(options.sentinelRetryStrategy?.(100)).toBe(2000);
    expect(options.reconnectOnError?.(new Error("READONLY You can't write against a read only replica."))).toBe(1);
    expect(options.reconnectOnError?.(new Error('ERR wrong number of arguments'))).toBe(false);
  });

  it('is Redis for the stores, and refused together with Cluster nodes or without a master name', () => {
    expect(hasRedis({ url: null, clusterNodes: [], sentinel })).toBe(true);
    expect(hasRedis({ url: null, clusterNodes: [], sentinel: { nodes: [], masterName: null } })).toBe(false);
    expect(() => connectRedis({ url: null, clusterNodes: ['redis://10.0.0.1:7000'], sentinel })).toThrow(/both given/);
    expect(() => sentinelOptions({ nodes: ['10.0.0.1:26379'], masterName: null })).toThrow(/name of the master group/);
  });

  it('fails a command at once while no sentinel answers, instead of queueing it', async () => {
    const nobody = await freePort();
    const client = createRedisSentinelClient({ nodes: [`127.0.0.1:${nobody}`], masterName: 'mymaster' }, { logger: silentLogger });
    try {
      await expect(client.get('kefu-test:anything')).rejects.toThrow(/enableOfflineQueue/);
    } finally {
      client.disconnect();
    }
  });
});
