// Counters of payment reminders, for the shop's dashboard: how many reminders went out, and how
// many orders were paid within 24 hours after one (the 催付 conversion the seed story cares about).
// Kept in Redis when REDIS_URL is set (shared by every process, kept across restarts), in memory
// otherwise. Read them with readReminderCounters (compose/payment-reminders.ts).

export type ReminderCounterName = 'remindersSent' | 'paidAfterReminder';

export interface ReminderCounterValues {
  /** Reminder messages sent to buyers. */
  remindersSent: number;
  /** Orders paid within 24 h after a reminder (each order counted once). */
  paidAfterReminder: number;
}

export interface ReminderCounters {
  increment(name: ReminderCounterName): Promise<void>;
  read(): Promise<ReminderCounterValues>;
}
