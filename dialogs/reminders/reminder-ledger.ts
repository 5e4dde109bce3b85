// What Kefu remembers about each unpaid order it may remind a buyer of. Every change is one atomic
// step in the store, so two server processes (or a duplicate and its original, or events that
// arrive out of order) can never both win: the first "paid" or "cancelled" closes the order for
// good, an order opened after it stays closed, and each reminder number is claimed once.
// Implementations: adapters/stores/memory/memory-reminder-ledger.ts, adapters/stores/redis/redis-reminder-ledger.ts.

import type { ConversationRef } from '../messages.ts';

export type ReminderOrderStatus = 'unpaid' | 'paid' | 'cancelled';

export interface ReminderRecord {
  orderId: string;
  status: ReminderOrderStatus;
  /** Where reminders go; absent when the order was closed before Kefu heard it was created. */
  conversation?: ConversationRef;
  /** When the order was created (the created_unpaid event's time). */
  createdAt?: number;
  /** Reminders sent (claimed) so far. */
  sent: number;
  lastSentAt?: number;
  /** When it was paid or cancelled. */
  closedAt?: number;
}

export interface ReminderLedger {
  /**
   * Records an unpaid order unless the order is known already. Returns whether it was new and the
   * record as it stands (an existing one untouched: a duplicate, or an order already paid/cancelled).
   */
  open(orderId: string, conversation: ConversationRef, createdAt: number, keepSeconds: number): Promise<{ created: boolean; record: ReminderRecord }>;
  /**
   * Marks the order paid or cancelled. Only an order not closed yet changes (an unknown order is
   * recorded closed, so a created_unpaid arriving later is ignored). Returns the record before the
   * change (null when unknown) and whether this call closed it.
   */
  close(orderId: string, status: 'paid' | 'cancelled', at: number, keepSeconds: number): Promise<{ changed: boolean; before: ReminderRecord | null }>;
  /** Claims reminder number n (1, 2, …): true only while the order is unpaid and exactly n-1 were sent. */
  claimReminder(orderId: string, n: number, at: number): Promise<boolean>;
  /** Gives claim n back after its message could not be sent, so a retry can claim it again. */
  releaseReminder(orderId: string, n: number, previousSentAt: number | null): Promise<void>;
  get(orderId: string): Promise<ReminderRecord | null>;
}
