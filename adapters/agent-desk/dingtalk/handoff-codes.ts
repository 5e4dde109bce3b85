// Short codes that tie agents' messages to hand-offs. A DingTalk group has no threads, so each
// hand-off card shows a code such as "#A7" and agents start their messages with it. Codes live in
// the session store (Redis in production), so every Kefu process reads the same ones; a code is
// kept while its hand-off may still be answered and then forgotten, so codes stay short.

import type { SessionStore } from '../../../dialogs/ports.ts';

export interface CodeEntry {
  /** The desk's key for the hand-off (the conversation key). */
  handoff: string;
  /** Group the card was posted in: a code is only valid in its own group. */
  openConversationId: string;
}

const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ'; // no I or O: they read as 1 and 0 on a phone

export class HandoffCodes {
  constructor(
    private readonly store: SessionStore,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
    private readonly random: () => number = Math.random,
  ) {}

  private codeKey(code: string): string {
    return `${this.prefix}code:${code}`;
  }

  private handoffKey(handoff: string): string {
    return `${this.prefix}handoff-code:${handoff}`;
  }

  /**
   * The hand-off's code, a new one when it has none. Tries short codes first (A1–Z99) and grows
   * when they are taken. Two processes picking the same free code at the same instant is possible
   * but needs the same random pick within one round trip; the later save wins and the first card's
   * code then names the later hand-off, which the agent sees on the answer.
   */
  async codeFor(handoff: string, openConversationId: string): Promise<string> {
    const existing = await this.store.load<string>(this.handoffKey(handoff));
    if (existing) {
      const entry = await this.store.load<CodeEntry>(this.codeKey(existing));
      if (entry?.handoff === handoff) return existing;
    }
    for (let attempt = 0; attempt < 40; attempt++) {
      const digits = attempt < 20 ? 99 : 999;
      const code = `${LETTERS[Math.floor(this.random() * LETTERS.length)]}${1 + Math.floor(this.random() * digits)}`;
      const taken = await this.store.load<CodeEntry>(this.codeKey(code));
      if (taken && taken.handoff !== handoff) continue;
      await this.store.save(this.codeKey(code), { handoff, openConversationId } satisfies CodeEntry, this.ttlSeconds);
      await this.store.save(this.handoffKey(handoff), code, this.ttlSeconds);
      return code;
    }
    throw new Error('no free hand-off code');
  }

  /** The code a hand-off already has, or null. */
  async codeForExisting(handoff: string): Promise<string | null> {
    return this.store.load<string>(this.handoffKey(handoff));
  }

  async lookup(code: string): Promise<CodeEntry | null> {
    return this.store.load<CodeEntry>(this.codeKey(code));
  }

  /** Keeps a code alive while its hand-off is in use. */
  async touch(code: string, entry: CodeEntry): Promise<void> {
    await this.store.save(this.codeKey(code), entry, this.ttlSeconds);
    await this.store.save(this.handoffKey(entry.handoff), code, this.ttlSeconds);
  }
}
