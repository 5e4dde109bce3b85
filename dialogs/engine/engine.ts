// The dialog engine: given a conversation's session and the buyer's new message, decides what the
// bot says and does. It is pure with respect to the outside world (no storage, no sockets): the
// caller (conversations.ts) loads and saves the session and carries out the hand-off it returns.
//
// One turn, in order of precedence:
//   too long / empty → a gentle reply;  a person has the conversation → relay, stay quiet;
//   a button payload → its intent;  cancel / human → at any point;
//   a flow waiting on a slot → fill it, or answer a new topic and offer the way back, or re-ask;
//   otherwise → start the intent's flow, or say "did you mean…" with suggestions (two misses → a person).

import type { ActionDefinition, CardReply } from '../actions/action-types.ts';
import { DEFAULT_AFTER_SALE_POLICY, type AfterSalePolicy } from '../commerce/after-sale-policy.ts';
import { OrdersUnavailableError, type Orders } from '../commerce/orders.ts';
import { buyerOrders } from '../commerce/buyer-orders.ts';
import type { ProofAttempts } from '../commerce/order-proof.ts';
import type { FlowDefinition, SlotDefinition, Step } from '../flows/flow-types.ts';
import { isTruthy } from '../flows/expressions.ts';
import { renderTemplate } from '../flows/templates.ts';
import type { FlowSet } from '../flows/load-flows.ts';
import type { Vocabulary } from '../flows/vocabulary.ts';
import { triggersOf } from '../flows/check-flows.ts';
import { isCommerceUnavailable } from '../commerce/commerce-unavailable.ts';
import { findProductMention } from '../commerce/product-mentions.ts';
import { detectLanguage } from '../language/chinese-script.ts';
import { pageOf, type Button, type ConversationRef, type HandoffReason, type InboundMessage, type Language, type LocalText, type Reply } from '../messages.ts';
import type { Catalog, HandoffRequest, Logger, Product, TurnEvent } from '../ports.ts';
import { extractEntities, type EntityOptions } from '../understanding/entities.ts';
import type { IntentScore, Recognition } from '../understanding/intent-recogniser.ts';
import { pickVariation, renderVariation, slotButtons } from './render-replies.ts';
import { appendTurns, forgetOrders, identityOf, MAX_MEMORY_CHARS, MAX_SUSPENDED_FLOWS, newSession, type FlowRun, type Session } from './session.ts';
import { normaliseForMatching, readSlotValues, type MessageForSlots } from './slot-filling.ts';
import { asksForAgain, expandShorthand, isAcknowledgement, isLanguageNeutral, isNeverMind, isShortReply, onlySaysYes, readYesNo } from './short-replies.ts';
import { factsIntentFromProductPage, intentFromProductPage } from './page-context.ts';
import { isOnlyCourtesy, splitMessage, withoutCourtesyBefore } from './message-parts.ts';
import { chipsForPage, type PageKind } from '../shopping/page-chips.ts';

/** The flows' response that introduces a page's chips shown as numbered options (flows/chips.yaml). */
export const CHIPS_ON_CARD_RESPONSE = 'chips_on_card';

/** Steps one turn may run before the engine decides a flow is stuck (a safety net under the validator). */
const MAX_STEPS_PER_TURN = 200;
const DEFAULT_SLOT_RETRIES = 2;
const MISSES_BEFORE_HANDOFF = 2;
const SUGGESTIONS = 3;
const HAS_CONTENT = /[\p{L}\p{N}]/u;
/** How sure the recogniser must be of one piece of a message for it to count as a request of its own. */
const PIECE_CONFIDENCE = 0.75;
/** How sure it must be of a message without its courtesy words when it did not recognise the whole. */
const CLEANED_CONFIDENCE = 0.6;
/** Said before a hand-off for negative sentiment, when the flows define it (flows/handoff.yaml). */
const UPSET_BUYER_APOLOGY = 'handoff_upset_sorry';

export interface EngineOptions {
  /** The current flow set; a function so a hot reload takes effect on the next message. */
  flows: () => FlowSet;
  catalog: Catalog;
  shopName: LocalText;
  maxTextLength: number;
  lastTurns: number;
  entities?: EntityOptions;
  logger: Logger;
  /**
   * Scores how the buyer feels (dialogs/insight/sentiment.ts); a score at or below
   * `handoffAtOrBelow` hands the buyer to a person with reason negative_sentiment (null: never),
   * except when the message is recognised as one of `unlessIntents` (their flows route it themselves).
   */
  sentiment?: { score(text: string): number; handoffAtOrBelow: number | null; unlessIntents?: readonly string[] };
  /**
   * Picks what a buyer is told when handed off, e.g. the opening hours at night (see
   * dialogs/handoff/handoff-notice.ts); null or an unknown response name says `handoff`.
   */
  handoffNotice?: (at: number, language: Language, vocabulary: Vocabulary) => { response: string; vars: Record<string, unknown> } | null;
  /** The orders backend for after-sale actions; without one they answer as if it were down. */
  orders?: Orders;
  /** Guests' failed order-proof tries (dialogs/commerce/order-proof.ts); without it guests cannot prove an order. */
  proofAttempts?: ProofAttempts;
  afterSale?: AfterSalePolicy;
  /**
   * The buyer's tags now (dialogs/buyers/buyer-tagger.ts): read only by a turn whose expression names
   * buyer.tags, so a shop without tag rules in its conditions pays no store read.
   */
  buyerTags?: (buyer: ConversationRef) => Promise<string[]>;
}

/** Stands in when no orders backend is wired: every call fails the way an unreachable one does. */
const noOrders: Orders = new Proxy({} as Orders, {
  get: () => async () => {
    throw new OrdersUnavailableError('no orders backend is configured');
  },
});

export interface TurnOutcome {
  session: Session;
  replies: Reply[];
  /** A hand-off to open, when this turn handed the conversation to a person. */
  handoff: HandoffRequest | null;
  /** True when a person has the conversation: the caller relays the message to the agent desk. */
  relay: boolean;
  /** The values of the flow that ran this turn (also when it just ended), for tests and insight. */
  flowVars: Record<string, unknown> | null;
  event: TurnEvent;
}

