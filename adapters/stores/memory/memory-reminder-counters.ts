// Reminder counters in this process's memory: lost on restart, not shared between processes.

import type { ReminderCounterName, ReminderCounters, ReminderCounterValues } from '../../../dialogs/reminders/reminder-counters.ts';

export class MemoryReminderCounters implements ReminderCounters {
  private readonly values: ReminderCounterValues = { remindersSent: 0, paidAfterReminder: 0 };

  async increment(name: ReminderCounterName): Promise<void> {
    this.values[name] += 1;
  }

  async read(): Promise<ReminderCounterValues> {
    return { ...this.values };
  }
}
