// The hand-off card and thread lines in Slack's Block Kit. Everything a buyer wrote is escaped
// (&, <, >), so a buyer cannot mention @channel or forge a link in the agents' workspace. Kefu's own
// words come from the agents' table (agent-texts.ts) in the shop's agentDesk.language.

import type { BuyerMessageLine, HandoffCard, StatusUpdate } from '../../../dialogs/handoff/handoff-desk.ts';
import type { AgentEventResult } from '../../../dialogs/handoff/agent-events.ts';
import { agentTexts, fill, reasonText, refusalText, statusSentence, type AgentLanguage, type AgentTexts } from '../agent-texts.ts';

/** The action ids of the card's buttons. */
export const SLACK_ACTIONS = { claim: 'kefu_claim', backToBot: 'kefu_back_to_bot', resume: 'kefu_resume', close: 'kefu_close' } as const;

/** Block Kit limits: a section's text is at most 3000 characters, a field's 2000, a button value 2000. */
const SECTION_LIMIT = 3000;
const FIELD_LIMIT = 1900;

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

function statusText(card: HandoffCard, t: AgentTexts): string {
  switch (card.status) {
    case 'waiting':
      if (card.assignedTo) return `:hourglass_flowing_sand: ${fill(t.statusWaitingFor, { name: mention(card.assignedTo) })}`;
      return card.afterHours ? `:crescent_moon: ${t.statusAfterHours}` : `:hourglass_flowing_sand: ${t.statusWaiting}`;
    case 'claimed':
      return `:raising_hand: ${fill(t.statusClaimed, { name: mention(card.claimedBy) })} ${card.claimedAt ? slackDate(card.claimedAt) : ''}`.trim();
    case 'back_to_bot':
      return `:robot_face: ${card.endedBy ? fill(t.statusBackToBot, { name: mention(card.endedBy) }) : t.statusBackToBotByBuyer}`;
    case 'closed':
      return `:white_check_mark: ${fill(t.statusClosed, { name: mention(card.endedBy) })}`;
  }
}

/** The plain-text fallback (notifications, screen readers). */
export function cardFallback(card: HandoffCard, language?: AgentLanguage): string {
  const t = agentTexts(language);
  return clip(fill(t.fallback, { reason: reasonText(t, card), buyer: card.buyerLabel, channel: card.channel }), 300);
}

/** Buyer tags as the agents read them: English teams also see the Chinese label the shop wrote. */
function tagText(tag: { label: Record<AgentLanguage, string> }, language: AgentLanguage): string {
  return language === 'en' ? `${tag.label.en} (${tag.label['zh-Hans']})` : tag.label[language];
}

/** The card; `resumeFlows` adds a "Back to bot, then…" menu of flows. */
export function cardBlocks(card: HandoffCard, resumeFlows: readonly string[] = [], language: AgentLanguage = 'en'): object[] {
  const t = agentTexts(language);
  const fields: [string, string | undefined][] = [
    [t.buyer, card.buyerLabel],
    [t.channel, card.channel],
    [t.language, t.languages[card.language] ?? card.language],
    [t.queue, card.queue],
    [t.order, card.orderId],
    [t.product, card.productId],
    [t.flow, card.flow],
    [t.buyerTags, card.buyerTags?.map((tag) => tagText(tag, language)).join(', ')],
  ];
  const blocks: object[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(fill(t.cardTitle, { reason: reasonText(t, card) }), 150), emoji: true } },
    {
      type: 'section',
      fields: fields
        .filter(([, value]) => value)
        .map(([name, value]) => ({ type: 'mrkdwn', text: clip(`*${name}*\n${escapeMrkdwn(value!)}`, FIELD_LIMIT) })),
    },
  ];
  if (card.detail) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(`*${t.why}:* ${escapeMrkdwn(card.detail)}`, SECTION_LIMIT) } });
  if (card.lastTurns.length > 0) {
    const lines = card.lastTurns.map((turn) => `*${t.speakers[turn.from]}:* ${escapeMrkdwn(turn.text.replace(/\s+/g, ' '))}`);
    // Keep the newest turns when the transcript is too long for one block.
    let text = '';
    for (let i = lines.length - 1; i >= 0; i--) {
      const next = text ? `${lines[i]}\n${text}` : lines[i]!;
      if (next.length > SECTION_LIMIT - 20) break;
      text = next;
    }
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*${t.lastMessages}*\n${text || clip(lines.at(-1)!, SECTION_LIMIT - 20)}` } });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `${statusText(card, t)} · ${fill(t.opened, { time: slackDate(card.openedAt) })}` }] });
  const buttons: object[] = [];
  if (card.status === 'waiting') {
    buttons.push({ type: 'button', action_id: SLACK_ACTIONS.claim, style: 'primary', text: { type: 'plain_text', text: t.claim }, value: card.handoffId });
  }
  if (card.status === 'waiting' || card.status === 'claimed') {
    buttons.push(
      { type: 'button', action_id: SLACK_ACTIONS.backToBot, text: { type: 'plain_text', text: t.backToBot }, value: card.handoffId },
      ...(resumeFlows.length > 0
        ? [{
          type: 'static_select',
          action_id: SLACK_ACTIONS.resume,
          placeholder: { type: 'plain_text', text: t.backToBotThen },
          options: resumeFlows.slice(0, 25).map((flow) => ({ text: { type: 'plain_text', text: clip(flow, 75) }, value: flow })),
        }]
        : []),
      {
        type: 'button',
        action_id: SLACK_ACTIONS.close,
        style: 'danger',
        text: { type: 'plain_text', text: t.close },
        value: card.handoffId,
        confirm: {
          title: { type: 'plain_text', text: t.closeConfirmTitle },
          text: { type: 'plain_text', text: t.closeConfirmText },
          confirm: { type: 'plain_text', text: t.close },
          deny: { type: 'plain_text', text: t.cancel },
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
export function statusLine(update: StatusUpdate, noteMarker: string, language: AgentLanguage = 'en'): string {
  const t = agentTexts(language);
  const who = update.by ? mention(update.by) : '';
  switch (update.change) {
    case 'claimed':
      return `:raising_hand: ${fill(t.slackClaimed, { name: who, marker: escapeMrkdwn(noteMarker) })}`;
    case 'back_to_bot':
      return `:robot_face: ${fill(t.slackBackToBot, { name: who })}`;
    case 'closed':
      return `:white_check_mark: ${fill(t.slackClosed, { name: who })}`;
    case 'buyer_back_to_bot':
      return `:robot_face: ${t.slackBuyerBackToBot}`;
    default:
      // Named as the core names them (not a mention), as these lines always read.
      return statusSentence(t, update, (agent) => escapeMrkdwn(agent.name ?? agent.id), escapeMrkdwn);
  }
}

/** Why an agent's reply or button press did nothing, for them only; null when it did something. */
export function refusalLine(result: AgentEventResult, noteMarker: string, language: AgentLanguage = 'en'): string | null {
  return refusalText(agentTexts(language), result, { noteMarker, name: (agent) => agent.name ?? agent.id });
}
