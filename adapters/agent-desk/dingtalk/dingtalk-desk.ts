// The DingTalk agent desk: hand-off cards, buyer messages and status lines go to the queue's
// group through the robot OpenAPI; agents' messages (from Stream Mode or the HTTP callback) and
// card-button presses become agent events for the hand-off core, which decides what happens.
// A group has no threads: each hand-off's "thread" is its card's code (#A7) in its group, and a
// code is only accepted in the group its card was posted in, so only that group's members can act.

import type { AgentEvent, AgentEventHandler, AgentEventResult } from '../../../dialogs/handoff/agent-events.ts';
import type { AgentRef, BuyerMessageLine, HandoffCard, HandoffDesk, HandoffThread, StatusUpdate } from '../../../dialogs/handoff/handoff-desk.ts';
import type { Clock, Logger, SessionStore } from '../../../dialogs/ports.ts';
import { actionLink, type CardAction } from './action-links.ts';
import { parseAgentText } from './agent-command.ts';
import { agentTexts, fill, refusalText, type AgentLanguage, type AgentTexts } from '../agent-texts.ts';
import { agentName, buyerLineMessage, CARD_BUTTON_AGENT_ID, cardMessage, noticeMessage, statusMessage } from './card-markdown.ts';
import type { DeskMessage } from './desk-message.ts';
import type { HandoffCodes } from './handoff-codes.ts';
import type { DingtalkOpenApi } from './openapi-client.ts';
import type { RobotMessage } from './robot-message.ts';

export const DINGTALK_DESK = 'dingtalk';

export interface DingtalkDeskOptions {
  api: DingtalkOpenApi;
  codes: HandoffCodes;
  /** For each agent's claimed hand-offs (so a message without a code finds its hand-off). */
  sessions: SessionStore;
  keyPrefix: string;
  keepSeconds: number;
  appSecret: string;
  /** The default group, and a group per queue. */
  openConversationId: string;
  queues: Record<string, string>;
  /** Kefu's public address for the card's buttons; null: no buttons. */
  publicUrl: string | null;
  noteMarker: string;
  /** Flows an agent may send the buyer back into (handoff.resumeFlows), listed on the card. */
  resumeFlows: readonly string[];
  timezone: string;
  /** The language Kefu writes to agents in (agentDesk.language); English when left out. */
  language?: AgentLanguage;
  clock: Clock;
  logger: Logger;
}

/** Who pressed a card button: a link cannot say, so the claim is recorded as made from the card. */
export const CARD_BUTTON_AGENT: AgentRef = { id: CARD_BUTTON_AGENT_ID, name: 'an agent (card button)' };

export class DingtalkDesk implements HandoffDesk {
  readonly kind = DINGTALK_DESK;
  private handler: AgentEventHandler | null = null;
  private readonly groups: Set<string>;
  private readonly texts: AgentTexts;

  constructor(private readonly options: DingtalkDeskOptions) {
    this.groups = new Set([options.openConversationId, ...Object.values(options.queues)]);
    this.texts = agentTexts(options.language);
  }

  attach(handler: AgentEventHandler): void {
    this.handler = handler;
  }

  groupFor(queue: string): string {
    return this.options.queues[queue] ?? this.options.openConversationId;
  }

  // ---- HandoffDesk: what the core asks the desk to post ----

  async openThread(card: HandoffCard): Promise<HandoffThread> {
    const group = this.groupFor(card.queue);
    const thread: HandoffThread = { desk: DINGTALK_DESK, threadId: card.handoffId };
    const code = await this.options.codes.codeFor(thread.threadId, group);
    const { publicUrl, appSecret } = this.options;
    const expiresAt = this.options.clock.now() + this.options.keepSeconds * 1000;
    const link = (action: CardAction): string => actionLink(publicUrl!, { handoff: thread.threadId, action, expiresAt }, appSecret);
    const message = cardMessage(card, {
      code,
      noteMarker: this.options.noteMarker,
      resumeFlows: this.options.resumeFlows,
      timezone: this.options.timezone,
      ...(this.options.language ? { language: this.options.language } : {}),
      ...(publicUrl ? { buttons: { claim: link('claim'), back: link('back'), close: link('close') } } : {}),
    });
    await this.options.api.sendToGroup(group, message);
    return thread;
  }

  async postBuyerMessage(thread: HandoffThread, message: BuyerMessageLine): Promise<void> {
    const { code, group } = await this.placeOf(thread);
    await this.options.api.sendToGroup(group, buyerLineMessage(code, message, this.options.timezone));
  }

