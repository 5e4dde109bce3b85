// The "N stateless workers behind a load balancer" shape (docs/deploy.md), tried with the very
// configuration Kefu ships: Debian's HAProxy running deploy/haproxy.cfg in front of two Kefu worker
// processes on one Redis. Conversations through the balancer reach both workers and stay whole
// (the tally flow answers each message with everything the conversation said so far, in order);
// a worker killed with SIGKILL mid-conversation is passed over (connection refused: redispatched;
// then the health check takes it out) and the buyer never sees an error.
// HAProxy is a Debian package: `.ci/run` installs it and sets KEFU_HAPROXY=required; on a machine
// without it (a contributor's `npm test`) the test says so and is skipped.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeysByPrefix, freePort, sharedRedisUrl, uniquePrefix } from '../support/redis-server.ts';
import { spawnKefu, type SpawnedKefu } from '../support/spawn-kefu.ts';

const FLOWS = 'test/fixtures/counter-flows';

function haproxyInstalled(): boolean {
  try {
    execFileSync('haproxy', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const installed = haproxyInstalled();
if (!installed && process.env.KEFU_HAPROXY === 'required') throw new Error('KEFU_HAPROXY=required but haproxy is not installed (apt install haproxy)');
if (!installed) console.warn('haproxy is not installed: the load-balancer deploy test is skipped (apt install haproxy; CI requires it)');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!installed)('deploy/haproxy.cfg in front of two Kefu workers', { timeout: 120_000 }, () => {
  const prefix = uniquePrefix('haproxy');
  const workers: SpawnedKefu[] = [];
  let balancer: ChildProcess;
  let url: string;
  let haproxyOutput = '';

  beforeAll(async () => {
    workers.push(...(await Promise.all([0, 1].map(() => spawnKefu({ redisUrl: sharedRedisUrl, keyPrefix: prefix, flowsDir: FLOWS })))));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    balancer = spawn('haproxy', ['-db', '-f', 'deploy/haproxy.cfg'], {
      env: { ...process.env, KEFU_LB_BIND: `127.0.0.1:${port}`, KEFU_WORKER_1: new URL(workers[0]!.url).host, KEFU_WORKER_2: new URL(workers[1]!.url).host },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    balancer.stdout!.on('data', (chunk) => (haproxyOutput += chunk));
    balancer.stderr!.on('data', (chunk) => (haproxyOutput += chunk));
    // Up once both workers passed their health checks (two a second apart).
    for (let attempt = 0; ; attempt += 1) {
      const served = new Set<string>();
      for (let i = 0; i < 4; i += 1) {
        const response = await fetch(`${url}/healthz`).catch(() => null);
        if (response?.ok) served.add(response.headers.get('x-kefu-worker') ?? '');
      }
      if (served.size === 2) break;
      if (balancer.exitCode !== null) throw new Error(`HAProxy stopped:\n${haproxyOutput}`);
      if (attempt > 300) throw new Error(`HAProxy did not reach both workers:\n${haproxyOutput}`);
      await sleep(100);
    }
  });

  afterAll(async () => {
    balancer?.kill('SIGKILL');
    await Promise.all(workers.map((worker) => worker.stop()));
    const redis = new Redis(sharedRedisUrl);
    await deleteKeysByPrefix(redis, prefix);
    redis.disconnect();
  });

  async function say(conversationId: string, messageId: string, content: { text: string } | { payload: string }): Promise<{ texts: string[]; worker: string }> {
    // The page's contract: a 503 means "send the same message again".
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const response = await fetch(`${url}/webchat/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ conversationId, messageId, ...content }) });
      if (response.status === 200) {
        const body = (await response.json()) as { replies: { text: string }[] };
        return { texts: body.replies.map((reply) => reply.text), worker: response.headers.get('x-kefu-worker') ?? '' };
      }
      expect([502, 503, 504], `status ${response.status}: ${await response.text()}`).toContain(response.status);
      await sleep(100);
    }
    throw new Error(`${conversationId}/${messageId} never answered`);
  }

  it('spreads conversations over both workers and keeps each whole and in order', async () => {
    const seen = new Set<string>();
    await Promise.all(
      Array.from({ length: 6 }, async (_, c) => {
        const id = `lb-${c}-${Date.now()}`;
        seen.add((await say(id, 'm0', { payload: '/tally' })).worker);
        const sent: string[] = [];
        for (let i = 1; i <= 5; i += 1) {
          sent.push(`${c}-${i}`);
          const answer = await say(id, `m${i}`, { text: `${c}-${i}` });
          seen.add(answer.worker);
          expect(answer.texts[0]).toBe(`tally:${sent.join('|')}`);
        }
      }),
    );
    expect([...seen].sort()).toEqual(['worker1', 'worker2']);
  });

  it('passes over a worker killed with SIGKILL: the buyer gets every answer, from the other worker', async () => {
    const id = `lb-kill-${Date.now()}`;
    await say(id, 'm0', { payload: '/tally' });
    const sent: string[] = [];
    const workersAfterKill = new Set<string>();
    for (let i = 1; i <= 8; i += 1) {
      if (i === 3) process.kill(workers[0]!.pid, 'SIGKILL');
      sent.push(`k-${i}`);
      const answer = await say(id, `m${i}`, { text: `k-${i}` });
      expect(answer.texts[0]).toBe(`tally:${sent.join('|')}`);
      if (i >= 3) workersAfterKill.add(answer.worker);
    }
    expect([...workersAfterKill]).toEqual(['worker2']);
  });
});
