// The hand-off card and thread lines in Slack's Block Kit. Everything a buyer wrote is escaped
// (&, <, >), so a buyer cannot mention @channel or forge a link in the agents' workspace.

import type { BuyerMessageLine, HandoffCard, StatusUpdate } from '../../../dialogs/handoff/handoff-desk.ts';
import type { Turn } from '../../../dialogs/messages.ts';

/** The action ids of the card's buttons. */
export const SLACK_ACTIONS = { claim: 'kefu_claim', backToBot: 'kefu_back_to_bot', resume: 'kefu_resume', close: 'kefu_close' } as const;

/** Block Kit limits: a section's text is at most 3000 characters, a field's 2000, a button value 2000. */
const SECTION_LIMIT = 3000;
const FIELD_LIMIT = 1900;

const LANGUAGE_NAMES: Record<string, string> = { 'zh-Hans': 'Chinese (Simplified)', 'zh-Hant': 'Chinese (Traditional)', en: 'English' };
const SPEAKERS: Record<Turn['from'], string> = { buyer: 'Buyer', bot: 'Bot', agent: 'Agent' };

export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function clip(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

/** Slack shows the time in each reader's own time zone. */
function slackDate(at: number): string {
  const seconds = Math.floor(at / 1000);
  return `<!date^${seconds}^{date_short_pretty} {time}|${new Date(at).toISOString()}>`;
}

/** A Slack user as a mention Slack renders; anyone else (an agent of Kefu's own desk) by name. */
function mention(agent: { id: string; name?: string } | undefined): string {
  if (!agent) return '?';
  return /^[UW][A-Z0-9]+$/.test(agent.id) ? `<@${agent.id}>` : escapeMrkdwn(agent.name ?? agent.id);
}

function statusText(card: HandoffCard): string {
  switch (card.status) {
    case 'waiting':
      if (card.assignedTo) return `:hourglass_flowing_sand: Waiting for ${mention(card.assignedTo)}`;
      return card.afterHours ? ':crescent_moon: Waiting — opened outside business hours' : ':hourglass_flowing_sand: Waiting for an agent';
    case 'claimed':
      return `:raising_hand: Claimed by ${mention(card.claimedBy)} ${card.claimedAt ? slackDate(card.claimedAt) : ''}`.trim();
    case 'back_to_bot':
      return `:robot_face: Back with the bot${card.endedBy ? ` (${mention(card.endedBy)})` : ' (the buyer chose)'}`;
    case 'closed':
      return `:white_check_mark: Closed by ${mention(card.endedBy)}`;
  }
}

/** The plain-text fallback (notifications, screen readers). */
export function cardFallback(card: HandoffCard): string {
  return clip(`Hand-off: ${card.reasonLabel} — ${card.buyerLabel} (${card.channel})`, 300);
}

/** The card; `resumeFlows` adds a "Back to bot, then…" menu of flows. */
export function cardBlocks(card: HandoffCard, resumeFlows: readonly string[] = []): object[] {
  const fields: [string, string | undefined][] = [
    ['Buyer', card.buyerLabel],
    ['Channel', card.channel],
    ['Language', LANGUAGE_NAMES[card.language] ?? card.language],
    ['Queue', card.queue],
    ['Order', card.orderId],
    ['Product', card.productId],
    ['Flow', card.flow],
    ['Buyer tags', card.buyerTags?.map((tag) => `${tag.label.en} (${tag.label['zh-Hans']})`).join(', ')],
  ];
  const blocks: object[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(`Hand-off: ${card.reasonLabel}`, 150), emoji: true } },
    {
      type: 'section',
      fields: fields
        .filter(([, value]) => value)
        .map(([name, value]) => ({ type: 'mrkdwn', text: clip(`*${name}*\n${escapeMrkdwn(value!)}`, FIELD_LIMIT) })),
    },
  ];
  if (card.detail) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(`*Why:* ${escapeMrkdwn(card.detail)}`, SECTION_LIMIT) } });
  if (card.lastTurns.length > 0) {
    const lines = card.lastTurns.map((t) => `*${SPEAKERS[t.from]}:* ${escapeMrkdwn(t.text.replace(/\s+/g, ' '))}`);
    // Keep the newest turns when the transcript is too long for one block.
    let text = '';
    for (let i = lines.length - 1; i >= 0; i--) {
      const next = text ? `${lines[i]}\n${text}` : lines[i]!;
      if (next.length > SECTION_LIMIT - 20) break;
      text = next;
    }
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*Last messages*\n${text || clip(lines.at(-1)!, SECTION_LIMIT - 20)}` } });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `${statusText(card)} · opened ${slackDate(card.openedAt)}` }] });
  const buttons: object[] = [];
  if (card.status === 'waiting') {
    buttons.push({ type: 'button', action_id: SLACK_ACTIONS.claim, style: 'primary', text: { type: 'plain_text', text: 'Claim' }, value: card.handoffId });
  }
  if (card.status === 'waiting' || card.status === 'claimed') {
    buttons.push(
      { type: 'button', action_id: SLACK_ACTIONS.backToBot, text: { type: 'plain_text', text: 'Back to bot' }, value: card.handoffId },
      ...(resumeFlows.length > 0
        ? [{
          type: 'static_select',
          action_id: SLACK_ACTIONS.resume,
          placeholder: { type: 'plain_text', text: 'Back to bot, then…' },
          options: resumeFlows.slice(0, 25).map((flow) => ({ text: { type: 'plain_text', text: clip(flow, 75) }, value: flow })),
        }]
        : []),
      {
        type: 'button',
        action_id: SLACK_ACTIONS.close,
        style: 'danger',
        text: { type: 'plain_text', text: 'Close' },
        value: card.handoffId,
        confirm: {
          title: { type: 'plain_text', text: 'Close this hand-off?' },
          text: { type: 'plain_text', text: 'The buyer is thanked and the bot answers them again.' },
          confirm: { type: 'plain_text', text: 'Close' },
          deny: { type: 'plain_text', text: 'Cancel' },
        },
      },
    );
  }
  if (buttons.length > 0) blocks.push({ type: 'actions', block_id: 'kefu_handoff', elements: buttons });
  return blocks;
}

/** A buyer's message in the thread. */
export function buyerLine(message: BuyerMessageLine): string {
  return clip(`*${escapeMrkdwn(message.buyerLabel)}:* ${escapeMrkdwn(message.text)}`, 3900);
}

/** A status line in the thread, naming the agent with a mention Slack renders as their name. */
export function statusLine(update: StatusUpdate, noteMarker: string): string {
  const who = update.by ? mention(update.by) : '';
  switch (update.change) {
    case 'claimed':
      return `:raising_hand: ${who} claimed this. Replies in this thread now reach the buyer; start a message with \`${escapeMrkdwn(noteMarker)}\` to keep it an internal note.`;
    case 'back_to_bot':
      return `:robot_face: ${who} gave the conversation back to the bot.`;
    case 'closed':
      return `:white_check_mark: ${who} closed this hand-off. The bot has the conversation again.`;
    case 'buyer_back_to_bot':
      return ':robot_face: The buyer went back to the bot. Replies here no longer reach them.';
    default:
      return escapeMrkdwn(update.text);
  }
}
