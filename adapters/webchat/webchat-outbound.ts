// Sends web chat messages that answer no request (an agent's reply, a reminder): they go to the
// push mailbox, from which every server process streams them to the buyer's open page (SSE), and
// a page that was closed gets them when it reconnects.

import type { ConversationRef, Reply } from '../../dialogs/messages.ts';
import type { OutboundChannel } from '../../dialogs/ports.ts';
import type { PushMailbox } from '../stores/push-mailbox.ts';

export const WEBCHAT_CHANNEL = 'webchat';

export class WebchatOutbound implements OutboundChannel {
  readonly channel = WEBCHAT_CHANNEL;

  constructor(private readonly mailbox: PushMailbox) {}

  /** Under `deliveryId` the replies reach the page once, however often the send is retried. */
  async send(conversation: ConversationRef, replies: Reply[], deliveryId?: string): Promise<void> {
    await this.mailbox.append(conversation.conversationId, JSON.stringify({ replies }), deliveryId);
  }
}