type FlowStatus = 'waiting' | 'completed' | 'handed_off';

interface Understood {
  intent: string | null;
  confidence: number;
  ranking: IntentScore[];
}

/** One request of a message and the text it was read from. */
interface UnderstoodPart extends Understood {
  text: string;
}

class FlowError extends Error {}

/** Everything one turn works on. */
class TurnState {
  readonly replies: Reply[] = [];
  handoff: HandoffRequest | null = null;
  relay = false;
  intent: string | null = null;
  confidence = 0;
  outcome: TurnEvent['outcome'] = 'answered';
  sentiment: number | undefined;
  handoffReason: HandoffReason | undefined;
  product: Product | null = null;
  /** Values of a flow that ended this turn (the run itself is gone by then). */
  endedFlowVars: Record<string, unknown> | null = null;
  /** Buttons an action offered, put on the next reply of this turn. */
  pendingButtons: Button[] = [];
  /** Cards an action built, sent after the next reply of this turn. */
  pendingCards: CardReply[] = [];
  /** While the parts of a multi-part message run: the way back to a flow of this message is not offered. */
  multiPart = false;
  /** The question each flow asked this turn, so that a multi-part message asks it once, last. */
  readonly askedIn = new Map<FlowRun, Reply>();
  /** The buyer's tags, read once per turn when an expression needs them. */
  buyerTags: Promise<string[]> | null = null;
  /**
   * What the recogniser said of each text this turn: a message of one piece is recognised whole and
   * then as its piece, the same text twice (the recogniser is pure, and the flow set fixed for the turn).
   */
  readonly recognitions = new Map<string, Recognition>();

  constructor(
    readonly message: InboundMessage,
    readonly session: Session,
    readonly flowSet: FlowSet,
  ) {}

  get language(): Language {
    return this.session.language;
  }
}

export class Engine {
  constructor(private readonly options: EngineOptions) {}

  async handle(stored: Session | null, message: InboundMessage): Promise<TurnOutcome> {
    const flowSet = this.options.flows();
    const text = message.text ?? '';
    const session = stored ?? newSession(detectLanguage(text) ?? 'zh-Hans', message.receivedAt);
    // A free-text answer (an address, a card message) is content, not the buyer's choice of language:
    // an English-speaking buyer pasting a Chinese address is still answered in English.
    const askedSlot = session?.run?.asking ? flowSet.flows.get(session.run.flow)?.slots?.[session.run.asking.slot] : undefined;
    // "ok", "no", "88" in a Chinese chat are a Chinese buyer's short reply, not a switch to English.
    const keepsLanguage = askedSlot?.type === 'text' || (stored !== null && isLanguageNeutral(text));
    if (!keepsLanguage) session.language = detectLanguage(text, session.language) ?? session.language;
    session.turnCount += 1;
    const identity = identityOf(message.conversation);
    if (session.identity !== identity) {
      // A session built for someone else (or before sessions were bound to an identity) keeps
      // its transcript and language, never its orders.
      if (stored) forgetOrders(session);
      session.identity = identity;
    }
    const page = message.context?.productId;
    if (page && page !== session.pageProductId) {
      session.context.productId = page;
      session.pageProductId = page;
    }
    if (message.context?.orderId) session.context.orderId = message.context.orderId;
    this.dropStaleRuns(session, flowSet);

    const turn = new TurnState(message, session, flowSet);
    this.remember(session, 'buyer', text || message.payload || '', message.receivedAt);
    await this.dispatch(turn);
    for (const reply of turn.replies) this.remember(session, 'bot', reply.text, message.receivedAt);
    session.updatedAt = message.receivedAt;

    return {
      session,
      replies: turn.replies,
      handoff: turn.handoff,
      relay: turn.relay,
      flowVars: turn.endedFlowVars ?? (session.run ? { ...session.run.vars } : null),
      event: {
        conversation: message.conversation,
        at: message.receivedAt,
        language: session.language,
        text: text.slice(0, 500),
        intent: turn.intent,
        confidence: turn.confidence,
        flow: session.run?.flow ?? null,
        outcome: turn.outcome,
        ...(turn.sentiment !== undefined ? { sentiment: turn.sentiment } : {}),
        ...(turn.handoffReason ? { handoffReason: turn.handoffReason } : {}),
        ...(pageOf(message.context) ? { page: pageOf(message.context)! } : {}),
      },
    };
  }

  /** One of the flows' responses, outside a buyer's turn (a hand-off notice); null when there is none by that name. */
  /** The flows' canned replies for agents: responses whose name starts with `canned_`, in file order. */
  cannedReplies(): string[] {
    return [...this.options.flows().responses.keys()].filter((name) => name.startsWith('canned_'));
  }

  /** The shop's fixed answers (FAQ): intents whose flow only says one response, with that response. */
  fixedAnswers(): { intent: string; response: string }[] {
    const flowSet = this.options.flows();
    return [...flowSet.flowByIntent].flatMap(([intent, name]) => {
      const steps = flowSet.flows.get(name)?.steps ?? [];
      const only = steps.length === 1 ? steps[0] : undefined;
      return only && typeof only === 'object' && 'say' in only && typeof only.say === 'string' ? [{ intent, response: only.say }] : [];
    });
  }

  /**
   * A page's question chips as one reply, for a channel without a chip row (a marketplace chat
   * shows them as numbered options): the flows' `chips_on_card` words with the chips as buttons;
   * null when the page has no chips or the flows do not have those words.
   */
  pageChips(conversation: ConversationRef, page: PageKind, language: Language, productId?: string): Reply | null {
    const chips = chipsForPage(this.options.flows().chips, page, language, productId);
    if (chips.length === 0) return null;
    const heading = this.renderResponse(CHIPS_ON_CARD_RESPONSE, conversation, language);
    return heading ? { ...heading, buttons: chips } : null;
  }

  renderResponse(responseName: string, conversation: ConversationRef, language: Language, vars: Record<string, unknown> = {}): Reply | null {
    const flowSet = this.options.flows();
    if (!flowSet.responses.has(responseName)) return null;
    const session = newSession(language, 0);
    const turn = new TurnState({ id: '', conversation, text: '', receivedAt: 0 }, session, flowSet);
    return this.render(turn, responseName, vars);
  }

