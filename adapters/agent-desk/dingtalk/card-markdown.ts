// How hand-offs look in the DingTalk group: the card (markdown, or an actionCard with Claim /
// Back to bot / Close buttons when Kefu has a public address), buyer messages and status lines.
// Every line carries the hand-off's code, since a group has no threads to keep them together.
// What buyers wrote is shown as text, never as markdown: DingTalk's markdown has no reliable escape,
// so the few characters that make markup ([ ] < > * _ ` # |) become their full-width look-alikes,
// and a buyer cannot restyle the card or forge a link.

import type { BuyerMessageLine, HandoffCard, StatusUpdate } from '../../../dialogs/handoff/handoff-desk.ts';
import type { DeskButton, DeskMessage } from './desk-message.ts';

const MAX_TURN_CHARS = 300;
const MAX_MESSAGE_CHARS = 3000;

const LOOK_ALIKES: Record<string, string> = { '[': '［', ']': '］', '<': '‹', '>': '›', '*': '＊', _: '＿', '`': 'ˋ', '#': '＃', '|': '｜' };

/** Buyer text as plain text inside DingTalk markdown: markup characters replaced, one line, bounded. */
export function plain(text: string, max = MAX_TURN_CHARS): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  const cut = oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
  return cut.replace(/[[\]<>*_`#|]/g, (c) => LOOK_ALIKES[c] ?? c);
}

function time(at: number, timezone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: timezone, hour: '2-digit', minute: '2-digit' }).format(at);
}

const STATUS_WORDS: Record<HandoffCard['status'], string> = {
  waiting: 'waiting for an agent',
  claimed: 'claimed',
  back_to_bot: 'back with the bot',
  closed: 'closed',
};

export interface CardLook {
  code: string;
  noteMarker: string;
  /** Flows an agent may send the buyer back into: `#A7 back <flow>`. */
  resumeFlows?: readonly string[];
  timezone: string;
  /** Links for the buttons, when Kefu has a public address. */
  buttons?: { claim: string; back: string; close: string };
}

export function cardMessage(card: HandoffCard, look: CardLook): DeskMessage {
  const { code } = look;
  const lines: string[] = [];
  lines.push(`### Hand-off #${code} · ${STATUS_WORDS[card.status]}`);
  lines.push(`**Buyer:** ${plain(card.buyerLabel, 80)} · ${plain(card.channel, 40)} · ${card.language}`);
  lines.push(`**Why:** ${plain(card.reasonLabel, 120)}${card.detail ? ` — ${plain(card.detail, 200)}` : ''}`);
  const about: string[] = [];
  if (card.orderId) about.push(`order ${plain(card.orderId, 60)}`);
  if (card.productId) about.push(`product ${plain(card.productId, 60)}`);
  if (card.flow) about.push(`flow ${plain(card.flow, 60)}`);
  if (about.length > 0) lines.push(`**About:** ${about.join(' · ')}`);
  // DingTalk teams read Chinese: the tags' Simplified Chinese labels.
  if (card.buyerTags?.length) lines.push(`**Buyer tags:** ${card.buyerTags.map((tag) => plain(tag.label['zh-Hans'], 30)).join(' · ')}`);
  if (card.afterHours) lines.push('**Outside business hours:** the buyer was told the hours.');
  if (card.lastTurns.length > 0) {
    lines.push('', '**Last messages**');
    for (const turn of card.lastTurns) {
      lines.push(`> ${time(turn.at, look.timezone)} ${turn.from}: ${plain(turn.text)}`);
      lines.push('');
    }
  }
  const at = `#${code}`;
  lines.push(
    '',
    `@ the robot with — claim: \`${at} claim\` · reply: \`${at} your answer\` · note (not sent): \`${at} ${look.noteMarker} text\` · back to bot: \`${at} back\` · close: \`${at} close\``,
  );
  if (look.resumeFlows && look.resumeFlows.length > 0) {
    lines.push(`Back to bot, then a flow: \`${at} back <flow>\` with one of ${look.resumeFlows.slice(0, 25).map((f) => plain(f, 64)).join(', ')}`);
  }
  const title = `Hand-off #${code}: ${card.reasonLabel}`.slice(0, 100);
  const text = lines.join('\n\n').replace(/\n{3,}/g, '\n\n').slice(0, MAX_MESSAGE_CHARS);
  if (!look.buttons) return { kind: 'markdown', title, text };
  const buttons: DeskButton[] = [
    { title: 'Claim 认领', url: look.buttons.claim },
    { title: 'Back to bot 转回机器人', url: look.buttons.back },
    { title: 'Close 关闭', url: look.buttons.close },
  ];
  return { kind: 'actionCard', title, text, buttons };
}

export function buyerLineMessage(code: string, line: BuyerMessageLine, timezone: string): DeskMessage {
  return {
    kind: 'markdown',
    title: `#${code} ${line.buyerLabel}`.slice(0, 100),
    text: `**#${code}** ${time(line.at, timezone)} **${plain(line.buyerLabel, 80)}:** ${plain(line.text, MAX_MESSAGE_CHARS - 200)}`,
  };
}

export function statusMessage(code: string, update: StatusUpdate): DeskMessage {
  return {
    kind: 'markdown',
    title: `#${code} ${STATUS_WORDS[update.card.status]}`,
    text: `**#${code}** · ${STATUS_WORDS[update.card.status]} — ${plain(update.text, 500)}`,
  };
}

/** A line for the agent who wrote (a refusal, a question), in the group. */
export function noticeMessage(code: string | null, text: string): DeskMessage {
  return { kind: 'markdown', title: code ? `#${code}` : 'Kefu', text: `${code ? `**#${code}** · ` : ''}${text}` };
}
