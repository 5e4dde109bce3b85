// The Slack side of a hand-off: one thread per hand-off, in the channel of its queue. The card is
// the thread's first message (chat.postMessage) and is re-drawn in place on every status change
// (chat.update); buyer messages and status lines are thread replies. The WebClient honours 429
// Retry-After and retries 5xx a few times; after that the error reaches the core, which lets the
// buyer's channel retry.

import type { WebClient } from '@slack/web-api';
import type { BuyerMessageLine, HandoffCard, HandoffDesk, HandoffThread, StatusUpdate } from '../../../dialogs/handoff/handoff-desk.ts';
import type { AgentEventResult } from '../../../dialogs/handoff/agent-events.ts';
import type { AgentLanguage } from '../agent-texts.ts';
import { buyerLine, cardBlocks, cardFallback, refusalLine, statusLine } from './slack-card.ts';

export const SLACK_DESK = 'slack';

export interface SlackDeskOptions {
  client: WebClient;
  /** The channel for queues without one of their own. */
  channel: string;
  /** Channel id per queue. */
  channels: Record<string, string>;
  noteMarker: string;
  /** Flows offered in the card's "Back to bot, then…" menu. */
  resumeFlows: readonly string[];
  /** The language Kefu writes to agents in (agentDesk.language); English when left out. */
  language?: AgentLanguage;
}

/** "C0123:1700000000.000100" ⇄ channel and thread ts. */
export function slackThreadId(channel: string, ts: string): string {
  return `${channel}:${ts}`;
}

export function parseSlackThreadId(threadId: string): { channel: string; ts: string } {
  const at = threadId.indexOf(':');
  return { channel: threadId.slice(0, at), ts: threadId.slice(at + 1) };
}

export class SlackDesk implements HandoffDesk {
  readonly kind = SLACK_DESK;

  constructor(private readonly options: SlackDeskOptions) {}

  /** Every channel a hand-off may be opened in (events from other channels are not Kefu's). */
  channels(): Set<string> {
    return new Set([this.options.channel, ...Object.values(this.options.channels)]);
  }

  async openThread(card: HandoffCard): Promise<HandoffThread> {
    const channel = this.options.channels[card.queue] ?? this.options.channel;
    const posted = await this.options.client.chat.postMessage({ channel, text: cardFallback(card, this.options.language), blocks: cardBlocks(card, this.options.resumeFlows, this.options.language) as never, unfurl_links: false });
    if (!posted.ts) throw new Error('Slack did not return the card message ts');
    return { desk: SLACK_DESK, threadId: slackThreadId(posted.channel ?? channel, posted.ts) };
  }

  async postBuyerMessage(thread: HandoffThread, message: BuyerMessageLine): Promise<void> {
    const { channel, ts } = parseSlackThreadId(thread.threadId);
    await this.options.client.chat.postMessage({ channel, thread_ts: ts, text: buyerLine(message), unfurl_links: false, unfurl_media: false });
  }

  async postStatus(thread: HandoffThread, update: StatusUpdate): Promise<void> {
    const { channel, ts } = parseSlackThreadId(thread.threadId);
    await this.options.client.chat.update({ channel, ts, text: cardFallback(update.card, this.options.language), blocks: cardBlocks(update.card, this.options.resumeFlows, this.options.language) as never });
    await this.options.client.chat.postMessage({ channel, thread_ts: ts, text: statusLine(update, this.options.noteMarker, this.options.language) });
  }

  /** Why an agent's action did nothing, in the agents' language; null when it did something. */
  refusal(result: AgentEventResult): string | null {
    return refusalLine(result, this.options.noteMarker, this.options.language);
  }

  /** A line only one agent sees (why their reply or button press did nothing). */
  async tellAgent(channel: string, threadTs: string | undefined, user: string, text: string): Promise<void> {
    await this.options.client.chat.postEphemeral({ channel, user, text, ...(threadTs ? { thread_ts: threadTs } : {}) });
  }
}
