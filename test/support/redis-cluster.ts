// A real Redis Cluster for tests: three masters with one replica each, started from Debian's
// redis-server on free loopback ports in a temporary folder and joined with
// `redis-cli --cluster create`. Nothing is persisted; stop() kills every node and removes the folder.

import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, waitUntilAnswers } from './redis-server.ts';

const run = promisify(execFile);

export interface RedisClusterNode {
  readonly port: number;
  readonly url: string;
}

export interface LocalRedisCluster {
  /** Every node, masters and replicas, as redis:// URLs (a client needs only some of them). */
  readonly nodeUrls: string[];
  readonly nodes: RedisClusterNode[];
  /** Kills every node and removes their folder. */
  stop(): Promise<void>;
  /** The port of a node that is a master now. */
  aMaster(): Promise<number>;
  /** Kills one node with SIGKILL (a crashed server: its replica takes over after the node timeout). */
  kill(port: number): Promise<void>;
  /** Starts a killed node again with its own cluster file: it rejoins (a former master as a replica). */
  restart(port: number): Promise<void>;
}

/** Starts masters × (1 + replicasPerMaster) nodes and waits until every node reports cluster_state:ok. */
export async function startRedisCluster(masters = 3, replicasPerMaster = 1): Promise<LocalRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-cluster-'));
  const children: ChildProcess[] = [];
  const nodes: RedisClusterNode[] = [];
  const byPort = new Map<number, ChildProcess>();
  const startNode = async (port: number): Promise<void> => {
    const child = spawn(
      'redis-server',
      [
        '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
        '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`,
        // Short enough that a test can watch a failover, long enough not to flap under load.
        '--cluster-node-timeout', '2000',
        '--dir', dir, '--loglevel', 'warning',
      ],
      { stdio: 'ignore' },
    );
    children.push(child);
    byPort.set(port, child);
    killOnExit.add(child);
    child.once('exit', () => killOnExit.delete(child));
    await waitUntilAnswers(port, child);
  };
  const stop = async (): Promise<void> => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters * (1 + replicasPerMaster); i += 1) {
      const port = await freePort();
      await startNode(port);
      nodes.push({ port, url: `redis://127.0.0.1:${port}` });
    }
    await run('redis-cli', [
      '--cluster', 'create', ...nodes.map((node) => `127.0.0.1:${node.port}`),
      '--cluster-replicas', String(replicasPerMaster), '--cluster-yes',
    ]);
    await waitUntilClusterOk(nodes);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    nodeUrls: nodes.map((node) => node.url),
    nodes,
    stop,
    async aMaster() {
      for (const node of nodes) {
        const { stdout } = await run('redis-cli', ['-p', String(node.port), 'role']).catch(() => ({ stdout: '' }));
        if (stdout.startsWith('master')) return node.port;
      }
      throw new Error('no master answers');
    },
    async kill(port) {
      const child = byPort.get(port);
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      });
    },
    async restart(port) {
      await startNode(port);
    },
  };
}

/** `CLUSTER INFO` on one node, as field → value. */
export async function clusterInfo(port: number): Promise<Record<string, string>> {
  const { stdout } = await run('redis-cli', ['-p', String(port), 'cluster', 'info']);
  return Object.fromEntries(stdout.split(/\r?\n/).filter((line) => line.includes(':')).map((line) => line.trim().split(':', 2) as [string, string]));
}

async function waitUntilClusterOk(nodes: RedisClusterNode[]): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt += 1) {
    const infos = await Promise.all(nodes.map((node) => clusterInfo(node.port).catch(() => ({}) as Record<string, string>)));
    if (infos.every((info) => info.cluster_state === 'ok' && info.cluster_known_nodes === String(nodes.length)) && (await replicasInSync(nodes))) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('Redis Cluster did not reach cluster_state:ok');
}

/**
 * True when every replica's link to its master is up. A replica that never finished its first sync
 * counts its data as too old and will not take over when its master dies, so a failover test must
 * wait for this as well as for cluster_state:ok.
 */
async function replicasInSync(nodes: RedisClusterNode[]): Promise<boolean> {
  for (const node of nodes) {
    const { stdout } = await run('redis-cli', ['-p', String(node.port), 'info', 'replication']).catch(() => ({ stdout: '' }));
    if (!stdout.includes('role:')) return false;
    if (stdout.includes('role:slave') && !stdout.includes('master_link_status:up')) return false;
  }
  return true;
}

// A test run that dies must not leave redis-server processes behind.
const killOnExit = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of killOnExit) child.kill('SIGKILL');
});
