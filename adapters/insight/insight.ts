// What merchant insight is made of in a running Kefu: the counters' store, the recorder behind the
// event sink, Prometheus, the sentiment scorer, and the parts attached later (trainer, reminders'
// results, channels' token status). compose/insight.ts builds it from the configuration.

import type { InsightRecorder } from '../../dialogs/insight/insight-recorder.ts';
import type { InsightStore } from '../../dialogs/insight/insight-store.ts';
import type { ReminderResults } from '../../dialogs/insight/reminder-results.ts';
import type { RobotTrainer } from '../../dialogs/insight/robot-trainer.ts';
import type { EventSink } from '../../dialogs/ports.ts';
import type { ChannelTokenStatus } from './channel-token-status.ts';
import type { PrometheusMetrics } from './prometheus-metrics.ts';

export interface Insight {
  store: InsightStore;
  recorder: InsightRecorder;
  metrics: PrometheusMetrics;
  /** The event sink to give the conversation service: log + counters + Prometheus. */
  sink: EventSink;
  /** The engine's sentiment option. */
  sentiment: { score(text: string): number; handoffAtOrBelow: number | null; unlessIntents: readonly string[] };
  /** Set by composeKefu once flows can be reloaded. */
  trainer: RobotTrainer | null;
  /** Payment reminders' results, once that part is wired (see docs/insight.md, "Hooks"). */
  reminders: ReminderResults | null;
  /** Listeners told after each turn recorded in this process (the dashboard's live stream). */
  onRecorded: Set<() => void>;
  /** Each marketplace channel's token status, for /admin (added by the channels as they start). */
  channelTokens: Set<() => ChannelTokenStatus>;
  close(): Promise<void>;
}
