// The embedded agent desk: hand-offs wait in a queue in this process. It stands in for Slack and
// DingTalk so that `npm start` and the tests can hand off with nothing set up; agents of a real
// shop use a team-chat desk instead. It is both the old-style AgentDesk (used directly by tests of
// the conversation service) and a HandoffDesk behind the hand-off core.

import type { HandoffCard, HandoffDesk, HandoffThread, StatusUpdate, BuyerMessageLine } from '../../dialogs/handoff/handoff-desk.ts';
import type { ConversationRef } from '../../dialogs/messages.ts';
import type { AgentDesk, HandoffRequest } from '../../dialogs/ports.ts';

export interface QueuedHandoff {
  request: HandoffRequest;
  /** Buyer messages that arrived while waiting for a person. */
  buyerMessages: { text: string; at: number }[];
  /** The card and its thread, when opened through the hand-off core. */
  card?: HandoffCard;
  thread?: HandoffThread;
  /** Status lines posted in the thread, oldest first. */
  statusLines?: StatusUpdate[];
}

export class InMemoryAgentQueue implements AgentDesk, HandoffDesk {
  readonly kind = 'memory';
  private readonly handoffs: QueuedHandoff[] = [];
  private static readonly LIMIT = 1000;

  async openHandoff(request: HandoffRequest): Promise<void> {
    this.push({ request, buyerMessages: [] });
  }

  async relayBuyerMessage(conversation: ConversationRef, text: string, at: number): Promise<void> {
    const open = this.waiting().filter((h) => sameConversation(h.request.conversation, conversation)).at(-1);
    open?.buyerMessages.push({ text, at });
  }

  async openThread(card: HandoffCard): Promise<HandoffThread> {
    const thread: HandoffThread = { desk: this.kind, threadId: card.handoffId };
    const request: HandoffRequest = {
      conversation: card.conversation,
      buyerName: card.buyerLabel,
      language: card.language,
      reason: card.reason,
      ...(card.detail ? { detail: card.detail } : {}),
      ...(card.flow ? { flow: card.flow } : {}),
      ...(card.orderId ? { orderId: card.orderId } : {}),
      ...(card.productId ? { productId: card.productId } : {}),
      lastTurns: card.lastTurns,
      at: card.openedAt,
    };
    this.push({ request, buyerMessages: [], card: structuredClone(card), thread, statusLines: [] });
    return thread;
  }

  async postBuyerMessage(thread: HandoffThread, message: BuyerMessageLine): Promise<void> {
    this.byThread(thread)?.buyerMessages.push({ text: message.text, at: message.at });
  }

  async postStatus(thread: HandoffThread, update: StatusUpdate): Promise<void> {
    const handoff = this.byThread(thread);
    if (!handoff) return;
    handoff.card = structuredClone(update.card);
    handoff.statusLines?.push(structuredClone(update));
  }

  /** Hand-offs in the order they were opened. */
  waiting(): readonly QueuedHandoff[] {
    return this.handoffs;
  }

  private byThread(thread: HandoffThread): QueuedHandoff | undefined {
    return this.handoffs.find((h) => h.thread?.threadId === thread.threadId);
  }

  private push(handoff: QueuedHandoff): void {
    this.handoffs.push(handoff);
    // Bounded: the queue is a demo desk, not a database.
    if (this.handoffs.length > InMemoryAgentQueue.LIMIT) this.handoffs.shift();
  }
}

function sameConversation(a: ConversationRef, b: ConversationRef): boolean {
  return a.channel === b.channel && a.conversationId === b.conversationId;
}
