// A process that dies holding a buyer's message (its claim) and its conversation's turn (its place
// at the head of the line): another process takes both over as soon as the dead one's heartbeat
// key is gone (process-heartbeat.ts), not when the 2-minute leases below run out, and the dead
// one's late finish (a process paused, not dead) writes nothing. A live holder is left alone.
// On a single Redis and on a real Cluster (the alive keys live in other slots than the conversation).

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RedisClient } from '../../adapters/stores/redis/redis-connection.ts';
import { RedisConversationLine } from '../../adapters/stores/redis/redis-conversation-line.ts';
import { ProcessHeartbeat } from '../../adapters/stores/redis/process-heartbeat.ts';
import { RedisTurnStore } from '../../adapters/stores/redis/redis-turn-store.ts';
import type { TurnOutcome, TurnStart } from '../../dialogs/ports.ts';
import { connectClusterRedis, connectSharedRedis, type SharedRedis } from '../support/redis-fixtures.ts';
import { sleep } from '../support/store-test-kit.ts';

const LONG_LEASE_MS = 120_000;
const CONVERSATION = 'webchat:takeover';

interface Process {
  turns: RedisTurnStore;
  line: RedisConversationLine;
  heartbeat: ProcessHeartbeat;
  /** Its heartbeat stops as a SIGKILLed process's does: no more beats, the key left to expire. */
  die(): void;
}

function held(start: TurnStart) {
  if (start.status !== 'new') throw new Error(`expected a new turn, got ${start.status}`);
  return start;
}

const outcome = (said: string): TurnOutcome => ({ session: { said }, sessionTtlSeconds: 600, result: JSON.stringify([{ text: said }]), keepSeconds: 600 });

describe.each(['redis', 'redis-cluster'] as const)('a dead holder\'s claim and turn are taken over (%s)', (kind) => {
  let redis: SharedRedis | Awaited<ReturnType<typeof connectClusterRedis>>;
  const processes: Process[] = [];

  async function startProcess(): Promise<Process> {
    const client: RedisClient = await redis.connectAnother();
    // The heartbeat on a connection of its own, so "dying" stops it without stopping the process's turns.
    const beatClient: RedisClient = await redis.connectAnother();
    const heartbeat = new ProcessHeartbeat({ client: beatClient, prefix: redis.prefix, intervalMs: 100, ttlMs: 400 });
    await heartbeat.start();
    const line = new RedisConversationLine({ client, prefix: redis.prefix, leaseMs: LONG_LEASE_MS, waitMs: 10_000, liveness: heartbeat });
    const process: Process = { turns: new RedisTurnStore({ client, line }), line, heartbeat, die: () => beatClient.disconnect() };
    processes.push(process);
    return process;
  }

  beforeEach(async () => {
    redis = kind === 'redis' ? await connectSharedRedis('takeover') : await connectClusterRedis('takeover');
  });
  afterEach(async () => {
    for (const process of processes.splice(0)) await process.heartbeat.stop();
    await redis.close();
  });

  it('takes over the message a dead process claimed: its retry runs at once, and the dead one\'s late finish writes nothing', async () => {
    const dead = await startProcess();
    const live = await startProcess();
    const stuck = held(await dead.turns.begin(CONVERSATION, 'm1', LONG_LEASE_MS / 1000));
    // While it is alive its claim is respected.
    expect(await live.turns.begin(CONVERSATION, 'm1', LONG_LEASE_MS / 1000)).toEqual({ status: 'in_progress' });
    dead.die();
    let retry: TurnStart = { status: 'in_progress' };
    for (let i = 0; i < 50 && retry.status === 'in_progress'; i++) {
      await sleep(100);
      retry = await live.turns.begin(CONVERSATION, 'm1', LONG_LEASE_MS / 1000);
    }
    const taken = held(retry);
    expect(taken.session).toBeNull();
    // The "dead" process was only paused: it wakes and tries to finish. Fenced: nothing written.
    expect(await dead.turns.finish(stuck.turn, outcome('stale'))).toBe(false);
    expect(await live.turns.finish(taken.turn, outcome('fresh'))).toBe(true);
    expect(await live.turns.begin(CONVERSATION, 'm1', 30)).toEqual({ status: 'done', result: JSON.stringify([{ text: 'fresh' }]) });
    expect(held(await live.turns.begin(CONVERSATION, 'm2', 30)).session).toEqual({ said: 'fresh' });
  });

  it('skips the turn of a dead process in the conversation\'s line: the next message runs, and reads the last committed session', async () => {
    const dead = await startProcess();
    const live = await startProcess();
    const first = held(await live.turns.begin(CONVERSATION, 'm0', 30));
    await live.turns.finish(first.turn, outcome('committed'));
    held(await dead.turns.begin(CONVERSATION, 'm1', LONG_LEASE_MS / 1000));
    dead.die();
    // m2 waits behind the dead process's turn, which is skipped once its heartbeat key is gone.
    const next = held(await live.turns.begin(CONVERSATION, 'm2', 30));
    expect(next.waited).toBe(true);
    expect(next.session).toEqual({ said: 'committed' });
    expect(await live.turns.finish(next.turn, outcome('after'))).toBe(true);
  });

  it('leaves a live holder alone: a slow turn keeps its place and commits, the next message waits for it', async () => {
    const slow = await startProcess();
    const other = await startProcess();
    const turn = held(await slow.turns.begin(CONVERSATION, 'm1', 30));
    const waiting = other.turns.begin(CONVERSATION, 'm2', 30);
    // Longer than the dead-holder checks take, far shorter than the lease.
    await sleep(1_500);
    expect(await slow.turns.finish(turn.turn, outcome('slow but alive'))).toBe(true);
    const next = held(await waiting);
    expect(next.session).toEqual({ said: 'slow but alive' });
    await other.turns.finish(next.turn, outcome('next'));
  });

  it('the line\'s own run() skips a dead holder\'s turn too (agent replies, reminders)', async () => {
    const dead = await startProcess();
    const live = await startProcess();
    held(await dead.turns.begin(CONVERSATION, 'm1', LONG_LEASE_MS / 1000));
    dead.die();
    expect(await live.line.run(CONVERSATION, async () => 'ran')).toBe('ran');
  });
});
