// The embedded event sink: each handled turn becomes a debug log line (with personal data masked
// by the logger). Live counters and the dashboard come with the merchant-insight adapter.

import type { EventSink, Logger, TurnEvent } from '../../dialogs/ports.ts';

export class LogEventSink implements EventSink {
  constructor(private readonly logger: Logger) {}

  record(event: TurnEvent): void {
    this.logger.debug({ event: { ...event, text: undefined, length: event.text.length } }, 'turn');
  }
}