  /**
   * The bot takes a conversation back from a person (an agent pressed Back to bot or Close): the
   * hand-off ends, the bot says `response`, or starts `resumeFlow` when the flow set has it.
   * Changes `session` in place (the caller saves it) and returns the replies to send, and the
   * hand-off to open when the resumed flow hands over again.
   */
  async takeBack(session: Session, conversation: ConversationRef, at: number, response: string, resumeFlow?: string): Promise<{ replies: Reply[]; handoff: HandoffRequest | null }> {
    const flowSet = this.options.flows();
    session.handoff = null;
    session.misses = 0;
    session.run = null;
    session.suspended = [];
    const turn = new TurnState({ id: '', conversation, text: '', receivedAt: at }, session, flowSet);
    if (resumeFlow && flowSet.flows.has(resumeFlow)) {
      await this.loadProduct(turn);
      await this.startFlow(turn, resumeFlow, { text: '', normalised: '', entities: [] }, {});
    } else {
      this.say(turn, flowSet.responses.has(response) ? response : 'back_to_bot');
    }
    for (const reply of turn.replies) this.remember(session, 'bot', reply.text, at);
    session.updatedAt = at;
    return { replies: turn.replies, handoff: turn.handoff };
  }

  private remember(session: Session, from: 'buyer' | 'bot', text: string, at: number): void {
    appendTurns(session, [{ from, text, at }], this.options.lastTurns);
  }

  /**
   * After a hot reload a stored run may name a flow or slot that no longer exists: let it go.
   * A flow whose steps changed restarts from its first step with the values gathered so far
   * (filled slots are not asked again), because its old position may point at a different step now.
   */
  private dropStaleRuns(session: Session, flowSet: FlowSet): void {
    const valid = (run: FlowRun): boolean =>
      flowSet.flows.has(run.flow) && (!run.asking || Boolean(flowSet.flows.get(run.flow)!.slots?.[run.asking.slot]));
    const current = (run: FlowRun): FlowRun => {
      const version = flowSet.fingerprint(run.flow);
      return run.version === version ? run : { ...run, pc: [0], version };
    };
    session.run = session.run && valid(session.run) ? current(session.run) : null;
    session.suspended = session.suspended.filter(valid).map(current);
  }

  private async dispatch(turn: TurnState): Promise<void> {
    const { message, session } = turn;
    const text = message.text ?? '';
    if (text.length > this.options.maxTextLength) {
      turn.outcome = 'not_understood';
      return this.say(turn, 'message_too_long');
    }
    const payload = message.payload?.trim() || undefined;
    if (this.options.sentiment && text) turn.sentiment = this.options.sentiment.score(text);
    if (session.handoff) {
      if (payload === '/back_to_bot') {
        session.handoff = null;
        return this.say(turn, 'back_to_bot');
      }
      turn.relay = true;
      turn.outcome = 'relayed';
      return;
    }
    if (payload?.startsWith('/')) return this.handlePayload(turn, payload);

    const input = payload ?? text;
    if (!HAS_CONTENT.test(input)) return this.say(turn, 'no_text');
    await this.noticeProduct(turn, input);
    await this.loadProduct(turn);
    const whole = this.understandText(turn, input, true);
    // While the bot waits for an answer the message is read whole: "好的 不用了" answers the question once.
    const parts = session.run?.asking ? [{ ...whole, text: input }] : this.understand(turn, input, whole);
    turn.intent = parts[0]!.intent;
    turn.confidence = parts[0]!.confidence;
    // A strongly unhappy buyer gets a person at once, whatever they asked — unless what they asked
    // is itself a way to a person (a complaint, "human please"), whose flow apologises and routes.
    const sentiment = this.options.sentiment;
    const handoffAt = sentiment?.handoffAtOrBelow ?? null;
    const routedByIntent = whole.intent !== null && (sentiment?.unlessIntents ?? []).includes(whole.intent);
    if (handoffAt !== null && turn.sentiment !== undefined && turn.sentiment <= handoffAt && !routedByIntent) {
      // An upset buyer hears an apology before the hand-off notice (optional response: a shop's
      // flows without it still hand off).
      if (turn.flowSet.responses.has(UPSET_BUYER_APOLOGY)) this.say(turn, UPSET_BUYER_APOLOGY);
      return this.handOff(turn, 'negative_sentiment', `sentiment score ${turn.sentiment}`);
    }
    if (parts.length === 1) return this.handleUnderstood(turn, parts[0]!.intent, this.forSlots(turn, input), parts[0]!.ranking, {});
    return this.handleParts(turn, parts);
  }

  /**
   * What the message asks: one request, or several in one line ("卫衣有M码吗 还有发什么快递"). Courtesy
   * before a request is left out ("亲 在吗 卫衣有M码吗" asks about stock; it is not a greeting).
   * Pieces that are not requests of their own ("我175", "140斤", a short "好的") stay with the request
   * they go with; a piece is a request of its own only when recognised with confidence.
   */
  private understand(turn: TurnState, input: string, whole: Understood): UnderstoodPart[] {
    const pieces = splitMessage(input);
    const meaningful = pieces.filter((p) => !isOnlyCourtesy(p.text) && !isShortReply(p.text));
    if (meaningful.length === 0) return [{ ...whole, text: input }];
    const groups: { start: number; end: number; understood: Understood }[] = [];
    let leadingStart: number | null = null;
    for (const piece of meaningful) {
      const understood = this.understandText(turn, withoutCourtesyBefore(piece.text), false);
      // Venting beside a question ("what size?? worst shop ever") is not a request for a person of its
      // own: the whole message decides that (and the sentiment rule, where the shop has it on).
      const toPerson = (this.options.sentiment?.unlessIntents ?? []).includes(understood.intent ?? '') && whole.intent !== understood.intent;
      const own = understood.intent !== null && understood.confidence >= PIECE_CONFIDENCE && !toPerson;
      const last = groups.at(-1);
      if (!own || last?.understood.intent === understood.intent) {
        if (last) last.end = piece.end;
        else leadingStart ??= piece.start;
        continue;
      }
      groups.push({ start: leadingStart ?? piece.start, end: piece.end, understood });
      leadingStart = null;
    }
    if (groups.length >= 2) return groups.map((g) => ({ ...g.understood, text: input.slice(g.start, g.end) }));
    // One request: when courtesy stood before it, it is recognised without ("請問這件有M號嗎").
    const first = meaningful[0]!;
    const courtesyBefore = pieces[0] !== first || withoutCourtesyBefore(first.text) !== first.text;
    if (courtesyBefore) {
      const cleaned = this.understandText(turn, meaningful.map((p) => withoutCourtesyBefore(p.text)).join(' '), false);
      // Without the courtesy the recogniser sees the request alone; where it did not recognise the
      // whole message at all, it must be fairly sure of the rest ("Hey! How you doing" is no request).
      const sure = whole.intent !== null || cleaned.confidence >= CLEANED_CONFIDENCE;
      if (cleaned.intent !== null && sure) return [{ ...cleaned, text: input }];
    }
    return [{ ...whole, text: input }];
  }

