// The work done after a marketplace webhook was acknowledged, for one queued buyer message:
//   a message the buyer took back (recalled) is dropped; a card alone (the buyer opened the chat
//   from a product or an order) is noted for the conversation's next message and answered with
//   that page's question chips as numbered options; a number answering
//   the last numbered options becomes that button's payload; then the core answers (deduplicated on the message id, in line with the
//   conversation's other messages) and the replies are sent. Any failure throws: the inbox keeps
//   the message and tries again, and the core's turn ledger and the send record keep that from
//   answering or sending twice (marketplace-outbound.ts).

import { conversationKey, type ConversationService } from '../../../dialogs/conversations.ts';
import type { Button, InboundMessage, MessageContext } from '../../../dialogs/messages.ts';
import type { ChannelState } from './channel-state.ts';
import type { MarketplaceOutbound } from './marketplace-outbound.ts';
import { chosenOption } from './numbered-options.ts';

export interface MarketplaceWorkerOptions {
  conversations: ConversationService;
  state: ChannelState;
  outbound: MarketplaceOutbound;
}

export function marketplaceWorker(options: MarketplaceWorkerOptions): (message: InboundMessage) => Promise<void> {
  const { conversations, state, outbound } = options;
  return async (queued) => {
    const key = conversationKey(queued.conversation);
    if (await state.isRecalled(queued.id)) return;
    if (queued.text.trim() === '' && !queued.payload) {
      // A product or order card with nothing typed: context for what the buyer writes next, and the
      // questions buyers ask on that page as numbered options (once per card: the same card sent
      // again brings no second list). The context is noted after the send, so a retry of a failed
      // send still sends; the send record (keyed by the card's message id) keeps it from sending twice.
      if (!queued.context) return;
      const before = await state.recall<MessageContext>(key, 'context');
      if (!sameContext(before, queued.context)) {
        const chips = await conversations.chipsForCard(queued.conversation, queued.context);
        if (chips) await outbound.sendAnswer(queued.conversation, queued.id, [chips]);
      }
      await state.remember(key, 'context', queued.context);
      return;
    }
    let message: InboundMessage = queued;
    if (!message.context) {
      const context = await state.recall<MessageContext>(key, 'context');
      if (context) message = { ...message, context };
    }
    if (!message.payload) {
      const shown = (await state.recall<Button[]>(key, 'options')) ?? [];
      const chosen = chosenOption(message.text, shown);
      if (chosen) message = { ...message, text: chosen.title, payload: chosen.payload };
    }
    // A retry of a message already answered gets the stored answer (the turn ledger), and the send
    // record sends only what no earlier attempt sent or may have sent.
    const result = await conversations.receive(message);
    await outbound.sendAnswer(queued.conversation, queued.id, result.replies);
  };
}

function sameContext(a: MessageContext | null, b: MessageContext): boolean {
  return a !== null && a.productId === b.productId && a.orderId === b.orderId;
}
