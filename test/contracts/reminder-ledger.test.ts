// Contract of the ReminderLedger and the reminder counters, against memory and the shared Redis:
// every change is atomic, so concurrent callers (two processes) never both win.

import { describe, expect, it } from 'vitest';
import { MemoryReminderCounters } from '../../adapters/stores/memory/memory-reminder-counters.ts';
import { MemoryReminderLedger } from '../../adapters/stores/memory/memory-reminder-ledger.ts';
import { RedisReminderCounters } from '../../adapters/stores/redis/redis-reminder-counters.ts';
import { RedisReminderLedger } from '../../adapters/stores/redis/redis-reminder-ledger.ts';
import type { ReminderCounters } from '../../dialogs/reminders/reminder-counters.ts';
import type { ReminderLedger } from '../../dialogs/reminders/reminder-ledger.ts';
import { connectSharedRedis } from '../support/redis-fixtures.ts';
import { elapseRedisTtls, manualClock } from '../support/store-test-kit.ts';

interface Fixture {
  ledger: ReminderLedger;
  /** The same records seen from another process. */
  other: ReminderLedger;
  counters: ReminderCounters;
  otherCounters: ReminderCounters;
  elapse(seconds: number): Promise<void>;
  close(): Promise<void>;
}

const implementations: [string, () => Promise<Fixture>][] = [
  [
    'memory',
    async () => {
      const clock = manualClock();
      const ledger = new MemoryReminderLedger(clock);
      const counters = new MemoryReminderCounters();
      return { ledger, other: ledger, counters, otherCounters: counters, elapse: async (s) => clock.advance(s * 1000), close: async () => {} };
    },
  ],
  [
    'redis',
    async () => {
      const redis = await connectSharedRedis('reminders');
      const another = await redis.connectAnother();
      return {
        ledger: new RedisReminderLedger({ client: redis.client, prefix: redis.prefix }),
        other: new RedisReminderLedger({ client: another, prefix: redis.prefix }),
        counters: new RedisReminderCounters(redis.client, redis.prefix),
        otherCounters: new RedisReminderCounters(another, redis.prefix),
        elapse: (s) => elapseRedisTtls(redis.client, redis.prefix, s),
        close: () => redis.close(),
      };
    },
  ],
];

const conversation = { channel: 'webchat', conversationId: 'c-1', buyerId: 'b-1' };
const KEEP = 3600;

describe.each(implementations)('ReminderLedger contract: %s', (_name, setUp) => {
  it('opens an order once; a repeat gets the record untouched', async () => {
    const f = await setUp();
    try {
      expect(await f.ledger.open('O1', conversation, 1000, KEEP)).toEqual({
        created: true,
        record: { orderId: 'O1', status: 'unpaid', conversation, createdAt: 1000, sent: 0 },
      });
      const again = await f.other.open('O1', { ...conversation, conversationId: 'c-2' }, 2000, KEEP);
      expect(again.created).toBe(false);
      expect(again.record.conversation).toEqual(conversation);
      expect(again.record.createdAt).toBe(1000);
    } finally {
      await f.close();
    }
  });

  it('closes once, first status wins, and an order closed before it was opened stays closed', async () => {
    const f = await setUp();
    try {
      await f.ledger.open('O1', conversation, 1000, KEEP);
      const first = await f.ledger.close('O1', 'paid', 5000, KEEP);
      expect(first.changed).toBe(true);
      expect(first.before).toMatchObject({ status: 'unpaid', sent: 0 });
      const second = await f.other.close('O1', 'cancelled', 6000, KEEP);
      expect(second).toMatchObject({ changed: false, before: { status: 'paid', closedAt: 5000 } });

      expect(await f.ledger.close('O2', 'cancelled', 7000, KEEP)).toEqual({ changed: true, before: null });
      const late = await f.other.open('O2', conversation, 1000, KEEP);
      expect(late).toMatchObject({ created: false, record: { status: 'cancelled', sent: 0 } });
    } finally {
      await f.close();
    }
  });

  it('claims each reminder number once, in order, only while unpaid; a release gives it back', async () => {
    const f = await setUp();
    try {
      await f.ledger.open('O1', conversation, 1000, KEEP);
      expect(await f.ledger.claimReminder('O1', 2, 10)).toBe(false); // 1 first
      const racing = await Promise.all([f.ledger.claimReminder('O1', 1, 10), f.other.claimReminder('O1', 1, 11)]);
      expect(racing.filter(Boolean)).toHaveLength(1);
      const claimed = (await f.ledger.get('O1'))!;
      expect(claimed.sent).toBe(1);
      await f.ledger.releaseReminder('O1', 1, null);
      expect(await f.ledger.get('O1')).toMatchObject({ sent: 0 });
      expect((await f.ledger.get('O1'))!.lastSentAt).toBeUndefined();
      expect(await f.other.claimReminder('O1', 1, 20)).toBe(true);
      expect(await f.other.claimReminder('O1', 2, 30)).toBe(true);
      await f.ledger.releaseReminder('O1', 1, null); // not the last claim: nothing changes
      expect(await f.ledger.get('O1')).toMatchObject({ sent: 2, lastSentAt: 30 });
      await f.ledger.close('O1', 'paid', 40, KEEP);
      expect(await f.ledger.claimReminder('O1', 3, 50)).toBe(false);
      expect(await f.ledger.claimReminder('unknown', 1, 50)).toBe(false);
    } finally {
      await f.close();
    }
  });

  it('forgets an order after keepSeconds', async () => {
    const f = await setUp();
    try {
      await f.ledger.open('O1', conversation, 1000, 60);
      await f.ledger.claimReminder('O1', 1, 10);
      await f.elapse(59);
      expect(await f.ledger.get('O1')).not.toBeNull();
      await f.elapse(2);
      expect(await f.ledger.get('O1')).toBeNull();
    } finally {
      await f.close();
    }
  });

  it('refuses order ids it cannot key', async () => {
    const f = await setUp();
    try {
      await expect(f.ledger.open('', conversation, 1, KEEP)).rejects.toThrow();
      await expect(f.ledger.get('x'.repeat(2000))).rejects.toThrow();
    } finally {
      await f.close();
    }
  });

  it('counts reminders and payments after them, shared between processes', async () => {
    const f = await setUp();
    try {
      expect(await f.counters.read()).toEqual({ remindersSent: 0, paidAfterReminder: 0 });
      await Promise.all([f.counters.increment('remindersSent'), f.otherCounters.increment('remindersSent'), f.counters.increment('paidAfterReminder')]);
      expect(await f.otherCounters.read()).toEqual({ remindersSent: 2, paidAfterReminder: 1 });
    } finally {
      await f.close();
    }
  });
});
