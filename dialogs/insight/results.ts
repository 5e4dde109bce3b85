// The numbers a merchant judges the bot by, over the last 24 hours (hour buckets), and the
// per-minute series the dashboard's live chart draws.

import { bucketOf, type InsightStore } from './insight-store.ts';
import type { ReminderResults } from './reminder-results.ts';
import { DAY_MS } from './insight-recorder.ts';

export interface Results {
  /** Conversations settled in the window (gone quiet): resolved + handed off + abandoned. */
  conversations: number;
  resolved: number;
  handedOff: number;
  abandoned: number;
  /** resolved ÷ conversations (null with no conversations). */
  resolutionRate: number | null;
  handoffRate: number | null;
  /** Share of settled conversations handed off for each reason. */
  handoffRateByReason: Record<string, number>;
  /** Pre-sale conversations, and those the bot settled by itself. */
  presaleConversations: number;
  presaleResolvedByBot: number;
  orders: number;
  /** Orders by a buyer who had a pre-sale conversation with the bot in the 24 h before. */
  ordersInfluenced: number;
  /** Payment reminders; null when the reminders part is not connected. */
  reminders: { sent: number; paidWithin24h: number; recoveryRate: number | null } | null;
  /** Conversations the bot settled ÷ what one agent handles in a day. */
  agentEquivalents: number;
  /** Conversations one agent handles a day: measured from the agents' work, or insight.agentDailyCapacity. */
  agentDailyCapacity: number;
  agentRateMeasured: boolean;
}

const ratio = (part: number, whole: number): number | null => (whole > 0 ? Math.round((part / whole) * 1000) / 1000 : null);

export async function computeResults(
  store: InsightStore,
  now: number,
  options: { agentDailyCapacity: number; reminders?: ReminderResults | null; measuredDailyRate?: number | null },
): Promise<Results> {
  const last = bucketOf(now, 'hour');
  const records = await store.read('counts', 'hour', last - 23, last);
  const total = (field: string): number => records.reduce((sum, r) => sum + (r[field] ?? 0), 0);
  const resolved = total('conv:resolved');
  const handedOff = total('conv:handed_off');
  const abandoned = total('conv:abandoned');
  const conversations = resolved + handedOff + abandoned;
  const byReason: Record<string, number> = {};
  for (const record of records) {
    for (const [field, value] of Object.entries(record)) {
      if (field.startsWith('conv:handed_off:')) byReason[field.slice(16)] = (byReason[field.slice(16)] ?? 0) + value;
    }
  }
  let reminders: Results['reminders'] = null;
  if (options.reminders) {
    const r = await options.reminders.reminderRecovery(now - DAY_MS, now);
    reminders = { ...r, recoveryRate: ratio(r.paidWithin24h, r.sent) };
  }
  return {
    conversations,
    resolved,
    handedOff,
    abandoned,
    resolutionRate: ratio(resolved, conversations),
    handoffRate: ratio(handedOff, conversations),
    handoffRateByReason: Object.fromEntries(Object.entries(byReason).sort().map(([k, v]) => [k, ratio(v, conversations) ?? 0])),
    presaleConversations: total('conv:presale'),
    presaleResolvedByBot: total('conv:presale_resolved'),
    orders: total('orders:total'),
    ordersInfluenced: total('orders:influenced'),
    reminders,
    // The agents' own measured rate once there is enough of it (agent-figures.ts), else the setting.
    agentEquivalents: Math.round((resolved / (options.measuredDailyRate ?? options.agentDailyCapacity)) * 100) / 100,
    agentDailyCapacity: options.measuredDailyRate ?? options.agentDailyCapacity,
    agentRateMeasured: options.measuredDailyRate != null,
  };
}

export interface MinuteSeries {
  /** Start of each minute, seconds since the epoch (uPlot's x axis). */
  minutes: number[];
  turns: number[];
  notUnderstood: number[];
  handoffs: number[];
  negative: number[];
}

/** Per-minute counts of the last `minutes` minutes, the current one included. */
export async function minuteSeries(store: InsightStore, now: number, minutes = 60): Promise<MinuteSeries> {
  const last = bucketOf(now, 'minute');
  const records = await store.read('counts', 'minute', last - minutes + 1, last);
  return {
    minutes: records.map((_, i) => (last - minutes + 1 + i) * 60),
    turns: records.map((r) => r.turns ?? 0),
    notUnderstood: records.map((r) => r['outcome:not_understood'] ?? 0),
    handoffs: records.map((r) => r['outcome:handed_off'] ?? 0),
    negative: records.map((r) => r['sentiment:negative'] ?? 0),
  };
}
