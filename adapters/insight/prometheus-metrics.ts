// Prometheus metrics (prom-client): per-process counters of turns and hand-offs, plus Node's
// default process metrics. Prometheus sums them across processes; the per-minute history and
// the dashboard come from the shared insight store instead. Label values are bounded: intents
// come from the flows (unknown ones are "other"), outcomes, languages and reasons are fixed sets.

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EventSink, TurnEvent } from '../../dialogs/ports.ts';
import { sentimentLabel } from '../../dialogs/insight/sentiment.ts';

export class PrometheusMetrics implements EventSink {
  readonly registry = new Registry();
  private readonly turns: Counter<'intent' | 'outcome' | 'language' | 'channel'>;
  private readonly handoffs: Counter<'reason'>;
  private readonly sentiment: Counter<'label'>;
  private readonly confidence: Histogram;

  /** `knownIntents` bounds the intent label; channels are the ones Kefu serves. */
  constructor(private readonly knownIntents: () => ReadonlySet<string>) {
    collectDefaultMetrics({ register: this.registry, prefix: 'kefu_' });
    this.turns = new Counter({ name: 'kefu_turns_total', help: 'Buyer messages handled', labelNames: ['intent', 'outcome', 'language', 'channel'], registers: [this.registry] });
    this.handoffs = new Counter({ name: 'kefu_handoffs_total', help: 'Conversations handed to a person, by reason', labelNames: ['reason'], registers: [this.registry] });
    this.sentiment = new Counter({ name: 'kefu_buyer_sentiment_total', help: 'Buyer messages by sentiment', labelNames: ['label'], registers: [this.registry] });
    this.confidence = new Histogram({ name: 'kefu_intent_confidence', help: 'Confidence of the recognised intent', buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1], registers: [this.registry] });
  }

  record(event: TurnEvent): void {
    const intent = event.intent === null ? 'none' : this.knownIntents().has(event.intent) ? event.intent : 'other';
    const channel = /^[a-z0-9_-]{1,32}$/.test(event.conversation.channel) ? event.conversation.channel : 'other';
    this.turns.inc({ intent, outcome: event.outcome, language: event.language, channel });
    if (event.handoffReason) this.handoffs.inc({ reason: event.handoffReason });
    if (event.sentiment !== undefined) this.sentiment.inc({ label: sentimentLabel(event.sentiment) });
    if (event.intent !== null) this.confidence.observe(event.confidence);
  }

  /**
   * Reports how full the in-memory stores are (sessions, mailboxes, delivery records) at every
   * scrape: entries held, and entries dropped to stay under their cap (oldest first).
   */
  watchMemoryStores(stores: Record<string, { readonly stats: { entries: number; evicted: number } }>): void {
    const names = Object.keys(stores);
    new Gauge({
      name: 'kefu_memory_store_entries',
      help: 'Entries held by an in-memory store (conversations for sessions and mailboxes, messages for the delivery ledger)',
      labelNames: ['store'],
      registers: [this.registry],
      collect() {
        for (const name of names) this.set({ store: name }, stores[name]!.stats.entries);
      },
    });
    new Counter({
      name: 'kefu_memory_store_evicted_total',
      help: 'Entries an in-memory store dropped, oldest first, to stay under its cap',
      labelNames: ['store'],
      registers: [this.registry],
      collect() {
        // The stores count their evictions themselves; the counter shows their running total.
        this.reset();
        for (const name of names) this.inc({ store: name }, stores[name]!.stats.evicted);
      },
    });
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
