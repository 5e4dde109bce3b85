// How hand-offs look in the DingTalk group: the card (markdown, or an actionCard with Claim /
// Back to bot / Close buttons when Kefu has a public address), buyer messages and status lines.
// Every line carries the hand-off's code, since a group has no threads to keep them together.
// What buyers wrote is shown as text, never as markdown: DingTalk's markdown has no reliable escape,
// so the few characters that make markup ([ ] < > * _ ` # |) become their full-width look-alikes,
// and a buyer cannot restyle the card or forge a link. Kefu's own words come from the agents' table
// (agent-texts.ts) in the shop's agentDesk.language.

import type { AgentRef, BuyerMessageLine, HandoffCard, StatusUpdate } from '../../../dialogs/handoff/handoff-desk.ts';
import { agentTexts, fill, reasonText, statusSentence, type AgentLanguage, type AgentTexts } from '../agent-texts.ts';
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

/** Who pressed a card button: a link cannot say, so the claim is recorded as made from the card. */
export const CARD_BUTTON_AGENT_ID = 'dingtalk-card-button';

/** An agent as the group reads them: their DingTalk nick, or the card button in the agents' language. */
export function agentName(agent: AgentRef, t: AgentTexts): string {
  return agent.id === CARD_BUTTON_AGENT_ID ? t.dtCardButtonAgent : agent.name ?? agent.id;
}

export interface CardLook {
  code: string;
  noteMarker: string;
  /** Flows an agent may send the buyer back into: `#A7 back <flow>`. */
  resumeFlows?: readonly string[];
  timezone: string;
  /** Links for the buttons, when Kefu has a public address. */
  buttons?: { claim: string; back: string; close: string };
  /** The language Kefu writes to agents in; English when left out. */
  language?: AgentLanguage;
}

export function cardMessage(card: HandoffCard, look: CardLook): DeskMessage {
  const { code } = look;
  const language = look.language ?? 'en';
  const t = agentTexts(language);
  const reason = reasonText(t, card);
  const lines: string[] = [];
  lines.push(`### ${fill(t.dtHeading, { code, status: t.dtStatus[card.status] })}`);
  lines.push(`**${t.buyer}:** ${plain(card.buyerLabel, 80)} · ${plain(card.channel, 40)} · ${card.language}`);
  lines.push(`**${t.why}:** ${plain(reason, 120)}${card.detail ? ` — ${plain(card.detail, 200)}` : ''}`);
  const about: string[] = [];
  if (card.orderId) about.push(fill(t.dtAboutOrder, { id: plain(card.orderId, 60) }));
  if (card.productId) about.push(fill(t.dtAboutProduct, { id: plain(card.productId, 60) }));
  if (card.flow) about.push(fill(t.dtAboutFlow, { id: plain(card.flow, 60) }));
  if (about.length > 0) lines.push(`**${t.dtAbout}:** ${about.join(' · ')}`);
  // DingTalk teams read Chinese: an English desk still shows the tags' Simplified Chinese labels.
  if (card.buyerTags?.length) lines.push(`**${t.buyerTags}:** ${card.buyerTags.map((tag) => plain(tag.label[language === 'en' ? 'zh-Hans' : language], 30)).join(' · ')}`);
  if (card.afterHours) lines.push(`**${t.dtOutsideHours}:** ${t.dtOutsideHoursText}`);
  if (card.lastTurns.length > 0) {
    lines.push('', `**${t.lastMessages}**`);
    for (const turn of card.lastTurns) {
      // English keeps the speaker as the core names it (buyer, bot, agent), as it always read.
      lines.push(`> ${time(turn.at, look.timezone)} ${language === 'en' ? turn.from : t.speakers[turn.from]}: ${plain(turn.text)}`);
      lines.push('');
    }
  }
  const at = `#${code}`;
  lines.push('', fill(t.dtCommands, { at, marker: look.noteMarker }));
  if (look.resumeFlows && look.resumeFlows.length > 0) {
    lines.push(fill(t.dtResume, { at, flows: look.resumeFlows.slice(0, 25).map((f) => plain(f, 64)).join(', ') }));
  }
  const title = fill(t.dtTitle, { code, reason }).slice(0, 100);
  const text = lines.join('\n\n').replace(/\n{3,}/g, '\n\n').slice(0, MAX_MESSAGE_CHARS);
  if (!look.buttons) return { kind: 'markdown', title, text };
  const buttons: DeskButton[] = [
    { title: t.dtButtonClaim, url: look.buttons.claim },
    { title: t.dtButtonBack, url: look.buttons.back },
    { title: t.dtButtonClose, url: look.buttons.close },
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

export function statusMessage(code: string, update: StatusUpdate, language: AgentLanguage = 'en'): DeskMessage {
  const t = agentTexts(language);
  const status = t.dtStatus[update.card.status];
  const sentence = statusSentence(t, update, (agent) => agentName(agent, t));
  return {
    kind: 'markdown',
    title: `#${code} ${status}`,
    text: `**#${code}** · ${status} — ${plain(sentence, 500)}`,
  };
}

/** A line for the agent who wrote (a refusal, a question), in the group. */
export function noticeMessage(code: string | null, text: string): DeskMessage {
  return { kind: 'markdown', title: code ? `#${code}` : 'Kefu', text: `${code ? `**#${code}** · ` : ''}${text}` };
}