  /** The intent of a text, with what the engine knows beyond the recogniser: short replies (for a whole message) and the product page. */
  private understandText(turn: TurnState, text: string, wholeMessage: boolean): Understood {
    // Chat shorthand is recognised as the words it stands for ("88" → 拜拜, "nvm" → never mind).
    const expanded = expandShorthand(text);
    let recognition = turn.recognitions.get(expanded);
    if (recognition === undefined) {
      recognition = turn.flowSet.recogniser.recognise(expanded);
      turn.recognitions.set(expanded, recognition);
    }
    const shortReply = wholeMessage ? shortReplyIntent(text, recognition.intent) : recognition.intent;
    const fromPage = shortReply === 'cancel' || shortReply === 'human_agent' ? null : intentFromProductPage(text, turn.product, turn.flowSet);
    const fromFacts = fromPage ?? shortReply ?? factsIntentFromProductPage(text, turn.product, turn.flowSet, turn.session.language);
    return { intent: fromFacts, confidence: recognition.confidence, ranking: recognition.ranking };
  }

  private forSlots(turn: TurnState, text: string): MessageForSlots {
    return {
      text,
      normalised: normaliseForMatching(text),
      entities: extractEntities(text, this.options.entities),
      language: turn.session.language,
      question: lastQuestion(turn.session),
    };
  }

  /**
   * Several requests in one message, answered in the order written. A flow that asks the buyer
   * something is put aside by the next request like any topic change; its question is asked again
   * at the end, so that the last thing the buyer reads is what the bot waits for.
   */
  private async handleParts(turn: TurnState, parts: UnderstoodPart[]): Promise<void> {
    const { session } = turn;
    turn.multiPart = true;
    for (const part of parts) {
      await this.handleUnderstood(turn, part.intent, this.forSlots(turn, part.text), part.ranking, {});
      if (session.handoff) return;
    }
    turn.multiPart = false;
    const waiting = session.suspended.at(-1);
    if (session.run || !waiting?.asking || waiting.startedAt !== session.turnCount) return;
    session.suspended.pop();
    session.run = waiting;
    const earlier = turn.askedIn.get(waiting);
    if (earlier) turn.replies.splice(turn.replies.indexOf(earlier), 1);
    this.askSlot(turn, turn.flowSet.flows.get(waiting.flow)!, waiting.asking.slot, 'ask');
    turn.outcome = 'asked';
  }

