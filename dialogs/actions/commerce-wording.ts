// Small pieces of wording that actions build from the shop's data, in the three languages the bot
// answers in: lists, dates, prices, stock bands, sizes and colours. Whole sentences stay in the
// flows' responses; the shop's words (bands, how a size reads) in the flows' vocabulary.

import type { Product } from '../commerce/catalog.ts';
import type { CommerceWording } from '../flows/vocabulary.ts';
import { renderTemplate } from '../flows/templates.ts';
import type { Language } from '../messages.ts';

export function joinList(items: readonly string[], language: Language): string {
  if (language !== 'en') return items.join('、');
  if (items.length <= 2) return items.join(' and ');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** An alternative list: "蓝色或白色" / "blue or white". */
export function joinAlternatives(items: readonly string[], language: Language): string {
  if (language !== 'en') return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join('、')}或${items.at(-1)}`;
  if (items.length <= 2) return items.join(' or ');
  return `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "12月20日" / "20 December" (with the year when it is not this year's). */
export function formatDate(isoDate: string, language: Language, now: number): string {
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  const thisYear = new Date(now).getUTCFullYear() === year;
  if (language === 'en') return `${day} ${MONTHS[month - 1]}${thisYear ? '' : ` ${year}`}`;
  return `${thisYear ? '' : `${year}年`}${month}月${day}日`;
}

const CURRENCY_SIGNS: Record<string, string> = { CNY: '¥', HKD: 'HK$', TWD: 'NT$', USD: 'US$', EUR: '€', GBP: '£' };

export function formatMoney(amount: number, currency: string): string {
  const sign = CURRENCY_SIGNS[currency];
  const number = Number.isInteger(amount) ? String(amount) : amount.toFixed(2).replace(/0$/, '');
  return sign ? `${sign}${number}` : `${number} ${currency}`;
}

/** Buyers see a band, never the count: it leaks nothing to competitors and stays true a while longer. */
export function stockBand(stock: number, language: Language, wording: CommerceWording): string {
  const bands = wording.stock_bands;
  return (bands.find((band) => stock >= band.from) ?? bands.at(-1)!).text[language];
}

/** "M码" / "M", as the shop's `size_label` says. */
export function sizeLabel(size: string, language: Language, wording: CommerceWording): string {
  return renderTemplate(wording.size_label[language], { size });
}

/** A colour id as the buyer reads it ("white" → "白色"); the id itself when the product does not list it. */
export function colourName(product: Product | null, id: string, language: Language): string {
  return product?.colours.find((c) => c.id === id)?.name[language] ?? id;
}

/** A variant as the buyer reads it: "白色M码" / "White M"; either part may be absent. */
export function describeVariant(product: Product | null, colour: string | null | undefined, size: string | null | undefined, language: Language, wording: CommerceWording): string {
  const parts = [colour ? colourName(product, colour, language) : '', size ? sizeLabel(size, language, wording) : ''].filter(Boolean);
  return parts.join(language === 'en' ? ' ' : '');
}
