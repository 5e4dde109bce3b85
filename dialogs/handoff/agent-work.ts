// What an agent's work on a hand-off tells the merchant's figures (/admin, docs/insight.md): how long
// the buyer waited for the first answer from a person, and how long the hand-off took until the
// agent closed it or gave it back to the bot. The hand-off core reports them; insight counts them.

import type { AgentRef } from './handoff-desk.ts';

export type AgentWork =
  /** The agent's first message to the buyer in this hand-off; waitedMs: since the hand-off opened. */
  | { kind: 'first_reply'; agent: AgentRef; at: number; waitedMs: number }
  /** The hand-off ended (closed or back to the bot) with this agent on it; tookMs: since it opened. */
  | { kind: 'handled'; agent: AgentRef; at: number; tookMs: number };
