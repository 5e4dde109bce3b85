// What each marketplace adapter provides for sending: how one Reply (a chat bubble) is rendered as
// the platform's messages, and how one of them is sent. Shared here: sending a list of replies in
// order, with retries, and remembering the numbered options the buyer was shown; it is also the
// core's OutboundChannel for the channel, so an agent's answer or a reminder takes the same road as
// the bot's replies.
//
// The answer to a buyer's message is sent at most once per platform message, whatever fails
// (docs/scaling.md, "Marketplace sends"). No platform takes an idempotency key on its send call, so
// Kefu keeps its own: the buyer's message id (the delivery) and the platform message's index in the
// answer. Each is recorded as pending in the channel state BEFORE its call and as sent after it
// (record-before-send). A retry skips what is sent, sends what is unmarked or was refused, and
// leaves alone what is still pending: that call's outcome is unknown (the process died, Redis went
// away, the call timed out after leaving), the buyer may have it, and a repeated bubble is what
// buyers complain about; so it is logged and not sent again. Send-then-record cannot give this: an
// HTTP call to the platform cannot be part of a Redis transaction, so a crash between the two
// always leaves a sent message unrecorded.

import { conversationKey } from '../../../dialogs/conversations.ts';
import type { ConversationRef, Reply } from '../../../dialogs/messages.ts';
import { silentLogger, type Logger, type OutboundChannel } from '../../../dialogs/ports.ts';
import { ApiError, surelyNotCarriedOut, withRetries, type RetryOptions } from './api-retry.ts';
import type { ChannelState } from './channel-state.ts';
import { optionsOf } from './numbered-options.ts';

/** Renders and sends reply bubbles on one platform. */
export interface ReplySender<M = unknown> {
  /** The platform messages one reply bubble is sent as, in order: each is one send call. */
  messagesOf(reply: Reply): M[];
  /** Sends one platform message to the conversation (one API call; renews a refused token itself). */
  sendMessage(conversation: ConversationRef, message: M): Promise<void>;
}

export class MarketplaceOutbound implements OutboundChannel {
  constructor(
    readonly channel: string,
    private readonly sender: ReplySender,
    private readonly state: ChannelState,
    private readonly retry: RetryOptions,
    private readonly logger: Logger = silentLogger,
  ) {}

  /**
   * Sends the answer to the buyer's message `deliveryId`, each platform message at most once (see
   * the top of this file). Throws when a message could not be sent: the inbox retries the buyer's
   * message, whose stored answer comes back here and continues where this attempt stopped.
   */
  async sendAnswer(conversation: ConversationRef, deliveryId: string, replies: Reply[]): Promise<void> {
    const key = conversationKey(conversation);
    const messages = replies.flatMap((reply) => this.sender.messagesOf(reply));
    // A retry that finds everything sent leaves the options alone: later messages of the
    // conversation may have been answered meanwhile and shown newer ones.
    let sentNow = messages.length === 0;
    for (const [index, message] of messages.entries()) {
      const step = await this.state.beginSend(key, deliveryId, index);
      if (step === 'sent') continue;
      if (step === 'unknown') {
        this.logger.warn({ channel: this.channel, conversation: key, deliveryId, index }, 'an earlier attempt may have sent this message (its outcome is unknown); not sent again');
        continue;
      }
      sentNow = true;
      try {
        // Retried here only when the platform surely did not take it (it answered "not now", or
        // there was no connection): a timed-out call may have been carried out.
        await withRetries(() => this.sender.sendMessage(conversation, message), this.retry, safeToRetry);
      } catch (error) {
        if (surelyNotCarriedOut(error)) await this.state.endSend(key, deliveryId, index, 'not_sent');
        else this.logger.warn({ err: (error as Error).message, channel: this.channel, conversation: key, deliveryId, index }, 'send outcome unknown; the message stays marked pending and is not sent again');
        throw error;
      }
      await this.state.endSend(key, deliveryId, index, 'sent');
    }
    if (sentNow) await this.rememberOptions(conversation, replies);
  }

  /**
   * Sends replies that answer no buyer's message (an agent's, a reminder). With a delivery id (a
   * desk event's, a reminder's) they are recorded like an answer and sent at most once; without
   * one they are simply sent.
   */
  async send(conversation: ConversationRef, replies: Reply[], deliveryId?: string): Promise<void> {
    if (deliveryId !== undefined) return this.sendAnswer(conversation, deliveryId, replies);
    for (const reply of replies) {
      for (const message of this.sender.messagesOf(reply)) await withRetries(() => this.sender.sendMessage(conversation, message), this.retry);
    }
    await this.rememberOptions(conversation, replies);
  }

  /**
   * The numbers the buyer may answer with are those of the last options shown; none clears them,
   * so a later "2" (a quantity, say) is read as text.
   */
  private async rememberOptions(conversation: ConversationRef, replies: Reply[]): Promise<void> {
    const options = optionsOf(replies);
    await this.state.remember(conversationKey(conversation), 'options', options.length > 0 ? options : null);
  }
}

/** Worth another try within this attempt: the platform said "not now", or the connection never opened. */
function safeToRetry(error: unknown): boolean {
  return error instanceof ApiError ? error.retryable : surelyNotCarriedOut(error);
}
