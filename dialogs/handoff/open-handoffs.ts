// The list of hand-offs that are not over, for Kefu's own agent desk (/desk): which conversations
// wait for a person or are with one, across every Kefu process. One small list in the session
// store (Redis in production), changed one writer at a time through the conversation line under
// its own key, so two processes opening hand-offs at once both land in it.
//
// The list only points at hand-off records (handoff-record.ts); what a hand-off looks like now
// (status, who claimed it) is read from its record, so the list never disagrees with it.

import type { ConversationRef } from '../messages.ts';
import type { ConversationLine, SessionStore } from '../ports.ts';

export interface OpenHandoffEntry {
  handoffId: string;
  conversation: ConversationRef;
  queue: string;
  openedAt: number;
}

const LIST_KEY = 'handoff-open-list';
const LINE_KEY = 'handoff-open-list';
/** A desk shows this many at most; the oldest leave the list first (their records stay). */
export const MAX_OPEN_HANDOFFS = 1000;

export class OpenHandoffs {
  constructor(
    private readonly sessions: SessionStore,
    private readonly line: ConversationLine,
    private readonly keepSeconds: number,
  ) {}

  async add(entry: OpenHandoffEntry): Promise<void> {
    await this.change((list) => {
      const next = list.filter((e) => e.handoffId !== entry.handoffId);
      next.push(entry);
      return next.length > MAX_OPEN_HANDOFFS ? next.slice(next.length - MAX_OPEN_HANDOFFS) : next;
    });
  }

  async remove(handoffIds: readonly string[]): Promise<void> {
    if (handoffIds.length === 0) return;
    const gone = new Set(handoffIds);
    await this.change((list) => list.filter((e) => !gone.has(e.handoffId)));
  }

  /** Oldest first. */
  async list(): Promise<OpenHandoffEntry[]> {
    return readList(await this.sessions.load<unknown>(LIST_KEY));
  }

  private async change(edit: (list: OpenHandoffEntry[]) => OpenHandoffEntry[]): Promise<void> {
    await this.line.run(LINE_KEY, async () => {
      const list = readList(await this.sessions.load<unknown>(LIST_KEY));
      await this.sessions.save(LIST_KEY, edit(list), this.keepSeconds);
    });
  }
}

function readList(value: unknown): OpenHandoffEntry[] {
  if (!Array.isArray(value)) return [];
  return value.filter((e): e is OpenHandoffEntry => typeof e?.handoffId === 'string' && typeof e?.conversation?.conversationId === 'string');
}
