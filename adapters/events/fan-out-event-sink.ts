// Hands each turn to several sinks (the log, the insight counters, Prometheus). One sink that
// throws does not keep the others from recording, and never reaches the buyer's turn.

import type { EventSink, Logger, TurnEvent } from '../../dialogs/ports.ts';

export class FanOutEventSink implements EventSink {
  constructor(
    private readonly sinks: readonly EventSink[],
    private readonly logger: Logger,
  ) {}

  record(event: TurnEvent): void {
    for (const sink of this.sinks) {
      try {
        sink.record(event);
      } catch (error) {
        this.logger.warn({ err: (error as Error).message }, 'an event sink failed');
      }
    }
  }
}
