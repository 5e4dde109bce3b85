// The in-process ChannelState: what Kefu uses without Redis. The queue lives in this process's
// memory, like the sessions do in that mode: a crash loses what was queued and not yet answered
// (docs/channels.md says so; production runs on Redis, see redis-channel-state.ts).

import type { InboundMessage } from '../../../dialogs/messages.ts';
import { systemClock, type Clock, type Logger } from '../../../dialogs/ports.ts';
import { ExpiringMap } from '../../stores/memory/expiring-map.ts';
import { MAX_FUTURE_SKEW_MS } from './push-reading.ts';
import { handleByConversation, retryDelayMs, seenKeepMs, type ChannelState, type ChannelStateOptions, type InboxHandler, type NoteName, type PushWindow, type SendStep } from './channel-state.ts';

interface Queued {
  message: InboundMessage;
  attempt: number;
}

export class MemoryChannelState implements ChannelState {
  private readonly seen: ExpiringMap<true>;
  private readonly notes: ExpiringMap<string>;
  /** The send record: "<conversation> <delivery id> <index>" → pending or sent. */
  private readonly sends: ExpiringMap<'pending' | 'sent'>;
  private readonly recalled: ExpiringMap<true>;
  private queue: Queued[] = [];
  private handler: InboxHandler | null = null;
  private running = false;
  private closed = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private idle: Promise<void> = Promise.resolve();

  constructor(
    private readonly settings: ChannelStateOptions,
    private readonly logger: Logger,
    clock: Clock = systemClock,
  ) {
    this.seen = new ExpiringMap(clock);
    this.notes = new ExpiringMap(clock);
    this.sends = new ExpiringMap(clock);
    this.recalled = new ExpiringMap(clock);
  }

  async enqueue(message: InboundMessage, window?: PushWindow): Promise<'queued' | 'duplicate'> {
    if (this.closed) throw new Error('the channel is shutting down');
    const key = message.id;
    if (this.seen.get(key)) return 'duplicate';
    this.seen.set(key, true, seenKeepMs(this.settings.dedupeSeconds, window));
    this.queue.push({ message, attempt: 1 });
    this.pump();
    return 'queued';
  }

  start(handler: InboxHandler): void {
    this.handler = handler;
    this.pump();
  }

  async remember(conversationKey: string, note: NoteName, value: unknown): Promise<void> {
    const key = `${note}:${conversationKey}`;
    if (value === null) this.notes.delete(key);
    // Stored as JSON, as in Redis, so a caller never shares an object with the store.
    else this.notes.set(key, JSON.stringify(value), this.settings.optionsSeconds * 1000);
  }

  async recall<T>(conversationKey: string, note: NoteName): Promise<T | null> {
    const stored = this.notes.get(`${note}:${conversationKey}`);
    return stored === undefined ? null : (JSON.parse(stored) as T);
  }

  async beginSend(conversationKey: string, deliveryId: string, index: number): Promise<SendStep> {
    const key = `${conversationKey} ${deliveryId} ${index}`;
    const mark = this.sends.get(key);
    if (mark === 'sent') return 'sent';
    if (mark === 'pending') return 'unknown';
    this.sends.set(key, 'pending', this.settings.dedupeSeconds * 1000);
    return 'send';
  }

  async endSend(conversationKey: string, deliveryId: string, index: number, outcome: 'sent' | 'not_sent'): Promise<void> {
    const key = `${conversationKey} ${deliveryId} ${index}`;
    if (outcome === 'sent') this.sends.set(key, 'sent', this.settings.dedupeSeconds * 1000);
    else this.sends.delete(key);
  }

  async markRecalled(messageId: string): Promise<void> {
    this.recalled.set(messageId, true, this.settings.dedupeSeconds * 1000 + MAX_FUTURE_SKEW_MS);
  }

  async isRecalled(messageId: string): Promise<boolean> {
    return this.recalled.get(messageId) === true;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.idle;
  }

  private pump(): void {
    if (this.running || !this.handler || this.closed || this.queue.length === 0) return;
    this.running = true;
    this.idle = this.drain().finally(() => {
      this.running = false;
      this.pump();
    });
  }

  private async drain(): Promise<void> {
    const handler = this.handler!;
    while (this.queue.length > 0 && !this.closed) {
      const batch = this.queue;
      this.queue = [];
      await handleByConversation(batch, (item) => this.handleOne(handler, item));
    }
  }

  private async handleOne(handler: InboxHandler, item: Queued): Promise<void> {
    try {
      await handler(item.message, item.attempt);
    } catch (error) {
      if (item.attempt >= this.settings.maxAttempts) {
        this.logger.error({ err: (error as Error).message, messageId: item.message.id, channel: item.message.conversation.channel }, 'buyer message set aside after repeated failures');
        return;
      }
      const delay = retryDelayMs(this.settings, item.attempt, error);
      this.logger.warn({ err: (error as Error).message, messageId: item.message.id, attempt: item.attempt, retryInMs: delay }, 'buyer message failed; will retry');
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (this.closed) return;
        this.queue.push({ message: item.message, attempt: item.attempt + 1 });
        this.pump();
      }, delay);
      this.timers.add(timer);
    }
  }
}