  /** "/intent" or "/intent{"slot": "value"}" from a button; "/resume" and "/back_to_bot" are the engine's own. */
  private async handlePayload(turn: TurnState, payload: string): Promise<void> {
    const { session, flowSet } = turn;
    if (payload === '/back_to_bot') return this.say(turn, 'back_to_bot');
    if (payload === '/resume') {
      const run = session.suspended.pop();
      if (!run) return this.say(turn, 'unknown_button');
      session.run = run;
      await this.loadProduct(turn);
      return this.continueFlow(turn);
    }
    const match = /^\/([a-z][a-z0-9_]*)(\{.*\})?$/s.exec(payload);
    const intent = match?.[1];
    let prefill: Record<string, unknown> = {};
    if (match?.[2]) {
      try {
        const parsed: unknown = JSON.parse(match[2]);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
        prefill = Object.fromEntries(
          Object.entries(parsed).filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v)),
        );
      } catch {
        return this.say(turn, 'unknown_button');
      }
    }
    if (!intent || !flowSet.intents.has(intent)) return this.say(turn, 'unknown_button');
    turn.intent = intent;
    turn.confidence = 1;
    await this.loadProduct(turn);
    const empty: MessageForSlots = { text: '', normalised: '', entities: [] };
    return this.handleUnderstood(turn, intent, empty, [], prefill);
  }

  private async handleUnderstood(
    turn: TurnState,
    intent: string | null,
    message: MessageForSlots,
    ranking: IntentScore[],
    prefill: Record<string, unknown>,
  ): Promise<void> {
    const { session, flowSet } = turn;
    const run = session.run;
    const flow = run ? flowSet.flows.get(run.flow)! : undefined;
    // A direct answer to the question just asked wins over cancel and hand-off phrases: "不用了" and
    // "no" answer a yes/no question, they do not cancel it. Free-text slots take any text, so there
    // "算了" and "转人工" keep their meaning.
    const askedType = run?.asking ? flow?.slots?.[run.asking.slot]?.type : undefined;
    const fill = run?.asking && askedType !== 'text'
      ? await this.fillSlots(turn, flow!, run, message, run.asking.slot)
      : null;
    if (!fill || fill.filled === 0) {
      if (intent === 'cancel') return this.cancel(turn);
      if (intent === 'human_agent') return this.handOff(turn, 'asked_for_human');
    }

    if (run?.asking && flow) {
      // A free-text question takes any text, so it would swallow a question for another flow
      // ("175 140斤穿多大" while the bot asks which colour): such a message starts that flow instead.
      const switchTo = askedType === 'text' ? await this.clearlyAnotherRequest(turn, run, intent, message, ranking) : undefined;
      if (switchTo !== undefined) {
        session.misses = 0;
        return this.startFlow(turn, switchTo, message, prefill);
      }
      const { filled, askedRejected } = fill ?? (await this.fillSlots(turn, flow, run, message, run.asking.slot));
      if (askedRejected) return this.wrongAnswer(turn, flow, run);
      const answered = run.vars[run.asking.slot] !== undefined;
      if (answered || filled > 0) {
        session.misses = 0;
        return this.continueFlow(turn);
      }
      const otherFlow = intent ? flowSet.flowByIntent.get(intent) : undefined;
      if (otherFlow && otherFlow !== run.flow) {
        session.misses = 0;
        return this.startFlow(turn, otherFlow, message, prefill);
      }
      if (otherFlow === run.flow) return this.askSlot(turn, flow, run.asking.slot, 'ask');
      return this.wrongAnswer(turn, flow, run);
    }

    // A flow put aside by another question: the buyer answers its pending question ("哦 我170"), or
    // says yes to the offer to go back to it.
    if (!run && (await this.resumeWaiting(turn, intent, message))) return;

    // "再来一个" / "another one": the flow that just ended, once more (another joke).
    if (intent === null && session.lastFlow && flowSet.flows.has(session.lastFlow) && asksForAgain(message.text)) {
      session.misses = 0;
      turn.intent = triggersOf(flowSet.flows.get(session.lastFlow)!)[0] ?? null;
      return this.startFlow(turn, session.lastFlow, message, prefill);
    }
    const flowName = intent ? flowSet.flowByIntent.get(intent) : undefined;
    if (flowName) {
      session.misses = 0;
      return this.startFlow(turn, flowName, message, prefill);
    }
    // "好的", "ok" with nothing asked: acknowledged, not a failure to understand.
    if (isAcknowledgement(message.text)) {
      session.misses = 0;
      return this.say(turn, 'no_text');
    }
    return this.notUnderstood(turn, ranking);
  }

  /**
   * Goes back to the newest flow put aside when this message answers its pending question (fills
   * one of its slots, and is not a question for another flow), or says yes right after the offer to
   * go back. Returns whether it did.
   */
  private async resumeWaiting(turn: TurnState, intent: string | null, message: MessageForSlots): Promise<boolean> {
    const { session, flowSet } = turn;
    const waiting = session.suspended.at(-1);
    if (!waiting?.asking) return false;
    const flow = flowSet.flows.get(waiting.flow)!;
    const otherFlow = intent ? flowSet.flowByIntent.get(intent) : undefined;
    const resume = () => {
      session.suspended.pop();
      session.run = waiting;
      session.misses = 0;
    };
    if (waiting.offeredAt === session.turnCount - 1 && onlySaysYes(message.text, message.question ?? '')) {
      resume();
      turn.outcome = 'asked';
      this.askSlot(turn, flow, waiting.asking.slot, 'ask');
      return true;
    }
    if (otherFlow !== undefined && otherFlow !== waiting.flow) return false;
    // Any text would "answer" a free-text question, and a yes/no answer needs its question in view.
    const askedType = flow.slots?.[waiting.asking.slot]?.type;
    if (askedType === 'text' || askedType === 'yes_no') return false;
    const probe: FlowRun = { ...waiting, vars: { ...waiting.vars } };
    const { filled, askedRejected } = await this.fillSlots(turn, flow, probe, message, waiting.asking.slot);
    if (filled === 0 && !askedRejected) return false;
    waiting.vars = probe.vars;
    resume();
    if (askedRejected) await this.wrongAnswer(turn, flow, waiting);
    else await this.continueFlow(turn);
    return true;
  }

  /**
   * The other flow a message asks for while a free-text question waits, or undefined when it may
   * be the answer. It must be recognised surely (as sure as a request of its own in a message of
   * several parts) and give that flow a value for a slot the waiting flow does not have: "M码" is
   * surely a size question too, but it fills nothing of the size flow and answers "which colour
   * and size"; "175 140斤穿多大" gives the size flow a height and a weight. An order id given to a
   * flow that asked for proof of the order fills the same-named slot of both, so it stays the answer.
   */
  private async clearlyAnotherRequest(
    turn: TurnState,
    run: FlowRun,
    intent: string | null,
    message: MessageForSlots,
    ranking: IntentScore[],
  ): Promise<string | undefined> {
    if (intent === null) return undefined;
    const otherName = turn.flowSet.flowByIntent.get(intent);
    if (otherName === undefined || otherName === run.flow) return undefined;
    const confidence = ranking.find((s) => s.intent === intent)?.confidence ?? 0;
    if (confidence < PIECE_CONFIDENCE) return undefined;
    const other = turn.flowSet.flows.get(otherName)!;
    const waitingSlots = turn.flowSet.flows.get(run.flow)?.slots ?? {};
    const ownSlots = Object.fromEntries(Object.entries(other.slots ?? {}).filter(([name]) => !(name in waitingSlots)));
    const values = readSlotValues(ownSlots, message, null, {});
    for (const [name, value] of values) {
      const probe: FlowRun = { flow: otherName, pc: [0], vars: {}, asking: null, version: '', startedAt: turn.session.turnCount };
      if (await this.isValid(turn, ownSlots[name]!, value, probe)) return otherName;
    }
    return undefined;
  }

  private async startFlow(turn: TurnState, flowName: string, message: MessageForSlots, prefill: Record<string, unknown>): Promise<void> {
    const { session, flowSet } = turn;
    const flow = flowSet.flows.get(flowName)!;
    if (session.run) {
      delete session.run.offeredAt;
      session.suspended.push(session.run);
      if (session.suspended.length > MAX_SUSPENDED_FLOWS) session.suspended.shift();
    }
    const run: FlowRun = { flow: flowName, pc: [0], vars: {}, asking: null, version: flowSet.fingerprint(flowName), startedAt: session.turnCount };
    // Values from a button payload are checked like typed ones: a stale or forged button cannot set what a buyer could not.
    for (const [name, value] of Object.entries(prefill)) {
      const slot = flow.slots?.[name];
      const known = slot && (slot.type !== 'enum' || slot.values?.some((v) => v.id === value));
      if (known && (await this.isValid(turn, slot, value, run))) run.vars[name] = value;
    }
    session.run = run;
    await this.fillSlots(turn, flow, run, message, null);
    return this.continueFlow(turn);
  }

  /**
   * Fills every slot of the flow this message gives a valid value for. Reports how many it filled,
   * and whether the buyer answered the asked slot with a value that failed its validation.
   */
  private async fillSlots(
    turn: TurnState,
    flow: FlowDefinition,
    run: FlowRun,
    message: MessageForSlots,
    asked: string | null,
  ): Promise<{ filled: number; askedRejected: boolean }> {
    let filled = 0;
    let askedRejected = false;
    const values = readSlotValues(flow.slots ?? {}, message, asked, run.vars);
    // The asked slot first, so that its refusal is known whatever else the message filled.
    const names = [...values.keys()].sort((a, b) => Number(b === asked) - Number(a === asked));
    for (const name of names) {
      const value = values.get(name);
      if (await this.isValid(turn, flow.slots![name]!, value, run)) {
        run.vars[name] = value;
        filled++;
      } else if (name === asked) {
        askedRejected = true;
      }
    }
    return { filled, askedRejected };
  }

  private async isValid(turn: TurnState, slot: SlotDefinition, value: unknown, run: FlowRun): Promise<boolean> {
    if (!slot.validate) return true;
    try {
      return isTruthy(await turn.flowSet.expression(slot.validate).evaluate({ ...run.vars, value }));
    } catch (error) {
      this.options.logger.warn({ err: (error as Error).message, flow: run.flow }, 'slot validation expression failed');
      return false;
    }
  }

  private async wrongAnswer(turn: TurnState, flow: FlowDefinition, run: FlowRun): Promise<void> {
    const asking = run.asking!;
    const slot = flow.slots![asking.slot]!;
    asking.retries += 1;
    if (asking.retries > (slot.retries ?? DEFAULT_SLOT_RETRIES)) {
      return this.handOff(turn, 'slot_retries_exhausted', `no valid "${asking.slot}" after ${asking.retries} answers`);
    }
    turn.outcome = 'asked';
    return this.askSlot(turn, flow, asking.slot, 'reask');
  }

  private askSlot(turn: TurnState, flow: FlowDefinition, slotName: string, which: 'ask' | 'reask'): void {
    const slot = flow.slots![slotName]!;
    const reply = this.render(turn, (which === 'reask' && slot.reask) || slot.ask);
    // Asked again in a later turn: the choices an action offered are offered again.
    const offer = turn.session.run?.offer;
    if (turn.pendingButtons.length === 0 && offer?.length) turn.pendingButtons = offer;
    this.attachPendingButtons(turn, reply);
    if (!reply.buttons?.length) {
      const buttons = slotButtons(slot, turn.language);
      if (buttons.length > 0) reply.buttons = buttons;
    }
    turn.replies.push(reply);
    if (turn.session.run) turn.askedIn.set(turn.session.run, reply);
  }

  private async continueFlow(turn: TurnState): Promise<void> {
    let status: FlowStatus;
    try {
      status = await this.runSteps(turn);
    } catch (error) {
      const run = turn.session.run;
      // The shop's system is down or slow: say so kindly and let the buyer try again or ask a person.
      if (isCommerceUnavailable(error) && turn.flowSet.responses.has('commerce_unavailable')) {
        this.options.logger.warn({ err: (error as Error).message, flow: run?.flow }, 'commerce backend unavailable; told the buyer');
        turn.endedFlowVars = run ? { ...run.vars } : null;
        turn.session.run = null;
        turn.pendingButtons = [];
        return this.say(turn, 'commerce_unavailable');
      }
      this.options.logger.error({ err: (error as Error).message, flow: run?.flow }, 'flow failed; handing off');
      return this.handOff(turn, 'flow', `the flow "${run?.flow}" failed: ${(error as Error).message}`);
    }
    if (status === 'waiting') {
      turn.outcome = 'asked';
      return;
    }
    if (status === 'completed') {
      turn.endedFlowVars = { ...turn.session.run!.vars };
      turn.session.lastFlow = turn.session.run!.flow;
      turn.session.run = null;
      turn.outcome = 'completed';
      // The way back is offered once; after that the buyer can still answer the pending question, or press the button.
      const previous = turn.session.suspended.at(-1);
      if (previous && previous.offeredAt === undefined && !(turn.multiPart && previous.startedAt === turn.session.turnCount)) {
        previous.offeredAt = turn.session.turnCount;
        this.say(turn, 'offer_resume', { flow: { label: this.flowLabel(turn, previous.flow) } });
      }
    }
  }

  private flowLabel(turn: TurnState, flowName: string): string {
    const flow = turn.flowSet.flows.get(flowName)!;
    const trigger = Array.isArray(flow.trigger) ? flow.trigger[0] : flow.trigger;
    const label = flow.label ?? (trigger ? turn.flowSet.intents.get(trigger)?.label : undefined);
    return label?.[turn.language] ?? flowName;
  }

  /** Runs steps from the run's position until the flow waits for the buyer, ends or hands off. */
  private async runSteps(turn: TurnState): Promise<FlowStatus> {
    const { session, flowSet } = turn;
    for (let executed = 0; ; executed++) {
      const run = session.run!;
      if (executed > MAX_STEPS_PER_TURN) throw new FlowError(`more than ${MAX_STEPS_PER_TURN} steps without asking the buyer`);
      const flow = flowSet.flows.get(run.flow)!;
      const step = stepAt(flow.steps, run.pc);
      if (step === undefined) {
        if (!leaveBranch(run)) return 'completed';
        continue;
      }
      if (step === 'end') return 'completed';
      if ('say' in step) {
        this.say(turn, step.say);
      } else if ('ask' in step) {
        if (run.vars[step.ask] === undefined) {
          if (run.asking?.slot !== step.ask) run.asking = { slot: step.ask, retries: 0 };
          this.askSlot(turn, flow, step.ask, run.asking.retries > 0 ? 'reask' : 'ask');
          return 'waiting';
        }
        run.asking = null;
        delete run.offer;
      } else if ('set' in step) {
        for (const [name, expression] of Object.entries(step.set)) {
          run.vars[name] = await flowSet.expression(expression).evaluate(await this.expressionVariables(turn, run, expression));
        }
      } else if ('if' in step) {
        const condition = isTruthy(await flowSet.expression(step.if).evaluate(await this.expressionVariables(turn, run, step.if)));
        if (condition) {
          run.pc = [...run.pc, 'then', 0];
          continue;
        }
        if (step.else) {
          run.pc = [...run.pc, 'else', 0];
          continue;
        }
      } else if ('action' in step) {
        await this.runAction(turn, run, step.action, step.with);
      } else if ('goto' in step) {
        session.run = { flow: step.goto, pc: [0], vars: {}, asking: null, version: flowSet.fingerprint(step.goto) };
        continue;
      } else if ('handoff' in step) {
        // The detail may name the flow's values ("order {{order.id}}") so the agent sees them.
        const { reason, detail } = typeof step.handoff === 'string' ? { reason: 'flow' as const, detail: step.handoff } : step.handoff;
        this.handOff(turn, reason, detail === undefined ? undefined : renderTemplate(detail, this.templateView(turn, {})));
        return 'handed_off';
      }
      advance(run);
    }
  }

  private async runAction(turn: TurnState, run: FlowRun, name: string, args: Record<string, string> | undefined): Promise<void> {
    const action: ActionDefinition | undefined = turn.flowSet.actions.get(name);
    if (!action) throw new FlowError(`unknown action "${name}"`);
    const evaluated: Record<string, unknown> = {};
    for (const [arg, expression] of Object.entries(args ?? {})) {
      evaluated[arg] = await turn.flowSet.expression(expression).evaluate(await this.expressionVariables(turn, run, expression));
    }
    const result = await action.run({
      slots: run.vars,
      args: evaluated,
      language: turn.language,
      conversation: turn.message.conversation,
      context: turn.session.context,
      catalog: this.options.catalog,
      now: turn.message.receivedAt,
      orders: buyerOrders(this.options.orders ?? noOrders, turn.message.conversation, turn.session.provenOrder ?? null),
      ...(this.options.proofAttempts ? { proofAttempts: this.options.proofAttempts } : {}),
      afterSale: this.options.afterSale ?? DEFAULT_AFTER_SALE_POLICY,
      text: turn.message.text || turn.message.payload || '',
      memory: turn.session.memory ?? {},
      vocabulary: turn.flowSet.vocabulary,
      logger: this.options.logger,
    });
    for (const [key, value] of Object.entries(result.set ?? {})) {
      if (action.outputs.includes(key)) run.vars[key] = value;
    }
    if (result.buttons?.length) {
      turn.pendingButtons = result.buttons;
      run.offer = result.buttons;
    }
    if (result.cards?.length) turn.pendingCards = result.cards;
    if (result.remember) rememberForActions(turn.session, result.remember, this.options.logger);
    // Only a guest's conversation keeps a proven order; a buyer the channel vouches for has their own.
    if (result.provenOrder && turn.message.conversation.guest) turn.session.provenOrder = result.provenOrder;
    if (result.context?.productId && result.context.productId !== turn.session.context.productId) {
      turn.session.context.productId = result.context.productId;
      await this.loadProduct(turn);
    }
  }

  /** A product the buyer names or links to becomes the conversation's product (over the page they came from). */
  private async noticeProduct(turn: TurnState, text: string): Promise<void> {
    try {
      const mention = findProductMention(text, await this.options.catalog.listProducts());
      if (mention) turn.session.context.productId = mention.id;
    } catch (error) {
      this.options.logger.warn({ err: (error as Error).message }, 'catalog unavailable; product names not recognised this turn');
    }
  }

  /** Never mind: the running flow (or the one waiting to be resumed) is dropped, and the buyer is told which. */
  private async cancel(turn: TurnState): Promise<void> {
    const { session } = turn;
    turn.outcome = 'cancelled';
    const dropped = session.run ?? session.suspended.at(-1);
    if (!dropped) return this.say(turn, 'nothing_to_cancel');
    const label = this.flowLabel(turn, dropped.flow);
    turn.endedFlowVars = { ...dropped.vars };
    session.run = null;
    session.suspended = [];
    return this.say(turn, 'cancelled', { flow: { label } });
  }

  private notUnderstood(turn: TurnState, ranking: IntentScore[]): void {
    const { session, flowSet } = turn;
    session.misses += 1;
    if (session.misses >= MISSES_BEFORE_HANDOFF) {
      session.misses = 0;
      return this.handOff(turn, 'not_understood', 'two messages in a row not understood');
    }
    turn.outcome = 'not_understood';
    const suggested = ranking.filter((r) => flowSet.flowByIntent.has(r.intent)).slice(0, SUGGESTIONS).map((r) => r.intent);
    // With nothing close enough to suggest, a person is always an option the buyer can take.
    if (suggested.length === 0) suggested.push('human_agent');
    const suggestions: Button[] = suggested.map((intent) => ({ title: flowSet.intents.get(intent)!.label[turn.language], payload: `/${intent}` }));
    const reply = this.render(turn, 'not_understood');
    reply.buttons = [...suggestions, ...(reply.buttons ?? [])];
    turn.replies.push(reply);
  }

  private handOff(turn: TurnState, reason: HandoffReason, detail?: string): void {
    const { session, message } = turn;
    const flow = session.run?.flow;
    // The order the flow is about (its order_id), when the channel did not name one.
    const flowOrder = session.run?.vars.order_id;
    const orderId = session.context.orderId ?? (typeof flowOrder === 'string' ? flowOrder : undefined);
    if (session.run) turn.endedFlowVars = { ...session.run.vars };
    session.handoff = { reason, since: message.receivedAt };
    session.run = null;
    session.suspended = [];
    turn.outcome = 'handed_off';
    turn.handoffReason = reason;
    const notice = this.options.handoffNotice?.(message.receivedAt, session.language, turn.flowSet.vocabulary);
    if (notice && turn.flowSet.responses.has(notice.response)) this.say(turn, notice.response, notice.vars);
    else this.say(turn, 'handoff');
    turn.handoff = {
      conversation: message.conversation,
      ...(message.buyerName ? { buyerName: message.buyerName } : {}),
      language: session.language,
      reason,
      ...(detail ? { detail } : {}),
      ...(flow ? { flow } : {}),
      ...(orderId ? { orderId } : {}),
      ...(session.context.productId ? { productId: session.context.productId } : {}),
      lastTurns: [...session.turns],
      at: message.receivedAt,
    };
  }

  private async loadProduct(turn: TurnState): Promise<void> {
    const id = turn.session.context.productId;
    if (!id) return;
    try {
      turn.product = await this.options.catalog.getProduct(id);
    } catch (error) {
      this.options.logger.warn({ err: (error as Error).message }, 'catalog unavailable; answering without product details');
    }
  }

  /** What expressions and templates can read: the flow's variables (enum slots as their labels in templates). */
  private variables(turn: TurnState, run: FlowRun | null): Record<string, unknown> {
    const product = turn.product
      ? { id: turn.product.id, name: turn.product.name[turn.language], price: turn.product.price, currency: turn.product.currency, url: turn.product.url }
      : null;
    return {
      ...(run?.vars ?? {}),
      product,
      shop: { name: this.options.shopName[turn.language] },
      buyer: { name: turn.message.buyerName ?? null },
    };
  }

  /** The variables of an expression: buyer.tags is read (once a turn) only when the expression names it. */
  private async expressionVariables(turn: TurnState, run: FlowRun | null, expression: string): Promise<Record<string, unknown>> {
    const variables = this.variables(turn, run);
    if (!/\bbuyer\s*\.\s*tags\b/.test(expression)) return variables;
    const read = this.options.buyerTags;
    turn.buyerTags ??= read ? read(turn.message.conversation).catch(() => []) : Promise.resolve([]);
    return { ...variables, buyer: { ...(variables.buyer as object), tags: await turn.buyerTags } };
  }

  private templateView(turn: TurnState, extra: Record<string, unknown>): Record<string, unknown> {
    const run = turn.session.run;
    const view = this.variables(turn, run);
    const slots = run ? turn.flowSet.flows.get(run.flow)?.slots ?? {} : {};
    for (const [name, slot] of Object.entries(slots)) {
      const value = run!.vars[name];
      if (slot.type === 'enum' && value !== undefined) {
        view[name] = slot.values?.find((v) => v.id === value)?.label[turn.language] ?? value;
      }
    }
    return { ...view, ...extra };
  }

  private render(turn: TurnState, responseName: string, extra: Record<string, unknown> = {}): Reply {
    const variations = turn.flowSet.responses.get(responseName);
    if (!variations) throw new FlowError(`unknown response "${responseName}"`);
    const seed = `${turn.message.conversation.conversationId}:${turn.session.turnCount}:${responseName}`;
    return renderVariation(pickVariation(variations, seed), turn.language, this.templateView(turn, extra));
  }

  private say(turn: TurnState, responseName: string, extra: Record<string, unknown> = {}): void {
    const reply = this.render(turn, responseName, extra);
    this.attachPendingButtons(turn, reply);
    turn.replies.push(reply);
    // Cards follow the reply that introduces them ("给您挑了这几款:").
    for (const { text, card, buttons } of turn.pendingCards) turn.replies.push({ text, card, ...(buttons?.length ? { buttons } : {}) });
    turn.pendingCards = [];
  }

  private attachPendingButtons(turn: TurnState, reply: Reply): void {
    if (turn.pendingButtons.length === 0) return;
    reply.buttons = [...turn.pendingButtons, ...(reply.buttons ?? [])];
    turn.pendingButtons = [];
  }
}

