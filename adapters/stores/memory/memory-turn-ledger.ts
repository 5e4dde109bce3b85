// The embedded TurnLedger: claims and answers of buyers' messages in this process, with the session
// written through the process's SessionStore. One process has no crash to survive between the two
// writes (they run without a pause between them), so the commit is the token check, the answer and
// the session, in that order; the token still fences a claim that lapsed while its turn ran.

import { randomUUID } from 'node:crypto';
import { systemClock, type Clock, type SessionStore, type TurnClaim, type TurnCommit, type TurnLedger } from '../../../dialogs/ports.ts';
import { checkStoreKey, ttlWholeSeconds } from '../store-input.ts';
import { ExpiringMap, type MemoryStoreStats } from './expiring-map.ts';

export interface MemoryTurnLedgerOptions {
  /** Where sessions live (the same store the rest of Kefu reads them from). */
  sessions: SessionStore;
  clock?: Clock;
  /** Most message records kept; past it the one written longest ago goes (default: no cap). */
  maxEntries?: number;
}

type Entry = { state: 'pending'; token: string } | { state: 'done'; result: string };

export class MemoryTurnLedger implements TurnLedger {
  private readonly entries: ExpiringMap<Entry>;

  constructor(private readonly options: MemoryTurnLedgerOptions) {
    this.entries = new ExpiringMap(options.clock ?? systemClock, options.maxEntries);
  }

  get stats(): MemoryStoreStats {
    return this.entries.stats;
  }

  async claim(conversationKey: string, messageId: string, claimSeconds: number): Promise<TurnClaim> {
    const key = entryKey(conversationKey, messageId);
    const seconds = ttlWholeSeconds(claimSeconds, 'claimSeconds');
    const entry = this.entries.get(key);
    if (entry === undefined) {
      const token = randomUUID();
      this.entries.set(key, { state: 'pending', token }, seconds * 1000);
      return { status: 'new', token };
    }
    return entry.state === 'done' ? { status: 'done', result: entry.result } : { status: 'in_progress' };
  }

  async commit(turn: TurnCommit): Promise<boolean> {
    const key = entryKey(turn.conversationKey, turn.messageId);
    if (typeof turn.result !== 'string') throw new TypeError('result must be a string');
    const keep = ttlWholeSeconds(turn.keepSeconds, 'keepSeconds');
    const entry = this.entries.get(key);
    if (entry?.state !== 'pending' || entry.token !== turn.token) return false;
    await this.options.sessions.save(turn.conversationKey, turn.session, turn.sessionTtlSeconds);
    this.entries.set(key, { state: 'done', result: turn.result }, keep * 1000);
    return true;
  }

  async release(conversationKey: string, messageId: string, token: string): Promise<void> {
    const key = entryKey(conversationKey, messageId);
    const entry = this.entries.get(key);
    if (entry?.state === 'pending' && entry.token === token) this.entries.delete(key);
  }
}

function entryKey(conversationKey: string, messageId: string): string {
  checkStoreKey(conversationKey, 'conversationKey');
  checkStoreKey(messageId, 'messageId');
  return `${conversationKey}\u0000${messageId}`;
}
