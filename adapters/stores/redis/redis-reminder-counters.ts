// Reminder counters in one Redis hash, "<prefix>reminders:counters", shared by every process and
// kept across restarts (no expiry: they are the shop's running totals).

import type { RedisClient } from './redis-connection.ts';
import type { ReminderCounterName, ReminderCounters, ReminderCounterValues } from '../../../dialogs/reminders/reminder-counters.ts';

export class RedisReminderCounters implements ReminderCounters {
  private readonly key: string;

  constructor(private readonly client: RedisClient, prefix = 'kefu:') {
    this.key = `${prefix}reminders:counters`;
  }

  async increment(name: ReminderCounterName): Promise<void> {
    await this.client.hincrby(this.key, name, 1);
  }

  async read(): Promise<ReminderCounterValues> {
    const stored = await this.client.hgetall(this.key);
    const count = (name: ReminderCounterName): number => {
      const value = Number(stored[name] ?? 0);
      return Number.isSafeInteger(value) && value >= 0 ? value : 0;
    };
    return { remindersSent: count('remindersSent'), paidAfterReminder: count('paidAfterReminder') };
  }
}
