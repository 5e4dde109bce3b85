// Where a conversation's session is read and written, for everything that touches one outside
// the engine: the buyer's turn, an agent's reply, a hand-off ending, a reminder's language. One
// place names the key, replaces what cannot be read, and appends to the transcript, so the three
// callers cannot drift apart (one of them once skipped the transcript's length cut).

import { appendDeliveredTurns, appendTurns, isSession, type Session } from './engine/session.ts';
import type { ConversationRef, Turn } from './messages.ts';
import type { Logger, SessionStore } from './ports.ts';

/** The key of everything stored per conversation: "<channel>:<conversation id>". */
export function conversationKey(conversation: ConversationRef): string {
  return `${conversation.channel}:${conversation.conversationId}`;
}

/** The stored session; null when there is none, or when what is stored is not a session (logged: it gets replaced). */
export async function loadSession(store: SessionStore, conversation: ConversationRef, logger: Logger): Promise<Session | null> {
  return sessionOrNull(await store.load<unknown>(conversationKey(conversation)), conversation, logger);
}

/** What was stored as a session (read by a TurnStore's begin), checked as loadSession checks it. */
export function sessionOrNull(stored: unknown, conversation: ConversationRef, logger: Logger): Session | null {
  if (stored === null || stored === undefined) return null;
  if (isSession(stored)) return stored;
  logger.warn({ conversation: conversationKey(conversation) }, 'unreadable session set aside; a fresh one takes its place');
  return null;
}

export interface ConversationSessionsOptions {
  store: SessionStore;
  /** A session is forgotten this long after its last save. */
  ttlSeconds: number;
  /** How many turns of transcript a session keeps (for hand-off cards). */
  lastTurns: number;
  logger: Logger;
}

export class ConversationSessions {
  constructor(private readonly options: ConversationSessionsOptions) {}

  load(conversation: ConversationRef): Promise<Session | null> {
    return loadSession(this.options.store, conversation, this.options.logger);
  }

  /** A session read along with the turn's claim (TurnStore.begin): checked as load() checks it. */
  read(conversation: ConversationRef, stored: unknown): Session | null {
    return sessionOrNull(stored, conversation, this.options.logger);
  }

  async save(conversation: ConversationRef, session: Session): Promise<void> {
    await this.options.store.save(conversationKey(conversation), session, this.options.ttlSeconds);
  }

  /**
   * Adds turns to the stored transcript (cut and trimmed as the engine does); nothing when there is
   * no session. With `deliveryId` (the send they belong to), a send already written adds nothing:
   * a desk event or reminder retried after a crash between writing and sending is not written twice.
   * The caller holds the conversation's line, so no buyer turn saves the session in between.
   */
  async appendTurns(conversation: ConversationRef, turns: Turn[], deliveryId?: string): Promise<void> {
    const session = await this.load(conversation);
    if (!session) return;
    if (deliveryId === undefined) appendTurns(session, turns, this.options.lastTurns);
    else if (!appendDeliveredTurns(session, turns, this.options.lastTurns, deliveryId)) return;
    await this.save(conversation, session);
  }
}