/** Merges what an action remembers into the session; null forgets a key; an oversized memory is not kept. */
function rememberForActions(session: Session, remember: Record<string, unknown>, logger: Logger): void {
  const memory = { ...session.memory };
  for (const [key, value] of Object.entries(remember)) {
    if (value === null || value === undefined) delete memory[key];
    else memory[key] = value;
  }
  if (JSON.stringify(memory).length > MAX_MEMORY_CHARS) {
    logger.warn({ keys: Object.keys(remember) }, 'action memory over its size limit; not kept');
    return;
  }
  session.memory = memory;
}

/** What the bot said since the buyer's previous message: the question a short answer answers. */
function lastQuestion(session: Session): string {
  const said: string[] = [];
  // The buyer's current message is the last turn already.
  for (let i = session.turns.length - 2; i >= 0 && session.turns[i]!.from === 'bot'; i--) said.unshift(session.turns[i]!.text);
  return said.join('\n');
}

/**
 * Short replies the recogniser is not asked to judge: a message that only says never mind ("先不",
 * "别了", "不用了") is `cancel`; a bare "no" with nothing else understood is too.
 */
function shortReplyIntent(text: string, recognised: string | null): string | null {
  if (recognised === 'human_agent') return recognised;
  if (isNeverMind(text)) return 'cancel';
  if (recognised === null && isShortReply(text) && readYesNo(text) === 'no') return 'cancel';
  return recognised;
}

/** The step at a position such as [2, "then", 0], or undefined past the end of its list. */
export function stepAt(steps: Step[], pc: FlowRun['pc']): Step | undefined {
  let list: Step[] | undefined = steps;
  for (let i = 0; i < pc.length; i += 2) {
    const step: Step | undefined = list?.[pc[i] as number];
    if (i + 1 >= pc.length) return step;
    const branch = pc[i + 1] as 'then' | 'else';
    list = typeof step === 'object' && step && 'if' in step ? (branch === 'then' ? step.then : step.else) : undefined;
  }
  return undefined;
}

function advance(run: FlowRun): void {
  const last = run.pc.length - 1;
  run.pc[last] = (run.pc[last] as number) + 1;
}

/** At the end of a branch: continue after its "if" step. False when the flow's own list ended. */
function leaveBranch(run: FlowRun): boolean {
  if (run.pc.length < 3) return false;
  run.pc = run.pc.slice(0, -2);
  advance(run);
  return true;
}
