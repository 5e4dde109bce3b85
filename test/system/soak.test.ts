// The short soak run inside `npm test` (the long one is `npm run soak`, soak/soak.ts): two Kefu
// worker processes on a real local Redis Cluster, web chat and Lazada buyers, one worker SIGKILLed
// and a Redis master SIGKILLed (its replica takes over) mid-run, both started again. Nothing may be
// lost or answered out of order, and no message may be handled twice. Lazada bubbles sent twice by
// a worker killed between a send and its record are counted apart: docs/scaling.md says where that
// stands.

import { describe, expect, it } from 'vitest';
import { runSoak } from '../../soak/soak.ts';

describe('soak: worker crash and Redis failover under load', () => {
  it('loses nothing, handles nothing twice and keeps every conversation in order', async () => {
    const result = await runSoak({ workers: 2, conversations: 6, turns: 4, chaos: true });
    expect(result.problems.filter((problem) => !problem.startsWith('Lazada conversation'))).toEqual([]);
    expect(result).toMatchObject({ messages: 48, lost: 0, outOfOrder: 0 });
    expect(result.duplicated - result.duplicatedBubbles).toBe(0);
  }, 240_000);
});
