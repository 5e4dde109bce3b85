// The port through which payment reminders report what they recovered, for the results view.
// The payment-reminder part of Kefu implements it; until it is wired, results show "not connected".

export interface ReminderResults {
  /** Reminders sent in [from, to), and how many of their orders were paid within 24 h of one. */
  reminderRecovery(from: number, to: number): Promise<{ sent: number; paidWithin24h: number }>;
}
