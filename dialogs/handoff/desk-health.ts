// Whether the team-chat desk (Slack, DingTalk) can be reached, as this process last saw it. A desk
// that fails does not stop Kefu: hand-offs wait in the store and are posted when it is back
// (desk-outbox.ts), and /healthz names the degraded part so an operator sees it.

import type { Clock } from '../ports.ts';

export interface DegradedPart {
  /** e.g. "agentDesk.slack" */
  part: string;
  /** ISO time of the first failure in this run of failures. */
  since: string;
  /** The last error, one line (never a token or a buyer's text: API error messages only). */
  reason: string;
}

export class DeskHealth {
  private failure: { since: number; reason: string } | null = null;

  constructor(
    /** The desk's kind, e.g. "slack". */
    readonly desk: string,
    private readonly clock: Clock,
  ) {}

  /** True while the last call to the desk failed: new lines go to the backlog at once, without a slow try. */
  get failing(): boolean {
    return this.failure !== null;
  }

  failed(error: unknown): void {
    const reason = String((error as Error)?.message ?? error).split('\n')[0]!.slice(0, 200);
    this.failure = { since: this.failure?.since ?? this.clock.now(), reason };
  }

  succeeded(): void {
    this.failure = null;
  }

  /** Null when the desk works. */
  degraded(): DegradedPart | null {
    if (!this.failure) return null;
    return { part: `agentDesk.${this.desk}`, since: new Date(this.failure.since).toISOString(), reason: this.failure.reason };
  }
}
