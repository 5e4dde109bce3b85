// A real Redis Sentinel setup for tests: one master, one replica and three sentinels (quorum 2),
// started from Debian's redis-server (`redis-server <file> --sentinel`) on free loopback ports in a
// temporary folder. Sentinel's timings are cut so a failover takes seconds: a master that does not
// answer for 1 s is down for the sentinel that sees it, and once two agree, one of them promotes the
// replica. Nothing is persisted; stop() kills every process and removes the folder.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { eventually } from './fake-marketplace.ts';
import { freePort, waitUntilAnswers } from './redis-server.ts';

export interface LocalRedisSentinel {
  /** The master group's name the sentinels watch ("sentinel monitor <name> …"). */
  readonly masterName: string;
  /** Every sentinel as host:port, the way an operator lists them in REDIS_SENTINEL_NODES. */
  readonly sentinelNodes: string[];
  /** The master's port now, as the sentinels report it. */
  masterPort(): Promise<number>;
  /** Resolves once the replica has received every write the master has (replication is asynchronous). */
  waitUntilReplicated(): Promise<void>;
  /** Kills a Redis server with SIGKILL (a crashed machine) and waits until its process has exited. */
  kill(port: number): Promise<void>;
  /** Resolves with the new master's port once every sentinel names a master other than `oldPort` and it answers as a master. */
  waitForFailover(oldPort: number): Promise<number>;
  /** Kills every process and removes the folder. */
  stop(): Promise<void>;
}

const MASTER_NAME = 'kefu-test';

export async function startRedisSentinel(): Promise<LocalRedisSentinel> {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-sentinel-'));
  const children = new Map<number, ChildProcess>();
  const start = async (port: number, args: string[]): Promise<void> => {
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    children.set(port, child);
    killOnExit.add(child);
    child.once('exit', () => killOnExit.delete(child));
    await waitUntilAnswers(port, child);
  };
  const admin = (port: number): Redis => {
    const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectionName: 'kefu-test-sentinel-admin' });
    client.on('error', () => {}); // a killed server's client: the test asks another one
    return client;
  };
  const ask = async <T>(port: number, ...command: [string, ...(string | number)[]]): Promise<T> => {
    const client = admin(port);
    try {
      await client.connect();
      return (await client.call(...command)) as T;
    } finally {
      client.disconnect();
    }
  };
  const stop = async (): Promise<void> => {
    await Promise.all([...children.values()].map((child) => killed(child)));
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const [masterPort, replicaPort] = [await freePort(), await freePort()];
    const server = (port: number): string[] => ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'warning'];
    await start(masterPort, server(masterPort));
    await start(replicaPort, [...server(replicaPort), '--replicaof', '127.0.0.1', String(masterPort)]);
    // The replica's link is up before the sentinels start, so their first look at the master lists
    // it (they ask the master only every 10 s after that).
    await eventually(async () => ((await ask<string>(replicaPort, 'INFO', 'replication')).includes('master_link_status:up') ? true : undefined), 'the replica to be in sync');

    const sentinelPorts = [await freePort(), await freePort(), await freePort()];
    for (const port of sentinelPorts) {
      const file = join(dir, `sentinel-${port}.conf`);
      writeFileSync(
        file,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${dir}`,
          'loglevel warning',
          `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${masterPort} 2`,
          `sentinel down-after-milliseconds ${MASTER_NAME} 1000`,
          `sentinel failover-timeout ${MASTER_NAME} 5000`,
          `sentinel parallel-syncs ${MASTER_NAME} 1`,
          '',
        ].join('\n'),
      );
      await start(port, [file, '--sentinel']);
    }
    // Ready when every sentinel knows the replica and the two other sentinels (they find each
    // other through the master, every 2 s), so a failover can be agreed and carried out.
    for (const port of sentinelPorts) {
      await eventually(async () => {
        const master = fields(await ask<string[]>(port, 'SENTINEL', 'MASTER', MASTER_NAME));
        return master['num-slaves'] === '1' && master['num-other-sentinels'] === '2' ? true : undefined;
      }, `sentinel ${port} to see the replica and the other sentinels`, 30_000);
    }

    const masterNow = async (): Promise<number> => {
      for (const port of sentinelPorts) {
        if (children.get(port)?.exitCode !== null) continue;
        const [, at] = await ask<[string, string]>(port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME);
        return Number(at);
      }
      throw new Error('no sentinel is running');
    };

    return {
      masterName: MASTER_NAME,
      sentinelNodes: sentinelPorts.map((port) => `127.0.0.1:${port}`),
      masterPort: masterNow,
      async waitUntilReplicated() {
        const master = await masterNow();
        const offset = (await ask<string>(master, 'INFO', 'replication')).match(/master_repl_offset:(\d+)/)?.[1];
        await eventually(async () => {
          const info = await ask<string>(master, 'INFO', 'replication');
          // slave0:ip=127.0.0.1,port=…,state=online,offset=…,lag=…
          const acknowledged = /slave0:.*offset=(\d+)/.exec(info)?.[1];
          return acknowledged !== undefined && Number(acknowledged) >= Number(offset) ? true : undefined;
        }, 'the replica to acknowledge the master\'s writes');
      },
      async kill(port) {
        const child = children.get(port);
        if (child) await killed(child);
      },
      async waitForFailover(oldPort) {
        return eventually(async () => {
          const named = new Set<number>();
          for (const port of sentinelPorts) {
            const [, at] = await ask<[string, string]>(port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME);
            named.add(Number(at));
          }
          const [only] = [...named];
          if (named.size !== 1 || only === undefined || only === oldPort) return undefined;
          const role = await ask<[string]>(only, 'ROLE');
          return role[0] === 'master' ? only : undefined;
        }, 'the sentinels to promote the replica', 30_000);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}


/** SENTINEL MASTER's flat [name, value, name, value, …] answer as an object. */
function fields(flat: string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) result[flat[i]!] = flat[i + 1]!;
  return result;
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

// A test run that dies must not leave redis-server processes behind.
const killOnExit = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of killOnExit) child.kill('SIGKILL');
});
