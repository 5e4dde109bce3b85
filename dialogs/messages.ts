// The message model every channel is normalised to, and the replies the core sends back.
// Channels (web chat, marketplace IM, Slack relays) translate to and from these shapes;
// nothing in here knows about any one platform.

/** The languages and scripts a buyer can be answered in. */
export type Language = 'zh-Hans' | 'zh-Hant' | 'en';
export const LANGUAGES: readonly Language[] = ['zh-Hans', 'zh-Hant', 'en'];

/** A text a buyer may see, in every language the shop answers in. */
export type LocalText = Record<Language, string>;

/** Identifies one conversation on one channel. */
export interface ConversationRef {
  /** The channel's name, e.g. "webchat", "lazada". */
  channel: string;
  /** The channel's own id for the conversation (unique within the channel). */
  conversationId: string;
  /** The channel's id for the buyer; orders are looked up by it, never by anything the buyer types. */
  buyerId: string;
  /**
   * True when nobody vouches for the buyer: a web chat visitor without the shop's signed identity
   * (buyerId is then the conversation's own id). A guest reaches no order but one it has proven
   * (dialogs/commerce/buyer-orders.ts). Channels whose platform signs the buyer leave it out.
   */
  guest?: true;
}

/** One message from a buyer, as every channel hands it to the core. */
export interface InboundMessage {
  /** The platform's message id: a redelivery with the same id is handled once. */
  id: string;
  conversation: ConversationRef;
  /** What the buyer typed (may be empty when a button was pressed). */
  text: string;
  /** The payload of a pressed button, if any (see docs/flows.md, "Buttons and payloads"). */
  payload?: string;
  /** Where the buyer wrote from: a product page, an order card. */
  context?: MessageContext;
  /** The buyer's display name, when the channel knows it (shown to agents, never to other buyers). */
  buyerName?: string;
  /** Milliseconds since the epoch when the channel received it. */
  receivedAt: number;
  /**
   * The sender's number for this message in its conversation, 1, 2, 3… (the web chat page's `seq`):
   * a message is not begun before the one numbered just before it, for a short while
   * (ConversationService), so messages sent a few milliseconds apart are handled in send order.
   */
  sequence?: number;
}

/** The kinds of shop page a buyer can write from (question chips are written per kind). */
export const PAGE_KINDS = ['home', 'product', 'cart', 'order', 'after_sale'] as const;
export type PageKind = (typeof PAGE_KINDS)[number];

export interface MessageContext {
  productId?: string;
  orderId?: string;
  /** The kind of page the buyer writes from, when the channel knows it (the web chat's `page`). */
  page?: PageKind;
}

/** The page kind a message comes from: the one the channel named, else what its card shows. */
export function pageOf(context: MessageContext | undefined): PageKind | null {
  return context?.page ?? (context?.productId ? 'product' : context?.orderId ? 'order' : null);
}

export interface Button {
  title: string;
  /** Sent back as the message's payload when pressed. */
  payload: string;
}

export interface Card {
  title: string;
  subtitle?: string;
  imageUrl?: string;
  url?: string;
  /** The product the card shows: marketplaces render it as their own product card. */
  productId?: string;
  /** The order the card shows: marketplaces render it as their own order card. */
  orderId?: string;
}

/** One reply bubble. Channels that cannot show buttons render them as numbered options. */
export interface Reply {
  text: string;
  buttons?: Button[];
  card?: Card;
}

/** Why a conversation was handed to a person; agents see it on the hand-off card. */
export type HandoffReason =
  | 'asked_for_human'
  | 'not_understood'
  | 'flow'
  | 'complaint'
  | 'negative_sentiment'
  | 'logistics_exception'
  | 'slot_retries_exhausted';

/** One line of the transcript kept in the session (the last few, for hand-offs and context). */
export interface Turn {
  from: 'buyer' | 'bot' | 'agent';
  text: string;
  at: number;
}
