// Issue 13: at most two Redis round trips per web chat message before its answer. Runs the bench's
// counter (bench/redis-round-trips.ts: a relay in front of a private redis-server that counts the
// client's writes while each request is in flight) on a few conversations of the 5-turn dialogue,
// first messages included (their hand-off lookup rides along with the turn's start).

import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('Redis round trips per web chat message', () => {
  it('is at most two before the answer: the turn\'s start (with the rate-limit counts) and its finish', { timeout: 120_000 }, async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/redis-round-trips.ts', '--conversations', '3'], { cwd: ROOT, timeout: 110_000 });
    const before = Number(/round trips per message, before the answer: ([\d.]+)/.exec(stdout)?.[1]);
    expect(before, stdout).toBeGreaterThan(0);
    expect(before, stdout).toBeLessThanOrEqual(2);
  });
});
