// The embedded ReminderLedger: records in this process's memory (as JSON text, like Redis), expiring
// on the injected clock. JavaScript runs each method to its first await without interruption, and
// these methods never await, so each change is atomic as the contract requires.

import type { ConversationRef } from '../../../dialogs/messages.ts';
import type { Clock } from '../../../dialogs/ports.ts';
import type { ReminderLedger, ReminderRecord } from '../../../dialogs/reminders/reminder-ledger.ts';
import { checkStoreKey, ttlWholeSeconds } from '../store-input.ts';
import { ExpiringMap } from './expiring-map.ts';

export class MemoryReminderLedger implements ReminderLedger {
  private readonly records: ExpiringMap<string>;
  /** Each record's expiry, so updates keep it (as Redis keeps a key's TTL on HSET). */
  private readonly expiries = new Map<string, number>();

  constructor(private readonly clock: Clock) {
    this.records = new ExpiringMap<string>(clock);
  }

  async open(orderId: string, conversation: ConversationRef, createdAt: number, keepSeconds: number) {
    checkStoreKey(orderId, 'orderId');
    const existing = this.read(orderId);
    if (existing) return { created: false, record: existing };
    const record: ReminderRecord = { orderId, status: 'unpaid', conversation, createdAt, sent: 0 };
    this.write(record, ttlWholeSeconds(keepSeconds, 'keepSeconds'));
    return { created: true, record };
  }

  async close(orderId: string, status: 'paid' | 'cancelled', at: number, keepSeconds: number) {
    checkStoreKey(orderId, 'orderId');
    const before = this.read(orderId);
    if (before && before.status !== 'unpaid') return { changed: false, before };
    const after: ReminderRecord = { ...(before ?? { orderId, sent: 0 }), status, closedAt: at };
    this.write(after, ttlWholeSeconds(keepSeconds, 'keepSeconds'));
    return { changed: true, before };
  }

  async claimReminder(orderId: string, n: number, at: number): Promise<boolean> {
    const record = this.read(orderId);
    if (!record || record.status !== 'unpaid' || record.sent !== n - 1) return false;
    this.update({ ...record, sent: n, lastSentAt: at });
    return true;
  }

  async releaseReminder(orderId: string, n: number, previousSentAt: number | null): Promise<void> {
    const record = this.read(orderId);
    if (!record || record.sent !== n) return;
    const { lastSentAt: _dropped, ...rest } = record;
    this.update({ ...rest, sent: n - 1, ...(previousSentAt === null ? {} : { lastSentAt: previousSentAt }) });
  }

  async get(orderId: string): Promise<ReminderRecord | null> {
    checkStoreKey(orderId, 'orderId');
    return this.read(orderId);
  }

  private read(orderId: string): ReminderRecord | null {
    const json = this.records.get(orderId);
    return json === undefined ? null : (JSON.parse(json) as ReminderRecord);
  }

  private write(record: ReminderRecord, keepSeconds: number): void {
    const ttlMs = keepSeconds * 1000;
    this.expiries.set(record.orderId, this.clock.now() + ttlMs);
    this.records.set(record.orderId, JSON.stringify(record), ttlMs);
  }

  private update(record: ReminderRecord): void {
    const expiresAt = this.expiries.get(record.orderId) ?? this.clock.now();
    this.records.set(record.orderId, JSON.stringify(record), Math.max(1, expiresAt - this.clock.now()));
  }
}