  async postStatus(thread: HandoffThread, update: StatusUpdate): Promise<void> {
    const { code, group } = await this.placeOf(thread);
    // Remembered first: the state changed whether or not the line below reaches the group.
    const claimer = update.card.claimedBy;
    if (update.change === 'claimed' && claimer) await this.rememberClaim(claimer.id, code, true);
    else if (claimer && (update.card.status === 'back_to_bot' || update.card.status === 'closed')) await this.rememberClaim(claimer.id, code, false);
    // Sample messages cannot be edited once sent, so a status change is a new line under the card.
    await this.options.api.sendToGroup(group, statusMessage(code, update, this.options.language));
  }

  /** The code on a hand-off's card, for the button pages. */
  async codeOf(threadId: string): Promise<string | null> {
    return this.options.codes.codeForExisting(threadId);
  }

  private async placeOf(thread: HandoffThread): Promise<{ code: string; group: string }> {
    const code = await this.options.codes.codeForExisting(thread.threadId);
    const entry = code ? await this.options.codes.lookup(code) : null;
    if (!code || !entry) throw new Error(`no DingTalk card for hand-off ${thread.threadId}`);
    return { code, group: entry.openConversationId };
  }

  // ---- agents' side ----

  /** An agent's message from the group (Stream or callback). Throws when DingTalk should deliver it again. */
  async handleRobotMessage(message: RobotMessage): Promise<void> {
    const handler = this.handler;
    if (!handler) throw new Error('the DingTalk desk is not started');
    const { logger } = this.options;
    const t = this.texts;
    if (!this.groups.has(message.conversationId)) {
      // A shop setting up finds its group's id here (docs/handoff-dingtalk.md, step 8).
      logger.info({ openConversationId: message.conversationId }, 'DingTalk message from a chat that is not a hand-off group');
      await this.answer(message, null, fill(t.dtNotAGroup, { id: message.conversationId }));
      return;
    }
    if (!isOrganisationMemberInGroup(message)) {
      logger.warn({ msgId: message.msgId, openConversationId: message.conversationId }, 'DingTalk message not from a member of the organisation in a group: ignored');
      await this.answer(message, null, t.dtMembersOnly);
      return;
    }
    if (message.msgtype !== 'text') {
      await this.answer(message, null, t.dtTextOnly);
      return;
    }
    const { code: named, command } = parseAgentText(message.text, this.options.resumeFlows);
    // Checked above: a member of the organisation always has a staff id.
    const agent: AgentRef = { id: message.senderStaffId!, ...(message.senderNick ? { name: message.senderNick } : {}) };
    // A quoted card or line names its hand-off: "reply" to it in DingTalk instead of typing the code.
    let code = named ?? quotedCode(message.quotedText);
    if (code === null) {
      const claimed = await this.claimedIn(agent.id, message.conversationId);
      if (claimed.length !== 1 || command.kind === 'empty') {
        await this.answer(message, null, claimed.length > 1
          ? fill(t.dtWhichOfMine, { count: claimed.length, codes: claimed.map((c) => `#${c}`).join(', '), first: claimed[0]! })
          : t.dtWhich);
        return;
      }
      code = claimed[0]!;
    }
    const entry = await this.options.codes.lookup(code);
    if (!entry) {
      await this.answer(message, code, fill(t.dtNoSuchCode, { code }));
      return;
    }
    if (entry.openConversationId !== message.conversationId) {
      await this.answer(message, code, fill(t.dtOtherGroup, { code }));
      return;
    }
    if (command.kind === 'empty') {
      await this.answer(message, code, fill(t.dtEmpty, { code }));
      return;
    }
    const base = { eventId: message.msgId, thread: { desk: DINGTALK_DESK, threadId: entry.handoff }, agent, at: message.createAt };
    const event: AgentEvent =
      command.kind === 'claim' ? { ...base, kind: 'claim' }
      : command.kind === 'back' ? { ...base, kind: 'back_to_bot', ...(command.resumeFlow ? { resumeFlow: command.resumeFlow } : {}) }
      : command.kind === 'close' ? { ...base, kind: 'close' }
      : { ...base, kind: 'message', text: command.text };
    const result = await handler.handleAgentEvent(event);
    await this.showResult(message, code, result);
  }

