// Redis for tests. Most suites use the shared server (REDIS_URL, else 127.0.0.1:6379) with a unique
// key prefix per suite and delete their keys afterwards; suites that take Redis away and bring it
// back start a private redis-server (on PATH) on a free loopback port, without persistence.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Cluster } from 'ioredis';
import type { RedisClient } from '../../adapters/stores/redis/redis-connection.ts';

export const sharedRedisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test run uses, e.g. "kefu-test:session:3f9a1c:". */
export function uniquePrefix(label = 'test'): string {
  return `kefu-test:${label}:${randomBytes(4).toString('hex')}:`;
}

/** Every key that starts with prefix, found with SCAN (never KEYS, which blocks a shared server). */
export async function keysWithPrefix(client: RedisClient, prefix: string): Promise<string[]> {
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  const found: string[] = [];
  // On a Cluster each master holds its own slots: scan every one of them.
  const servers = client instanceof Cluster ? client.nodes('master') : [client];
  for (const server of servers) {
    let cursor = '0';
    do {
      const [next, keys] = await server.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
  }
  return [...new Set(found)]; // SCAN may return a key twice
}

/** Deletes every key that starts with prefix; returns how many. */
export async function deleteKeysByPrefix(client: RedisClient, prefix: string): Promise<number> {
  const keys = await keysWithPrefix(client, prefix);
  let deleted = 0;
  if (client instanceof Cluster) {
    // A multi-key UNLINK must stay in one slot on a Cluster: one key at a time.
    for (const key of keys) deleted += await client.unlink(key);
    return deleted;
  }
  for (let i = 0; i < keys.length; i += 500) deleted += await client.unlink(...keys.slice(i, i + 500));
  return deleted;
}

export interface PrivateRedisServer {
  readonly port: number;
  readonly url: string;
  /** Starts the server again on the same port (after stop()), empty unless it keeps its data, and waits until it answers. */
  start(): Promise<void>;
  /** Stops the server and waits until its process has exited. */
  stop(): Promise<void>;
}

export interface PrivateRedisOptions {
  /**
   * Keep every acknowledged write across stop() and start(), as a production Redis with an
   * append-only file fsynced on every write does (a crash loses nothing it answered OK to). The
   * file is in a folder of its own, removed when the test process exits.
   */
  keepData?: boolean;
}

/** Starts a private redis-server on a free 127.0.0.1 port and waits until it answers PING. */
export async function startPrivateRedis(options: PrivateRedisOptions = {}): Promise<PrivateRedisServer> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const persistence = options.keepData
    ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dataDir()]
    : ['--appendonly', 'no', '--dir', tmpdir()];

  const start = async (): Promise<void> => {
    if (child !== null) return;
    const started = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--loglevel', 'warning'],
      { stdio: 'ignore' },
    );
    child = started;
    started.once('exit', () => {
      if (child === started) child = null;
    });
    stopOnExit.add(started);
    await waitUntilAnswers(port, started);
  };

  const stop = async (): Promise<void> => {
    const running = child;
    if (running === null) return;
    child = null;
    stopOnExit.delete(running);
    if (running.exitCode !== null || running.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGKILL');
    });
  };

  await start();
  return { port, url: `redis://127.0.0.1:${port}`, start, stop };
}

// A test run that dies must not leave redis-server processes (or their data) behind.
const stopOnExit = new Set<ChildProcess>();
const dataDirs: string[] = [];
process.once('exit', () => {
  for (const child of stopOnExit) child.kill('SIGKILL');
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kefu-redis-'));
  dataDirs.push(dir);
  return dir;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function waitUntilAnswers(port: number, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`redis-server on port ${port} exited with code ${child.exitCode}`);
    if (await answersPing(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`redis-server on port ${port} did not answer`);
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
  });
}
