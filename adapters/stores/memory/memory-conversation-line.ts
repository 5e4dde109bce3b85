// The embedded ConversationLine: "one conversation, one line" inside one process.
// Each conversation with work running or waiting has a FIFO queue; a conversation with neither has
// no entry at all, so idle conversations cost nothing. Same rules as the Redis line: arrival order,
// one run at a time, the turn passes on when work settles (also on throw), a waiter not served within
// waitMs gets LineBusyError and leaves the queue, and a turn held longer than leaseMs is taken away
// (work that never settles must not lock a buyer out until the process restarts).

import { LineBusyError, type ConversationLine } from '../../../dialogs/ports.ts';
import { checkStoreKey, positiveMs } from '../store-input.ts';

export interface MemoryConversationLineOptions {
  /** How long a run may wait for its turn before it gives up with LineBusyError. Default 10000. */
  waitMs?: number;
  /** How long one run may hold the turn before the next in line goes ahead anyway. Default 30000. */
  leaseMs?: number;
}

interface Waiter {
  start(): void;
  timer: NodeJS.Timeout;
}

interface Line {
  /** The run now holding the turn, or null between runs. */
  turn: symbol | null;
  queue: Waiter[];
}

export class MemoryConversationLine implements ConversationLine {
  private readonly waitMs: number;
  private readonly leaseMs: number;
  private readonly lines = new Map<string, Line>();

  constructor(options: MemoryConversationLineOptions = {}) {
    this.waitMs = positiveMs(options.waitMs, 10_000, 'waitMs');
    this.leaseMs = positiveMs(options.leaseMs, 30_000, 'leaseMs');
  }

  /** Conversations with work running or waiting: idle ones are dropped. */
  get activeConversations(): number {
    return this.lines.size;
  }

  run<T>(conversationKey: string, work: () => Promise<T>): Promise<T> {
    try {
      checkStoreKey(conversationKey, 'conversationKey');
      if (typeof work !== 'function') throw new TypeError('work must be a function');
    } catch (error) {
      return Promise.reject(error);
    }
    let line = this.lines.get(conversationKey);
    if (line === undefined) {
      line = { turn: null, queue: [] };
      this.lines.set(conversationKey, line);
    }
    const theLine = line;

    return new Promise<T>((resolve, reject) => {
      const start = (): void => {
        const turn = Symbol('turn');
        theLine.turn = turn;
        const lease = setTimeout(() => this.handOn(conversationKey, theLine, turn), this.leaseMs);
        lease.unref();
        // The turn passes on before the caller hears the outcome, so a caller that sees its result
        // finds the line already moved on (as with Redis, where run() awaits the hand-on).
        const finish = (): void => {
          clearTimeout(lease);
          this.handOn(conversationKey, theLine, turn);
        };
        // new Promise(...) also catches a work function that throws before returning a promise.
        new Promise<T>((settle) => settle(work())).then(
          (value) => {
            finish();
            resolve(value);
          },
          (error: unknown) => {
            finish();
            reject(error);
          },
        );
      };

      if (theLine.turn === null && theLine.queue.length === 0) {
        start();
        return;
      }
      const waiter: Waiter = {
        start,
        timer: setTimeout(() => {
          const at = theLine.queue.indexOf(waiter);
          if (at >= 0) theLine.queue.splice(at, 1);
          this.dropIfIdle(conversationKey, theLine);
          reject(new LineBusyError(conversationKey));
        }, this.waitMs),
      };
      theLine.queue.push(waiter);
    });
  }

  /** Gives the turn to the next waiter, unless `turn` no longer holds it (its lease already ran out). */
  private handOn(conversationKey: string, line: Line, turn: symbol): void {
    if (line.turn !== turn) return;
    line.turn = null;
    const next = line.queue.shift();
    if (next === undefined) {
      this.dropIfIdle(conversationKey, line);
      return;
    }
    clearTimeout(next.timer);
    next.start();
  }

  private dropIfIdle(conversationKey: string, line: Line): void {
    if (line.turn === null && line.queue.length === 0 && this.lines.get(conversationKey) === line) {
      this.lines.delete(conversationKey);
    }
  }
}
