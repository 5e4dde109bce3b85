// The agent-desk port, inbound side: what a desk adapter reports when an agent acts in a
// hand-off's thread. Every desk (Slack, DingTalk, …) turns its platform's events into these and
// hands them to `AgentEventHandler.handleAgentEvent` (implemented by HandoffService); the core
// decides what happens and answers with a result the adapter may show to the agent.
//
// Adapters must not report the desk's own bot posts (that would be an echo loop) and must give
// each event the platform's own event id: a redelivered event is handled once.

import type { AgentRef, HandoffThread } from './handoff-desk.ts';

interface AgentEventBase {
  /** The platform's id of this event (Slack event_id or action_ts, DingTalk msgId): dedupe key. */
  eventId: string;
  thread: HandoffThread;
  agent: AgentRef;
  /** Milliseconds since the epoch when the platform saw it. */
  at: number;
  /**
   * Only the agent who claimed the hand-off may act on it once it is claimed (Kefu's own desk,
   * where each agent signs in). Team chats leave it out: there the whole thread is the team.
   */
  ownerOnly?: true;
}

export type AgentEvent =
  /** The agent pressed Claim. */
  | (AgentEventBase & { kind: 'claim' })
  /**
   * The agent wrote in the thread. Text starting with the note marker (config handoff.noteMarker,
   * "//" by default) stays internal; anything else reaches the buyer once the hand-off is claimed.
   */
  | (AgentEventBase & { kind: 'message'; text: string; /** The desk keeps notes apart: never read the marker. */ noNoteMarker?: true })
  /** The agent pressed Back to bot; the bot may resume a named flow. */
  | (AgentEventBase & { kind: 'back_to_bot'; resumeFlow?: string })
  /** The agent pressed Close: done, the bot takes the conversation back. */
  | (AgentEventBase & { kind: 'close' })
  /** The agent moved the hand-off to another queue: it waits there for that queue's agents. */
  | (AgentEventBase & { kind: 'transfer'; queue: string })
  /**
   * The agent handed the hand-off to a named colleague of the same desk: it waits for them (on
   * Kefu's own desk only they may claim it), unclaimed again. The desk checks the colleague exists.
   */
  | (AgentEventBase & { kind: 'assign'; to: AgentRef });

export type AgentEventKind = AgentEvent['kind'];

/**
 * What came of an agent's event. The rejected ones carry `notice`: one English sentence the
 * adapter shows the agent (Slack: an ephemeral message or a thread line).
 */
export type AgentEventResult =
  | { status: 'claimed' }
  /** The agent's message was sent to the buyer. */
  | { status: 'sent' }
  /** The message started with the note marker: kept in the thread, not sent. */
  | { status: 'note' }
  | { status: 'back_to_bot' }
  | { status: 'closed' }
  /** Moved to another queue, unclaimed again. */
  | { status: 'transferred'; queue: string }
  /** Handed to a named colleague: it waits for them. */
  | { status: 'assigned'; to: AgentRef }
  /** Handed to oneself: nothing done. */
  | { status: 'assign_to_self'; notice: string }
  /** Claim pressed (on Kefu's own desk) while the hand-off waits for a named colleague. */
  | { status: 'assigned_to_other'; to: AgentRef; notice: string }
  /** Transfer to a queue the shop's routing does not name. */
  | { status: 'unknown_queue'; notice: string }
  /** The same event id was handled before: nothing done again. */
  | { status: 'duplicate' }
  /** A reply before anyone claimed the hand-off: not sent. */
  | { status: 'not_claimed'; notice: string }
  /** Claim pressed when someone else has it. */
  | { status: 'already_claimed'; by: AgentRef; notice: string }
  /** The hand-off is over (closed or back to the bot): nothing reaches the buyer. */
  | { status: 'ended'; notice: string }
  /** The buyer's channel cannot send messages later (it only answers requests): not sent. */
  | { status: 'undeliverable'; notice: string }
  /** The thread is not a hand-off Kefu knows (too old, or not Kefu's). */
  | { status: 'unknown_thread'; notice: string };

export interface AgentEventHandler {
  /**
   * Handles one agent event, once per event id, in line with the buyer's messages.
   * Throws when storage or the buyer's channel fails: the adapter answers with an error so the
   * platform retries (the event id's claim is given back).
   */
  handleAgentEvent(event: AgentEvent): Promise<AgentEventResult>;
}
