// Turns what agents do in Slack into the core's agent events:
//   a reply in a hand-off thread      → message (a note when it starts with the note marker)
//   the card's Claim / Back to bot / Close buttons → claim / back_to_bot / close
// The bot's own posts (the card, relayed buyer messages, status lines) come back as events too:
// they are dropped here, so nothing loops. Each event carries Slack's own id (event_id, or the
// button press's action_ts) so a redelivery or a replayed request is handled once by the core.

import type { App, BlockAction, ButtonAction, StaticSelectAction } from '@slack/bolt';
import type { AgentEvent, AgentEventHandler, AgentEventResult } from '../../../dialogs/handoff/agent-events.ts';
import type { Clock, Logger } from '../../../dialogs/ports.ts';
import { SLACK_ACTIONS } from './slack-card.ts';
import { SLACK_DESK, slackThreadId, type SlackDesk } from './slack-desk.ts';

export interface SlackListenerOptions {
  desk: SlackDesk;
  handler: () => AgentEventHandler;
  clock: Clock;
  logger: Logger;
}

interface SlackMessageEvent {
  type: 'message';
  subtype?: string;
  channel?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts?: string;
  thread_ts?: string;
}

/** Slack's markup in an agent's message, as a buyer should read it. */
export function slackTextToPlain(text: string): string {
  return text
    .replace(/<((?:https?|mailto):[^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<((?:https?|mailto):[^>]+)>/g, '$1')
    .replace(/<[@#!][^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .trim();
}

function platformTime(ts: unknown, clock: Clock): number {
  const seconds = typeof ts === 'string' ? Number(ts) : Number.NaN;
  return Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : clock.now();
}

export function registerSlackListeners(app: App, options: SlackListenerOptions): void {
  const { desk, clock, logger } = options;
  const queueChannels = desk.channels();

  // Errors reach the receiver, which answers 500 so that Slack retries the event.
  app.error(async (error) => {
    throw error;
  });

  app.event('message', async ({ event, body, context }) => {
    const message = event as unknown as SlackMessageEvent;
    // Only an agent's reply in a thread of a queue channel; never a bot's post (ours included), an edit or a join.
    if (message.subtype !== undefined && message.subtype !== 'thread_broadcast') return;
    if (message.bot_id || !message.user || message.user === context.botUserId) return;
    if (!message.channel || !queueChannels.has(message.channel)) return;
    if (!message.thread_ts || message.thread_ts === message.ts) return;
    const text = slackTextToPlain(message.text ?? '');
    if (!text) return;
    const eventId = typeof (body as { event_id?: unknown }).event_id === 'string' ? (body as { event_id: string }).event_id : `ts:${message.channel}:${message.ts}`;
    const agentEvent: AgentEvent = {
      kind: 'message',
      eventId,
      thread: { desk: SLACK_DESK, threadId: slackThreadId(message.channel, message.thread_ts) },
      agent: { id: message.user },
      at: platformTime(message.ts, clock),
      text,
    };
    const result = await options.handler().handleAgentEvent(agentEvent);
    // Other threads in the channel are the team's own talk: no answer for them.
    if (result.status !== 'unknown_thread') await explain(result, message.channel, message.thread_ts, message.user);
  });

  const buttons: [string, 'claim' | 'back_to_bot' | 'close'][] = [
    [SLACK_ACTIONS.claim, 'claim'],
    [SLACK_ACTIONS.backToBot, 'back_to_bot'],
    [SLACK_ACTIONS.close, 'close'],
  ];
  for (const [actionId, kind] of buttons) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action }) => {
      await ack();
      const channel = body.container?.channel_id ?? body.channel?.id;
      const ts = body.container?.message_ts ?? body.message?.ts;
      if (!channel || !ts) return;
      const agentEvent: AgentEvent = {
        kind,
        eventId: `${actionId}:${action.action_ts}:${body.user.id}`,
        thread: { desk: SLACK_DESK, threadId: slackThreadId(channel, ts) },
        agent: { id: body.user.id, ...(body.user.name ? { name: body.user.name } : {}) },
        at: platformTime(action.action_ts, clock),
      };
      const result = await options.handler().handleAgentEvent(agentEvent);
      await explain(result, channel, ts, body.user.id);
    });
  }

  // "Back to bot, then…": the chosen flow starts for the buyer (the core checks it is one the shop allows).
  app.action<BlockAction<StaticSelectAction>>(SLACK_ACTIONS.resume, async ({ ack, body, action }) => {
    await ack();
    const channel = body.container?.channel_id ?? body.channel?.id;
    const ts = body.container?.message_ts ?? body.message?.ts;
    if (!channel || !ts) return;
    const result = await options.handler().handleAgentEvent({
      kind: 'back_to_bot',
      eventId: `${SLACK_ACTIONS.resume}:${action.action_ts}:${body.user.id}`,
      thread: { desk: SLACK_DESK, threadId: slackThreadId(channel, ts) },
      agent: { id: body.user.id, ...(body.user.name ? { name: body.user.name } : {}) },
      at: platformTime(action.action_ts, clock),
      resumeFlow: action.selected_option.value,
    });
    await explain(result, channel, ts, body.user.id);
  });

  /** Tells the agent (only them) why nothing happened. Best effort: the event itself is handled. */
  async function explain(result: AgentEventResult, channel: string, threadTs: string, user: string): Promise<void> {
    const notice = desk.refusal(result);
    if (notice === null) return;
    try {
      await desk.tellAgent(channel, threadTs, user, notice);
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'could not tell the agent why their action did nothing');
    }
  }
}