  /** A card button, confirmed on Kefu's page. The event id is the link's: pressing twice acts once. */
  async handleCardAction(threadId: string, action: CardAction): Promise<AgentEventResult> {
    const handler = this.handler;
    if (!handler) throw new Error('the DingTalk desk is not started');
    const base = { eventId: `card:${action}:${threadId}`, thread: { desk: DINGTALK_DESK, threadId }, agent: CARD_BUTTON_AGENT, at: this.options.clock.now() };
    const event: AgentEvent = action === 'claim' ? { ...base, kind: 'claim' } : action === 'back' ? { ...base, kind: 'back_to_bot' } : { ...base, kind: 'close' };
    return handler.handleAgentEvent(event);
  }

  private async showResult(message: RobotMessage, code: string, result: AgentEventResult): Promise<void> {
    const notice = this.refusal(result);
    if (notice !== null) await this.answer(message, code, notice);
  }

  /** Why an agent's action did nothing, in the agents' language; null when it did something. */
  refusal(result: AgentEventResult): string | null {
    return refusalText(this.texts, result, { noteMarker: this.options.noteMarker, name: (agent) => agentName(agent, this.texts) });
  }

  /**
   * Answers the agent: through the message's session webhook while it is valid, else through the
   * OpenAPI to the group. Best effort: the agent's event is already handled, so a failure is logged.
   */
  private async answer(message: RobotMessage, code: string | null, text: string): Promise<void> {
    const reply: DeskMessage = noticeMessage(code, text);
    const { api, logger } = this.options;
    if (api.canUseSessionWebhook(message.sessionWebhook, message.sessionWebhookExpiredTime)) {
      try {
        await api.sendBySessionWebhook(message.sessionWebhook, reply);
        return;
      } catch (error) {
        logger.warn({ err: (error as Error).message }, 'DingTalk session webhook failed; answering through the OpenAPI');
      }
    }
    if (!this.groups.has(message.conversationId)) {
      logger.warn({ msgId: message.msgId }, 'cannot answer the DingTalk message: its session webhook has expired and the chat is not a hand-off group');
      return;
    }
    await api.sendToGroup(message.conversationId, reply).catch((error: Error) =>
      logger.warn({ err: error.message, msgId: message.msgId }, 'could not answer the agent in DingTalk'),
    );
  }

  // ---- each agent's claimed hand-offs ----

  private agentKey(agentId: string): string {
    return `${this.options.keyPrefix}agent-claims:${agentId}`;
  }

  private async rememberClaim(agentId: string, code: string, claimed: boolean): Promise<void> {
    const key = this.agentKey(agentId);
    const codes = new Set((await this.options.sessions.load<string[]>(key)) ?? []);
    if (claimed) codes.add(code);
    else codes.delete(code);
    // Bounded: an agent never juggles hundreds; the oldest are dropped first.
    const kept = [...codes].slice(-50);
    if (kept.length === 0) await this.options.sessions.delete(key);
    else await this.options.sessions.save(key, kept, this.options.keepSeconds);
  }

  private async claimedIn(agentId: string, group: string): Promise<string[]> {
    const codes = (await this.options.sessions.load<string[]>(this.agentKey(agentId))) ?? [];
    const inGroup: string[] = [];
    for (const code of codes) {
      const entry = await this.options.codes.lookup(code);
      if (entry?.openConversationId === group) inGroup.push(code);
    }
    return inGroup;
  }
}

/**
 * Whether the sender may act on the group's hand-offs: a group chat ("conversationType: 1 单聊, 2 群聊"),
 * a sender DingTalk names by staff id (it does so for members of the robot's organisation only), and,
 * when DingTalk gives both, the sender's organisation is the robot's (not a member of a partner
 * organisation in a cross-organisation group). Field meanings: DingTalk, "接收消息的消息协议",
 * https://open.dingtalk.com/document/orgapp/receive-message. That the message comes from the
 * hand-off's own group is checked against the card's code (a code is only valid in its group).
 */
function isOrganisationMemberInGroup(message: RobotMessage): boolean {
  if (message.conversationType !== '2' || !message.senderStaffId) return false;
  return !(message.senderCorpId && message.chatbotCorpId && message.senderCorpId !== message.chatbotCorpId);
}

/** The hand-off code in a quoted line of the desk's own ("Hand-off #A7: …", "#A7 · claimed …"). */
function quotedCode(quoted: string | undefined): string | null {
  const match = quoted ? /#([A-Z][0-9]{1,3})(?![0-9A-Za-z])/.exec(quoted) : null;
  return match ? match[1]! : null;
}
