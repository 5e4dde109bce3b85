// Writes that must happen but failed because Redis was away: giving back a buyer message's claim,
// handing a conversation's turn on. Left undone, the claim or the turn stays held until its lease
// runs out (30 s by default), and every retry of the buyer's message is refused meanwhile: measured
// with Redis killed and back after 1.3 s (issue 13), conversations stayed blocked for the whole
// lease. Kept here, they are run again the moment the client is connected again, and every
// second until they succeed. They are safe to run late: each only changes what still belongs to
// the one who failed to write it (the claim's token, the line's ticket and epoch).

import type { Logger } from '../../../dialogs/ports.ts';
import type { RedisClient } from './redis-connection.ts';

/** More than this many waiting writes means Redis has been away for long; the oldest are left to their leases. */
const MAX_WAITING = 10_000;

export class WhenRedisIsBack {
  private readonly waiting = new Map<string, () => Promise<unknown>>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private running = false;

  constructor(
    client: RedisClient,
    private readonly logger: Logger,
    private readonly retryMs = 1000,
  ) {
    client.on('ready', () => void this.runAll());
  }

  /** Runs `write` again when Redis is back; a later write under the same key replaces it. */
  later(key: string, write: () => Promise<unknown>): void {
    if (this.waiting.size >= MAX_WAITING && !this.waiting.has(key)) {
      const oldest = this.waiting.keys().next().value;
      if (oldest !== undefined) this.waiting.delete(oldest);
    }
    this.waiting.set(key, write);
    this.timer ??= setInterval(() => void this.runAll(), this.retryMs);
    this.timer.unref?.();
  }

  /** How many writes wait (tests, health). */
  get size(): number {
    return this.waiting.size;
  }

  private async runAll(): Promise<void> {
    if (this.running || this.waiting.size === 0) return;
    this.running = true;
    try {
      for (const [key, write] of [...this.waiting]) {
        try {
          await write();
          if (this.waiting.get(key) === write) this.waiting.delete(key);
        } catch {
          // Still away: the next 'ready' or tick tries again.
          return;
        }
      }
      if (this.waiting.size === 0) this.logger.info('Redis is back: claims and turns held during the outage were given back');
    } finally {
      this.running = false;
      if (this.waiting.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    }
  }
}
