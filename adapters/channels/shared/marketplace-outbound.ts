// What each marketplace adapter provides for sending: one Reply (a chat bubble) at a time, rendered
// in what the platform shows. Shared here: sending a list of replies in order, with retries, and
// remembering the numbered options the buyer was shown; it is also the core's OutboundChannel for
// the channel, so an agent's answer or a reminder takes the same road as the bot's replies.

import { conversationKey } from '../../../dialogs/conversations.ts';
import type { ConversationRef, Reply } from '../../../dialogs/messages.ts';
import type { OutboundChannel } from '../../../dialogs/ports.ts';
import { withRetries, type RetryOptions } from './api-retry.ts';
import type { ChannelState } from './channel-state.ts';
import { optionsOf } from './numbered-options.ts';

/** Sends one reply bubble (its text, numbered options and card) to a conversation on the platform. */
export interface ReplySender {
  sendReply(conversation: ConversationRef, reply: Reply): Promise<void>;
}

export class MarketplaceOutbound implements OutboundChannel {
  constructor(
    readonly channel: string,
    private readonly sender: ReplySender,
    private readonly state: ChannelState,
    private readonly retry: RetryOptions,
  ) {}

  /**
   * Sends the replies still unsent: `alreadySent` counts the ones a previous attempt delivered, and
   * `onSent` records progress after each, so a retry continues where the last attempt stopped.
   */
  async sendFrom(conversation: ConversationRef, replies: Reply[], alreadySent = 0, onSent?: (count: number) => Promise<void>): Promise<void> {
    for (let index = alreadySent; index < replies.length; index++) {
      await withRetries(() => this.sender.sendReply(conversation, replies[index]!), this.retry);
      await onSent?.(index + 1);
    }
    // The numbers the buyer may answer with are those of the last options shown; none clears them,
    // so a later "2" (a quantity, say) is read as text.
    if (alreadySent < replies.length) {
      const options = optionsOf(replies);
      await this.state.remember(conversationKey(conversation), 'options', options.length > 0 ? options : null);
    }
  }

  async send(conversation: ConversationRef, replies: Reply[]): Promise<void> {
    await this.sendFrom(conversation, replies);
  }
}
