// The embedded agent desk: hand-offs wait in a queue in this process. It stands in for Slack and
// DingTalk (a later adapter) so that `npm start` and the tests can hand off with nothing set up;
// agents of a real shop use a team-chat desk instead.

import type { ConversationRef } from '../../dialogs/messages.ts';
import type { AgentDesk, HandoffRequest } from '../../dialogs/ports.ts';

export interface QueuedHandoff {
  request: HandoffRequest;
  /** Buyer messages that arrived while waiting for a person. */
  buyerMessages: { text: string; at: number }[];
}

export class InMemoryAgentQueue implements AgentDesk {
  private readonly handoffs: QueuedHandoff[] = [];
  private static readonly LIMIT = 1000;

  async openHandoff(request: HandoffRequest): Promise<void> {
    this.handoffs.push({ request, buyerMessages: [] });
    // Bounded: the queue is a demo desk, not a database.
    if (this.handoffs.length > InMemoryAgentQueue.LIMIT) this.handoffs.shift();
  }

  async relayBuyerMessage(conversation: ConversationRef, text: string, at: number): Promise<void> {
    const open = this.waiting().filter((h) => sameConversation(h.request.conversation, conversation)).at(-1);
    open?.buyerMessages.push({ text, at });
  }

  /** Hand-offs in the order they were opened. */
  waiting(): readonly QueuedHandoff[] {
    return this.handoffs;
  }
}

function sameConversation(a: ConversationRef, b: ConversationRef): boolean {
  return a.channel === b.channel && a.conversationId === b.conversationId;
}
