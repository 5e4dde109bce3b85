// Actions are the code side of flows: a flow step `action: recommend_size` runs the action of that
// name, which reads slots and the shop's data through the ports and returns values for the flow.
// Merchants cannot write actions in YAML (flows run no code); developers register them here.

import type { AfterSalePolicy } from '../commerce/after-sale-policy.ts';
import type { BuyerOrders, ProvenOrder } from '../commerce/buyer-orders.ts';
import type { ProofAttempts } from '../commerce/order-proof.ts';
import type { Button, Card, ConversationRef, Language, MessageContext } from '../messages.ts';
import type { Vocabulary, VocabularyPart } from '../flows/vocabulary.ts';
import type { Catalog, Logger } from '../ports.ts';

export interface ActionContext {
  /** The flow's slots and variables so far. */
  slots: Readonly<Record<string, unknown>>;
  /** The step's `with:` arguments, evaluated. */
  args: Readonly<Record<string, unknown>>;
  language: Language;
  conversation: ConversationRef;
  context: Readonly<MessageContext>;
  catalog: Catalog;
  now: number;
  /** The orders this conversation may reach (after-sale actions): the buyer is already chosen. */
  orders: BuyerOrders;
  /** Failed order-proof tries of guests, shared by every process (absent: guests cannot prove an order). */
  proofAttempts?: ProofAttempts;
  /** The shop's after-sale rules (return window, stalled parcels, refund times). */
  afterSale: AfterSalePolicy;
  /** The buyer's message of this turn (the text, or the pressed button's payload). */
  text: string;
  /** What actions remembered earlier in this conversation (ActionResult.remember), e.g. the last product search. */
  memory: Readonly<Record<string, unknown>>;
  /** The shop's words from the flow files' `vocabulary:` parts. */
  vocabulary: Vocabulary;
  logger: Logger;
}

export interface ActionResult {
  /** Values stored into the flow's variables (must be among the action's declared outputs). */
  set?: Record<string, unknown>;
  /** Buttons built from the shop's data (e.g. one per colour in stock), added to the flow's next reply this turn. */
  buttons?: Button[];
  /** Changes the conversation's context, e.g. the product a buyer switched to with a button. */
  context?: Partial<MessageContext>;
  /** A guest proved this order (prove_order): the conversation reaches it, and only it, from now on. */
  provenOrder?: ProvenOrder;
  /** Cards built from the shop's data (products found), each sent as its own reply after the flow's next reply this turn. */
  cards?: CardReply[];
  /**
   * Kept in the conversation's session for later turns and other flows (a `goto` starts with empty
   * variables): merged into ActionContext.memory by key; a key set to null is forgotten.
   */
  remember?: Record<string, unknown>;
}

/** A card with the buttons under it; `text` is what channels without cards show instead. */
export interface CardReply {
  text: string;
  card: Card;
  buttons?: Button[];
}

export interface ActionDefinition {
  name: string;
  /** One line for merchants, shown by `npm run flows -- actions` and in docs. */
  description: string;
  /** Variables the action may set; flows and templates may read them after the step. */
  outputs: readonly string[];
  /** Vocabulary parts the action reads; the flow checks require them wherever a flow calls it. */
  vocabulary?: readonly VocabularyPart[];
  run(context: ActionContext): Promise<ActionResult>;
}
