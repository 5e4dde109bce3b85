// The merchant's words that actions use: what the bot calls an order status, a carrier, a tracking
// event, a stock band or a weekday, and which words buyers use for a product fact or a shipping
// topic. They live in the `vocabulary:` part of the flow files (defaults in flows/), not in code,
// so a shop changes them as it changes its responses. Each part is defined once across the files.

import type { LocalText } from '../messages.ts';

/** A product fact buyers ask about: its name in answers, and the words that ask for it. */
export interface FactTopic {
  label: LocalText;
  /** Words and phrases that ask about it, in any script or language (matched on simplified, lower-case text). */
  words: string[];
  /**
   * Catalog attributes that answer it, first present wins; defaults to the attribute named like the
   * topic. "成分" of a T-shirt is its material, of a snack its ingredients.
   */
  answered_by?: string[];
}

export interface ProductFactsVocabulary {
  /**
   * A message the recogniser does not understand, which asks about one of these topics or about the
   * data of the product in view, is taken as this intent (the flow that calls `product_facts`).
   */
  intent?: string;
  topics: Record<string, FactTopic>;
  /**
   * Groups of words that mean the same in a question and in the catalog's texts (掉色, 褪色, fade,
   * bleed): a question that names none of the topics is answered from the clause of an attribute
   * text that shares a group, or two content words, with it (dialogs/commerce/asked-facts.ts).
   */
  synonyms?: string[][];
}

export const SHIPPING_TOPICS = ['dispatch', 'courier', 'days', 'free'] as const;
export type ShippingTopic = (typeof SHIPPING_TOPICS)[number];

export interface ShippingVocabulary {
  /** Words that ask about each part of the shipping policy; the action sets `topic_<name>`. */
  topics: Record<ShippingTopic, string[]>;
  /** Places the policy never covers: asking about them goes to a person. */
  abroad: string[];
  /** After a number of days: "天", " days". */
  days_unit: LocalText;
}

export interface StockBand {
  /** The band applies from this many units up (the lowest band must start at 0: sold out). */
  from: number;
  text: LocalText;
}

export interface CommerceWording {
  /** Highest first; buyers see a band, never the count. */
  stock_bands: StockBand[];
  /** A size as buyers read it, with {{size}}: "{{size}}码", "{{size}}". */
  size_label: LocalText;
  /** A button that checks another option, with {{option}}: "看看 {{option}}". */
  check_button: LocalText;
}

export interface BusinessHoursWording {
  days: Record<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun', LocalText>;
  every_day: LocalText;
  /** Between the first and last day of a run: "周一至周五", "Mon–Fri". */
  through: LocalText;
}

/** The shopping guide's words (dialogs/shopping/product-search.ts): what narrows a search and what refines it. */
export interface ProductSearchVocabulary {
  /** Catalog category → words buyers use for it ("零食", "snacks"). */
  categories: Record<string, string[]>;
  /** Words that ask for cheaper ones than those shown. */
  cheaper: string[];
  /** Words that ask for dearer, better ones than those shown. */
  pricier: string[];
  /** Words that ask for others than those shown ("换一批"). */
  more: string[];
  /** Words that say who it is for or that it is a search, not what is searched ("送女朋友", "gift for"). */
  ignore: string[];
  /** The button under each product card, which asks about that product's stock. */
  card_button: LocalText;
}

export interface Vocabulary {
  product_facts?: ProductFactsVocabulary;
  product_search?: ProductSearchVocabulary;
  shipping?: ShippingVocabulary;
  commerce_wording?: CommerceWording;
  /** Order status → what the buyer reads ("待发货"). */
  order_statuses?: Record<string, LocalText>;
  /** Refund method → its name; `original` names the account paid with, for methods not listed. */
  refund_methods?: Record<string, LocalText>;
  /** Carrier code → its name. */
  carriers?: Record<string, LocalText>;
  /** Tracking event kind → what the buyer reads ("派送中"). */
  tracking_events?: Record<string, LocalText>;
  business_hours?: BusinessHoursWording;
}

export type VocabularyPart = keyof Vocabulary;
export const VOCABULARY_PARTS: readonly VocabularyPart[] = [
  'product_facts',
  'product_search',
  'shipping',
  'commerce_wording',
  'order_statuses',
  'refund_methods',
  'carriers',
  'tracking_events',
  'business_hours',
];

/** Where a part's defaults ship, for problems that say what is missing. */
export const DEFAULT_HOME: Record<VocabularyPart, string> = {
  product_facts: 'flows/product-info.yaml',
  product_search: 'flows/shopping-guide.yaml',
  shipping: 'flows/shipping.yaml',
  commerce_wording: 'flows/commerce-common.yaml',
  order_statuses: 'flows/after-sale/orders-common.yaml',
  refund_methods: 'flows/after-sale/orders-common.yaml',
  carriers: 'flows/after-sale/orders-common.yaml',
  tracking_events: 'flows/after-sale/track-order.yaml',
  business_hours: 'flows/handoff.yaml',
};

/**
 * A part an action relies on. The flow checks make sure every part a called action needs is
 * defined, so this only throws for a flow set built around the checks (the action then hands off).
 */
export function vocabularyPart<P extends VocabularyPart>(vocabulary: Vocabulary, part: P): NonNullable<Vocabulary[P]> {
  const found = vocabulary[part];
  if (!found) throw new Error(`the flows define no vocabulary.${part} (defaults: ${DEFAULT_HOME[part]})`);
  return found as NonNullable<Vocabulary[P]>;
}

/** A word of the vocabulary in a map, else the raw value (a status or carrier the shop has not named). */
export function wordFor(map: Record<string, LocalText> | undefined, key: string, language: keyof LocalText): string {
  return map?.[key]?.[language] ?? key;
}
