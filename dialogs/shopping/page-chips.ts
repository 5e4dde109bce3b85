// Question chips by page (issue 15 item 1): the merchant names, in the flow files' `chips:` part, the
// questions buyers ask on each kind of page (home, product, cart, order, after-sale), optionally only
// on some products' pages. The chat shows them when it opens there, so a buyer taps instead of typing.
// This picks a page's chips: those meant for this very product first, then the page kind's general
// ones, without repeats, in the order the merchant wrote them, at most MAX_CHIPS, titled in the
// buyer's language.

import { PAGE_KINDS, type Language, type LocalText, type PageKind } from '../messages.ts';

export { PAGE_KINDS, type PageKind } from '../messages.ts';
/** The chip lists of the flow files: one per page kind, and `typing`, offered only as the buyer types (typing-suggestions.ts). */
export type ChipListName = PageKind | 'typing';

/** One chip as the merchant writes it. */
export interface ChipDefinition {
  title: LocalText;
  /** What pressing it sends: "/intent_name" starts that intent, other text is read as typed. */
  payload: string;
  /** Only on these products' pages (the shop's product ids); absent: on every page of the kind. */
  products?: string[];
}

export type ChipsByPage = ReadonlyMap<ChipListName, readonly ChipDefinition[]>;

/** A chip as the page shows it. */
export interface Chip {
  title: string;
  payload: string;
}

/** Enough to pick from at a glance; more would push the conversation out of view on a phone. */
export const MAX_CHIPS = 6;

export function isPageKind(value: string): value is PageKind {
  return (PAGE_KINDS as readonly string[]).includes(value);
}

/** The page's buyers' most-asked intents (most-asked.ts) and how many chips they may take. */
export interface MostAsked {
  intents: readonly string[];
  count: number;
}

/**
 * With `mostAsked`, up to `count` chips for the intents this page's buyers asked most come first.
 * Their titles are the merchant's: a chip starting that intent from this page's list, else from any
 * other (another page kind's, or `typing`) that may show on this page, so only questions the shop
 * has worded are offered.
 */
export function chipsForPage(chips: ChipsByPage, page: PageKind, language: Language, productId?: string, mostAsked?: MostAsked): Chip[] {
  const all = chips.get(page) ?? [];
  const forProduct = productId ? all.filter((chip) => chip.products?.includes(productId)) : [];
  const general = all.filter((chip) => !chip.products || chip.products.length === 0);
  const picked: Chip[] = [];
  const seen = new Set<string>();
  for (const chip of [...askedMost(chips, page, productId, mostAsked), ...forProduct, ...general]) {
    if (seen.has(chip.payload)) continue;
    seen.add(chip.payload);
    picked.push({ title: chip.title[language], payload: chip.payload });
    if (picked.length === MAX_CHIPS) break;
  }
  return picked;
}

function askedMost(chips: ChipsByPage, page: PageKind, productId: string | undefined, mostAsked: MostAsked | undefined): ChipDefinition[] {
  if (!mostAsked || mostAsked.count <= 0) return [];
  const fits = (chip: ChipDefinition) => !chip.products || chip.products.length === 0 || (productId !== undefined && chip.products.includes(productId));
  // The page's own wording first ("几天能到" on a product page rather than the home page's "什么时候发货").
  const worded = [...(chips.get(page) ?? []), ...[...chips.values()].flat()].filter(fits);
  return mostAsked.intents
    .map((intent) => worded.find((chip) => chip.payload === `/${intent}`))
    .filter((chip): chip is ChipDefinition => chip !== undefined)
    .slice(0, mostAsked.count);
}
